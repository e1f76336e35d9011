"""Fixtures for the orchestration tests: sample inputs, a syncs file, a temporary Dagster home."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from orch_helpers import SAMPLE_DIR, make_dagster_home, write_syncs_file


def _has_inputs(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in folder.rglob("*"))


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sample, or (until it is committed) a small generated folder in the same layout."""
    if _has_inputs(SAMPLE_DIR):
        return SAMPLE_DIR
    from cdp.demo import write_demo_data

    out = tmp_path_factory.mktemp("sample")
    write_demo_data(out, customers=40, seed=7, compress=False)
    (out / "truth.csv").unlink(missing_ok=True)
    return out


@pytest.fixture
def syncs_file(tmp_path: Path) -> Path:
    return write_syncs_file(tmp_path)


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = make_dagster_home(tmp_path / "dagster_home")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    yield home


@pytest.fixture(scope="session", autouse=True)
def remove_dbt_run_folders() -> Iterator[None]:
    """dagster-dbt keeps each run's artifacts in `dbt_project/target/tessera_dbt-<run>/`; drop the tests'."""
    from orchestration.project import dbt_project

    target = dbt_project.project_dir / "target"
    before = set(target.glob("tessera_dbt-*"))
    yield
    for folder in set(target.glob("tessera_dbt-*")) - before:
        shutil.rmtree(folder, ignore_errors=True)
