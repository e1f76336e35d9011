"""Rows loaded before a build but staged after it still reach identity and the orders.

A partial build (`dbt build --select stg_shopify__orders+`, a Dagster materialization of one source's
assets) stages one source and builds identity on it; files of other sources loaded earlier are staged by a
later build. On Postgres the same happens without any selection: a build can stage one source while a
load is still committing the next file of another. The models built on staged tables therefore read what
was staged since their last build (`_staged_at`), not what was loaded since: by load time, the rows of the
file loaded first and staged last fell behind the watermark and were skipped for good.

Load order here: a Segment identify call, then two store sales (one with an email, one anonymous), then a
Shopify order. Only the Shopify path is built first; everything else afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from identity_warehouse import IDENTITY_SELECTOR, Warehouse, pos_sale, segment_event, shopify_order

EVERYTHING = f"{IDENTITY_SELECTOR} +fct_orders"
# The Shopify staging model and what lies between it and the orders (identity), nothing else.
SHOPIFY_PATH = "stg_shopify__orders+,+fct_orders"
ORDERS = "select order_id, customer_id is not null as has_customer from main.fct_orders order by order_id"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _snapshot(warehouse: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    """Every identifier row (without node ids, which a full refresh renumbers) and every order."""
    return {
        "identifiers": warehouse.query(
            "select source, record_id, identifier_type, identifier_value"
            " from main.int_identifiers_unioned order by all"
        ),
        "orders": warehouse.query(ORDERS),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    late = Warehouse.create(tmp_path_factory.mktemp("staged_late"))
    late.insert("segment_events", [segment_event("m1", "identify", user_id="u1", email="ann@mail.com")])
    late.insert("shopify_orders", [shopify_order(1, email="ann@mail.com")])
    late.build(select=EVERYTHING, command="run")

    # New files, in this load order, after the first build.
    late.insert(
        "segment_events",
        [segment_event("m2", "identify", user_id="u2", email="bob@mail.com")],
        loaded_at=_now(),
    )
    late.insert(
        "pos_sales",
        [pos_sale("t-1", email="cat@mail.com"), pos_sale("t-2")],
        loaded_at=_now(),
    )
    late.insert("shopify_orders", [shopify_order(2, email="dan@mail.com")], loaded_at=_now())
    late.build(select=SHOPIFY_PATH, command="run")
    after_partial = {
        "bob": late.record_customer("segment", "m2"),
        "dan": late.record_customer("shopify", "2"),
    }
    late.build(select=EVERYTHING, command="run")

    snapshot = _snapshot(late)
    late.build(select=EVERYTHING, command="run", full_refresh=True)
    return {"after_partial": after_partial, "snapshot": snapshot, "refreshed": _snapshot(late)}


def test_the_partial_build_resolves_only_what_it_staged(world: dict[str, Any]) -> None:
    assert world["after_partial"]["dan"] is not None
    assert world["after_partial"]["bob"] is None  # Segment was not staged yet


def test_an_event_loaded_first_and_staged_last_is_resolved(world: dict[str, Any]) -> None:
    snapshot = world["snapshot"]
    assert ("segment", "m2", "email", "bob@mail.com") in snapshot["identifiers"]
    assert ("pos", "t-1-1", "email", "cat@mail.com") in snapshot["identifiers"]


def test_store_sales_staged_last_become_orders(world: dict[str, Any]) -> None:
    # t-2 carries no identifier: only the orders' own watermark can find it, not a resolution.
    orders = dict(world["snapshot"]["orders"])
    assert orders == {"shopify:1": True, "shopify:2": True, "pos:t-1": True, "pos:t-2": False}


def test_incremental_builds_end_equal_to_a_full_refresh(world: dict[str, Any]) -> None:
    assert world["snapshot"] == world["refreshed"]
