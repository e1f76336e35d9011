"""Identity built twice with no build of the per-customer marts between (`--select`, a Dagster partial
materialization): the marts' next build must still redo every customer a record left in either build.

int_record_resolutions keeps only the customer a record left in the build that last resolved it; the log
int_record_departures keeps them all. Two ways to lose one are built here: a record that moves twice
(NPS response n1: Cat, then Ann, then Bob), and a record that moves and then is sent again unchanged
(n3: Dan, then Eve, then Eve again, which re-resolves it to the customer it already has). Between identity
and the marts the log is refreshed alone (`--full-refresh --select int_record_departures`): it must be kept.
"""

from __future__ import annotations

from typing import Any

import pytest
from audience_warehouse import Warehouse, hubspot, nps
from survivorship_rows import ANN, BOB, CAT, DAN, EVE, GOLDEN, SURVIVED

IDENTITY = ("--select", "staging", "intermediate.identity")
MARTS = ("--select", "+int_customer_golden_records", "--exclude", "staging", "intermediate.identity")
DEPARTURES = (
    "select record_id, left_customer_id, customer_id from main.int_record_departures"
    " order by departed_at, record_id"
)
FULL_REFRESH = (
    "--select",
    "int_profile_attributes_survived",
    "int_customer_golden_records",
    "--full-refresh",
)


def _email_candidates(world: Warehouse, email: str) -> int:
    """How many records give the customer holding `email` that email (its survived candidate count)."""
    rows = world.query(
        "select candidate_count from main.int_profile_attributes_survived"
        " where customer_id = ? and attribute = 'email'",
        [world.customer_with_email(email)],
    )
    return rows[0][0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("identity_twice"))
    world.insert(
        "hubspot_contacts",
        [hubspot(record_id, email, name, "2025-01-01T00:00:00Z") for record_id, email, name in
         [("h1", ANN, "Ann"), ("h2", BOB, "Bob"), ("h3", EVE, "Eve")]],
    )  # fmt: skip
    world.insert(
        "nps_responses",
        [
            nps("n1", CAT, 9, "2026-03-01T00:00:00Z"),
            nps("n2", CAT, 7, "2026-03-02T00:00:00Z"),
            nps("n3", DAN, 8, "2026-03-03T00:00:00Z"),
            nps("n4", DAN, 6, "2026-03-04T00:00:00Z"),
        ],
    )
    world.dbt("run", "--select", "+int_customer_golden_records")
    runs: dict[str, Any] = {"before": {name: _email_candidates(world, email) for name, email in
                                       [("cat", CAT), ("dan", DAN)]}}  # fmt: skip
    customers = {email: world.customer_with_email(email) for email in (ANN, BOB, CAT, DAN, EVE)}

    # Identity twice, the marts not at all: n1 and n3 are corrected, then n1 again and n3 re-sent as is.
    world.insert(
        "nps_responses",
        [nps("n1", ANN, 9, "2026-03-01T00:00:00Z"), nps("n3", EVE, 8, "2026-03-03T00:00:00Z")],
    )
    world.dbt("run", *IDENTITY)
    world.insert(
        "nps_responses",
        [nps("n1", BOB, 9, "2026-03-01T00:00:00Z"), nps("n3", EVE, 8, "2026-03-03T00:00:00Z")],
    )
    world.dbt("run", *IDENTITY)
    runs["departures"] = world.query(DEPARTURES)
    # Refreshed alone, the log is kept (full_refresh false): rebuilt, it would drop n1's first departure.
    world.dbt("run", "--select", "int_record_departures", "--full-refresh")
    runs["departures_refreshed"] = world.query(DEPARTURES)
    runs["customers"] = customers

    world.dbt("run", *MARTS)
    runs["after"] = {name: _email_candidates(world, email) for name, email in [("cat", CAT), ("dan", DAN)]}
    runs["incremental"] = world.query(SURVIVED)
    runs["golden_incremental"] = world.query(GOLDEN)
    world.dbt("run", *FULL_REFRESH)
    runs["full"] = world.query(SURVIVED)
    runs["golden_full"] = world.query(GOLDEN)
    return runs


def test_the_log_keeps_every_customer_a_record_left(runs: dict[str, Any]) -> None:
    c = runs["customers"]
    assert runs["departures"] == [
        ("n1", c[CAT], c[ANN]),
        ("n3", c[DAN], c[EVE]),
        ("n1", c[ANN], c[BOB]),
    ]
    assert runs["departures_refreshed"] == runs["departures"]


def test_the_customers_left_in_the_first_build_are_redone(runs: dict[str, Any]) -> None:
    assert runs["before"] == {"cat": 2, "dan": 2}
    assert runs["after"] == {"cat": 1, "dan": 1}


def test_the_marts_equal_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["incremental"] == runs["full"]
    assert runs["golden_incremental"] == runs["golden_full"]
