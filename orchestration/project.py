"""The dbt project as Dagster sees it, with a manifest that exists even on a fresh clone.

The manifest goes to `dbt_project/target/dagster/`, apart from the `target/` that `cdp build` uses, so a
parse for Dagster never races a CLI build over `partial_parse.msgpack`. It is (re)parsed at import when it
is missing or older than a file of the project, and always under `dagster dev` (`prepare_if_dev`), under
a file lock so two processes starting at once (a webserver and a daemon, two test workers) do not parse
into the same folder together.
"""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject
from filelock import FileLock

from cdp.settings import Settings

DBT_TARGET_PATH = Path("target") / "dagster"
_PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots")
_PROJECT_SUFFIXES = (".sql", ".yml", ".yaml", ".csv")


def newest_project_change(project_dir: Path) -> float:
    """mtime of the most recently changed file that dbt parses."""
    newest = (project_dir / "dbt_project.yml").stat().st_mtime
    for folder in _PROJECT_FOLDERS:
        for path in (project_dir / folder).rglob("*"):
            if path.suffix in _PROJECT_SUFFIXES:
                newest = max(newest, path.stat().st_mtime)
    return newest


def manifest_is_current(project: DbtProject) -> bool:
    """True when the manifest exists and no project file changed after it was written."""
    manifest = project.manifest_path
    return manifest.exists() and manifest.stat().st_mtime >= newest_project_change(project.project_dir)


def tessera_dbt_project(project_dir: Path | None = None) -> DbtProject:
    """The Tessera dbt project, its manifest parsed now when missing or stale."""
    project_dir = (project_dir or Settings().dbt_project_dir).resolve()
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir, target_path=DBT_TARGET_PATH)
    lock_path = project_dir / DBT_TARGET_PATH.parent / "dagster.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_path):
        if not manifest_is_current(project):
            # A fresh clone has no manifest: `dagster asset materialize` must work there with no build step.
            project.preparer.prepare(project)
        else:
            project.prepare_if_dev()
    return project


dbt_project = tessera_dbt_project()
