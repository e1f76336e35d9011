"""Harness for the dbt staging tests: an isolated copy of the dbt project and dbt invoked in-process.

The copy holds only the staging layer and its macros, so these tests prove the staging layer on its own
and are not broken by other layers while they are being written. dbt's target and log folders live in
pytest's temp dir, so parallel runs never share state.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult
from raw_rows import insert_statements

from cdp.settings import REPO_ROOT
from ingest.schema import ensure_raw_schema

PROJECT_DIR = REPO_ROOT / "dbt_project"
#: What the staging layer needs from the project; everything else (other layers) is left out.
STAGING_PATHS = (
    "dbt_project.yml",
    "profiles.yml",
    "macros/normalise",
    "macros/portable",
    "macros/privacy",
    "macros/staging",
    "models/staging",
    "seeds",
)


@dataclass(frozen=True)
class DbtHarness:
    """Runs dbt in-process against a copy of the project and a DuckDB file of the test's choosing."""

    project_dir: Path
    work_dir: Path

    def invoke(self, db_path: Path, *args: str, env: dict[str, str] | None = None) -> dbtRunnerResult:
        """Run `dbt <args>` on `db_path` (DuckDB unless `env` picks another target); fail on a dbt crash."""
        flags = [
            "--project-dir", str(self.project_dir),
            "--profiles-dir", str(self.project_dir),
            "--target-path", str(self.work_dir / "target"),
            "--log-path", str(self.work_dir / "logs"),
        ]  # fmt: skip
        overrides = {"TESSERA_DB": str(db_path), "TESSERA_TARGET": "duckdb", **(env or {})}
        saved = {name: os.environ.get(name) for name in overrides}
        os.environ.update(overrides)
        try:
            result = dbtRunner().invoke([*args, *flags, "--quiet"])
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        if result.exception is not None:
            raise AssertionError(f"dbt {' '.join(args)} crashed: {result.exception}")
        return result

    def compile_inline(self, db_path: Path, sql: str) -> str:
        """The SQL dbt compiles `sql` (Jinja, macros) to."""
        result = self.invoke(db_path, "compile", "--inline", sql)
        assert result.success, f"dbt compile failed: {result.result}"
        return result.result.results[0].node.compiled_code


@pytest.fixture(scope="session")
def dbt_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtHarness]:
    """A copy of the staging layer of the dbt project in a temp folder."""
    root = tmp_path_factory.mktemp("dbt")
    project = root / "project"
    project.mkdir()
    for relative in STAGING_PATHS:
        source = PROJECT_DIR / relative
        if source.is_dir():
            shutil.copytree(source, project / relative)
        elif source.is_file():
            shutil.copy2(source, project / relative)
    yield DbtHarness(project_dir=project, work_dir=root)


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding the empty raw schema (enough to compile and run macros)."""
    path = tmp_path_factory.mktemp("warehouse") / "empty.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_raw_schema(con)
    return path


#: Default countries `normalise_phone` supports (must match macros/normalise/phone_countries.sql).
PHONE_COUNTRIES = ("US", "CA", "GB", "DE", "FR", "NL", "ES", "IT", "AU", "IE")
#: One-argument macros compiled for the tests, callable by their own name.
SCALAR_MACROS = (
    "parse_timestamp_utc",
    "epoch_to_timestamp",
    "normalise_id",
    "clean_text",
    "to_decimal",
    "to_integer",
)


@dataclass(frozen=True)
class Normalisers:
    """The SQL of the normalisation macros as compiled by dbt, runnable on a list of values in DuckDB."""

    expressions: dict[str, str]
    con: duckdb.DuckDBPyConnection
    #: The macro `phone_countries()`'s table, as compiled.
    phone_countries: dict[str, dict[str, Any]]

    def run(self, name: str, values: list[str | None]) -> list[Any]:
        """Apply macro `name` (`email`, `phone_US`, `to_decimal`...) to `values` in one query, in order."""
        if not values:
            return []
        sql = (
            "with inputs as (select unnest($1::varchar[]) as value, unnest(range(len($1))) as position) "
            f"select {name}(value) from inputs order by position"
        )
        return [row[0] for row in self.con.execute(sql, [values]).fetchall()]


@pytest.fixture(scope="session")
def normalisers(dbt_harness: DbtHarness, empty_warehouse: Path) -> Iterator[Normalisers]:
    """The normalisation macros (`normalise_phone` once per default country) compiled once per session."""
    macros = {
        "email": "normalise_email('value')",
        **{f"phone_{c}": f"normalise_phone('value', '{c}')" for c in PHONE_COUNTRIES},
        # The record's country given as a name, and a country the macro does not know (falls back to US).
        "phone_in_united_kingdom": "normalise_phone_in_country('value', \"'United Kingdom'\")",
        "phone_in_de": "normalise_phone_in_country('value', \"'de'\")",
        "phone_in_narnia": "normalise_phone_in_country('value', \"'Narnia'\")",
        **{name: f"{name}('value')" for name in SCALAR_MACROS},
    }
    parts = [f"/*<{name}>*/ {{{{ {call} }}}} /*</{name}>*/ as {name}" for name, call in macros.items()]
    table_comment = "/*<phone_countries> {{ tojson(phone_countries()) }} </phone_countries>*/"
    compiled = dbt_harness.compile_inline(
        empty_warehouse, table_comment + "\nselect " + ",\n".join(parts) + " from inputs"
    )
    table_json = compiled[compiled.index("<phone_countries>") + 17 : compiled.index("</phone_countries>")]
    expressions = {}
    for name in macros:
        start, end = f"/*<{name}>*/", f"/*</{name}>*/"
        expressions[name] = compiled[compiled.index(start) + len(start) : compiled.index(end)]
    con = duckdb.connect()
    # Not UTC, so a macro that leans on the session time zone shows.
    con.execute("set TimeZone = 'America/New_York'")
    # DuckDB macros: the long expressions are parsed once, not once per hypothesis example.
    for name, expression in expressions.items():
        con.execute(f"create macro {name}(value) as ({expression})")
    yield Normalisers(expressions=expressions, con=con, phone_countries=json.loads(table_json))
    con.close()


@dataclass(frozen=True)
class StagedWarehouse:
    """A DuckDB warehouse after `dbt build --select staging`, and dbt's result for every node."""

    db_path: Path
    results: list[Any]

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Rows of `sql` as dicts."""
        # Same configuration as dbt-duckdb's connection, which stays open in this process.
        with duckdb.connect(str(self.db_path)) as con:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="session")
def staged(dbt_harness: DbtHarness, tmp_path_factory: pytest.TempPathFactory) -> StagedWarehouse:
    """raw_rows.py landed in a fresh DuckDB file and the staging layer built on it (once per session)."""
    db_path = tmp_path_factory.mktemp("staging") / "warehouse.duckdb"
    with duckdb.connect(str(db_path)) as con:
        ensure_raw_schema(con)
        for sql, params in insert_statements("?"):
            con.execute(sql, params)
    result = dbt_harness.invoke(db_path, "build", "--select", "staging")
    return StagedWarehouse(db_path=db_path, results=list(result.result.results))
