"""A small warehouse for audience and profile tests: raw rows written with SQL, the real dbt project on top.

The project is copied into the test's temp folder so tests can add audience files without touching the
repo; dbt runs in-process against a temp DuckDB file with target and logs in the temp folder too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import yaml
from dbt.cli.main import dbtRunner
from project_copy import copy_dbt_project

from cdp.segments_profile import connect_warehouse
from ingest.schema import RAW_TABLES, ensure_raw_schema

#: Reference time of every build in the tests, so windows do not depend on the fixtures' latest event.
AS_OF = "2026-11-01 00:00:00"
_FIRST_LOAD = datetime(2026, 11, 2)


@dataclass
class DbtOutcome:
    """What one dbt invocation did."""

    success: bool
    messages: dict[str, str]


@dataclass
class Warehouse:
    """A temp DuckDB file with the raw schema and a private copy of the dbt project."""

    db_path: Path
    project_dir: Path
    work_dir: Path
    loads: int = 0

    @classmethod
    def create(cls, work_dir: Path) -> Warehouse:
        """A fresh warehouse (every raw table, empty) and project copy in `work_dir`."""
        work_dir.mkdir(parents=True, exist_ok=True)
        project_dir = work_dir / "dbt_project"
        copy_dbt_project(project_dir)
        db_path = work_dir / "warehouse.duckdb"
        with duckdb.connect(str(db_path)) as con:
            ensure_raw_schema(con)
        return cls(db_path=db_path, project_dir=project_dir, work_dir=work_dir)

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Land `rows` (source column -> value; dict/list values become JSON) as one new load of `table`."""
        raw = RAW_TABLES[table]
        self.loads += 1
        loaded_at = _FIRST_LOAD + timedelta(minutes=self.loads)
        columns = list(raw.all_columns)
        values = []
        for row_number, row in enumerate(rows, start=1):
            unknown = set(row) - set(raw.columns)
            if unknown:
                raise ValueError(f"raw.{table} has no column(s) {sorted(unknown)}")
            source_values = [
                json.dumps(row.get(c)) if isinstance(row.get(c), dict | list) else row.get(c)
                for c in raw.columns
            ]
            record = json.dumps(dict(row), default=str)
            values.append(
                [*source_values, record, f"{table}/load-{self.loads}.jsonl", row_number, loaded_at, "t"]
            )
        placeholders = ", ".join("?" for _ in columns)
        with duckdb.connect(str(self.db_path)) as con:
            con.executemany(f"insert into {raw.qualified_name} values ({placeholders})", values)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a query against the warehouse."""
        with connect_warehouse(self.db_path) as con:
            return con.execute(sql, params or []).fetchall()

    def customer_with_email(self, email: str) -> str:
        """The customer id holding `email` (from customer_identifiers)."""
        return self.query(
            "select customer_id from main.customer_identifiers"
            " where identifier_type = 'email' and identifier_value = ?",
            [email],
        )[0][0]

    def dbt(self, *args: str, dbt_vars: Mapping[str, Any] | None = None, check: bool = True) -> DbtOutcome:
        """Run `dbt <args>` on the project copy (as_of pinned to AS_OF unless `dbt_vars` says otherwise)."""
        full = [
            *args,
            "--project-dir", str(self.project_dir),
            "--profiles-dir", str(self.project_dir),
            "--target-path", str(self.project_dir / "target"),
            "--log-path", str(self.work_dir / "logs"),
            "--vars", json.dumps({"as_of": AS_OF, **(dbt_vars or {})}),
            "--quiet",
        ]  # fmt: skip
        previous = {k: os.environ.get(k) for k in ("TESSERA_DB", "TESSERA_TARGET", "TESSERA_THREADS")}
        os.environ.update(
            {"TESSERA_DB": str(self.db_path), "TESSERA_TARGET": "duckdb", "TESSERA_THREADS": "2"}
        )
        try:
            result = dbtRunner().invoke(full)
        finally:
            for key, value in previous.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        messages = {
            r.node.name: f"{r.status}: {r.message}" for r in (getattr(result.result, "results", None) or [])
        }
        failed = {k: v for k, v in messages.items() if v.split(":")[0] not in ("success", "pass", "skipped")}
        outcome = DbtOutcome(bool(result.success) and not failed, messages)
        if check and not outcome.success:
            raise AssertionError(f"dbt {args[0]} failed: {result.exception or ''} {failed}")
        return outcome

    def set_audiences_folder_materialization(self) -> None:
        """Give the copy's dbt_project.yml `marts: audiences: +materialized: audience` (the lead's line)."""
        path = self.project_dir / "dbt_project.yml"
        project = yaml.safe_load(path.read_text())
        marts = project["models"]["tessera"].setdefault("marts", {})
        marts.setdefault("audiences", {})["+materialized"] = "audience"
        path.write_text(yaml.safe_dump(project, sort_keys=False))

    def add_audience(self, name: str, sql: str, yml: str | None = None) -> Path:
        """Write an audience model (and optionally its own YAML file) into the project copy."""
        folder = self.project_dir / "models" / "marts" / "audiences"
        path = folder / f"{name}.sql"
        path.write_text(sql)
        if yml is not None:
            (folder / f"_{name}.yml").write_text(yml)
        return path


# Raw row builders ----------------------------------------------------------------------------------------


def shopify_order(
    order_id: int,
    email: str,
    total: str,
    created_at: str,
    *,
    first_name: str | None = None,
    city: str | None = None,
    cancelled_at: str | None = None,
    updated_at: str | None = None,
    currency: str = "USD",
) -> dict[str, Any]:
    """A raw.shopify_orders row."""
    return {
        "id": str(order_id),
        "email": email,
        "created_at": created_at,
        "updated_at": updated_at or created_at,
        "currency": currency,
        "total_price": total,
        "financial_status": "paid",
        "cancelled_at": cancelled_at,
        "customer_first_name": first_name,
        "billing_address": {"city": city, "country_code": "US"} if city else None,
        "line_items": [{"id": order_id * 10, "title": "Scarf", "quantity": 1, "price": total}],
    }


def pos_line(transaction_id: str, email: str, amount: str, occurred_at: str) -> dict[str, Any]:
    """A raw.pos_sales row of one unit."""
    return {
        "transaction_id": transaction_id,
        "store_id": "S1",
        "occurred_at": occurred_at,
        "email": email,
        "sku": "SKU-1",
        "quantity": "1",
        "unit_price": amount,
        "currency": "USD",
    }


def segment_track(
    message_id: str, user_id: str, event: str, timestamp: str, *, email: str | None = None, **properties: Any
) -> dict[str, Any]:
    """A raw.segment_events track call from the web."""
    return {
        "message_id": message_id,
        "type": "track",
        "event": event,
        "user_id": user_id,
        "timestamp": timestamp,
        "context": {"traits": {"email": email}} if email else None,
        "properties": properties or None,
    }


def segment_identify(
    message_id: str, user_id: str, timestamp: str, *, email: str | None = None, **traits: Any
) -> dict[str, Any]:
    """A raw.segment_events identify call."""
    return {
        "message_id": message_id,
        "type": "identify",
        "user_id": user_id,
        "timestamp": timestamp,
        "traits": {"email": email, **traits} if email else traits,
    }


def esp_event(event_id: str, email: str, event: str, when: datetime) -> dict[str, Any]:
    """A raw.esp_events row (timestamp in epoch seconds)."""
    epoch = int((when - datetime(1970, 1, 1)).total_seconds())
    return {
        "sg_event_id": event_id,
        "sg_message_id": "m1",
        "email": email,
        "timestamp": str(epoch),
        "event": event,
    }


def consent(email: str, purpose: str, status: str, occurred_at: str) -> dict[str, Any]:
    """A raw.consent_events row."""
    return {
        "email": email,
        "purpose": purpose,
        "status": status,
        "occurred_at": occurred_at,
        "source": "test",
    }


def nps(response_id: str, email: str, score: int, created_at: str) -> dict[str, Any]:
    """A raw.nps_responses row."""
    return {"id": response_id, "email": email, "score": str(score), "created_at": created_at}


def hubspot(record_id: str, email: str, first_name: str, create_date: str) -> dict[str, Any]:
    """A raw.hubspot_contacts row."""
    return {"record_id": record_id, "email": email, "first_name": first_name, "create_date": create_date}
