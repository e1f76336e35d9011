"""dbt's unit tests: a production build (`cdp build`) leaves them out, `cdp build --unit-tests` runs them
with their models, and every one of the project's unit tests passes on the built sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from project_copy import copy_dbt_project
from typer.testing import CliRunner

import ingest
from cdp.cli import app
from cdp.dbt_runner import dbt_target_dir
from cdp.settings import REPO_ROOT

runner = CliRunner()


def unit_tests(manifest_path: Path) -> dict[str, str]:
    """unique_id -> the model it tests, for every unit test of the project."""
    tests = json.loads(manifest_path.read_text())["unit_tests"]
    return {unique_id: test["model"] for unique_id, test in tests.items()}


def node_results(project_dir: Path) -> dict[str, str]:
    """unique_id -> status of every node of the project's last dbt invocation."""
    results = json.loads((dbt_target_dir(project_dir) / "run_results.json").read_text())["results"]
    return {result["unique_id"]: result["status"] for result in results}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(warehouse, project copy): the sample loaded and built with `cdp build`."""
    root = tmp_path_factory.mktemp("unit_tests")
    project = root / "dbt_project"
    copy_dbt_project(project)
    db = root / "warehouse.duckdb"
    ingest.load_folder(REPO_ROOT / "data" / "sample", db)
    outcome = runner.invoke(app, ["build", "--db", str(db), "--project-dir", str(project)])
    assert outcome.exit_code == 0, outcome.output
    return db, project


def test_a_production_build_leaves_the_unit_tests_out(sample: tuple[Path, Path]) -> None:
    _, project = sample
    kinds = {unique_id.split(".")[0] for unique_id in node_results(project)}
    assert {"model", "test"} <= kinds
    assert "unit_test" not in kinds
    assert len(unit_tests(dbt_target_dir(project) / "manifest.json")) >= 20  # they exist, and were skipped


def test_every_unit_test_passes_with_the_flag(sample: tuple[Path, Path]) -> None:
    db, project = sample
    expected = unit_tests(dbt_target_dir(project) / "manifest.json")
    tested_models = " ".join(sorted(set(expected.values())))
    places = ["--db", str(db), "--project-dir", str(project)]
    outcome = runner.invoke(app, ["build", "--unit-tests", "--select", tested_models, *places])
    assert outcome.exit_code == 0, outcome.output
    results = {node: status for node, status in node_results(project).items() if node in expected}
    assert results == dict.fromkeys(expected, "pass")
