"""Schedules evaluate to the right jobs, and those jobs select the right assets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import AssetKey, Definitions, build_schedule_context
from orch_helpers import write_syncs_file

from cdp.settings import Settings
from orchestration.definitions import build_definitions


@pytest.fixture(scope="module")
def fixture_defs(tmp_path_factory: pytest.TempPathFactory) -> Definitions:
    folder = tmp_path_factory.mktemp("schedules")
    settings = Settings(
        db_path=folder / "w.duckdb", data_dir=folder / "in", syncs_file=write_syncs_file(folder)
    )
    return build_definitions(settings)


def _job_assets(defs: Definitions, job_name: str) -> set[AssetKey]:
    return set(defs.resolve_job_def(job_name).asset_layer.selected_asset_keys)


def _evaluated_job(defs: Definitions, schedule_name: str) -> str:
    schedule = defs.resolve_schedule_def(schedule_name)
    context = build_schedule_context(scheduled_execution_time=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    result = schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
    return result.run_requests[0].job_name or schedule.job_name


def test_daily_full_build_runs_every_asset_including_syncs(fixture_defs: Definitions) -> None:
    assert _evaluated_job(fixture_defs, "daily_full_build") == "full_build"
    assert fixture_defs.resolve_schedule_def("daily_full_build").cron_schedule == "0 3 * * *"
    every_asset = set(fixture_defs.resolve_asset_graph().get_all_asset_keys())
    assert _job_assets(fixture_defs, "full_build") == every_asset


def test_hourly_incremental_build_loads_and_builds_without_syncs(fixture_defs: Definitions) -> None:
    assert _evaluated_job(fixture_defs, "hourly_incremental_build") == "load_and_build"
    assets = _job_assets(fixture_defs, "load_and_build")
    assert AssetKey(["raw", "segment_events"]) in assets
    assert AssetKey(["customer_profiles"]) in assets
    assert not any(key.path[0] == "activation" for key in assets)


def test_syncs_with_a_cron_get_their_own_schedule(fixture_defs: Definitions) -> None:
    schedule = fixture_defs.resolve_schedule_def("sync__profiles_to_file__schedule")
    assert schedule.cron_schedule == "30 4 * * *"
    assert _evaluated_job(fixture_defs, "sync__profiles_to_file__schedule") == "sync__profiles_to_file"
    assert _job_assets(fixture_defs, "sync__profiles_to_file") == {
        AssetKey(["activation", "profiles_to_file"])
    }
    # traits_to_file has no `schedule:`: it runs with the daily build only.
    names = {s.name for s in fixture_defs.schedules}
    assert not any("traits_to_file" in name for name in names)


def test_without_a_syncs_file_there_are_no_sync_assets(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "w.duckdb", data_dir=tmp_path, syncs_file=tmp_path / "missing.yml")
    defs = build_definitions(settings)
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    assert not any(key.path[0] == "activation" for key in keys)
    assert {s.name for s in defs.schedules} == {"daily_full_build", "hourly_incremental_build"}
