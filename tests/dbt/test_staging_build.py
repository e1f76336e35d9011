"""Build the staging layer on a small raw warehouse (duplicates and bad values included) and check rows.

One `dbt build --select staging` per session (dbt start-up is seconds): the session fixture `staged` lands
the rows of raw_rows.py in every raw table, builds, and the tests read the staging views.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from raw_rows import LOAD_1, PROBE_SOURCE
from staging_harness import StagedWarehouse


def rows(staged: StagedWarehouse, sql: str) -> list[dict[str, Any]]:
    return staged.query(sql)


def test_every_model_and_schema_test_passes(staged: StagedWarehouse) -> None:
    statuses = {r.node.name: str(r.status) for r in staged.results}
    assert len([n for n in statuses if n.startswith("stg_")]) == 11
    assert sum(1 for r in staged.results if r.node.resource_type == "test") > 40
    assert {name: s for name, s in statuses.items() if s not in ("success", "pass")} == {}


def test_segment_events(staged: StagedWarehouse) -> None:
    events = {r["message_id"]: r for r in rows(staged, "select * from main.stg_segment__events")}
    assert sorted(events) == ["m-1", "m-2", "m-3", "m-4"]
    first = events["m-1"]
    assert first["event_name"] == "Order Completed"  # received first, loaded second
    assert first["received_at"] == dt.datetime(2024, 3, 10, 10, 0, 1)
    assert first["occurred_at"] == dt.datetime(2024, 3, 10, 10, 0, 0)  # +02:00 converted to UTC
    assert (first["email"], first["phone"], first["channel"]) == ("alice@example.com", "+14155552671", "web")
    identify = events["m-2"]
    assert identify["user_id"] == "u-42"
    assert (identify["email"], identify["phone"]) == (None, None)  # invalid email, 7-digit phone
    assert (identify["first_name"], identify["last_name"], identify["channel"]) == ("Alice", "Smith", "app")
    assert identify["occurred_at"] == dt.datetime(2024, 3, 10, 9, 0, 0)
    assert identify["device_id"] == "dev-9"
    assert json.loads(identify["traits"])["firstName"] == "Alice"
    page = events["m-3"]
    assert (page["event_type"], page["event_name"]) == ("page", "Pricing")
    assert page["occurred_at"] == dt.datetime(2024, 3, 11, 5, 30, 0)  # sentAt when no timestamp
    assert page["received_at"] == LOAD_1  # no receivedAt: load time
    assert events["m-4"]["event_name"] == "Home"  # the padded first copy wins over the later retry


def test_shopify_orders_and_lines(staged: StagedWarehouse) -> None:
    orders = {r["order_id"]: r for r in rows(staged, "select * from main.stg_shopify__orders")}
    assert sorted(orders) == ["1001", "1002"]
    latest = orders["1001"]
    assert latest["financial_status"] == "refunded"
    assert latest["updated_at"] == dt.datetime(2024, 1, 3, 5, 0, 0)
    assert latest["ordered_at"] == dt.datetime(2024, 1, 1, 15, 0, 0)
    assert (latest["is_cancelled"], latest["cancelled_at"]) == (True, dt.datetime(2024, 1, 3, 5, 0, 0))
    assert latest["total_price"] == Decimal("49.50")
    assert (latest["email"], latest["phone"]) == ("bob@example.com", "+12125550187")  # customer's
    assert latest["shopify_customer_id"] == "123456"
    assert (latest["currency"], latest["country_code"], latest["postal_code"]) == ("USD", "US", "01101")
    assert (latest["first_name"], latest["address_line1"], latest["city"]) == (
        "Bob",
        "1 Main St",
        "Springfield",
    )
    assert orders["1002"]["financial_status"] == "paid"
    assert orders["1002"]["is_cancelled"] is False
    lines = rows(staged, "select * from main.stg_shopify__order_lines order by order_line_id")
    assert [
        (r["order_line_id"], r["line_number"], r["sku"], r["quantity"], r["unit_price"]) for r in lines
    ] == [
        ("1001-2", 2, "SKU-B", 1, Decimal("25.00")),
        ("9001", 1, "SKU-A", 2, Decimal("12.25")),
    ]
    assert [(r["product_id"], r["product_name"]) for r in lines] == [(None, "Tea"), ("77", "Mug")]


def test_hubspot_contacts(staged: StagedWarehouse) -> None:
    contacts = {r["crm_id"]: r for r in rows(staged, "select * from main.stg_hubspot__contacts")}
    assert sorted(contacts) == ["501", "502"]
    assert contacts["501"]["email"] == "new@example.com"  # later load wins; 501.0 is 501
    assert contacts["501"]["phone"] == "+442079460958"
    assert contacts["501"]["last_name"] is None  # empty string
    assert contacts["501"]["lifecycle_stage"] == "marketingqualifiedlead"
    assert contacts["501"]["created_at"] == dt.datetime(2023, 5, 12, 14, 3)
    assert (contacts["502"]["email"], contacts["502"]["phone"]) == (None, None)


def test_pos_sale_lines(staged: StagedWarehouse) -> None:
    lines = rows(staged, "select * from main.stg_pos__sale_lines order by sale_line_id")
    assert [(r["sale_line_id"], r["sku"], r["quantity"], r["line_amount"]) for r in lines] == [
        ("T1-1", "A", 3, Decimal("10.50")),
        ("T1-2", "B", 2, Decimal("2.50")),
        ("T2-1", "C", 1, Decimal("9.99")),
    ]
    assert {r["loyalty_id"] for r in lines[:2]} == {"L-77"}
    assert lines[0]["email"] is None
    assert lines[0]["occurred_at"] == dt.datetime(2024, 4, 1, 14, 0, 0)
    assert (lines[2]["phone"], lines[0]["currency"]) == ("+12125550142", "EUR")


def test_esp_zendesk_nps(staged: StagedWarehouse) -> None:
    esp = {r["esp_event_id"]: r for r in rows(staged, "select * from main.stg_esp__email_events")}
    assert sorted(esp) == ["e-1", "e-2"]
    assert esp["e-1"]["category"] == '["promo"]'  # the copy loaded first
    assert esp["e-1"]["email"] == "alice@example.com"
    assert esp["e-1"]["occurred_at"] == dt.datetime(2023, 11, 14, 22, 13, 20)
    assert (esp["e-2"]["email"], esp["e-2"]["event_type"]) == (None, "bounce")
    assert esp["e-2"]["occurred_at"] == dt.datetime(2023, 11, 14, 22, 15, 0, 500000)

    tickets = rows(staged, "select * from main.stg_zendesk__tickets")
    assert [(t["ticket_id"], t["zendesk_user_id"], t["status"]) for t in tickets] == [
        ("77", "9001", "solved")
    ]
    users = rows(staged, "select * from main.stg_zendesk__users")
    assert [(u["zendesk_user_id"], u["email"], u["phone"], u["full_name"]) for u in users] == [
        ("9001", "erin@example.com", "+16465550199", "Erin Ng")
    ]

    nps = rows(staged, "select * from main.stg_nps__responses")
    assert [(r["nps_response_id"], r["score"], r["comment"]) for r in nps] == [("n1", 10, "great")]


def test_consent_and_custom(staged: StagedWarehouse) -> None:
    consent = rows(staged, "select * from main.stg_consent__events order by occurred_at, status, purpose")
    assert [(r["email"], r["user_id"], r["purpose"], r["status"]) for r in consent] == [
        (None, "u-42", "analytics", "granted"),
        ("alice@example.com", None, "email_marketing", "granted"),  # sent twice, kept once
        ("alice@example.com", None, "email_marketing", "revoked"),
    ]
    assert consent[1]["_loaded_at"] == LOAD_1
    assert consent[1]["consent_source"] == "checkout"

    custom = rows(
        staged, f"select * from main.stg_custom__records where source_name <> '{PROBE_SOURCE}' order by 1"
    )
    assert [(r["source_name"], r["record_id"], r["email"], r["phone"]) for r in custom] == [
        ("loyalty_app", "r1", "gina@example.org", None),
        ("webinar", "r1", None, "+33142685300"),
    ]
    assert json.loads(custom[0]["attributes"]) == {"tier": "platinum"}
