"""The file sensor fires for new or changed files (per the loader's manifest), not for loaded ones."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, Definitions, RunRequest, build_sensor_context

import ingest
from cdp.settings import Settings
from orchestration.definitions import build_definitions
from orchestration.resources import TesseraWarehouse
from orchestration.sensors import new_input_files


@pytest.fixture
def small_inputs(tmp_path: Path, sample_dir: Path) -> Path:
    """nps and hubspot files copied from the sample."""
    folder = tmp_path / "inputs"
    for source in ("nps", "hubspot"):
        shutil.copytree(sample_dir / source, folder / source)
    return folder


def _evaluate(defs: Definitions, warehouse: TesseraWarehouse, cursor: str | None = None):  # type: ignore[no-untyped-def]
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(
            instance=instance, cursor=cursor, resources={"warehouse": warehouse}, definitions=defs
        )
        return new_input_files(context)


def _setup(tmp_path: Path, inputs: Path) -> tuple[Definitions, TesseraWarehouse]:
    settings = Settings(db_path=tmp_path / "w.duckdb", data_dir=inputs, syncs_file=tmp_path / "none.yml")
    return build_definitions(settings), TesseraWarehouse.from_settings(settings)


def test_fires_for_new_files_and_not_for_loaded_ones(tmp_path: Path, small_inputs: Path) -> None:
    defs, warehouse = _setup(tmp_path, small_inputs)
    ingest.load_source(small_inputs, warehouse.db, "nps")

    result = _evaluate(defs, warehouse)
    [request] = result.run_requests
    assert isinstance(request, RunRequest)
    selected = set(request.asset_selection)
    assert AssetKey(["raw", "hubspot_contacts"]) in selected
    assert AssetKey(["stg_hubspot__contacts"]) in selected  # load + build
    assert AssetKey(["raw", "nps_responses"]) not in selected  # already in raw._manifest
    assert not any(key.path[0] == "activation" for key in selected)
    assert request.tags["tessera/sources"] == "hubspot"

    # The same pending files are not requested again while the run is queued.
    again = _evaluate(defs, warehouse, cursor=result.cursor)
    assert not again.run_requests

    ingest.load_source(small_inputs, warehouse.db, "hubspot")
    after_load = _evaluate(defs, warehouse, cursor=again.cursor)
    assert not after_load.run_requests
    assert json.loads(after_load.cursor) == []


def test_touched_file_does_not_fire_but_changed_content_does(tmp_path: Path, small_inputs: Path) -> None:
    defs, warehouse = _setup(tmp_path, small_inputs)
    ingest.load_folder(small_inputs, warehouse.db)
    nps_file = next((small_inputs / "nps").iterdir())
    os.utime(nps_file, (1_900_000_000, 1_900_000_000))  # newer mtime, same bytes
    assert not _evaluate(defs, warehouse).run_requests

    with nps_file.open("a", encoding="utf-8") as handle:
        handle.write(
            '{"id": "resp_sensor_1", "email": "new@example.com", "score": 9, "comment": "", '
            '"created_at": "2026-11-01T10:00:00Z"}\n'
        )
    [request] = _evaluate(defs, warehouse).run_requests
    assert AssetKey(["raw", "nps_responses"]) in set(request.asset_selection)
    assert AssetKey(["raw", "hubspot_contacts"]) not in set(request.asset_selection)


def test_empty_warehouse_requests_every_source_with_files(tmp_path: Path, small_inputs: Path) -> None:
    defs, warehouse = _setup(tmp_path, small_inputs)
    [request] = _evaluate(defs, warehouse).run_requests
    assert request.tags["tessera/sources"] == "hubspot,nps"
