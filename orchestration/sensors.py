"""Sensors: new input files trigger load + build; failed runs are recorded.

The file sensor compares the data folder with the loader's manifest (`raw._manifest`, identity
`(file_path, sha256)`, the same identity the loaders use, and like them it skips hashing a file whose size
and modification time match), so a touched but unchanged file does not fire and a rewritten file does.
Files already requested are kept in the cursor until the manifest has them, so a queued run is not
requested twice.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import (
    AssetSelection,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from ingest import manifest
from ingest.files import DataFile, files_under, is_hidden
from ingest.schema import MANIFEST_TABLE
from ingest.sources import LOADERS
from orchestration.assets.groups import ACTIVATION
from orchestration.assets.ingest import SOURCE_TABLES, raw_asset_key
from orchestration.jobs import load_and_build_job
from orchestration.resources import TesseraWarehouse
from orchestration.schedules import sensor_status

RUN_FAILURES_ENV = "TESSERA_RUN_FAILURES"


@dataclass(frozen=True)
class InputFile:
    """A loadable input file and the identity the manifest records for it."""

    source: str
    rel_path: str
    sha256: str

    @property
    def identity(self) -> str:
        return f"{self.rel_path}@{self.sha256}"


class WarehouseBusy(RuntimeError):
    """The DuckDB file is locked by a writer (a run is loading or building)."""


def unloaded_files(data_dir: Path, db_path: Path) -> list[InputFile]:
    """Every file the loaders would pick up in `data_dir` whose exact version the manifest lacks.

    Like a load, a file whose size and modification time match a manifest row of its path is not hashed.
    """
    known = _known_versions(db_path)
    found = []
    for source, loader_class in LOADERS.items():
        folder = data_dir / source
        if not folder.is_dir() or is_hidden(folder):
            continue
        loader = loader_class()
        for path in files_under(folder):
            file = DataFile(source, path, path.relative_to(data_dir).as_posix(), path.stat().st_size)
            if not loader.accepts(file):
                continue
            if known.has_stamp(file.rel_path, loader.file_stamp(file)):
                continue
            sha256 = loader.file_identity(file)
            if not known.has_version(file.rel_path, sha256):
                found.append(InputFile(source, file.rel_path, sha256))
    return found


def _known_versions(db_path: Path) -> manifest.KnownVersions:
    """The manifest's final versions, read without taking the write lock (none before the first load)."""
    if not db_path.exists():
        return manifest.KnownVersions()
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseBusy(str(exc).splitlines()[0]) from exc
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            ["raw", MANIFEST_TABLE.name],
        ).fetchone()[0]
        return manifest.final_versions(con) if exists else manifest.KnownVersions()
    finally:
        con.close()


@sensor(
    name="new_input_files",
    job=load_and_build_job,
    minimum_interval_seconds=60,
    default_status=sensor_status(),
    description="Load + build the sources of files not yet in raw._manifest (new or changed content).",
)
def new_input_files(
    context: SensorEvaluationContext, warehouse: TesseraWarehouse
) -> SensorResult | SkipReason:
    if not warehouse.data.is_dir():
        return SkipReason(f"data folder {warehouse.data} does not exist")
    try:
        pending = unloaded_files(warehouse.data, warehouse.db)
    except WarehouseBusy as busy:
        return SkipReason(f"warehouse is busy (a run holds the DuckDB write lock): {busy}")
    requested = set(json.loads(context.cursor)) if context.cursor else set()
    new = [file for file in pending if file.identity not in requested]
    # Forget requests the manifest has caught up with, so the cursor stays small.
    still_pending = sorted({file.identity for file in pending} & (requested | {f.identity for f in new}))
    if not new:
        return SensorResult(
            skip_reason=SkipReason("no new or changed input files"), cursor=json.dumps(still_pending)
        )
    sources = sorted({file.source for file in new})
    raw_keys = [raw_asset_key(table) for source in sources for table in SOURCE_TABLES[source]]
    selection = AssetSelection.assets(*raw_keys).downstream() - AssetSelection.groups(ACTIVATION)
    run_key = hashlib.sha256("\n".join(sorted(f.identity for f in new)).encode()).hexdigest()[:16]
    request = RunRequest(
        run_key=f"files-{run_key}",
        asset_selection=sorted(selection.resolve(context.repository_def.asset_graph), key=str)
        if context.repository_def is not None
        else raw_keys,
        tags={"tessera/sources": ",".join(sources), "tessera/new_files": str(len(new))},
    )
    context.log.info(f"{len(new)} new file(s) in {', '.join(sources)}: {[f.rel_path for f in new][:10]}")
    return SensorResult(run_requests=[request], cursor=json.dumps(still_pending))


def run_failures_path(warehouse: TesseraWarehouse) -> Path:
    """Where failed runs are recorded: TESSERA_RUN_FAILURES, else `run_failures.jsonl` by the warehouse."""
    configured = os.environ.get(RUN_FAILURES_ENV)
    return Path(configured) if configured else warehouse.db.parent / "run_failures.jsonl"


@run_failure_sensor(
    name="record_run_failures",
    default_status=sensor_status(),
    description="Appends every failed run (job, run id, failed steps, error) to run_failures.jsonl.",
)
def record_run_failures(context: RunFailureSensorContext, warehouse: TesseraWarehouse) -> None:
    failed_steps = [
        {"step": event.step_key, "error": event.event_specific_data.error.message.strip()[:2000]}
        for event in context.get_step_failure_events()
        if event.event_specific_data is not None and event.event_specific_data.error is not None
    ]
    record = {
        "failed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": context.dagster_run.run_id,
        "job": context.dagster_run.job_name,
        "message": context.failure_event.message,
        "failed_steps": failed_steps,
        "tags": dict(context.dagster_run.tags),
    }
    path = run_failures_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, default=str) + "\n")
    context.log.info(f"recorded failed run {record['run_id']} of {record['job']} in {path}")
