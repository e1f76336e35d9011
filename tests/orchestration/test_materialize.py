"""Materializing the whole graph on the sample data, and the audience size check across two builds.

One full build (module fixture) in a temporary DAGSTER_HOME and DuckDB file serves both tests. The dbt build
of the sample takes most of the time (about 1-3 minutes on two shared cores), so the module is marked slow:
run it with `pytest tests/orchestration -m slow`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetCheckKey,
    AssetCheckSeverity,
    AssetKey,
    AssetSelection,
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
    define_asset_job,
)
from dagster._core.instance.ref import InstanceRef
from orch_helpers import make_dagster_home, write_syncs_file

from cdp.settings import Settings
from ingest.schema import RAW_TABLES
from orchestration.checks.audiences import AUDIENCE_CHECK_NAME
from orchestration.definitions import build_definitions
from orchestration.project import dbt_project

pytestmark = pytest.mark.slow


@dataclass
class Build:
    defs: Definitions
    settings: Settings
    instance: DagsterInstance
    result: ExecuteInProcessResult
    folder: Path


def _check_evaluations(result: ExecuteInProcessResult) -> dict[str, object]:
    evaluations = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in evaluations}


def _materialized(result: ExecuteInProcessResult) -> set[AssetKey]:
    return {e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}


@pytest.fixture(scope="module")
def full_build(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[Build]:
    folder = tmp_path_factory.mktemp("full_build")
    home = make_dagster_home(folder / "dagster_home")
    settings = Settings(
        db_path=folder / "warehouse.duckdb", data_dir=sample_dir, syncs_file=write_syncs_file(folder)
    )
    defs = build_definitions(settings)
    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        job = defs.resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        yield Build(defs, settings, instance, result, folder)


def test_materializing_every_asset_succeeds(full_build: Build) -> None:
    result = full_build.result
    failures = [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    failed_checks = {n: e.description for n, e in _check_evaluations(result).items() if not e.passed}
    assert result.success, (failures, failed_checks)
    every_asset = set(full_build.defs.resolve_asset_graph().get_all_asset_keys())
    assert _materialized(result) == every_asset

    evaluations = _check_evaluations(result)
    blocking_failures = [
        name for name, e in evaluations.items() if not e.passed and e.severity == AssetCheckSeverity.ERROR
    ]
    assert blocking_failures == []
    for table in RAW_TABLES:
        assert f"raw/{table}:ge_raw_{table}" in evaluations
    assert evaluations["customer_identifiers:ge_identity_quality"].passed
    assert evaluations["customer_profiles:ge_profiles_quality"].passed
    assert any(name.endswith(":unique_stg_shopify__orders_order_id") for name in evaluations)  # dbt test

    with duckdb.connect(str(full_build.settings.db_path), read_only=True) as con:
        profiles = con.execute("select count(*) from customer_profiles").fetchone()[0]
        runs = con.execute("select sync_name, status from sync_runs order by sync_name").fetchall()
    assert profiles > 0
    assert runs == [("profiles_to_file", "success"), ("traits_to_file", "success")]
    exported = (full_build.folder / "exports" / "profiles_to_file.csv").read_text().splitlines()
    assert len(exported) == profiles + 1  # header + one row per profile


def test_audience_size_check_blocks_a_jump_against_the_last_good_build(full_build: Build) -> None:
    first = _check_evaluations(full_build.result)
    audiences = {
        name.split(":")[0]: e for name, e in first.items() if name.endswith(f":{AUDIENCE_CHECK_NAME}")
    }
    assert audiences and all(e.passed for e in audiences.values())
    name, evaluation = max(audiences.items(), key=lambda item: item[1].metadata["audience_size"].value)
    size = evaluation.metadata["audience_size"].value
    assert size > 0, "the sample should give at least one non-empty audience"
    assert evaluation.metadata["previous_size"].value == "none (first build)"

    # A broken join multiplies the audience by 51; members stay unique, so only the size bound catches it.
    with duckdb.connect(str(full_build.settings.db_path)) as con:
        con.execute(
            f"create or replace table main.{name}_grown as "
            f"select * exclude (i) replace (customer_id || '-copy-' || i as customer_id) "
            f"from main.{name}, range(50) as copies(i) union all select * from main.{name}"
        )
        materialized = _model_materialization(name)
        con.execute(f"drop {'view' if materialized == 'view' else 'table'} main.{name}")
        con.execute(f"alter table main.{name}_grown rename to {name}")

    check_key = AssetCheckKey(AssetKey([name]), AUDIENCE_CHECK_NAME)
    job = define_asset_job("audience_check_only", selection=AssetSelection.checks(check_key))
    defs = Definitions.merge(full_build.defs, Definitions(jobs=[job]))
    result = defs.resolve_job_def("audience_check_only").execute_in_process(
        instance=full_build.instance, raise_on_error=False
    )
    evaluation = _check_evaluations(result)[f"{name}:{AUDIENCE_CHECK_NAME}"]
    assert not evaluation.passed
    assert evaluation.severity == AssetCheckSeverity.ERROR
    assert evaluation.metadata["previous_size"].value == size
    assert evaluation.metadata["audience_size"].value == size * 51
    assert "expect_table_row_count_to_be_between" in evaluation.description


def _model_materialization(name: str) -> str:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    [node] = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] == name]
    return node["config"]["materialized"]
