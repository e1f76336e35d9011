"""A consent purpose a team adds through the var `consent_purposes` in dbt_project.yml (docs/privacy.md) is
tracked end to end: consent events of it pass the staging test, customer_consent and the profile flags
carry it, and an audience may name it in meta.consent_purpose, checked before the build and applied by it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "segments"))
from audience_warehouse import Warehouse, consent, hubspot

from cdp.segments import validate_audiences

ANN, BOB = "ann@x.test", "bob@x.test"
DEFAULTS = ["email_marketing", "sms_marketing", "ads_targeting", "analytics"]
AUDIENCE_YML = """\
version: 2
models:
  - name: push_reachable
    description: Customers who allowed push messages.
    config:
      meta: {owner: test-team, consent_purpose: push_marketing}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("custom_purpose"))
    project_file = world.project_dir / "dbt_project.yml"
    project = yaml.safe_load(project_file.read_text())
    project["vars"]["consent_purposes"] = [*DEFAULTS, "push_marketing"]
    project_file.write_text(yaml.safe_dump(project, sort_keys=False))
    world.insert(
        "hubspot_contacts",
        [
            hubspot("h1", ANN, "Ann", "2025-01-01T00:00:00Z"),
            hubspot("h2", BOB, "Bob", "2025-01-01T00:00:00Z"),
        ],
    )
    world.insert(
        "consent_events",
        [
            consent(ANN, "push_marketing", "granted", "2025-02-01T00:00:00Z"),
            consent(BOB, "push_marketing", "revoked", "2025-02-01T00:00:00Z"),
        ],
    )
    world.add_audience(
        "push_reachable", "select customer_id from {{ ref('customer_traits') }}\n", yml=AUDIENCE_YML
    )
    return {
        "world": world,
        "problems": validate_audiences(world.project_dir, world.db_path),
        "build": world.dbt(
            "build",
            "--select",
            "+push_reachable",
            "+customer_consent",
            "--indirect-selection",
            "buildable",
            "--exclude-resource-type",
            "unit_test",
        ),
    }


def test_the_audience_check_accepts_the_added_purpose(world: dict[str, Any]) -> None:
    assert [p for p in world["problems"] if p.audience == "push_reachable"] == []


def test_the_build_tracks_and_applies_the_added_purpose(world: dict[str, Any]) -> None:
    w: Warehouse = world["world"]
    ann, bob = w.customer_with_email(ANN), w.customer_with_email(BOB)
    consent_rows = dict(
        w.query("select customer_id, status from main.customer_consent where purpose = 'push_marketing'")
    )
    assert consent_rows == {ann: "granted", bob: "revoked"}
    flags = dict(w.query("select customer_id, consent_push_marketing from main.customer_traits"))
    assert flags == {ann: True, bob: False}
    assert w.query("select customer_id from main.push_reachable") == [(ann,)]


def test_without_the_purpose_in_the_var_its_consent_events_fail_the_staging_test(
    world: dict[str, Any],
) -> None:
    w: Warehouse = world["world"]
    outcome = w.dbt(
        "test", "--select", "stg_consent__events", dbt_vars={"consent_purposes": DEFAULTS}, check=False
    )
    assert not outcome.success
    assert outcome.messages["accepted_values_stg_consent__events_purpose"].startswith("fail")
