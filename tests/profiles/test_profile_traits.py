"""Golden record, traits and timeline built from a handful of raw rows, asserted row by row; the
incremental timeline equals a full refresh after new data and a merge; `profile_details` shows it all."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from audience_warehouse import (
    Warehouse,
    consent,
    esp_event,
    hubspot,
    nps,
    pos_line,
    segment_identify,
    segment_track,
    shopify_order,
)

from cdp.segments import profile_details

ANN, BOB = "ann@x.test", "bob@x.test"
CANDIDATES = (
    "select customer_id, attribute, value, source, record_id, observed_at"
    " from main.int_profile_attribute_candidates"
)
TIMELINE = (
    "select event_id, customer_id, occurred_at, source, event_type, properties from main.fct_customer_events"
)


def traits_of(world: Warehouse, email: str) -> dict[str, Any]:
    with_names = world.query(
        "select t.* from main.customer_traits t join main.customer_identifiers i using (customer_id)"
        " where i.identifier_type = 'email' and i.identifier_value = ?",
        [email],
    )
    columns = [
        r[0]
        for r in world.query(
            "select column_name from information_schema.columns"
            " where table_name = 'customer_traits' order by ordinal_position"
        )
    ]
    return dict(zip(columns, with_names[0], strict=True))


def anonymous_page(message_id: str, timestamp: str) -> dict[str, Any]:
    """A page view of the visitor `anon-c`, not identified until the second load."""
    return {"message_id": message_id, "type": "page", "anonymous_id": "anon-c", "timestamp": timestamp}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("profiles"))
    world.insert("hubspot_contacts", [hubspot("901", ANN, "Annabel", "2025-01-01T00:00:00Z")])
    world.insert(
        "shopify_orders",
        [
            shopify_order(1, ANN, "100.00", "2026-10-10T10:00:00Z", first_name="Ann", city="Boston"),
            shopify_order(2, ANN, "50.00", "2026-10-15T10:00:00Z", first_name="Ann",
                          cancelled_at="2026-10-16T10:00:00Z", updated_at="2026-10-16T10:00:00Z"),
            shopify_order(3, ANN, "100.00", "2026-09-01T10:00:00Z", currency="EUR"),
        ],
    )  # fmt: skip
    world.insert(
        "pos_sales",
        [
            pos_line("T1", ANN, "30.00", "2026-10-20T12:00:00Z"),
            pos_line("T1", ANN, "20.00", "2026-10-20T12:00:00Z"),
            pos_line("T2", BOB, "40.00", "2026-06-01T12:00:00Z"),
        ],
    )
    world.insert(
        "esp_events",
        [
            esp_event("e1", ANN, "delivered", datetime(2026, 10, 25)),
            esp_event("e2", ANN, "open", datetime(2026, 10, 26)),
            esp_event("e3", ANN, "click", datetime(2026, 8, 15)),
            esp_event("e4", BOB, "bounce", datetime(2026, 7, 1)),
        ],
    )
    world.insert(
        "nps_responses",
        [nps("n1", ANN, 5, "2026-05-01T00:00:00Z"), nps("n2", ANN, 9, "2026-10-01T00:00:00Z")],
    )
    world.insert(
        "consent_events",
        [
            consent(ANN, "email_marketing", "granted", "2026-01-01T00:00:00Z"),
            consent(ANN, "email_marketing", "revoked", "2026-06-01T00:00:00Z"),
            consent(ANN, "sms_marketing", "granted", "2026-02-01T00:00:00Z"),
        ],
    )
    world.insert(
        "segment_events",
        [
            segment_identify("s1", "u-ann", "2026-10-29T09:00:00Z", email=ANN, title="VP Marketing"),
            {"message_id": "s2", "type": "group", "user_id": "u-ann", "group_id": "acme",
             "timestamp": "2026-10-29T09:01:00Z", "traits": {"name": "Acme", "industry": "Retail"}},
            segment_track("s3", "u-ann", "Product Viewed", "2026-10-30T10:00:00Z", name="Scarf"),
            segment_track("s4", "u-ann", "Product Added", "2026-10-31T10:00:00Z", name="Scarf"),
            anonymous_page("s5", "2026-10-05T10:00:00Z"),
            anonymous_page("s6", "2026-10-06T10:00:00Z"),
        ],
    )  # fmt: skip
    world.insert(
        "zendesk_users", [{"id": "77", "email": BOB, "name": "Bob B", "created_at": "2026-01-01T00:00:00Z"}]
    )
    world.insert(
        "zendesk_tickets",
        [
            {"id": "1", "requester_id": "77", "created_at": "2026-03-01T00:00:00Z", "status": "solved",
             "satisfaction_score": "good"},
            {"id": "2", "requester_id": "77", "created_at": "2026-04-01T00:00:00Z", "status": "open",
             "satisfaction_score": "bad"},
        ],
    )  # fmt: skip
    world.dbt("run", "--select", "+customer_traits")
    first = {"ann": traits_of(world, ANN), "bob": traits_of(world, BOB)}
    anon_before = world.query(
        "select customer_id from main.fct_customer_events where event_id = 'segment:s5'"
    )
    # New data: an email event, and the anonymous visitor identifies as Bob (their events change customer).
    world.insert("esp_events", [esp_event("e5", BOB, "delivered", datetime(2026, 10, 30))])
    world.insert(
        "segment_events",
        [{**anonymous_page("s7", "2026-10-07T10:00:00Z"), "type": "identify", "traits": {"email": BOB}}],
    )
    world.dbt("run", "--select", "+fct_customer_events", "+int_profile_attribute_candidates")
    incremental = sorted(world.query(TIMELINE))
    candidates_incremental = sorted(world.query(CANDIDATES))
    world.dbt("run", "--select", "fct_customer_events", "int_profile_attribute_candidates", "--full-refresh")
    full = sorted(world.query(TIMELINE))
    return {
        "candidates_incremental": candidates_incremental,
        "candidates_full": sorted(world.query(CANDIDATES)),
        "world": world,
        "first": first,
        "incremental": incremental,
        "full": full,
        "anon_before": anon_before,
    }


def test_golden_record_follows_survivorship_with_sources(world: dict[str, Any]) -> None:
    ann = world["first"]["ann"]
    assert (ann["first_name"], ann["first_name_source"]) == ("Annabel", "hubspot")
    assert str(ann["first_name_updated_at"]) == "2025-01-01 00:00:00"
    assert (ann["city"], ann["city_source"], ann["country_code"]) == ("Boston", "shopify", "US")
    assert ann["primary_email"] == ANN and ann["all_emails"] == ANN


def test_order_traits_count_online_and_store_without_cancelled(world: dict[str, Any]) -> None:
    ann = world["first"]["ann"]
    assert (ann["orders_count"], ann["online_orders_count"], ann["store_orders_count"]) == (3, 2, 1)
    assert ann["cancelled_orders_count"] == 1
    assert ann["lifetime_revenue"] == Decimal("258.00")  # 100 USD + 100 EUR at 1.08 + 50 in store
    assert ann["average_order_value"] == Decimal("86.00")
    assert ann["days_since_last_order"] == 12 and str(ann["last_order_at"]) == "2026-10-20 12:00:00"
    assert ann["channels_used"] == "web,store,email"
    assert ann["rfm_segment"] is not None and world["first"]["bob"]["rfm_recency_score"] == 1


def test_email_nps_consent_support_and_b2b_traits(world: dict[str, Any]) -> None:
    ann, bob = world["first"]["ann"], world["first"]["bob"]
    assert (ann["email_delivered_30d"], ann["email_opens_30d"], ann["email_clicks_30d"]) == (1, 1, 0)
    assert ann["email_clicks_90d"] == 1 and not ann["is_email_hard_bounced"]
    assert bob["is_email_hard_bounced"] and not bob["uses_email"]
    assert (ann["latest_nps_score"], ann["latest_nps_category"]) == (9, "promoter")
    assert (ann["consent_email_marketing"], ann["consent_email_marketing_status"]) == (False, "revoked")
    assert ann["consent_sms_marketing"] is True
    assert (ann["consent_ads_targeting"], ann["consent_ads_targeting_status"]) == (False, "unknown")
    assert (bob["support_tickets_count"], bob["open_tickets_count"], bob["csat_pct"]) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert (ann["b2b_account_id"], ann["b2b_account_name"], ann["job_title"]) == (
        "acme",
        "Acme",
        "VP Marketing",
    )
    assert ann["is_decision_maker"] is True


def test_cart_and_product_traits(world: dict[str, Any]) -> None:
    ann = world["first"]["ann"]
    assert ann["has_abandoned_cart"] is True and ann["hours_since_cart_added"] == 14
    assert ann["abandoned_cart_products"] == "Scarf" and ann["recently_viewed_products"] == "Scarf"
    assert str(ann["traits_as_of_at"]) == "2026-11-01 00:00:00"


def test_incremental_timeline_equals_full_refresh(world: dict[str, Any]) -> None:
    assert world["incremental"] == world["full"]
    sources = {row[3] for row in world["full"]}
    assert sources == {"segment", "shopify", "pos", "esp", "nps", "consent", "hubspot", "zendesk"}
    event_ids = {row[0] for row in world["full"]}
    assert {"esp:e5", "shopify:2:cancelled", "pos:T1:placed", "zendesk:ticket:2"} <= event_ids


def test_incremental_attribute_candidates_equal_full_refresh(world: dict[str, Any]) -> None:
    incremental, full = world["candidates_incremental"], world["candidates_full"]
    assert incremental == full
    bob = {row[0] for row in full if row[1] == "email" and row[2] == BOB}
    assert len(bob) == 1 and ("segment", "s7") in {(row[3], row[4]) for row in full}


def test_merged_visitor_events_move_to_the_known_customer(world: dict[str, Any]) -> None:
    by_id = {row[0]: row[1] for row in world["incremental"]}
    assert by_id["segment:s5"] == by_id["segment:s6"] == by_id["pos:T2:placed"]
    assert (
        world["anon_before"][0][0] != by_id["pos:T2:placed"]
        or world["anon_before"][0][0] == by_id["segment:s5"]
    )


def test_profile_details_show_sources_traits_and_timeline(world: dict[str, Any]) -> None:
    warehouse: Warehouse = world["world"]
    customer_id = world["first"]["ann"]["customer_id"]
    details = profile_details(warehouse.db_path, customer_id)
    first_name = next(a for a in details.attributes if a.name == "first_name")
    assert (first_name.value, first_name.source) == ("Annabel", "hubspot")
    assert details.traits["orders_count"] == 3 and "first_name_source" not in details.traits
    assert details.lists["full_name"] == "Annabel"
    assert details.timeline[0].event_type == "Product Added"
    assert [e.occurred_at for e in details.timeline] == sorted(
        (e.occurred_at for e in details.timeline), reverse=True
    )
