"""customer_consent kept per customer: an incremental build redoes the customers whose records were resolved
since (now and before) and gives the same rows as a full refresh after a new change, a merge, and a change
of the configured defaults; customers nothing touched keep the rows they had."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "segments"))
from audience_warehouse import Warehouse, consent, hubspot, segment_identify

ANN, BOB, DAN, EVE = "ann@x.test", "bob@x.test", "dan@x.test", "eve@x.test"
CONSENT = (
    "select customer_id, purpose, status, is_granted, is_default, changed_at, consent_source,"
    " changed_by_source, change_count from main.customer_consent order by all"
)
SELECT = ("+customer_consent",)
FULL_REFRESH = ("customer_consent", "--full-refresh")
NEW_DEFAULTS = {"consent_defaults": {"analytics": "not_given"}}


def _status(world: Warehouse, email: str) -> dict[str, str]:
    rows = world.query(
        "select purpose, status from main.customer_consent where customer_id = ?",
        [world.customer_with_email(email)],
    )
    return dict(rows)


def _stamps(world: Warehouse) -> dict[str, Any]:
    return dict(
        world.query(
            "select customer_id, max(_resolved_through) from main.customer_consent group by customer_id"
        )
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("consent_incremental"))
    world.insert(
        "hubspot_contacts",
        [
            hubspot("h1", ANN, "Ann", "2025-01-01T00:00:00Z"),
            hubspot("h2", BOB, "Bob", "2025-01-01T00:00:00Z"),
            hubspot("h5", EVE, "Eve", "2025-01-01T00:00:00Z"),
        ],
    )
    world.insert(
        "consent_events",
        [
            consent(ANN, "email_marketing", "granted", "2025-02-01T00:00:00Z"),
            consent(DAN, "analytics", "revoked", "2025-02-01T00:00:00Z"),
            consent(EVE, "sms_marketing", "granted", "2025-02-01T00:00:00Z"),
        ],
    )
    world.insert(
        "segment_events",
        [segment_identify("s1", "u-dan", "2025-02-01T00:00:00Z", email=DAN)],
    )
    world.dbt("run", "--select", *SELECT)
    runs: dict[str, Any] = {
        "customers_before": {email: world.customer_with_email(email) for email in (ANN, BOB, DAN, EVE)},
        "ann_before": _status(world, ANN),
        "stamps_before": _stamps(world),
    }

    # Ann revokes; Dan logs in with Bob's email, so their customers merge and Dan's revocation is Bob's too.
    world.insert("consent_events", [consent(ANN, "email_marketing", "revoked", "2025-03-01T00:00:00Z")])
    world.insert("segment_events", [segment_identify("s2", "u-dan", "2025-03-02T00:00:00Z", email=BOB)])
    world.dbt("run", "--select", *SELECT)
    runs["customers_after"] = {email: world.customer_with_email(email) for email in (ANN, BOB, DAN, EVE)}
    runs["ann_after"] = _status(world, ANN)
    runs["bob_after"] = _status(world, BOB)
    runs["stamps_after"] = _stamps(world)
    runs["incremental"] = world.query(CONSENT)
    world.dbt("run", "--select", *FULL_REFRESH)
    runs["full"] = world.query(CONSENT)

    # New defaults redo every customer, with no new data.
    world.dbt("run", "--select", *SELECT, dbt_vars=NEW_DEFAULTS)
    runs["defaults_incremental"] = world.query(CONSENT)
    world.dbt("run", "--select", *FULL_REFRESH, dbt_vars=NEW_DEFAULTS)
    runs["defaults_full"] = world.query(CONSENT)
    return runs


def test_incremental_consent_equals_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["incremental"] == runs["full"]
    assert runs["defaults_incremental"] == runs["defaults_full"]
    assert runs["defaults_full"] != runs["full"]  # Ann's analytics default went from granted to not_given


def test_a_new_change_and_a_merge_are_redone(runs: dict[str, Any]) -> None:
    assert runs["ann_before"]["email_marketing"] == "granted"
    assert runs["ann_after"]["email_marketing"] == "revoked"
    merged = runs["customers_after"][BOB]
    assert runs["customers_after"][DAN] == merged
    assert runs["bob_after"]["analytics"] == "revoked"
    gone = {runs["customers_before"][BOB], runs["customers_before"][DAN]} - {merged}
    assert gone and not gone & set(runs["stamps_after"])  # the merged-away id has no rows left


def test_untouched_customers_are_not_redone(runs: dict[str, Any]) -> None:
    eve = runs["customers_before"][EVE]
    ann = runs["customers_before"][ANN]
    assert runs["stamps_after"][eve] == runs["stamps_before"][eve]
    assert runs["stamps_after"][ann] > runs["stamps_before"][ann]
