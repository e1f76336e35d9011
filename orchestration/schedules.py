"""Schedules: a daily build of everything, an hourly load + incremental build, and one per scheduled sync.

Times are UTC. The hourly run skips syncs: they run daily and on their own `schedule:` from `syncs.yml`.
"""

from __future__ import annotations

import os

from dagster import DefaultScheduleStatus, DefaultSensorStatus, ScheduleDefinition

from orchestration.jobs import full_build_job, load_and_build_job, sync_job
from reverse_etl import SyncSpec

AUTOMATION_ENV = "TESSERA_AUTOMATION"


def automation_on() -> bool:
    """Schedules and sensors start stopped (a laptop should not build hourly) unless TESSERA_AUTOMATION=on."""
    return os.environ.get(AUTOMATION_ENV, "").lower() in ("on", "1", "true", "yes")


def schedule_status() -> DefaultScheduleStatus:
    return DefaultScheduleStatus.RUNNING if automation_on() else DefaultScheduleStatus.STOPPED


def sensor_status() -> DefaultSensorStatus:
    return DefaultSensorStatus.RUNNING if automation_on() else DefaultSensorStatus.STOPPED


DAILY_FULL_BUILD_CRON = "0 3 * * *"
HOURLY_INCREMENTAL_CRON = "15 * * * *"

daily_full_build = ScheduleDefinition(
    name="daily_full_build",
    job=full_build_job,
    cron_schedule=DAILY_FULL_BUILD_CRON,
    execution_timezone="UTC",
    description="Every day at 03:00 UTC: load, dbt build, all checks, every sync.",
    default_status=schedule_status(),
)

hourly_incremental_build = ScheduleDefinition(
    name="hourly_incremental_build",
    job=load_and_build_job,
    cron_schedule=HOURLY_INCREMENTAL_CRON,
    execution_timezone="UTC",
    description="Every hour at :15: load new files and build the dbt project incrementally, with checks.",
    default_status=schedule_status(),
)


def sync_schedules(specs: list[SyncSpec]) -> list[ScheduleDefinition]:
    """A schedule for each sync that declares `schedule:` (a cron) in syncs.yml."""
    return [
        ScheduleDefinition(
            name=f"sync__{spec.name}__schedule",
            job=sync_job(spec.name),
            cron_schedule=spec.schedule,
            execution_timezone="UTC",
            description=f"Sync {spec.name} on its own schedule ({spec.schedule}) from syncs.yml.",
            default_status=schedule_status(),
        )
        for spec in specs
        if spec.schedule
    ]
