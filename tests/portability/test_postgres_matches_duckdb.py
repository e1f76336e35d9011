"""The sample built on Postgres gives DuckDB's customers, identifiers and audience members.

The raw tables reach Postgres by COPY (ingest.targets.postgres), the whole project (every model, the
connected-components and audience materializations, every data test) is built there, and the contract
tables are compared row for row with the DuckDB build. Customer ids are derived from identifier hashes,
so they must be identical too.
"""

from __future__ import annotations

import pytest
from comparisons import COMPARED_TABLES, assert_same_table
from engines import BuiltWarehouse

# A full build on each engine (~40 s in all): part of the default suite and CI.
pytestmark = pytest.mark.portability


def test_every_node_builds_on_postgres(postgres_built: BuiltWarehouse) -> None:
    assert postgres_built.outcome.failures == {}
    assert postgres_built.outcome.nodes > 100


@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_postgres_table_matches_duckdb(
    table: str, duckdb_built: BuiltWarehouse, postgres_built: BuiltWarehouse
) -> None:
    assert duckdb_built.outcome.failures == {}
    assert_same_table(duckdb_built, postgres_built, table)


def test_memberships_are_open_after_one_build(postgres_built: BuiltWarehouse) -> None:
    rows = postgres_built.table("segment_memberships")
    assert rows and all(row["exited_at"] is None and row["entered_at"] is not None for row in rows)
