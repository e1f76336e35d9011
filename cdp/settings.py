"""Shared settings: where the warehouse, the inputs and the dbt project live.

Every value has a development default so a fresh clone runs with no configuration; each can be overridden
by an environment variable (see docs/architecture.md) or, for the CLI, by a flag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


@dataclass(frozen=True)
class Settings:
    """Resolved locations and engine settings for one invocation."""

    db_path: Path = field(
        default_factory=lambda: _env_path("TESSERA_DB", REPO_ROOT / "data" / "warehouse.duckdb")
    )
    data_dir: Path = field(
        default_factory=lambda: _env_path("TESSERA_DATA_DIR", REPO_ROOT / "data" / "sample")
    )
    dbt_project_dir: Path = field(
        default_factory=lambda: _env_path("TESSERA_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project")
    )
    syncs_file: Path = field(default_factory=lambda: _env_path("TESSERA_SYNCS", REPO_ROOT / "syncs.yml"))
    threads: int = field(default_factory=lambda: int(os.environ.get("TESSERA_THREADS", os.cpu_count() or 2)))
    #: Models dbt builds at once; None leaves it to the profile (DuckDB: 1, see dbt_project/profiles.yml).
    dbt_threads: int | None = field(default_factory=lambda: _env_int("TESSERA_DBT_THREADS"))
    memory_limit: str | None = field(default_factory=lambda: os.environ.get("TESSERA_MEMORY_LIMIT", "4GB"))

    def with_overrides(self, **overrides: object) -> Settings:
        """Return a copy with the non-None overrides applied (CLI flags win over the environment)."""
        values = {k: v for k, v in overrides.items() if v is not None}
        return Settings(**{**self.__dict__, **values})
