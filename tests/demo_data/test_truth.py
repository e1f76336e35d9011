"""The truth file covers every identifier a loader can land, and shares the right ones between persons."""

from __future__ import annotations

import csv
from collections import defaultdict

import phonenumbers
from demo_data_readers import SOURCES, records


def _truth(out) -> dict[tuple[str, str], set[str]]:
    persons: dict[tuple[str, str], set[str]] = defaultdict(set)
    with (out / "truth.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["identifier_type", "identifier_value", "person_id"]
        for row in reader:
            persons[(row["identifier_type"], row["identifier_value"])].add(row["person_id"])
    return persons


def test_every_landable_identifier_is_in_truth_and_back(generated):
    out, summary = generated
    truth = _truth(out)
    seen: set[tuple[str, str]] = set()
    for source in SOURCES:
        for name, identifiers in records(out, source):
            for ident in identifiers or ():
                assert ident in truth, (name, ident)
                seen.add(ident)
    # Phones written in a non-US national format are only recognisable with their country; all else is seen.
    missing = {ident for ident in truth if ident not in seen}
    assert all(kind == "phone" for kind, _ in missing), sorted(missing)[:5]
    assert len(missing) < 0.01 * len(truth)
    assert summary.truth_rows == sum(len(p) for p in truth.values())


def test_truth_values_are_normalised(generated):
    out, _ = generated
    for kind, value in _truth(out):
        if kind == "email":
            assert value == value.strip().lower() and "@" in value
        elif kind == "phone":
            number = phonenumbers.parse(value)
            assert phonenumbers.is_valid_number(number)
            assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == value
        assert value not in ("n/a", "none", "null", "unknown", "0000000000")


def test_shared_identifiers_belong_to_several_persons(generated):
    out, _ = generated
    shared = {ident: persons for ident, persons in _truth(out).items() if len(persons) > 1}
    kinds = {kind for kind, _ in shared}
    assert {"email", "anonymous_id"} <= kinds  # store mailboxes and junk emails; family tablets
    assert any(value.startswith("store") for kind, value in shared if kind == "email")
    assert any(
        value == "test@test.com" or value.startswith("no") for kind, value in shared if kind == "email"
    )
    assert len(shared) < 0.05 * len(_truth(out))


def test_identifiers_are_linkable(generated):
    _, summary = generated
    assert summary.unlinkable_identifiers < 0.005 * summary.truth_rows


def test_persons_have_two_emails_and_crm_duplicates(generated):
    out, _ = generated
    by_person: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for (kind, value), persons in _truth(out).items():
        for person in persons:
            by_person[person][kind].add(value)
    assert sum(len(p["email"]) >= 2 for p in by_person.values()) > 10
    assert sum(len(p["crm_id"]) >= 2 for p in by_person.values()) > 3
    assert sum(len(p["anonymous_id"]) >= 2 for p in by_person.values()) > 50
