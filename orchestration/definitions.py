"""Tessera's Dagster definitions: `dagster dev -m orchestration.definitions`. This module only assembles."""

from __future__ import annotations

import json

from dagster import Definitions, in_process_executor

from cdp.settings import Settings
from orchestration.assets.activation import load_sync_specs, sync_assets
from orchestration.assets.dbt import tessera_dbt_assets
from orchestration.assets.ingest import LOADER_ASSETS
from orchestration.checks.audiences import audience_checks
from orchestration.checks.identity import identity_checks
from orchestration.jobs import full_build_job, load_and_build_job
from orchestration.project import dbt_project
from orchestration.resources import TesseraWarehouse, dbt_resource
from orchestration.schedules import daily_full_build, hourly_incremental_build, sync_schedules
from orchestration.sensors import new_input_files, record_run_failures


def build_definitions(settings: Settings | None = None) -> Definitions:
    """All assets, checks, jobs, schedules and sensors for the warehouse and syncs file of `settings`."""
    settings = settings or Settings()
    specs = load_sync_specs(settings.syncs_file)
    dbt_keys = set(tessera_dbt_assets.keys)
    return Definitions(
        assets=[*LOADER_ASSETS, tessera_dbt_assets, *sync_assets(specs, dbt_keys)],
        asset_checks=[
            *identity_checks({key.path[-1] for key in dbt_keys}),
            *audience_checks(json.loads(dbt_project.manifest_path.read_text())),
        ],
        jobs=[full_build_job, load_and_build_job],
        schedules=[daily_full_build, hourly_incremental_build, *sync_schedules(specs)],
        sensors=[new_input_files, record_run_failures],
        resources={"warehouse": TesseraWarehouse.from_settings(settings), "dbt": dbt_resource(dbt_project)},
        # DuckDB has one writer: steps of a run execute one at a time in one process.
        executor=in_process_executor,
    )


defs = build_definitions()
