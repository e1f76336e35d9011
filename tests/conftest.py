"""Session-wide setup: each pytest worker (pytest-xdist runs two) gets its own dbt target and log folder.

Tests that build the repository's dbt project in place (`cdp run`, `cdp build`) would otherwise write the
same `dbt_project/target/` (manifest, `partial_parse.msgpack`) from two processes at once. dbt reads
`DBT_TARGET_PATH` and `DBT_LOG_PATH`, and so does `cdp` (`cdp.dbt_runner.dbt_target_dir`). The folder is
set in each process that runs tests (a worker, or pytest itself with `-n 0`), never in the process that
only hands tests out: its environment is what the workers start with.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_VARIABLES = ("DBT_TARGET_PATH", "DBT_LOG_PATH")
_FOLDER = pytest.StashKey[str]()
_SAVED = pytest.StashKey[dict[str, str | None]]()


def _hands_tests_out(config: pytest.Config) -> bool:
    """True in the controller of a distributed run (it starts the workers and runs no test itself)."""
    workers = getattr(config.option, "numprocesses", None)
    return bool(workers) and "PYTEST_XDIST_WORKER" not in os.environ


def pytest_configure(config: pytest.Config) -> None:
    if _hands_tests_out(config):
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = tempfile.mkdtemp(prefix=f"tessera-dbt-{worker}-")
    config.stash[_FOLDER] = folder
    config.stash[_SAVED] = {name: os.environ.get(name) for name in _VARIABLES}
    os.environ["DBT_TARGET_PATH"] = os.path.join(folder, "target")
    os.environ["DBT_LOG_PATH"] = os.path.join(folder, "logs")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_FOLDER, None)
    if folder is None:
        return
    for name, value in config.stash[_SAVED].items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(folder, ignore_errors=True)
