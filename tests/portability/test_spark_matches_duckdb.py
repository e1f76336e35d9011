"""The sample built on Spark (dbt-spark session mode, local master) gives DuckDB's contract tables.

The raw loads reach Spark as Parquet files (ingest.targets.spark) that the project's on-run-start macro
registers as tables; every model is built with dbt-spark in-process and the contract tables are
compared row for row with the DuckDB build, customer ids included.
"""

from __future__ import annotations

import pytest
from comparisons import COMPARED_TABLES, assert_same_table
from engines import BuiltWarehouse

# Minutes, not seconds (a full build per engine): run with `pytest -m portability tests/portability`.
pytestmark = [pytest.mark.portability, pytest.mark.slow]


def test_every_model_builds_on_spark(spark_built: BuiltWarehouse) -> None:
    assert spark_built.outcome.failures == {}
    assert spark_built.outcome.nodes > 40


@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_spark_table_matches_duckdb(
    table: str, duckdb_built: BuiltWarehouse, spark_built: BuiltWarehouse
) -> None:
    assert duckdb_built.outcome.failures == {}
    assert_same_table(duckdb_built, spark_built, table)
