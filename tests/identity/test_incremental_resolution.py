"""Per-record incremental resolution: `int_record_resolutions` and the models built on it per record (the
timeline, the attribute candidates, the consent changes, the B2B signals, the orders) re-resolve only what
new data or an identity change touched, and end equal to a full refresh.

One warehouse lives through three builds, then a full refresh of the models is compared with the
incremental result:
1. a first build;
2. new data, partly landed after it like a real load: a visitor identifies as crm-a's email, opts in to
   email and states a job title; an earlier-received copy of a call turns it into a track call; a new
   version of a cancelled order reinstates it; a CRM contact loses its creation date; a new store sale;
3. a guard that blocks the only identifier of a store sale, with a consent setting changed at the same time.
The new data is found by load time, the visitor's older events (their customer changed) by key (macro
staged_rows_of_records): both paths are in the comparison.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest
from identity_warehouse import Warehouse, hubspot_contact, pos_sale, segment_event, shopify_order

SELECT = (
    "+fct_customer_events +int_profile_attribute_candidates +int_consent_changes_unioned"
    " +int_customer_b2b_accounts"
)
ORDERS = "select order_id, customer_id, order_total, ordered_at from main.fct_orders order by all"
# The third build also stops reading `unsubscribed` as a consent trait: every record's changes are re-derived.
BLOCK_SHARED = {
    "identity_blocked_values": {"email": ["shared@mail.com"]},
    "consent_traits": {"email_opt_in": "email_marketing"},
}
RECORDS = "select source, record_id, customer_id, resolved_by from main.int_record_customers order by all"
STAGED = "select message_id, _staged_at from main.stg_segment__events order by all"
CANDIDATES = (
    "select customer_id, attribute, value, source, record_id from main.int_profile_attribute_candidates"
)
TIMELINE = "select event_id, customer_id, occurred_at, event_type from main.fct_customer_events order by all"
CURRENT = (
    "select identifier_key, customer_id, identifier_type, identifier_value, type_priority, first_seen_at,"
    " last_seen_at, record_count, source_count, sources, assigned_at"
    " from main.int_identity_current_assignments order by all"
)
SIGNALS = (
    "select record_id, customer_id, event_type, b2b_account_id, b2b_account_name, job_title"
    " from main.int_segment_b2b_signals order by all"
)
B2B = "select customer_id, b2b_account_id, job_title from main.int_customer_b2b_accounts order by all"
LINKS = "select source, record_id, node_a, node_b, is_user_id_pair from main.int_record_links order by all"
LINK_TYPES = (
    "select column_name, data_type from information_schema.columns"
    " where table_name = 'int_record_links' and column_name like 'node%' order by all"
)
CONSENT = (
    "select consent_change_id, customer_id, purpose, status, source, record_id "
    "from main.int_consent_changes_unioned order by all"
)


def _with_traits(event: dict[str, Any], **traits: Any) -> dict[str, Any]:
    return {**event, "traits": {**(event["traits"] or {}), **traits}}


def _group_call(message_id: str, **fields: Any) -> dict[str, Any]:
    return {**segment_event(message_id, "group", **fields), "group_id": "acct-1", "traits": {"name": "Acme"}}


def _stamps(warehouse: Warehouse) -> dict[tuple[str, str], Any]:
    rows = warehouse.query("select source, record_id, resolved_at from main.int_record_resolutions")
    return {(source, record_id): stamp for source, record_id, stamp in rows}


@pytest.fixture(scope="module")
def builds(new_warehouse) -> dict[str, Any]:
    warehouse = new_warehouse("incremental_resolution")
    warehouse.insert(
        "hubspot_contacts",
        [
            hubspot_contact("crm-a", email="a@mail.com", phone="+1 415 555 0100"),
            hubspot_contact("crm-b", email="shared@mail.com", phone="+1 415 555 0111"),
        ],
    )
    # A store sale whose only identifier is an email the till shares with crm-b.
    warehouse.insert("pos_sales", [pos_sale("T1", email="shared@mail.com")])
    # An online order of crm-a's, cancelled (a later version reinstates it).
    warehouse.insert(
        "shopify_orders",
        [{**shopify_order(5001, email="a@mail.com"), "cancelled_at": "2024-01-03T10:00:00Z"}],
    )
    warehouse.insert(
        "segment_events",
        [
            segment_event("v-1", "page", anonymous_id="anon-v", timestamp="2024-02-01T00:00:00Z"),
            segment_event("v-2", "page", anonymous_id="anon-v", timestamp="2024-02-02T00:00:00Z"),
            _group_call("v-g", anonymous_id="anon-v", timestamp="2024-02-02T00:00:00Z"),
            _with_traits(segment_event("t-1", "identify", user_id="u-t", email="t@mail.com"), title="CTO"),
            _with_traits(
                segment_event("c-1", "identify", user_id="u-c", email="c@mail.com"), unsubscribed="true"
            ),
        ],
    )
    warehouse.build(command="run", select=SELECT)
    first = {
        "timeline": warehouse.query(TIMELINE),
        "stamps": _stamps(warehouse),
        "records": warehouse.query(RECORDS),
        "consent": warehouse.query(CONSENT),
        "signals": warehouse.query(SIGNALS),
    }
    # New data, loaded now: the visitor identifies as crm-a's email, and a new sale of crm-a. A copy of t-1
    # received earlier than the first one wins the dedupe, and is a track call.
    warehouse.insert(
        "segment_events",
        [
            _with_traits(
                segment_event("v-3", "identify", anonymous_id="anon-v", email="a@mail.com"),
                email_opt_in=True,
                title="VP Sales",
            ),
            {**segment_event("t-1", "track", user_id="u-t"), "received_at": "2023-12-31T00:00:00Z"},
        ],
        loaded_at=datetime.now(UTC).replace(tzinfo=None),
    )
    warehouse.insert("pos_sales", [pos_sale("T2", email="a@mail.com")])
    # crm-a's new version has lost its creation date: its timeline event goes.
    warehouse.insert(
        "hubspot_contacts",
        [{**hubspot_contact("crm-a", email="a@mail.com", phone="+1 415 555 0100"), "create_date": None}],
    )
    warehouse.insert(
        "shopify_orders", [{**shopify_order(5001, email="a@mail.com"), "updated_at": "2024-01-04T10:00:00Z"}]
    )
    warehouse.build(command="run", select=SELECT)
    second = {
        "timeline": warehouse.query(TIMELINE),
        "orders": warehouse.query(ORDERS),
        "stamps": _stamps(warehouse),
        "staged": warehouse.query(STAGED),
        "records": warehouse.query(RECORDS),
        "consent": warehouse.query(CONSENT),
        "signals": warehouse.query(SIGNALS),
    }
    # The same build again with nothing new: nothing to stage or resolve again.
    warehouse.build(command="run", select=SELECT)
    again = {"stamps": _stamps(warehouse), "staged": warehouse.query(STAGED)}
    # The shared email is blocked: the sale T1 no longer resolves; crm-b lives on through its phone.
    warehouse.build(dbt_vars=BLOCK_SHARED, command="run", select=SELECT)
    third = {
        "current": warehouse.query(CURRENT),
        "records": warehouse.query(RECORDS),
        "timeline": warehouse.query(TIMELINE),
        "candidates": sorted(warehouse.query(CANDIDATES)),
        "consent": warehouse.query(CONSENT),
        "signals": warehouse.query(SIGNALS),
        "b2b": warehouse.query(B2B),
        "orders": warehouse.query(ORDERS),
    }
    warehouse.build(dbt_vars=BLOCK_SHARED, command="run", select=SELECT, full_refresh=True)
    full = {
        "current": warehouse.query(CURRENT),
        "records": warehouse.query(RECORDS),
        "timeline": warehouse.query(TIMELINE),
        "candidates": sorted(warehouse.query(CANDIDATES)),
        "consent": warehouse.query(CONSENT),
        "signals": warehouse.query(SIGNALS),
        "b2b": warehouse.query(B2B),
        "orders": warehouse.query(ORDERS),
    }
    # A current-assignments table kept by the version that rebuilt it whole (no `_node_updated_at`), holding
    # an identifier released since: the next build rewrites every current row and drops that one.
    with duckdb.connect(str(warehouse.db_path)) as con:
        con.execute(
            "alter table main.int_identity_current_assignments drop column _node_updated_at;"
            " insert into main.int_identity_current_assignments (identifier_key, customer_id, node_id)"
            " values ('email:gone@mail.com', 'cus_gone', -1)"
        )
    warehouse.build(dbt_vars=BLOCK_SHARED, command="run", select="int_identity_current_assignments")
    upgraded = warehouse.query(CURRENT)
    # Orders kept by the version that rebuilt them whole (no stamps): the next build redoes every order.
    with duckdb.connect(str(warehouse.db_path)) as con:
        con.execute("alter table main.fct_orders drop column _resolved_through")
        con.execute("alter table main.fct_orders drop column _built_at")
        con.execute("update main.fct_orders set customer_id = 'cus_stale'")
    warehouse.build(dbt_vars=BLOCK_SHARED, command="run", select="fct_orders")
    upgraded_orders = warehouse.query(ORDERS)
    # Links kept by the version whose node ids were 128-bit: the next build converts the columns in place.
    links_before = warehouse.query(LINKS)
    with duckdb.connect(str(warehouse.db_path)) as con:
        con.execute("alter table main.int_record_links alter node_a type hugeint")
        con.execute("alter table main.int_record_links alter node_b type hugeint")
    warehouse.build(dbt_vars=BLOCK_SHARED, command="run", select="int_record_links")
    upgraded_links = {
        "before": links_before,
        "after": warehouse.query(LINKS),
        "types": warehouse.query(LINK_TYPES),
    }
    return {
        "warehouse": warehouse, "first": first, "second": second, "again": again, "third": third,
        "full": full,
        "upgraded": upgraded, "upgraded_orders": upgraded_orders, "upgraded_links": upgraded_links,
    }  # fmt: skip


def test_an_incremental_build_re_resolves_only_touched_records(builds: dict[str, Any]) -> None:
    first, second = builds["first"]["stamps"], builds["second"]["stamps"]
    rewritten = {key for key, stamp in second.items() if first.get(key) != stamp}
    # The visitor's events (their anonymous id changed customer), the new identify, t-1's new copy, the
    # new sale, the order's and crm-a's new versions. c-1 (in the newest file the first build staged),
    # crm-b and T1 keep the first build's stamp.
    assert rewritten == {
        ("segment", "v-1"), ("segment", "v-2"), ("segment", "v-g"), ("segment", "v-3"), ("segment", "t-1"),
        ("pos", "T2-1"), ("shopify", "5001"), ("hubspot", "crm-a"),
    }  # fmt: skip


def test_a_build_with_nothing_new_stages_and_resolves_nothing_again(builds: dict[str, Any]) -> None:
    # The newest file already staged is not read again (the load-time bound is strict), and no record is
    # re-resolved: a rerun costs only what is rebuilt whole.
    assert builds["again"]["staged"] == builds["second"]["staged"]
    assert builds["again"]["stamps"] == builds["second"]["stamps"]


def test_identified_visitor_events_move_to_the_known_customer(builds: dict[str, Any]) -> None:
    records = {
        (source, record_id): customer for source, record_id, customer, _ in builds["second"]["records"]
    }
    assert records[("segment", "v-1")] == records[("hubspot", "crm-a")] == records[("pos", "T2-1")]
    assert records[("pos", "T1-1")] == records[("hubspot", "crm-b")]


def test_a_merged_away_customer_keeps_no_rows(builds: dict[str, Any]) -> None:
    # The visitor's own customer merges into crm-a's. No build looks for rows of customers that no longer
    # exist: the visitor's records are re-resolved because their anonymous id changed customer.
    first = {record_id: customer for _, record_id, customer, _ in builds["first"]["records"]}
    second = {record_id: customer for _, record_id, customer, _ in builds["second"]["records"]}
    visitor = first["v-1"]
    assert visitor != first["crm-a"] and second["v-1"] == second["crm-a"]
    assert visitor not in {row[1] for row in builds["second"]["timeline"]}
    assert visitor not in {row[1] for row in builds["second"]["signals"]}
    assert visitor not in {row[1] for row in builds["second"]["consent"]}
    assert visitor not in set(second.values())


def test_links_kept_with_128_bit_node_ids_are_converted_in_place(builds: dict[str, Any]) -> None:
    links = builds["upgraded_links"]
    assert links["types"] == [("node_a", "BIGINT"), ("node_b", "BIGINT")]
    assert links["after"] == links["before"] and len(links["after"]) > 3


def test_a_record_that_stops_resolving_leaves_records_and_timeline(builds: dict[str, Any]) -> None:
    records = {(source, record_id) for source, record_id, _, _ in builds["third"]["records"]}
    assert ("pos", "T1-1") not in records and ("hubspot", "crm-b") in records
    assert not [row for row in builds["third"]["timeline"] if row[0] == "pos:T1:placed"]
    assert not [row for row in builds["third"]["candidates"] if row[3:] == ("pos", "T1-1")]


def test_incremental_records_and_timeline_equal_a_full_refresh(builds: dict[str, Any]) -> None:
    assert len(builds["third"]["records"]) == 10  # crm-a, crm-b, T2, 5001, v-1..3, v-g, t-1, c-1
    assert builds["third"]["records"] == builds["full"]["records"]
    assert builds["third"]["timeline"] == builds["full"]["timeline"]
    assert builds["third"]["candidates"] == builds["full"]["candidates"]


def test_orders_follow_their_records_and_equal_a_full_refresh(builds: dict[str, Any]) -> None:
    customers = {record_id: customer for source, record_id, customer, _ in builds["second"]["records"]}
    orders = {order_id: customer for order_id, customer, _, _ in builds["second"]["orders"]}
    assert orders == {
        "pos:T1": customers["crm-b"], "pos:T2": customers["crm-a"], "shopify:5001": customers["crm-a"]
    }  # fmt: skip
    # T1 lost its only identifier: the order stays, without a customer.
    third = [row[:2] for row in builds["third"]["orders"]]
    assert third == [("pos:T1", None), ("pos:T2", customers["crm-a"]), ("shopify:5001", customers["crm-a"])]
    assert builds["third"]["orders"] == builds["full"]["orders"]
    assert builds["upgraded_orders"] == builds["full"]["orders"]


def test_a_reinstated_order_loses_its_cancellation_event(builds: dict[str, Any]) -> None:
    def order_events(stage: str) -> list[str]:
        return [row[0] for row in builds[stage]["timeline"] if row[0].startswith("shopify:5001:")]

    assert order_events("first") == ["shopify:5001:cancelled", "shopify:5001:placed"]
    assert order_events("second") == ["shopify:5001:placed"]


def test_an_event_that_lost_its_time_leaves_the_timeline(builds: dict[str, Any]) -> None:
    assert "hubspot:crm-a" in {row[0] for row in builds["first"]["timeline"]}
    assert "hubspot:crm-a" not in {row[0] for row in builds["second"]["timeline"]}


def test_incremental_current_assignments_equal_a_full_refresh(builds: dict[str, Any]) -> None:
    # Node ids are left out: a full refresh numbers the identifiers anew.
    assert builds["third"]["current"] == builds["full"]["current"]
    assert "email:shared@mail.com" not in {row[0] for row in builds["third"]["current"]}
    assert builds["upgraded"] == builds["full"]["current"]


def test_consent_changes_follow_new_records_and_changed_settings(builds: dict[str, Any]) -> None:
    def changes(stage: str) -> set[tuple[str, str, str]]:
        return {
            (record_id, purpose, status) for _, _, purpose, status, _, record_id in builds[stage]["consent"]
        }

    assert changes("first") == {("c-1", "email_marketing", "revoked")}
    assert changes("second") == {("c-1", "email_marketing", "revoked"), ("v-3", "email_marketing", "granted")}
    # `unsubscribed` no longer counts: c-1's row goes although nothing about the record changed.
    assert changes("third") == {("v-3", "email_marketing", "granted")}
    customers = {record_id: customer for source, record_id, customer, _ in builds["third"]["records"]}
    assert {row[1] for row in builds["third"]["consent"]} == {customers["v-3"]}
    assert builds["third"]["consent"] == builds["full"]["consent"]


def test_b2b_signals_follow_their_records_and_equal_a_full_refresh(builds: dict[str, Any]) -> None:
    def signals(stage: str) -> set[tuple[str, str | None, str | None]]:
        rows = builds[stage]["signals"]
        return {(record_id, account, title) for record_id, _, _, account, _, title in rows}

    # Every group and identify call has a row, with or without a signal.
    assert signals("first") == {("v-g", "acct-1", None), ("t-1", None, "CTO"), ("c-1", None, None)}
    # t-1's winning copy is a track call: its row goes (a placeholder replaced it, then the post-hook). The
    # visitor's calls moved to crm-a's customer.
    assert signals("second") == {("v-g", "acct-1", None), ("v-3", None, "VP Sales"), ("c-1", None, None)}
    customers = {record_id: customer for source, record_id, customer, _ in builds["second"]["records"]}
    owners = {record_id: customer for record_id, customer, *_ in builds["second"]["signals"]}
    assert owners["v-g"] == owners["v-3"] == customers["crm-a"]
    assert builds["third"]["signals"] == builds["full"]["signals"]
    assert builds["third"]["b2b"] == builds["full"]["b2b"] == [(customers["crm-a"], "acct-1", "VP Sales")]
