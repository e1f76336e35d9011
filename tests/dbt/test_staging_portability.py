"""The staging layer gives the same rows on Postgres as on DuckDB.

The raw rows of raw_rows.py (including ~150 phone and email probes) are landed in a throwaway Postgres
database, the staging layer is built there with the `postgres` target, and every staging model's rows are
compared with the DuckDB build's. This exercises every portable macro's Postgres version (regex, JSON,
timestamps, hashes) on real values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from raw_rows import PROBE_SOURCE, insert_statements
from staging_harness import DbtHarness, StagedWarehouse

from ingest.schema import RAW_TABLES

pytestmark = pytest.mark.portability

#: Each model's key, to line rows up across engines.
MODEL_KEYS = {
    "stg_segment__events": "message_id",
    "stg_shopify__orders": "order_id",
    "stg_shopify__order_lines": "order_line_id",
    "stg_hubspot__contacts": "crm_id",
    "stg_pos__sale_lines": "sale_line_id",
    "stg_esp__email_events": "esp_event_id",
    "stg_zendesk__tickets": "ticket_id",
    "stg_zendesk__users": "zendesk_user_id",
    "stg_nps__responses": "nps_response_id",
    "stg_consent__events": "consent_event_id",
    "stg_custom__records": "source_name, record_id",
}
JSON_COLUMNS = {"traits", "properties", "line_items", "attributes"}
#: Stamped with each build's start time, so different on the two builds by design.
BUILD_STAMPS = {"_staged_at"}


@pytest.fixture(scope="module")
def postgres_database(throwaway_pg_database) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh Postgres database holding the raw tables and rows; dropped afterwards."""
    with throwaway_pg_database("tessera_staging") as name:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as con:
            con.execute("create schema raw")
            for table in RAW_TABLES.values():
                columns = ", ".join(f'"{c}" {t}' for c, t in table.all_columns.items())
                con.execute(f"create table {table.qualified_name} ({columns})")
            for sql, params in insert_statements("%s"):
                con.execute(sql, params)
        yield name


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    """JSON columns parsed (DuckDB returns text, Postgres objects), build stamps left out, the rest as is."""
    return {
        k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v
        for k, v in row.items()
        if k not in BUILD_STAMPS
    }


def test_postgres_build_matches_duckdb(
    dbt_harness: DbtHarness, staged: StagedWarehouse, postgres_database: str
) -> None:
    env = {"TESSERA_TARGET": "postgres", "PGDATABASE": postgres_database, "TESSERA_PG_SCHEMA": "main"}
    result = dbt_harness.invoke(staged.db_path, "build", "--select", "staging", env=env)
    failed = {
        r.node.name: str(r.status) for r in result.result.results if str(r.status) not in ("success", "pass")
    }
    assert failed == {}

    dsn = f"postgresql://postgres@127.0.0.1:5432/{postgres_database}"
    with psycopg.connect(dsn) as con:
        for model, key in MODEL_KEYS.items():
            sql = f"select * from main.{model} order by {key}"
            cursor = con.execute(sql)
            names = [d.name for d in cursor.description]
            on_postgres = [comparable(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
            on_duckdb = [comparable(row) for row in staged.query(sql)]
            assert on_postgres == on_duckdb, model
            assert on_duckdb, f"{model} is empty: nothing compared"


def test_probes_cover_valid_and_invalid_identifiers(staged: StagedWarehouse) -> None:
    """The probes compared above include both outcomes, so the comparison is not vacuous."""
    counts = staged.query(
        "select count(phone) as phones, count(*) - count(phone) as null_phones, count(email) as emails "
        f"from main.stg_custom__records where source_name = '{PROBE_SOURCE}'"
    )[0]
    assert counts["phones"] > 80 and counts["null_phones"] > 5 and counts["emails"] >= 4
