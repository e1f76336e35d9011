"""Land the raw tables on the engine dbt builds on: DuckDB (nothing to do), Postgres or Spark.

Loading always happens in DuckDB first (`ingest.load_folder`: manifest, quarantine and validation live
there); `land_raw` then brings the chosen target's raw tables up to date with DuckDB's `raw` schema:

    report = load_folder(data_dir, db_path)
    landed = land_raw(db_path, "postgres")     # or "spark"; "duckdb" lands nothing

Postgres receives the rows by COPY (connection from the PG* variables); Spark gets Parquet files that the
dbt project registers as tables (see ingest/targets/spark.py). Both are idempotent: only loads the target
lacks are moved, and a target holding loads DuckDB no longer has is rewritten to match.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.targets.common import LandedTable

TARGETS = ("duckdb", "postgres", "spark")


def land_raw(db_path: Path, target: str) -> list[LandedTable]:
    """Copy the raw loads of the DuckDB file `db_path` to `target`; one entry per raw table moved.

    Raises ValueError for an unknown target and psycopg.OperationalError when Postgres is unreachable.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if target == "duckdb":
        return []
    with duckdb.connect(str(db_path), read_only=True) as duck:
        if target == "postgres":
            from ingest.targets.postgres import land_on_postgres

            return land_on_postgres(duck)
        from ingest.targets.spark import land_for_spark

        return land_for_spark(duck)


__all__ = ["TARGETS", "LandedTable", "land_raw"]
