"""Resources: where the warehouse and the inputs are, and the dbt CLI.

Every path comes from `cdp.settings.Settings` (environment variables `TESSERA_DB`, `TESSERA_DATA_DIR`,
`TESSERA_SYNCS`, with development defaults), and can be overridden per run in the launchpad.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject

from cdp.settings import Settings

#: Dagster concurrency pool of every step that opens the DuckDB file: DuckDB allows one writer process.
WAREHOUSE_POOL = "tessera_warehouse"
#: Run tag limited to one run at a time by the run queue (see orchestration/dagster.yaml).
WAREHOUSE_RUN_TAG = {"tessera/warehouse": "duckdb"}


class TesseraWarehouse(ConfigurableResource):
    """The DuckDB warehouse file, the input folder and the syncs file of one deployment."""

    db_path: str
    data_dir: str
    syncs_file: str

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> TesseraWarehouse:
        """Values from the environment (`TESSERA_DB`, `TESSERA_DATA_DIR`, `TESSERA_SYNCS`) or dev defaults."""
        settings = settings or Settings()
        return cls(
            db_path=str(settings.db_path),
            data_dir=str(settings.data_dir),
            syncs_file=str(settings.syncs_file),
        )

    @property
    def db(self) -> Path:
        return Path(self.db_path)

    @property
    def data(self) -> Path:
        return Path(self.data_dir)

    @property
    def syncs(self) -> Path:
        return Path(self.syncs_file)

    @contextmanager
    def read_only(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, closed on exit (checks read the warehouse, never write it)."""
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def dbt_environment(self) -> Iterator[None]:
        """Point `dbt_project/profiles.yml` at this warehouse while a dbt process starts."""
        saved = os.environ.get("TESSERA_DB")
        os.environ["TESSERA_DB"] = str(self.db.resolve())
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("TESSERA_DB", None)
            else:
                os.environ["TESSERA_DB"] = saved


def dbt_executable() -> str:
    """The `dbt` next to this interpreter, so a venv works without being activated."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource(project: DbtProject) -> DbtCliResource:
    """The dbt CLI for the project."""
    return DbtCliResource(project_dir=project, dbt_executable=dbt_executable())
