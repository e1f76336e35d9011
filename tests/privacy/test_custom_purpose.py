"""A consent purpose a team adds through the var `consent_purposes` in dbt_project.yml (docs/privacy.md) is
tracked end to end: consent events of it pass the staging test, customer_consent and the profile flags
carry it, an audience may name it in meta.consent_purpose, checked before the build and applied by it, and
a sync may declare it as its purpose; a purpose the warehouse does not track stops the sync."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "segments"))
from audience_warehouse import Warehouse, consent, hubspot

from cdp.segments import validate_audiences
from reverse_etl import run_syncs

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


def test_the_audience_check_follows_the_builds_own_vars(world: dict[str, Any]) -> None:
    """`cdp build --vars` that leaves the purpose out: the audience check refuses it before dbt runs."""
    w: Warehouse = world["world"]
    problems = validate_audiences(w.project_dir, w.db_path, dbt_vars={"consent_purposes": DEFAULTS})
    refused = [str(p) for p in problems if p.audience == "push_reachable"]
    assert len(refused) == 1 and "push_marketing" in refused[0]


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


def _sync_traits(w: Warehouse, purpose: str) -> tuple[str, str | None, Path]:
    """Sync customer_traits to a JSONL file under `purpose`: the sync's status, error and file."""
    name = f"traits_{purpose}"
    sync = {"name": name, "source": "customer_traits", "mode": "upsert", "primary_key": "customer_id",
            "purpose": purpose, "fields": {"customer_id": "customer_id"},
            "destination": {"type": "file", "path": f"exports/{name}.jsonl"}}  # fmt: skip
    config = w.work_dir / f"syncs_{purpose}.yml"
    config.write_text(yaml.safe_dump({"syncs": [sync]}), encoding="utf-8")
    (result,) = run_syncs(w.db_path, config)
    return result.status, result.error, w.work_dir / "exports" / f"{name}.jsonl"


def test_a_sync_under_the_added_purpose_sends_only_who_granted_it(world: dict[str, Any]) -> None:
    w: Warehouse = world["world"]
    status, error, sent = _sync_traits(w, "push_marketing")
    assert (status, error) == ("success", None)
    rows = [json.loads(line) for line in sent.read_text(encoding="utf-8").splitlines()]
    assert [row["customer_id"] for row in rows] == [w.customer_with_email(ANN)]


def test_a_sync_under_a_purpose_the_warehouse_does_not_track_sends_nothing(world: dict[str, Any]) -> None:
    w: Warehouse = world["world"]
    status, error, sent = _sync_traits(w, "push_marketng")
    assert status == "failed"
    assert "purpose 'push_marketng' is not tracked" in (error or "")
    assert "push_marketing" in (error or "") and "consent_purposes" in (error or "")
    assert not sent.exists()
