"""A private copy of the repository's dbt project, for tests that build it.

Builds of one copy never share `target/`, `logs/` or `partial_parse.msgpack` with other builds on the
machine (the other pytest worker, a developer's `cdp run`). Importable from every test folder: pytest puts
`tests/` on `sys.path` for `tests/conftest.py`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from cdp.settings import REPO_ROOT

PROJECT_DIR = REPO_ROOT / "dbt_project"
_NOT_COPIED = ("target", "logs", "dbt_packages", ".user.yml")


def copy_dbt_project(destination: Path) -> Path:
    """Copy the dbt project's sources (not its build output) to `destination`; returns `destination`."""
    shutil.copytree(PROJECT_DIR, destination, ignore=shutil.ignore_patterns(*_NOT_COPIED))
    return destination
