"""An audience's meta.consent_purpose is checked against the purposes the dbt project tracks: its var
`consent_purposes` (docs/privacy.md), as the audience materialization reads it, not a fixed list."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp.project_vars import DEFAULT_CONSENT_PURPOSES, consent_purposes
from cdp.segments_manifest import AudienceNode
from cdp.segments_validation import check_meta

DEFAULTS = ("email_marketing", "sms_marketing", "ads_targeting", "analytics")


def project(tmp_path: Path, variables: str = "") -> Path:
    text = f"name: tessera\nprofile: tessera\n{variables}"
    (tmp_path / "dbt_project.yml").write_text(text, encoding="utf-8")
    return tmp_path


def audience(purpose: str | None) -> AudienceNode:
    meta = {"owner": "growth"} | ({} if purpose is None else {"consent_purpose": purpose})
    return AudienceNode(
        name="push_reachable",
        unique_id="model.tessera.push_reachable",
        file_path="models/marts/audiences/push_reachable.sql",
        raw_code="select customer_id from {{ ref('customer_traits') }}",
        compiled_code=None,
        meta=meta,
        description="Customers reachable by push.",
        depends_on=["model.tessera.customer_traits"],
        relation_name=None,
        materialized="audience",
    )


def test_the_defaults_are_the_four_purposes_of_the_dbt_macro(tmp_path: Path) -> None:
    assert DEFAULT_CONSENT_PURPOSES == DEFAULTS
    assert consent_purposes(project(tmp_path)) == DEFAULTS
    assert consent_purposes(tmp_path / "missing") == DEFAULTS
    # The repository's own project sets no override.
    assert consent_purposes(Path(__file__).resolve().parents[2] / "dbt_project") == DEFAULTS


@pytest.mark.parametrize(
    "variables",
    [
        "vars:\n  consent_purposes: [email_marketing, push_marketing]\n",
        "vars:\n  tessera:\n    consent_purposes: [email_marketing, push_marketing]\n",
        # The project's own scope wins over a global value, as in dbt.
        "vars:\n  consent_purposes: [analytics]\n"
        "  tessera:\n    consent_purposes: [email_marketing, push_marketing]\n",
    ],
)
def test_the_var_in_dbt_project_yml_sets_the_purposes(tmp_path: Path, variables: str) -> None:
    assert consent_purposes(project(tmp_path, variables)) == ("email_marketing", "push_marketing")


@pytest.mark.parametrize("value", ["[]", "push_marketing", "[1, 2]", "{a: b}"])
def test_a_value_that_is_not_a_list_of_names_leaves_the_defaults(tmp_path: Path, value: str) -> None:
    assert consent_purposes(project(tmp_path, f"vars:\n  consent_purposes: {value}\n")) == DEFAULTS


def test_a_builds_own_vars_come_before_the_project_file(tmp_path: Path) -> None:
    """`cdp build --vars`, read as dbt reads `--vars`: first, and held to the same shape."""
    folder = project(tmp_path, "vars:\n  consent_purposes: [analytics]\n")
    assert consent_purposes(folder, {"consent_purposes": ["sms_marketing"]}) == ("sms_marketing",)
    assert consent_purposes(folder, {"as_of": "now"}) == ("analytics",)
    assert consent_purposes(folder, {"consent_purposes": "sms_marketing"}) == DEFAULTS


def test_an_audience_may_use_a_purpose_the_project_adds(tmp_path: Path) -> None:
    overridden = project(tmp_path, "vars:\n  consent_purposes: [email_marketing, push_marketing]\n")
    assert check_meta(audience("push_marketing"), overridden) == []
    assert check_meta(audience("none"), overridden) == []
    (problem,) = check_meta(audience("sms_marketing"), overridden)
    assert problem.message == "has unknown meta.consent_purpose 'sms_marketing'"
    assert problem.fix == "use one of email_marketing, push_marketing or none"


def test_without_the_var_a_new_purpose_is_still_refused(tmp_path: Path) -> None:
    (problem,) = check_meta(audience("push_marketing"), project(tmp_path))
    assert problem.message == "has unknown meta.consent_purpose 'push_marketing'"
    (missing,) = check_meta(audience(None), project(tmp_path))
    listed = ", ".join(DEFAULTS)
    assert missing.fix == f"add `consent_purpose:` one of {listed}, or none for suppression lists"
