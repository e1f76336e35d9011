"""Export: one JSON document with everything held about a person, records from every source that held
them; output and logs masked. No dbt build: works on a copy of the session's sample build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from privacy_helpers import query, richest_customer

from privacy import SubjectNotFound, export_person, export_summary
from privacy.warehouse import open_warehouse


@pytest.fixture(scope="module")
def exported(module_warehouse: Path, tmp_path_factory):
    person = richest_customer(module_warehouse)
    out = tmp_path_factory.mktemp("export") / "person.json"
    document = export_person(module_warehouse, person.email.upper(), out)
    return module_warehouse, person, document, out


def _sources_holding(db_path: Path, values: list[str]) -> set[str]:
    """Raw tables holding any of the values, found independently of the export (text search)."""
    con = open_warehouse(db_path, read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw' "
                "and table_name not like '\\_%' escape '\\'"
            ).fetchall()
        ]
        return {
            table
            for table in tables
            if con.execute(
                f"select count(*) from raw.{table} where "
                + " or ".join("contains(lower(_record::varchar), ?)" for _ in values),
                [v.lower() for v in values],
            ).fetchone()[0]
        }
    finally:
        con.close()


def test_export_holds_records_from_every_source_that_held_the_person(exported) -> None:
    db_path, person, document, _ = exported
    long_values = [v for _, v in person.identifiers if len(v) >= 8]
    expected = _sources_holding(db_path, long_values)
    assert len(expected) >= 4
    assert set(document["records"]) == expected
    for rows in document["records"].values():
        assert all(row["record"] and row["file"] and row["row_number"] for row in rows)


def test_export_sections(exported) -> None:
    db_path, person, document, out = exported
    assert document["customer_id"] == person.customer_id
    assert document["golden_record"]["customer_id"] == person.customer_id
    assert {(i["identifier_type"], i["identifier_value"]) for i in document["identifiers"]} == set(
        person.identifiers
    )
    assert {c["purpose"] for c in document["consent"]["current"]} == {
        "email_marketing", "sms_marketing", "ads_targeting", "analytics",
    }  # fmt: skip
    (history,) = query(
        db_path,
        "select count(*) from int_consent_changes_unioned where customer_id = ?",
        [person.customer_id],
    )[0]
    assert len(document["consent"]["history"]) == history
    (memberships,) = query(
        db_path, "select count(*) from segment_memberships where customer_id = ?", [person.customer_id]
    )[0]
    assert len(document["audience_memberships"]) == memberships
    assert "deliveries" in document
    # The file is the same document, unmasked: it is what the person asked for.
    assert json.loads(out.read_text(encoding="utf-8")) == document
    assert person.email in out.read_text(encoding="utf-8")


def test_export_is_logged_without_the_identifier(exported) -> None:
    db_path, person, document, _ = exported
    rows = query(
        db_path,
        "select request_type, status, subject_hash, summary from privacy_requests where request_id = ?",
        [document["request_id"]],
    )  # fmt: skip
    assert len(rows) == 1
    request_type, status, subject_hash, summary = rows[0]
    assert (request_type, status) == ("export", "done")
    for value in person.values:
        assert value not in subject_hash and value not in summary


def test_summary_is_masked(exported) -> None:
    _, person, document, _ = exported
    text = export_summary(document)
    assert person.email not in text and person.customer_id not in text
    assert "***" in text


def test_unknown_person_is_a_clear_error(module_warehouse: Path) -> None:
    with pytest.raises(SubjectNotFound, match=r"no customer found for n\*\*\*@example.org"):
        export_person(module_warehouse, "nobody-here@example.org")


def test_raw_index_knows_every_identifier_staging_produces(built_sample) -> None:
    """`privacy_raw_identifiers` normalises raw values as staging does: every identifier identity saw is
    found in it, so forget and export reach every raw row (guards against the two drifting apart)."""
    missing = query(
        built_sample[0],
        """
        select identifier_type, count(*) from (
            select distinct identifier_type, identifier_value from int_identifiers_unioned
            except
            select identifier_type, identifier_value from privacy_raw_identifiers
        ) group by 1
        """,
    )
    assert missing == []
