"""The `unique_combination` test reports a repeated compound key (on DuckDB it first groups a hash of the
key, then checks the keys whose hash repeats on their values) and, with `latest_build_column`, looks only
at the rows of the latest build."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from audience_warehouse import Warehouse, hubspot

TEST_NAME = "unique_combination_int_identifiers_unioned_source__record_id__node_id___identified_at"


def _duplicate_a_row(world: Warehouse, *, identified_at: str) -> None:
    """Copy one identifier row, stamped `identified_at` ('latest': the newest stamp, or a literal)."""
    stamp = "(select max(_identified_at) from main.int_identifiers_unioned)"
    if identified_at != "latest":
        stamp = f"timestamp '{identified_at}'"
    with duckdb.connect(str(world.db_path)) as con:
        con.execute(
            "insert into main.int_identifiers_unioned by name"
            f" select * replace ({stamp} as _identified_at)"
            " from main.int_identifiers_unioned order by record_id, node_id limit 1"
        )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("unique_combination"))
    world.insert(
        "hubspot_contacts",
        [
            hubspot("h1", "ann@x.test", "Ann", "2025-01-01T00:00:00Z"),
            hubspot("h2", "bob@x.test", "Bob", "2025-01-01T00:00:00Z"),
        ],
    )
    world.dbt("run", "--select", "+int_identifiers_unioned")
    select = ("test", "--select", "test_name:unique_combination,int_identifiers_unioned")
    outcomes: dict[str, Any] = {"clean": world.dbt(*select, check=False)}
    _duplicate_a_row(world, identified_at="2000-01-01 00:00:00")
    outcomes["old_duplicate"] = world.dbt(*select, check=False)
    _duplicate_a_row(world, identified_at="latest")
    outcomes["latest_duplicate"] = world.dbt(*select, check=False)
    return outcomes


def test_a_clean_table_passes(outcomes: dict[str, Any]) -> None:
    assert outcomes["clean"].success
    assert outcomes["clean"].messages[TEST_NAME].startswith("pass")


def test_a_duplicate_of_an_earlier_build_is_not_read(outcomes: dict[str, Any]) -> None:
    assert outcomes["old_duplicate"].success


def test_a_duplicate_in_the_latest_build_fails(outcomes: dict[str, Any]) -> None:
    assert not outcomes["latest_duplicate"].success
    assert outcomes["latest_duplicate"].messages[TEST_NAME].startswith("fail: Got 1 result")
