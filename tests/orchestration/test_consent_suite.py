"""The raw consent suite (a blocking Dagster check) accepts the purposes the dbt project tracks: the var
`consent_purposes` in dbt_project.yml, so a purpose the team adds passes here as it does in staging."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import ingest
from orchestration.checks.raw import raw_check_result, suite_parameters

DEFAULTS = ["email_marketing", "sms_marketing", "ads_targeting", "analytics"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw.consent_events after one load holding a change of the purpose `push_marketing`."""
    root = tmp_path_factory.mktemp("consent_suite")
    folder = root / "inputs" / "consent"
    folder.mkdir(parents=True)
    changes = [
        {"email": "ann@x.test", "purpose": "email_marketing", "status": "granted",
         "occurred_at": "2026-04-06T23:08:43+00:00", "source": "checkout"},
        {"email": "ann@x.test", "purpose": "push_marketing", "status": "granted",
         "occurred_at": "2026-04-07T10:00:00+00:00", "source": "app_settings"},
    ]  # fmt: skip
    (folder / "changes-0001.jsonl").write_text("".join(json.dumps(c) + "\n" for c in changes))
    db = root / "warehouse.duckdb"
    ingest.load_folder(root / "inputs", db)
    return db


def project(folder: Path, purposes: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text(
        f"name: tessera\nvars:\n  consent_purposes: {json.dumps(purposes)}\n"
    )
    return folder


def test_the_suite_reads_the_projects_purposes(tmp_path: Path) -> None:
    repository = Path(__file__).resolve().parents[2] / "dbt_project"
    assert suite_parameters("consent_events", repository) == {"consent_purposes": DEFAULTS}
    assert suite_parameters("shopify_orders", repository) == {}
    added = project(tmp_path, [*DEFAULTS, "push_marketing"])
    assert suite_parameters("consent_events", added)["consent_purposes"][-1] == "push_marketing"


def test_an_added_purpose_passes_and_an_unknown_one_blocks(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        added = raw_check_result(
            con, "consent_events", project(tmp_path / "added", [*DEFAULTS, "push_marketing"])
        )
        unknown = raw_check_result(con, "consent_events", project(tmp_path / "defaults", DEFAULTS))
    assert added.passed
    assert not unknown.passed
    failed = unknown.metadata["failed_critical"].value
    assert "expect_column_values_to_be_in_set" in failed and "push_marketing" in failed
