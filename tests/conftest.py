"""Session-wide setup: each pytest worker (pytest-xdist runs two) gets its own dbt target and log folder.

Tests that build the repository's dbt project in place (`cdp run`, `cdp build`) would otherwise write the
same `dbt_project/target/` (manifest, `partial_parse.msgpack`) from two processes at once. dbt reads
`DBT_TARGET_PATH` and `DBT_LOG_PATH`, and so does `cdp` (`cdp.dbt_runner.dbt_target_dir`).
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_VARIABLES = ("DBT_TARGET_PATH", "DBT_LOG_PATH")


def pytest_configure(config: pytest.Config) -> None:
    if any(os.environ.get(name) for name in _VARIABLES):
        return  # the caller chose where dbt writes
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = tempfile.mkdtemp(prefix=f"tessera-dbt-{worker}-")
    config.stash[_FOLDER] = folder
    os.environ["DBT_TARGET_PATH"] = os.path.join(folder, "target")
    os.environ["DBT_LOG_PATH"] = os.path.join(folder, "logs")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_FOLDER, None)
    if folder is None:
        return
    for name in _VARIABLES:
        os.environ.pop(name, None)
    shutil.rmtree(folder, ignore_errors=True)


_FOLDER = pytest.StashKey[str]()
