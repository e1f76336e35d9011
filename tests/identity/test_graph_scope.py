"""The identity graph limited to the components a build touches (macros/identity/graph_scope.sql).

A build after a completed one recomputes only the identifiers in `int_identity_graph_scope` and keeps the
other rows. Here the second build makes a shared email a super-node, splits a component holding two user
ids, grows one customer and leaves another alone; its tables must equal the whole graph computed again
from the same data, and the history that whole computation sees must have nothing left to append.
"""

from __future__ import annotations

from typing import Any

import pytest
from identity_warehouse import hubspot_contact, segment_event

UNTOUCHED = ("email:c3@x.test", "phone:+14155550103")
#: Every per-type limit as shipped but email's, lowered from 2 to 1.
ONE_EMAIL_LIMITS = {
    "user_id": 1,
    "crm_id": 3,
    "shopify_customer_id": 1,
    "loyalty_id": 1,
    "zendesk_user_id": 2,
    "email": 1,
    "phone": 2,
    "device_id": 20,
    "anonymous_id": 500,
}


@pytest.fixture(scope="module")
def runs(new_warehouse) -> dict[str, Any]:
    world = new_warehouse("graph_scope")
    # Two contacts share a shop's email; u-1 is a logged-in user with an email; c3 and d are alone.
    world.insert(
        "hubspot_contacts",
        [
            hubspot_contact("c1", email="shop@x.test", phone="+1 415 555 0101"),
            hubspot_contact("c2", email="shop@x.test", phone="+1 415 555 0102"),
            hubspot_contact("c3", email="c3@x.test", phone="+1 415 555 0103"),
            hubspot_contact("c4", email="d@x.test", phone="+1 415 555 0104"),
        ],
    )
    world.insert("segment_events", [segment_event("s1", "identify", user_id="u-1", email="e1@x.test")])
    world.build(command="run")
    runs: dict[str, Any] = {"world": world, "assignments_first": world.assignments()}

    # A third contact with the shop's email makes it a super-node; u-2 logs in with u-1's email (two user
    # ids in one component: the limits split it); d's person gains a user id.
    world.insert("hubspot_contacts", [hubspot_contact("c5", email="shop@x.test", phone="+1 415 555 0105")])
    world.insert(
        "segment_events",
        [
            segment_event("s2", "identify", user_id="u-2", email="e1@x.test"),
            segment_event("s3", "identify", user_id="u-d", email="d@x.test"),
        ],
    )
    world.build(command="run")
    runs["scope"] = {
        key
        for (key,) in world.query(
            "select nodes.identifier_key from main.int_identity_graph_scope as scope"
            " inner join main.int_identity_nodes as nodes using (node_id)"
        )
    }
    runs["node_count"] = world.count("int_identity_nodes")
    runs["graph_scoped"] = world.graph()
    runs["assignments_scoped"] = world.assignments()
    runs["history_rows_scoped"] = world.count("int_identity_assignment_history")

    # The whole graph computed again from the same data (a full refresh limits nothing).
    world.build(command="run", full_refresh=True)
    runs["graph_full"] = world.graph()
    runs["assignments_full"] = world.assignments()
    runs["history_rows_full"] = world.count("int_identity_assignment_history")
    return runs


def test_the_second_build_is_limited_to_the_touched_components(runs: dict[str, Any]) -> None:
    scope = runs["scope"]
    assert scope and len(scope) < runs["node_count"]
    assert "email:shop@x.test" in scope and "user_id:u-2" in scope and "user_id:u-d" in scope
    assert not scope & set(UNTOUCHED)


def test_the_limited_graph_equals_the_whole_graph(runs: dict[str, Any]) -> None:
    assert runs["graph_scoped"] == runs["graph_full"]


def test_the_whole_graph_finds_nothing_to_reassign(runs: dict[str, Any]) -> None:
    assert runs["assignments_scoped"] == runs["assignments_full"]
    assert runs["history_rows_full"] == runs["history_rows_scoped"]


def test_the_scoped_build_did_the_work(runs: dict[str, Any]) -> None:
    scoped, first = runs["graph_scoped"], runs["assignments_first"]
    # The super-node no longer joins the shop's contacts; the limits split u-1 from u-2.
    assert not any({"phone:+14155550101", "phone:+14155550102"} <= group for group in scoped["final"])
    assert not any({"user_id:u-1", "user_id:u-2"} <= group for group in scoped["final"])
    assert any({"email:d@x.test", "user_id:u-d"} <= group for group in scoped["final"])
    # The untouched contact keeps its customer.
    after = runs["assignments_scoped"]
    assert after[("email", "c3@x.test")] == first[("email", "c3@x.test")]


@pytest.fixture(scope="module")
def settings_runs(new_warehouse) -> dict[str, Any]:
    """A build after the per-type limits changed, beside the whole graph computed from scratch."""
    world = new_warehouse("graph_scope_settings")
    # One logged-in person with two emails: within the shipped limits (two emails each).
    world.insert(
        "segment_events",
        [
            segment_event("t1", "identify", user_id="u-9", email="a9@x.test"),
            segment_event("t2", "identify", user_id="u-9", email="b9@x.test"),
        ],
    )
    world.build(command="run")
    # The limit drops to one email per customer; the only new record is an unrelated contact, so the
    # person's component is not among the identifiers aggregated again.
    world.insert("hubspot_contacts", [hubspot_contact("z1", email="z1@x.test")])
    limits = {"identity_type_limits": ONE_EMAIL_LIMITS}
    world.build(command="run", dbt_vars=limits)
    runs: dict[str, Any] = {
        "scope_size": world.count("int_identity_graph_scope"),
        "graph_after_change": world.graph(),
    }
    world.build(command="run", dbt_vars=limits, full_refresh=True)
    runs["graph_full"] = world.graph()
    # A warehouse built before the builds table had the column (an upgrade): the whole graph again.
    world.execute("alter table main.int_identity_graph_builds drop column settings_signature")
    world.insert("hubspot_contacts", [hubspot_contact("z2", email="z2@x.test")])
    world.build(command="run", dbt_vars=limits)
    runs["scope_size_upgrade"] = world.count("int_identity_graph_scope")
    runs["signatures_upgrade"] = world.query(
        "select settings_signature from main.int_identity_graph_builds order by built_at"
    )
    return runs


def test_a_change_of_the_graph_settings_recomputes_the_whole_graph(settings_runs: dict[str, Any]) -> None:
    after = settings_runs["graph_after_change"]
    # The person's two emails no longer fit one customer.
    assert not any({"email:a9@x.test", "email:b9@x.test"} <= group for group in after["final"])
    assert settings_runs["scope_size"] == 0  # the build recomputed every identifier, limiting nothing
    assert after == settings_runs["graph_full"]


def test_a_warehouse_from_before_the_settings_digest_builds_the_whole_graph_once(
    settings_runs: dict[str, Any],
) -> None:
    assert settings_runs["scope_size_upgrade"] == 0
    *older, (newest,) = settings_runs["signatures_upgrade"]
    assert newest and all(signature is None for (signature,) in older)


@pytest.fixture(scope="module")
def partial_runs(new_warehouse) -> dict[str, Any]:
    """A build that selects the graph's watermark but not the whole graph, then a complete build."""
    world = new_warehouse("graph_scope_partial")
    world.insert(
        "hubspot_contacts",
        [
            hubspot_contact("p1", email="p1@x.test", phone="+1 415 555 0111"),
            hubspot_contact("p2", email="p2@x.test", phone="+1 415 555 0112"),
        ],
    )
    world.insert("segment_events", [segment_event("m1", "identify", anonymous_id="a-p", email="p1@x.test")])
    world.build(command="run")
    # The same browser gives p2's phone: the two contacts are one person, and no identifier is new. Only
    # the incremental models are built (int_identity_graph_builds among them); the components are not.
    world.insert(
        "segment_events", [segment_event("m2", "identify", anonymous_id="a-p", phone="+1 415 555 0112")]
    )
    world.build(command="run", select="config.materialized:incremental")
    world.build(command="run")
    runs: dict[str, Any] = {
        "graph_after": world.graph(),
        "assignments": world.assignments(),
        "scope_size": world.count("int_identity_graph_scope"),
    }
    world.build(command="run", full_refresh=True)
    runs["graph_full"] = world.graph()
    return runs


def test_a_build_of_part_of_the_graph_does_not_move_its_watermark(partial_runs: dict[str, Any]) -> None:
    after = partial_runs["assignments"]
    assert after[("email", "p1@x.test")] == after[("phone", "+14155550112")]
    assert partial_runs["scope_size"] > 0  # limited to what changed since the last complete build
    assert partial_runs["graph_after"] == partial_runs["graph_full"]
