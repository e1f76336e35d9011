"""Helpers shared by the reverse-ETL tests (imported by name: tests are not a package)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


class Warehouse:
    """A DuckDB file with helpers to (re)define source models and read state tables."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.path)) as conn:
            cursor = conn.execute(sql, params or [])
            return cursor.fetchall() if cursor.description else []

    def set_rows(self, table: str, rows: Sequence[dict[str, Any]], types: dict[str, str]) -> None:
        """Replace `main.<table>` with `rows` (columns and DuckDB types from `types`)."""
        cols = ", ".join(f'"{c}" {t}' for c, t in types.items())
        with duckdb.connect(str(self.path)) as conn:
            conn.execute(f'create or replace table main."{table}" ({cols})')
            if rows:
                names = list(types)
                conn.executemany(
                    f'insert into main."{table}" values ({", ".join("?" for _ in names)})',
                    [[row.get(n) for n in names] for row in rows],
                )

    def runs(self, sync_name: str) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.path)) as conn:
            cursor = conn.execute(
                "select * from main.sync_runs where sync_name = ? order by started_at, run_id", [sync_name]
            )
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def state_keys(self, sync_name: str) -> set[str]:
        return {
            r[0]
            for r in self.execute("select record_key from main.sync_state where sync_name = ?", [sync_name])
        }


def pg_rows(sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


CUSTOMER_TYPES = {
    "customer_id": "VARCHAR",
    "email": "VARCHAR",
    "first_name": "VARCHAR",
    "ltv": "DECIMAL(12,2)",
}


def customers(n: int, start: int = 0, **overrides: Any) -> list[dict[str, Any]]:
    """`n` simple customer rows `c00000`, `c00001`... with an email, a first name and a lifetime value."""
    rows = []
    for i in range(start, start + n):
        row = {
            "customer_id": f"c{i:05d}",
            "email": f"user{i}@example.com",
            "first_name": f"Name{i}",
            "ltv": i * 10,
        }
        row.update(overrides)
        rows.append(row)
    return rows
