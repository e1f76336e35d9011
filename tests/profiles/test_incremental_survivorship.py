"""The golden-record survivorship kept per customer: an incremental build redoes the customers whose records
were resolved since, now and before, and gives the same rows as a full refresh after new values, a merge, a
record that moves to another customer while every identifier stays put, and a change of rules."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from audience_warehouse import Warehouse, hubspot, nps, segment_identify, shopify_order
from survivorship_rows import ANN, BOB, CAT, DAN, EVE, GOLDEN, SURVIVED

SELECT = ("+int_profile_attributes_survived", "customer_identifiers", "int_customer_golden_records")
FULL_REFRESH = ("int_profile_attributes_survived", "int_customer_golden_records", "--full-refresh")
NEW_RULES = {"profile_survivorship": {"first_name": {"rule": "most_recent"}}}


def _survived(world: Warehouse, email: str) -> dict[str, tuple]:
    """attribute -> (value, source, candidate_count) of the customer holding `email`."""
    rows = world.query(
        "select attribute, value, source, candidate_count from main.int_profile_attributes_survived"
        " where customer_id = ?",
        [world.customer_with_email(email)],
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _stamps(world: Warehouse) -> dict[str, Any]:
    return dict(
        world.query(
            "select customer_id, max(_resolved_through) from main.int_profile_attributes_survived"
            " group by customer_id"
        )
    )


def _golden_stamps(world: Warehouse) -> dict[str, Any]:
    return dict(world.query("select customer_id, _resolved_through from main.int_customer_golden_records"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("survivorship"))
    world.insert(
        "hubspot_contacts",
        [
            hubspot("h1", ANN, "Annabel", "2025-01-01T00:00:00Z"),
            hubspot("h2", BOB, "Robert", "2025-01-01T00:00:00Z"),
            hubspot("h5", EVE, "Eve", "2025-01-01T00:00:00Z"),
        ],
    )
    world.insert("shopify_orders", [shopify_order(1, ANN, "10.00", "2026-01-01T00:00:00Z", city="Boston")])
    world.insert(
        "nps_responses",
        [nps("n1", CAT, 9, "2026-03-01T00:00:00Z"), nps("n2", CAT, 7, "2026-03-02T00:00:00Z")],
    )
    world.insert(
        "segment_events",
        [segment_identify("s1", "u-dan", "2026-02-01T00:00:00Z", email=DAN, first_name="Dan")],
    )
    world.dbt("run", "--select", *SELECT)
    runs: dict[str, Any] = {
        "golden_stamps_before": _golden_stamps(world),
        "before": {name: _survived(world, email) for name, email in [("ann", ANN), ("cat", CAT)]},
        "customers_before": {email: world.customer_with_email(email) for email in (ANN, BOB, CAT, DAN, EVE)},
        "stamps_before": _stamps(world),
    }

    # New data: Ann orders from another city; Dan logs in with Bob's email (two customers merge); NPS
    # response n1 is corrected to Ann's address: Cat keeps her email through n2, so no identifier changes
    # customer, yet Cat's email loses a candidate.
    world.insert("shopify_orders", [shopify_order(2, ANN, "20.00", "2026-04-01T00:00:00Z", city="Chicago")])
    world.insert("segment_events", [segment_identify("s2", "u-dan", "2026-04-02T00:00:00Z", email=BOB)])
    world.insert("nps_responses", [nps("n1", ANN, 9, "2026-03-01T00:00:00Z")])
    world.dbt("run", "--select", *SELECT)
    runs["after"] = {
        name: _survived(world, email) for name, email in [("ann", ANN), ("bob", BOB), ("cat", CAT)]
    }
    runs["customers_after"] = {email: world.customer_with_email(email) for email in (ANN, BOB, CAT, DAN, EVE)}
    runs["stamps_after"] = _stamps(world)
    runs["incremental"] = world.query(SURVIVED)
    runs["golden_incremental"] = world.query(GOLDEN)
    runs["golden_stamps_after"] = _golden_stamps(world)
    world.dbt("run", "--select", *FULL_REFRESH)
    runs["full"] = world.query(SURVIVED)
    runs["golden_full"] = world.query(GOLDEN)

    # A change of rules redoes every customer, with no new data.
    world.dbt("run", "--select", *SELECT, dbt_vars=NEW_RULES)
    runs["rules_incremental"] = world.query(SURVIVED)
    runs["golden_rules_incremental"] = world.query(GOLDEN)
    world.dbt("run", "--select", *FULL_REFRESH, dbt_vars=NEW_RULES)
    runs["rules_full"] = world.query(SURVIVED)
    runs["golden_rules_full"] = world.query(GOLDEN)

    # A table kept by the version before stamps, holding a customer gone since: the next build redoes all.
    with duckdb.connect(str(world.db_path)) as con:
        con.execute(
            "alter table main.int_profile_attributes_survived drop column _resolved_through;"
            " alter table main.int_profile_attributes_survived drop column _settings_signature;"
            " insert into main.int_profile_attributes_survived values ('cus_gone', 'email', 'x@x.test',"
            " 'nps', timestamp '2026-01-01', 1)"
        )
    world.dbt("run", "--select", "int_profile_attributes_survived", dbt_vars=NEW_RULES)
    runs["upgraded"] = world.query(SURVIVED)
    return runs


def test_incremental_survivorship_equals_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["incremental"] == runs["full"]
    assert runs["rules_incremental"] == runs["rules_full"]
    assert runs["rules_full"] != runs["full"]  # the rule change did change a first name
    assert runs["upgraded"] == runs["rules_full"]


def test_incremental_golden_records_equal_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["golden_incremental"] == runs["golden_full"]
    assert runs["golden_rules_incremental"] == runs["golden_rules_full"]
    assert runs["golden_rules_full"] != runs["golden_full"]
    # One row per customer: the merged-away id's row is gone, the untouched customer was not rewritten.
    assert set(runs["golden_stamps_after"]) == set(runs["customers_after"].values())
    eve = runs["customers_before"][EVE]
    assert runs["golden_stamps_after"][eve] == runs["golden_stamps_before"][eve]
    ann = runs["customers_before"][ANN]
    assert runs["golden_stamps_after"][ann] > runs["golden_stamps_before"][ann]


def test_new_values_and_a_merge_are_redone(runs: dict[str, Any]) -> None:
    assert runs["before"]["ann"]["city"][0] == "Boston"
    assert runs["after"]["ann"]["city"] == ("Chicago", "shopify", 2)
    # Bob's and Dan's customers are one; the merged-away id has no row left.
    merged_id = runs["customers_after"][BOB]
    assert runs["customers_after"][DAN] == merged_id
    gone = {runs["customers_before"][BOB], runs["customers_before"][DAN]} - {merged_id}
    assert gone and not gone & set(runs["stamps_after"])
    assert runs["after"]["bob"]["first_name"] == ("Robert", "hubspot", 2)


def test_a_customer_that_only_lost_a_record_is_redone(runs: dict[str, Any]) -> None:
    # No identifier of Cat's changed customer: only the record's previous customer says to redo her.
    assert runs["customers_after"][CAT] == runs["customers_before"][CAT]
    assert runs["before"]["cat"]["email"] == (CAT, "nps", 2)
    assert runs["after"]["cat"]["email"] == (CAT, "nps", 1)


def test_untouched_customers_are_not_redone(runs: dict[str, Any]) -> None:
    eve = runs["customers_before"][EVE]
    ann = runs["customers_before"][ANN]
    assert runs["stamps_after"][eve] == runs["stamps_before"][eve]
    assert runs["stamps_after"][ann] > runs["stamps_before"][ann]
