"""A broken raw file fails a blocking Great Expectations check: dbt and the syncs do not run.

Also shows the run-failure sensor recording that failed run. Runs the real loaders and checks in a
temporary DAGSTER_HOME and DuckDB file; dbt never starts, which is the point.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetCheckSeverity,
    AssetKey,
    AssetSelection,
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
    build_run_status_sensor_context,
    define_asset_job,
)
from dagster._core.instance.ref import InstanceRef
from orch_helpers import make_dagster_home, write_syncs_file

from cdp.settings import Settings
from orchestration.definitions import build_definitions
from orchestration.resources import TesseraWarehouse
from orchestration.sensors import RUN_FAILURES_ENV, record_run_failures


def _check_evaluations(result: ExecuteInProcessResult) -> dict[str, object]:
    evaluations = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in evaluations}


def _materialized(result: ExecuteInProcessResult) -> set[AssetKey]:
    return {e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}


def test_broken_raw_file_fails_a_blocking_check_and_the_sync_does_not_run(
    tmp_path: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_dir / "shopify", inputs / "shopify")
    order = {
        "id": 990001,
        "email": "dup@example.com",
        "created_at": "2026-10-01T10:00:00Z",
        "currency": "USD",
        "total_price": "10.00",
        "financial_status": "paid",
        "line_items": [],
    }
    # The same order id twice in one export: the loader lands both rows, the raw suite must refuse them.
    (inputs / "shopify" / "broken-export.json").write_text(json.dumps({"orders": [order, order]}))
    home = make_dagster_home(tmp_path / "dagster_home")
    settings = Settings(db_path=tmp_path / "w.duckdb", data_dir=inputs, syncs_file=write_syncs_file(tmp_path))
    defs = build_definitions(settings)
    selection = AssetSelection.assets(AssetKey(["raw", "shopify_orders"])).downstream()
    job = define_asset_job("shopify_to_syncs", selection=selection)
    defs = Definitions.merge(defs, Definitions(jobs=[job]))
    failures_log = tmp_path / "run_failures.jsonl"
    monkeypatch.setenv(RUN_FAILURES_ENV, str(failures_log))

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        result = defs.resolve_job_def("shopify_to_syncs").execute_in_process(
            instance=instance, raise_on_error=False
        )
        assert not result.success
        evaluation = _check_evaluations(result)["raw/shopify_orders:ge_raw_shopify_orders"]
        assert not evaluation.passed
        assert evaluation.severity == AssetCheckSeverity.ERROR
        assert "expect_compound_columns_to_be_unique" in evaluation.description
        assert "990001" in evaluation.metadata["failed_critical"].value

        materialized = _materialized(result)
        assert AssetKey(["raw", "shopify_orders"]) in materialized  # landed, then judged
        assert AssetKey(["activation", "profiles_to_file"]) not in materialized
        assert AssetKey(["stg_shopify__orders"]) not in materialized
        [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        assert "blocking asset check" in failure.event_specific_data.error.message
        with duckdb.connect(str(settings.db_path), read_only=True) as con:
            assert (
                con.execute(
                    "select count(*) from information_schema.tables where table_name = 'sync_runs'"
                ).fetchone()[0]
                == 0
            )

        # The run-failure sensor records the failed run and the step that failed.
        run = instance.get_run_by_id(result.run_id)
        failure_event = next(
            e
            for e in instance.all_logs(result.run_id)
            if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE"
        ).dagster_event
        context = build_run_status_sensor_context(
            sensor_name="record_run_failures",
            dagster_event=failure_event,
            dagster_instance=instance,
            dagster_run=run,
            resources={"warehouse": TesseraWarehouse.from_settings(settings)},
        ).for_run_failure()
        record_run_failures(context)
    [record] = [json.loads(line) for line in failures_log.read_text().splitlines()]
    assert record["run_id"] == result.run_id
    assert record["job"] == "shopify_to_syncs"
    assert any("blocking asset check" in step["error"] for step in record["failed_steps"])
