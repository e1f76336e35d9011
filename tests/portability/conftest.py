"""Fixtures of the portability tests: the sample built on DuckDB, Postgres and Spark (session mode).

Each build runs once per test session. Postgres builds into a throwaway database (dropped afterwards);
Spark runs in-process with a local master, an in-memory catalog and its files in the temp dir, started
once and stopped at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
from engines import SAMPLE_DIR, BuiltWarehouse, Row, run_dbt

from ingest import load_folder
from ingest.targets.postgres import land_on_postgres
from ingest.targets.spark import land_for_spark

#: The dbt command each engine is built with; `build` also runs every data test on the engine.
POSTGRES_COMMAND = ("build",)
SPARK_COMMAND = ("run",)


@pytest.fixture(scope="session")
def sample_duckdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sample loaded into a fresh DuckDB file (the raw layer only)."""
    db_path = tmp_path_factory.mktemp("portability") / "warehouse.duckdb"
    report = load_folder(SAMPLE_DIR, db_path)
    assert report.totals.rows_landed > 1000
    return db_path


@pytest.fixture(scope="session")
def duckdb_built(sample_duckdb: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The project built on DuckDB (a copy of the sample's raw file, so the raw file stays loadable)."""
    work = tmp_path_factory.mktemp("duckdb_build")
    db_path = work / "warehouse.duckdb"
    db_path.write_bytes(sample_duckdb.read_bytes())
    outcome = run_dbt(work, {"TESSERA_TARGET": "duckdb", "TESSERA_DB": str(db_path)}, "run")

    def query(sql: str) -> list[Row]:
        with duckdb.connect(str(db_path)) as con:  # dbt-duckdb's connection may still be open
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return BuiltWarehouse("duckdb", query, "main", outcome)


@pytest.fixture(scope="session")
def postgres_database(throwaway_pg_database) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh Postgres database for one test session; dropped afterwards."""
    with throwaway_pg_database("tessera_port") as name:
        yield name


def postgres_conninfo(database: str) -> str:
    """The test server's connection string for `database`."""
    return f"postgresql://postgres@127.0.0.1:5432/{database}"


@pytest.fixture(scope="session")
def postgres_built(
    sample_duckdb: Path, postgres_database: str, tmp_path_factory: pytest.TempPathFactory
) -> BuiltWarehouse:
    """The sample landed on Postgres by COPY and the project built there, data tests included."""
    conninfo = postgres_conninfo(postgres_database)
    with duckdb.connect(str(sample_duckdb), read_only=True) as duck:
        land_on_postgres(duck, conninfo)
    env = {
        "TESSERA_TARGET": "postgres",
        "TESSERA_DB": str(sample_duckdb),
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "PGUSER": "postgres",
        "PGDATABASE": postgres_database,
        "TESSERA_PG_SCHEMA": "main",
    }
    work = tmp_path_factory.mktemp("postgres_build")
    outcome = run_dbt(work, env, *POSTGRES_COMMAND)

    def query(sql: str) -> list[Row]:
        with psycopg.connect(conninfo) as con:
            cursor = con.execute(sql)
            names = [d.name for d in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return BuiltWarehouse("postgres", query, "main", outcome)


@pytest.fixture(scope="session")
def spark_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment of the Spark target for this session; stops the shared Spark session at the end."""
    pytest.importorskip("pyspark", reason="Spark tests need the spark extra: pip install -e '.[spark]'")
    pytest.importorskip("dbt.adapters.spark", reason="Spark tests need dbt-spark[session]")
    spark_dir = tmp_path_factory.mktemp("spark")
    env = {
        "TESSERA_TARGET": "spark",
        "TESSERA_SPARK_DIR": str(spark_dir),
        "TESSERA_SPARK_CATALOG": "in-memory",
        "TESSERA_SPARK_SCHEMA": "main",
        "TESSERA_SPARK_THREADS": "1",
    }
    yield env
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


@pytest.fixture(scope="session")
def spark_built(
    sample_duckdb: Path, spark_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> BuiltWarehouse:
    """The sample landed as Parquet and the project built with dbt-spark in session mode."""
    env = {**spark_env, "TESSERA_DB": str(sample_duckdb)}
    with duckdb.connect(str(sample_duckdb), read_only=True) as duck:
        land_for_spark(duck, Path(env["TESSERA_SPARK_DIR"]) / "raw")
    work = tmp_path_factory.mktemp("spark_build")
    registered = run_dbt(work, env, "run-operation", "register_raw_tables")
    assert registered.failures == {}
    outcome = run_dbt(work, env, *SPARK_COMMAND)

    def query(sql: str) -> list[Row]:
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        assert session is not None, "dbt-spark's session is gone"
        return [{k: _utc(v) for k, v in row.asDict().items()} for row in session.sql(sql).collect()]

    return BuiltWarehouse("spark", query, spark_env["TESSERA_SPARK_SCHEMA"], outcome)


def _utc(value: Any) -> Any:
    """PySpark returns timestamps as naive datetimes in the Python process's local zone: make them UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
