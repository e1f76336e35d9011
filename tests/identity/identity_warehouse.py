"""A small warehouse for identity tests: raw rows written with SQL, the real dbt project built on top.

Rows are inserted straight into the raw tables of `ingest.schema` (the loaders are tested elsewhere), with
the load metadata the staging models expect. `build` runs `dbt build` of the repo's project in-process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from dbt.cli.main import dbtRunner

from cdp.identity_eval import open_warehouse
from ingest.schema import RAW_TABLES, ensure_raw_schema

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO_ROOT / "dbt_project"

#: Models of the identity layer; builds select them and everything upstream (staging) to stay fast. The
#: graph builds' watermark is among them, so a build after the first limits the graph as `cdp build` does.
IDENTITY_SELECTOR = (
    "+customer_profiles +identity_merges +identity_rejected_edges +int_record_customers"
    " +int_identity_graph_builds"
)


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class Warehouse:
    """A temp DuckDB file with the raw schema, and the dbt build settings for it."""

    db_path: Path
    work_dir: Path
    loads: int = 0
    builds: list[Any] = field(default_factory=list)

    @classmethod
    def create(cls, work_dir: Path) -> Warehouse:
        """A fresh warehouse in `work_dir` with every raw table created (empty)."""
        work_dir.mkdir(parents=True, exist_ok=True)
        db_path = work_dir / "warehouse.duckdb"
        con = duckdb.connect(str(db_path))
        try:
            ensure_raw_schema(con)
        finally:
            con.close()
        return cls(db_path=db_path, work_dir=work_dir)

    def insert(
        self, table: str, rows: Iterable[Mapping[str, Any]], *, loaded_at: datetime | None = None
    ) -> None:
        """Land `rows` (source column -> value; dict/list values become JSON) as one load of `table`.

        Every row is stamped `loaded_at`; by default a fixed time that grows with each load (2024-01-01
        00:MM:SS), so tests do not depend on the clock. A real load stamps the time it ran: pass the current
        time to land rows after the last build, as new data arrives.
        """
        raw = RAW_TABLES[table]
        self.loads += 1
        load_id = f"test-load-{self.loads}"
        epoch = datetime(2024, 1, 1, tzinfo=UTC).replace(tzinfo=None)
        stamp = loaded_at or epoch.replace(second=self.loads % 60, minute=self.loads // 60)
        columns = list(raw.all_columns)
        placeholders = ", ".join("?" for _ in columns)
        values = []
        for row_number, row in enumerate(rows, start=1):
            unknown = set(row) - set(raw.columns)
            if unknown:
                raise ValueError(f"raw.{table} has no column(s) {sorted(unknown)}")
            source_values = [
                _json_text(row.get(c)) if raw.columns[c] == "JSON" else row.get(c) for c in raw.columns
            ]
            values.append(
                [
                    *source_values,
                    json.dumps(dict(row), default=str),
                    f"{table}/load-{self.loads}.jsonl",
                    row_number,
                    stamp,
                    load_id,
                ]
            )
        con = duckdb.connect(str(self.db_path))
        try:
            con.executemany(f"insert into {raw.qualified_name} values ({placeholders})", values)
        finally:
            con.close()

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run a statement against the warehouse (to correct or delete raw rows)."""
        con = duckdb.connect(str(self.db_path))
        try:
            con.execute(sql, params or [])
        finally:
            con.close()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a query against the built warehouse."""
        con = open_warehouse(self.db_path)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def build(
        self,
        dbt_vars: Mapping[str, Any] | None = None,
        full_refresh: bool = False,
        command: str = "build",
        select: str = IDENTITY_SELECTOR,
    ) -> None:
        """`dbt build` (or `command`, e.g. the faster `run`) of `select`: by default the identity layer and
        the staging beneath it.

        Raises with dbt's messages when a model or test fails.
        """
        args = [
            command,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
            "--select",
            select,
            "--indirect-selection",
            "cautious",
            "--quiet",
        ]
        if dbt_vars:
            args += ["--vars", json.dumps(dict(dbt_vars))]
        if full_refresh:
            args.append("--full-refresh")
        previous = os.environ.get("TESSERA_DB")
        os.environ["TESSERA_DB"] = str(self.db_path)
        try:
            result = dbtRunner().invoke(args)
        finally:
            if previous is None:
                os.environ.pop("TESSERA_DB", None)
            else:
                os.environ["TESSERA_DB"] = previous
        failures = [
            f"{r.node.name}: {r.status}: {r.message}"
            for r in (getattr(result.result, "results", None) or [])
            if str(r.status) not in ("success", "pass", "skipped")
        ]
        if not result.success or failures:
            raise AssertionError(f"dbt build failed: {result.exception or ''} {failures}")
        self.builds.append(result)

    # Lookups used by the tests -------------------------------------------------------------------------

    def customer_of(self, identifier_type: str, identifier_value: str) -> str | None:
        """The customer holding the identifier, or None."""
        rows = self.query(
            "select customer_id from main.customer_identifiers "
            "where identifier_type = ? and identifier_value = ?",
            [identifier_type, identifier_value],
        )
        return rows[0][0] if rows else None

    def record_customer(self, source: str, record_id: str) -> str | None:
        """The customer a source record resolved to, or None."""
        rows = self.query(
            "select customer_id from main.int_record_customers where source = ? and record_id = ?",
            [source, record_id],
        )
        return rows[0][0] if rows else None

    def rejection(self, identifier_type: str, identifier_value: str) -> str | None:
        """The guard rule that rejected the identifier, or None."""
        rows = self.query(
            "select rule from main.identity_rejected_identifiers "
            "where identifier_type = ? and identifier_value = ?",
            [identifier_type, identifier_value],
        )
        return rows[0][0] if rows else None

    def count(self, table: str) -> int:
        """Rows of the built model `table` (schema main)."""
        return self.query(f"select count(*) from main.{table}")[0][0]

    def graph(self) -> dict[str, Any]:
        """The identity graph's tables with every node id replaced by its identifier key (a full refresh
        may number the nodes anew): both component passes as sets of identifier groups, the per-type limit
        verdicts, the judged edges."""
        keys = dict(self.query("select node_id, identifier_key from main.int_identity_nodes"))

        def partition(table: str) -> set[frozenset[str]]:
            groups: dict[int, set[str]] = {}
            for node_id, component_id in self.query(f"select node_id, component_id from main.{table}"):
                groups.setdefault(component_id, set()).add(keys[node_id])
            return {frozenset(group) for group in groups.values()}

        limits = self.query("select node_id, seed_id, status from main.int_identity_limit_assignments")
        edges = self.query("select node_a, node_b, is_kept, rule from main.int_identity_edges_resolved")
        return {
            "first_pass": partition("int_identity_components_initial"),
            "final": partition("int_identity_components"),
            "limits": sorted((keys[node], keys.get(seed), status) for node, seed, status in limits),
            "resolved_edges": sorted((*sorted((keys[a], keys[b])), kept, rule) for a, b, kept, rule in edges),
        }

    def assignments(self) -> dict[tuple[str, str], str]:
        """(identifier_type, identifier_value) -> customer_id for every resolved identifier."""
        rows = self.query(
            "select identifier_type, identifier_value, customer_id from main.customer_identifiers"
        )
        return {(t, v): c for t, v, c in rows}


# Raw row builders ----------------------------------------------------------------------------------------


def segment_event(
    message_id: str,
    event_type: str = "track",
    *,
    anonymous_id: str | None = None,
    user_id: str | None = None,
    previous_id: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    device_id: str | None = None,
    first_name: str | None = None,
    timestamp: str = "2024-01-01T00:00:00Z",
    event: str | None = None,
) -> dict[str, Any]:
    """A raw.segment_events row; email/phone/name go to `traits` on identify, else to `context.traits`."""
    traits = {k: v for k, v in {"email": email, "phone": phone, "firstName": first_name}.items() if v}
    context: dict[str, Any] = {}
    if device_id:
        context["device"] = {"id": device_id}
    if traits and event_type != "identify":
        context["traits"] = traits
    return {
        "message_id": message_id,
        "type": event_type,
        "event": event or ("Page Viewed" if event_type == "track" else None),
        "anonymous_id": anonymous_id,
        "user_id": user_id,
        "previous_id": previous_id,
        "device_id": device_id,
        "timestamp": timestamp,
        "traits": traits if event_type == "identify" and traits else None,
        "context": context or None,
    }


def shopify_order(
    order_id: int,
    *,
    customer_id: int | None = None,
    email: str | None = None,
    phone: str | None = None,
    created_at: str = "2024-01-02T10:00:00Z",
) -> dict[str, Any]:
    """A raw.shopify_orders row."""
    return {
        "id": str(order_id),
        "email": email,
        "phone": phone,
        "created_at": created_at,
        "updated_at": created_at,
        "currency": "USD",
        "total_price": "10.00",
        "financial_status": "paid",
        "customer_id": None if customer_id is None else str(customer_id),
    }


def hubspot_contact(
    record_id: str, *, email: str | None = None, phone: str | None = None, first_name: str | None = None
) -> dict[str, Any]:
    """A raw.hubspot_contacts row."""
    return {
        "record_id": record_id,
        "email": email,
        "phone_number": phone,
        "first_name": first_name,
        "create_date": "2024-01-03T00:00:00Z",
    }


def pos_sale(
    transaction_id: str,
    *,
    loyalty_id: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    occurred_at: str = "2024-01-04T12:00:00Z",
) -> dict[str, Any]:
    """A raw.pos_sales row (one line)."""
    return {
        "transaction_id": transaction_id,
        "store_id": "store-1",
        "occurred_at": occurred_at,
        "loyalty_id": loyalty_id,
        "email": email,
        "phone": phone,
        "sku": "SKU-1",
        "quantity": "1",
        "unit_price": "5.00",
        "currency": "USD",
    }
