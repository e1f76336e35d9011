"""The trait tables and customer_traits kept per customer: when the reference time moves, an incremental
build redoes the customers whose records were resolved since and those whose span no longer holds the new
reference time (an event entered the build's horizon, left a window, or a cart add aged past the grace),
and gives the same rows as a full refresh, forwards and back; customers far from every edge are not
rewritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from audience_warehouse import Warehouse, consent, esp_event, nps, segment_track, shopify_order

ANN, BOB, CAT, DAN, EVE, FAY = (f"{name}@x.test" for name in ("ann", "bob", "cat", "dan", "eve", "fay"))
TRAIT_MODELS = (
    "int_customer_order_traits",
    "int_customer_rfm",
    "int_customer_email_traits",
    "int_customer_cart_traits",
    "int_customer_activity_traits",
    "int_customer_support_traits",
    "int_customer_nps_traits",
    "int_customer_consent_flags",
    "int_customer_traits",
)
STAMPS = "_resolved_through, _settings_signature, _built_at"
RFM_STAMPS = "_settings_signature, _built_at"
FIRST, LATER = "2026-11-01 00:00:00", "2026-11-06 00:00:00"


def _snapshot(world: Warehouse) -> dict[str, list[tuple]]:
    """Every trait table without its build stamps (spans included), and the published view."""
    tables = {
        model: world.query(
            f"select * exclude ({RFM_STAMPS if model == 'int_customer_rfm' else STAMPS})"
            f" from main.{model} order by all"
        )
        for model in TRAIT_MODELS
    }
    tables["customer_traits"] = world.query("select * from main.customer_traits order by all")
    return tables


def _built_at(world: Warehouse, model: str) -> dict[str, Any]:
    return dict(world.query(f"select customer_id, _built_at from main.{model}"))


def _trait(world: Warehouse, email: str, column: str) -> Any:
    return world.query(
        f"select {column} from main.customer_traits where customer_id = ?", [world.customer_with_email(email)]
    )[0][0]


def _full_refresh(world: Warehouse, as_of: str) -> dict[str, list[tuple]]:
    models = (*TRAIT_MODELS, "customer_traits")
    world.dbt("run", "--full-refresh", "--select", *models, dbt_vars={"as_of": as_of})
    return _snapshot(world)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("traits"))
    world.insert(
        "esp_events",
        [
            esp_event("e1", ANN, "open", datetime(2026, 10, 5)),
            esp_event("e2", FAY, "open", datetime(2026, 10, 5)),  # leaves 30 days on 2026-11-04
            esp_event("e3", EVE, "delivered", datetime(2026, 3, 1)),
        ],
    )
    world.insert(
        "shopify_orders",
        [
            shopify_order(1, ANN, "10.00", "2026-10-20T00:00:00Z"),
            shopify_order(2, EVE, "50.00", "2026-06-01T00:00:00Z"),
        ],
    )
    # Bob's add is 30 minutes old at the first reference time: not abandoned yet.
    world.insert(
        "segment_events",
        [segment_track("s1", "u-bob", "Product Added", "2026-10-31T23:30:00Z", email=BOB, name="Beanie")],
    )
    # Cat's response and Dan's grant lie after the first reference time.
    world.insert("nps_responses", [nps("n1", CAT, 9, "2026-11-05T00:00:00Z")])
    world.insert("consent_events", [consent(DAN, "email_marketing", "granted", "2026-11-03T00:00:00Z")])
    world.dbt("run", dbt_vars={"as_of": FIRST})
    runs: dict[str, Any] = {"world": world}
    runs["first"] = {
        "fay_opens": _trait(world, FAY, "email_opens_30d"),
        "bob_abandoned": _trait(world, BOB, "has_abandoned_cart"),
        "cat_score": _trait(world, CAT, "latest_nps_score"),
        "dan_email": _trait(world, DAN, "consent_email_marketing"),
    }
    runs["built_first"] = {model: _built_at(world, model) for model in TRAIT_MODELS}

    # Later: Ann orders again (her record is new); nobody else has new data, the reference time moves.
    world.insert("shopify_orders", [shopify_order(3, ANN, "30.00", "2026-11-04T00:00:00Z")])
    world.dbt("run", dbt_vars={"as_of": LATER})
    runs["later"] = {
        "fay_opens": _trait(world, FAY, "email_opens_30d"),
        "bob_abandoned": _trait(world, BOB, "has_abandoned_cart"),
        "bob_hours": _trait(world, BOB, "hours_since_cart_added"),
        "cat_score": _trait(world, CAT, "latest_nps_score"),
        "dan_email": _trait(world, DAN, "consent_email_marketing"),
        "ann_orders": _trait(world, ANN, "orders_count"),
        "eve_days": _trait(world, EVE, "days_since_last_order"),
    }
    runs["built_later"] = {model: _built_at(world, model) for model in TRAIT_MODELS}
    runs["incremental_later"] = _snapshot(world)
    runs["full_later"] = _full_refresh(world, LATER)

    # Back to the first reference time, incrementally from the refreshed tables.
    world.dbt("run", dbt_vars={"as_of": FIRST})
    runs["incremental_back"] = _snapshot(world)
    runs["full_back"] = _full_refresh(world, FIRST)
    return runs


def test_the_first_build_measures_at_its_reference_time(runs: dict[str, Any]) -> None:
    assert runs["first"] == {"fay_opens": 1, "bob_abandoned": False, "cat_score": None, "dan_email": False}


def test_a_moved_reference_time_redoes_the_customers_at_an_edge(runs: dict[str, Any]) -> None:
    later = runs["later"]
    assert later["fay_opens"] == 0  # her open left the 30-day window
    assert later["bob_abandoned"] is True  # his add aged past the grace
    # Hour boundaries from 23:00 to 00:00 five days on, measured by the view at the new reference time.
    assert later["bob_hours"] == 5 * 24 + 1
    assert later["cat_score"] == 9  # her response entered the horizon
    assert later["dan_email"] is True
    assert later["ann_orders"] == 2
    assert later["eve_days"] == 158  # 2026-06-01 to 2026-11-06, with no row rewritten


def test_incremental_traits_equal_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["incremental_later"] == runs["full_later"]
    assert runs["incremental_back"] == runs["full_back"]
    assert runs["full_back"]["customer_traits"] != runs["full_later"]["customer_traits"]


def test_customers_far_from_every_edge_are_not_rewritten(runs: dict[str, Any]) -> None:
    world = runs["world"]
    eve, fay, ann = (world.customer_with_email(email) for email in (EVE, FAY, ANN))
    first, later = runs["built_first"], runs["built_later"]
    for model in ("int_customer_order_traits", "int_customer_email_traits", "int_customer_traits"):
        assert later[model][eve] == first[model][eve], model
        assert later[model][ann] > first[model][ann], model
    assert later["int_customer_email_traits"][fay] > first["int_customer_email_traits"][fay]
    assert later["int_customer_order_traits"].keys() == first["int_customer_order_traits"].keys()
