"""The sync of the largest audience to Postgres and its floor, a raw `COPY` of the same rows.

Both write into tables of the benchmark's own schema, created empty and with the same columns and
primary key, so the only difference is what the sync does around the copy (planning, diffing, batching,
merging, checkpointing its state).
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
import yaml

from reverse_etl import run_syncs

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
_COPY_CHUNK = 1 << 20
_FETCH_ROWS = 50_000


@dataclass
class SyncFigures:
    """One sync run: rows sent (added + changed + removed + rejected) and its wall time."""

    rows: int
    seconds: float
    rows_added: int
    rows_changed: int
    rows_removed: int
    rows_failed: int

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def reachable(dsn: str) -> str | None:
    """None when Postgres answers at `dsn`, else the reason it does not."""
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.Error as exc:
        return f"Postgres at {dsn} is unreachable: {str(exc).strip().splitlines()[0]}"
    return None


def bench_schema() -> str:
    """A schema name of this process's own, so parallel runs never share tables."""
    return f"tessera_bench_{os.getpid()}"


def reset_schema(dsn: str, schema: str, *, create: bool) -> None:
    """Drop `schema` with everything in it; create it again empty when `create`."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{schema}" cascade')
        if create:
            conn.execute(f'create schema "{schema}"')


def write_sync_config(path: Path, name: str, audience: str, dsn: str, schema: str) -> Path:
    """A syncs.yml with one mirror sync of `audience` to `<schema>.<audience>`, all its columns."""
    config = {
        "syncs": [
            {
                "name": name,
                "source": audience,
                "mode": "mirror",
                "primary_key": "customer_id",
                "destination": {"type": "postgres", "dsn": dsn, "table": f"{schema}.{audience}"},
            }
        ]
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def run_sync(db_path: Path, config_path: Path, name: str) -> SyncFigures:
    """Run the sync once; raises RuntimeError when it does not succeed."""
    started = time.perf_counter()
    [result] = run_syncs(db_path, config_path, [name])
    seconds = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"sync {name} {result.status}: {result.error}")
    rows = result.rows_added + result.rows_changed + result.rows_removed + result.rows_failed
    return SyncFigures(
        rows, seconds, result.rows_added, result.rows_changed, result.rows_removed, result.rows_failed
    )


def repeat_first_sync(
    db_path: Path, config_path: Path, name: str, dsn: str, schema: str, table: str
) -> float:
    """Run the sync again from scratch (its destination table dropped, its rows of sync state deleted; the
    sync writes both again) and return its wall time: one more sample of the same work."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'drop table if exists "{schema}"."{table}"')
    with duckdb.connect(str(db_path)) as con:
        for state_table in ("sync_state", "sync_rejections"):
            con.execute(f"delete from main.{state_table} where sync_name = ?", [name])
    return run_sync(db_path, config_path, name).seconds


def table_rows(dsn: str, schema: str, table: str) -> int:
    """Rows in a Postgres table."""
    with psycopg.connect(dsn) as conn:
        return conn.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]


def _empty_copy_of(dsn: str, schema: str, table: str, suffix: str) -> tuple[str, list[str]]:
    """Create `<table><suffix>` empty like the sync's table (columns, primary key); return it, its columns."""
    target = f"{table}{suffix}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        columns = [
            row[0]
            for row in conn.execute(
                "select column_name from information_schema.columns where table_schema = %s "
                "and table_name = %s order by ordinal_position",
                [schema, table],
            ).fetchall()
        ]
        conn.execute(f'drop table if exists "{schema}"."{target}"')
        conn.execute(f'create table "{schema}"."{target}" (like "{schema}"."{table}" including all)')
    return target, columns


def _delivered_rows_sql(audience: str, sync_name: str, column_list: str) -> str:
    """The audience rows the sync delivered (the suppression list and consent keep some out of every sync)."""
    return (
        f'select {column_list} from "{audience}" where customer_id in '
        f"(select record_key from main.sync_state where sync_name = '{sync_name}')"
    )


def copy_floor(
    db_path: Path, dsn: str, schema: str, audience: str, workdir: Path, sync_name: str
) -> dict[str, object]:
    """Time the plainest way to move the rows the sync sent into Postgres: DuckDB writes them as CSV, one
    `COPY ... FROM STDIN` streams the bytes into an empty copy (`like ... including all`) of the sync's table.

    Returns rows, seconds (export + copy) and both parts.
    """
    target, columns = _empty_copy_of(dsn, schema, audience, "__copy_floor")
    csv_path = workdir / f"{target}.csv"
    column_list = ", ".join(f'"{c}"' for c in columns)

    started = time.perf_counter()
    with duckdb.connect(str(db_path)) as con:
        con.execute(
            f"copy ({_delivered_rows_sql(audience, sync_name, column_list)}) to '{csv_path}' "
            "(format csv, header false)"
        )
    exported = time.perf_counter()
    statement = f'copy "{schema}"."{target}" ({column_list}) from stdin (format csv)'
    with psycopg.connect(dsn) as conn:
        with conn.cursor().copy(statement) as copy, open(csv_path, "rb") as source:
            _stream(source, copy)
        conn.commit()
    finished = time.perf_counter()
    csv_path.unlink(missing_ok=True)
    return {
        "rows": table_rows(dsn, schema, target),
        "seconds": finished - started,
        "export_seconds": exported - started,
        "copy_seconds": finished - exported,
    }


def write_row_copy(db_path: Path, dsn: str, schema: str, audience: str, sync_name: str) -> dict[str, float]:
    """The rows the sync sent, fetched from a DuckDB cursor and sent with psycopg's `copy.write_row` (what
    benchmarks/sync_postgres.py calls raw COPY): a slower floor that pays Python per row like the sync does.
    Returns rows, seconds and rows/s."""
    target, columns = _empty_copy_of(dsn, schema, audience, "__copy_rows")
    column_list = ", ".join(f'"{c}"' for c in columns)
    started = time.perf_counter()
    with duckdb.connect(str(db_path)) as con, psycopg.connect(dsn) as conn:
        cursor = con.execute(_delivered_rows_sql(audience, sync_name, column_list))
        with conn.cursor().copy(f'copy "{schema}"."{target}" ({column_list}) from stdin') as copy:
            while rows := cursor.fetchmany(_FETCH_ROWS):
                for row in rows:
                    copy.write_row(row)
        conn.commit()
    seconds = time.perf_counter() - started
    rows = table_rows(dsn, schema, target)
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds if seconds > 0 else 0.0}


def _stream(source: io.BufferedReader, copy: psycopg.Copy) -> None:
    while chunk := source.read(_COPY_CHUNK):
        copy.write(chunk)
