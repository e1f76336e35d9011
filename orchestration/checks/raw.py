"""Raw-table suites: required keys present, types parse, no duplicate ids within a file.

They validate the rows of the latest load of each table (the load the asset just ran, or the previous one
when nothing new arrived), which keeps each check fast however large the table grows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetCheckResult, AssetKey

from cdp.project_vars import consent_purposes
from ingest.schema import RAW_SCHEMA, RAW_TABLES
from orchestration.checks.ge_runner import run_suite
from orchestration.checks.results import check_result

#: raw table -> suite file name (`suites/<name>.json`).
RAW_SUITES: dict[str, str] = {table: f"raw_{table}" for table in RAW_TABLES}


def raw_check_name(table: str) -> str:
    return f"ge_raw_{table}"


def suite_parameters(table: str, project_dir: Path) -> dict[str, Any]:
    """Values the table's suite reads as `{"$PARAMETER": name}`: the consent purposes the dbt project tracks,
    so a purpose the team adds to the var `consent_purposes` passes here as it does in staging."""
    if table == "consent_events":
        return {"consent_purposes": list(consent_purposes(project_dir))}
    return {}


def raw_check_result(con: duckdb.DuckDBPyConnection, table: str, project_dir: Path) -> AssetCheckResult:
    """Run the table's suite and return the check result for `raw/<table>`."""
    outcome = run_suite(con, RAW_SUITES[table], parameters=suite_parameters(table, project_dir))
    latest = con.execute(f"select max(_load_id) from {RAW_SCHEMA}.{table}").fetchone()[0]
    return check_result(
        [outcome],
        asset_key=AssetKey([RAW_SCHEMA, table]),
        check_name=raw_check_name(table),
        extra_metadata={"load_id_validated": latest or "none (table empty)"},
    )
