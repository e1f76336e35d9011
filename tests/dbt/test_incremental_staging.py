"""Incremental staging equals a full refresh: build on the first load, land the second (re-sent copies,
newer versions, a copy received earlier but loaded later), build again, compare every staging table with
a `--full-refresh` of the same raw rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from raw_rows import LOAD_0, LOAD_1, LOAD_2, LOAD_3, insert_statements
from staging_harness import DbtHarness

from ingest.schema import ensure_raw_schema


def _land(db_path: Path, loaded_at) -> None:
    with duckdb.connect(str(db_path)) as con:
        ensure_raw_schema(con)
        for sql, params in insert_statements("?", loaded_at=loaded_at):
            con.execute(sql, params)


def _staging_tables(db_path: Path) -> dict[str, list[tuple]]:
    """Every staging table's rows, without the build stamp `_staged_at` (each build writes its own)."""
    with duckdb.connect(str(db_path)) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_name like 'stg_%' order by 1"
            ).fetchall()
        ]
        tables = {}
        for name in names:
            columns = [c for c, *_ in con.execute(f'describe main."{name}"').fetchall() if c != "_staged_at"]
            listed = ", ".join(f'"{c}"' for c in columns)
            tables[name] = sorted(con.execute(f'select {listed} from main."{name}"').fetchall(), key=repr)
        return tables


@pytest.fixture(scope="module")
def builds(dbt_harness: DbtHarness, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    db_path = tmp_path_factory.mktemp("incremental") / "warehouse.duckdb"
    _land(db_path, LOAD_0)
    _land(db_path, LOAD_1)
    first = dbt_harness.invoke(db_path, "run", "--select", "staging")
    assert first.success, first.result
    after_first = _staging_tables(db_path)
    _land(db_path, LOAD_2)
    second = dbt_harness.invoke(db_path, "run", "--select", "staging")
    assert second.success, second.result
    incremental = _staging_tables(db_path)
    again = dbt_harness.invoke(db_path, "run", "--select", "staging")
    assert again.success, again.result
    rerun = _staging_tables(db_path)
    # A third load re-sends m-4, whose first copy (padded id) is older than the watermark and wins.
    _land(db_path, LOAD_3)
    third = dbt_harness.invoke(db_path, "run", "--select", "staging")
    assert third.success, third.result
    after_third = _staging_tables(db_path)
    full = dbt_harness.invoke(db_path, "run", "--select", "staging", "--full-refresh")
    assert full.success, full.result
    return {
        "after_first": after_first,
        "incremental": incremental,
        "rerun": rerun,
        "after_third": after_third,
        "full": _staging_tables(db_path),
    }


def test_second_load_changes_staged_rows(builds: dict) -> None:
    # The fixture's second load really re-stages records (else the comparison below proves nothing).
    changed = [name for name in builds["full"] if builds["after_first"][name] != builds["full"][name]]
    assert {"stg_segment__events", "stg_hubspot__contacts", "stg_shopify__orders"} <= set(changed)


def test_incremental_staging_equals_full_refresh(builds: dict) -> None:
    assert sorted(builds["incremental"]) == sorted(builds["full"])
    for name, rows in builds["full"].items():
        assert builds["incremental"][name] == rows, name


def test_rerun_without_new_rows_changes_nothing(builds: dict) -> None:
    assert builds["rerun"] == builds["incremental"]


def test_a_retry_loses_to_an_older_copy_whose_id_was_padded(builds: dict) -> None:
    # The retry changes nothing: the older copy is found by its cleaned id and still wins.
    assert builds["after_third"] == builds["incremental"]
