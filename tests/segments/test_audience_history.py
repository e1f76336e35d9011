"""Audiences end to end: a new audience file is built, listed and recorded; memberships enter and exit
across builds with changed data, stay unchanged on a rebuild, and the holdout split is a stable hash."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
import sqlglot
from audience_warehouse import Warehouse, pos_line, shopify_order

from cdp.console import CdpError
from cdp.segments import list_segments, segment_sql, show_segment

BIG_SPENDERS_SQL = """\
{#- Customers who spent 100 or more. -#}

with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select customer_id, primary_email, lifetime_revenue
    from customers
    where lifetime_revenue >= 100
)

select * from final
"""

BIG_SPENDERS_YML = """\
version: 2
models:
  - name: big_spenders
    description: Customers who spent 100 or more.
    config:
      meta: {owner: test-team, consent_purpose: none, holdout_pct: 30}
    data_tests: [audience_history_matches]
"""


def email(i: int) -> str:
    return f"c{i}@shop.test"


def expected_holdout(segment: str, customer_id: str, pct: int) -> bool:
    """The documented split: the first 32 bits of md5('<segment>:<customer_id>') mod 100 below pct."""
    return int(hashlib.md5(f"{segment}:{customer_id}".encode()).hexdigest()[:8], 16) % 100 < pct


def memberships(world: Warehouse, segment: str) -> list[tuple]:
    return world.query(
        "select customer_id, entered_at, exited_at, is_holdout from main.segment_memberships"
        " where segment_name = ? order by customer_id, entered_at",
        [segment],
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three builds: the first with 40 customers, the second after c0's order is cancelled and c25 buys in
    store, the third with nothing changed. Snapshots of the history after each build."""
    world = Warehouse.create(tmp_path_factory.mktemp("audiences"))
    # big_spenders sets no materialization: the folder-level config proposed for dbt_project.yml does.
    world.set_audiences_folder_materialization()
    world.add_audience("big_spenders", BIG_SPENDERS_SQL, BIG_SPENDERS_YML)
    world.insert(
        "shopify_orders",
        [
            shopify_order(1000 + i, email(i), "150.00" if i < 20 else "50.00", "2026-10-20T10:00:00Z")
            for i in range(40)
        ],
    )
    world.dbt("run", "--select", "+path:models/marts/audiences")
    world.dbt("test", "--select", "path:models/marts/audiences")
    snapshots = {"first": memberships(world, "big_spenders")}
    world.insert(
        "shopify_orders",
        [
            shopify_order(
                1000, email(0), "150.00", "2026-10-20T10:00:00Z",
                cancelled_at="2026-10-21T10:00:00Z", updated_at="2026-10-21T10:00:00Z",
            )
        ],
    )  # fmt: skip
    world.insert("pos_sales", [pos_line("T-25", email(25), "80.00", "2026-10-25T10:00:00Z")])
    world.dbt("run", "--select", "+big_spenders")
    snapshots["second"] = memberships(world, "big_spenders")
    world.dbt("run", "--select", "+big_spenders")
    snapshots["third"] = memberships(world, "big_spenders")
    ids = dict(world.query("select identifier_value, customer_id from main.customer_identifiers"))
    return {"world": world, "snapshots": snapshots, "ids": ids}


def test_first_build_records_every_member_with_a_stable_holdout(world: dict) -> None:
    ids, first = world["ids"], world["snapshots"]["first"]
    spenders = {ids[email(i)] for i in range(20)}
    assert {row[0] for row in first} == spenders
    assert all(row[2] is None for row in first)
    holdout = {row[0] for row in first if row[3]}
    assert holdout == {c for c in spenders if expected_holdout("big_spenders", c, 30)}
    assert 0 < len(holdout) < len(spenders)


def test_audience_table_leaves_the_holdout_out(world: dict) -> None:
    warehouse: Warehouse = world["world"]
    table = {row[0] for row in warehouse.query("select customer_id from main.big_spenders")}
    open_rows = {row[0]: row[3] for row in world["snapshots"]["third"] if row[2] is None}
    assert table == {c for c, is_holdout in open_rows.items() if not is_holdout}


def test_changed_data_moves_customers_in_and_out(world: dict) -> None:
    ids, first, second = world["ids"], world["snapshots"]["first"], world["snapshots"]["second"]
    c0, c25 = ids[email(0)], ids[email(25)]
    c0_rows = [row for row in second if row[0] == c0]
    first_entered = {row[0]: row[1] for row in first}
    assert len(c0_rows) == 1 and c0_rows[0][1] == first_entered[c0]
    assert c0_rows[0][2] is not None and c0_rows[0][2] > c0_rows[0][1]
    c25_rows = [row for row in second if row[0] == c25]
    assert len(c25_rows) == 1 and c25_rows[0][2] is None and c25_rows[0][1] > first_entered[c0]
    assert c25_rows[0][3] == expected_holdout("big_spenders", c25, 30)
    untouched = [row for row in first if row[0] not in (c0, c25)]
    assert untouched == [row for row in second if row[0] not in (c0, c25)]


def test_rebuild_with_unchanged_data_changes_no_membership(world: dict) -> None:
    assert world["snapshots"]["third"] == world["snapshots"]["second"]


def test_sizes_keep_one_row_per_build(world: dict) -> None:
    warehouse: Warehouse = world["world"]
    rows = warehouse.query(
        "select size, holdout_size, entered, exited from main.segment_sizes"
        " where segment_name = 'big_spenders' order by built_at"
    )
    holdout_first = sum(1 for row in world["snapshots"]["first"] if row[3])
    assert rows[0] == (20, holdout_first, 20, 0)
    assert rows[1][2:] == (1, 1) and rows[1][0] == 20
    assert rows[2][2:] == (0, 0) and rows[2][0] == 20


@pytest.fixture
def world_manifest(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point cdp at the manifest the world's dbt runs wrote (its project's `target/`), not at the pytest
    worker's dbt folder (tests/conftest.py), which holds whatever project that worker built last."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(world["world"].project_dir / "target"))


@pytest.mark.usefixtures("world_manifest")
def test_new_audience_is_listed_with_size_change_and_owner(world: dict) -> None:
    warehouse: Warehouse = world["world"]
    summaries = {s.name: s for s in list_segments(warehouse.db_path, warehouse.project_dir)}
    assert "big_spenders" in summaries and "high_value" in summaries
    spenders = summaries["big_spenders"]
    assert (spenders.owner, spenders.size, spenders.change, spenders.holdout_pct) == ("test-team", 20, 0, 30)
    assert spenders.description == "Customers who spent 100 or more."


@pytest.mark.usefixtures("world_manifest")
def test_show_gives_definition_history_and_members(world: dict) -> None:
    warehouse: Warehouse = world["world"]
    detail = show_segment(warehouse.db_path, warehouse.project_dir, "big_spenders", sample=3)
    assert "lifetime_revenue >= 100" in detail.sql
    assert [p.size for p in detail.size_history] == [20, 20, 20]
    assert detail.sample_columns == ["customer_id", "primary_email", "lifetime_revenue"]
    assert len(detail.sample_rows) == 3
    assert all(row[2] >= 100 for row in detail.sample_rows)
    with pytest.raises(CdpError, match=r"unknown segment 'nope'; known segments: .*big_spenders"):
        show_segment(warehouse.db_path, warehouse.project_dir, "nope")


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery"])
def test_sql_is_transpiled_without_the_scratch_catalog(world: dict, dialect: str) -> None:
    warehouse: Warehouse = world["world"]
    sql = segment_sql(warehouse.project_dir, "big_spenders", dialect)
    tree = sqlglot.parse_one(sql, read=dialect)
    tables = {(t.db, t.name) for t in tree.find_all(sqlglot.exp.Table)}
    assert ("main", "customer_traits") in tables
    assert all(not t.catalog for t in tree.find_all(sqlglot.exp.Table))


def test_unknown_dialect_is_a_clear_error(world: dict) -> None:
    with pytest.raises(CdpError, match="unknown dialect 'cobol'"):
        segment_sql(world["world"].project_dir, "big_spenders", "cobol")


def test_prebuilt_audiences_build_and_record_sizes(world: dict) -> None:
    warehouse: Warehouse = world["world"]
    built = {row[0] for row in warehouse.query("select distinct segment_name from main.segment_sizes")}
    assert len(built - {"big_spenders"}) >= 12
    assert isinstance(warehouse.query("select max(built_at) from main.segment_sizes")[0][0], datetime)
