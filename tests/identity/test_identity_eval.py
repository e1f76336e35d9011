"""`evaluate_identity` on a hand-written warehouse and truth with known pairwise precision and recall."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cdp.identity_eval import TruthFileError, evaluate_identity, format_evaluation

CUSTOMER_IDENTIFIERS = [
    # C1 over-merges P1 and P2.
    ("C1", "email", "a1@x.com"),
    ("C1", "phone", "+14155550001"),
    ("C1", "email", "b1@x.com"),
    # C2 holds P1's user id: a missed merge.
    ("C2", "user_id", "a3"),
    # C3 and C4 each hold one person and the device they share in truth.
    ("C3", "email", "c1@x.com"),
    ("C3", "device_id", "tablet"),
    ("C4", "email", "d1@x.com"),
    # Not in truth: ignored.
    ("C4", "anonymous_id", "stray"),
]

TRUTH = """identifier_type,identifier_value,person_id
email,A1@x.com,P1
phone,+14155550001,P1
user_id,a3,P1
email,a4@x.com,P1
email,b1@x.com,P2
email,b2@x.com,P2
email,c1@x.com,P3
device_id,tablet,P3
email,d1@x.com,P4
device_id,tablet,P4
"""


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db_path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db_path))
    con.execute(
        "create table customer_identifiers "
        "(customer_id varchar, identifier_type varchar, identifier_value varchar)"
    )
    con.executemany("insert into customer_identifiers values (?, ?, ?)", CUSTOMER_IDENTIFIERS)
    con.close()
    return db_path


def test_known_precision_and_recall(warehouse: Path, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text(TRUTH)
    result = evaluate_identity(warehouse, truth)
    # Scored: a1, phone, a3, a4 (P1), b1, b2 (P2), c1 (P3), d1 (P4); the shared tablet is not a member.
    # Predicted pairs: C1 has 3 members -> 3 pairs, 1 of them true (a1-phone). True pairs: P1 6 + P2 1 = 7.
    assert (result.true_positive_pairs, result.false_positive_pairs, result.false_negative_pairs) == (1, 2, 6)
    assert result.precision == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 7)
    assert result.f1 == pytest.approx(0.2)
    assert result.identifiers_scored == 8
    assert result.identifiers_missing == 2
    assert result.shared_identifiers == 1
    # C1, C2, C3, C4 and the two missing identifiers as singletons.
    assert (result.customers, result.people) == (6, 4)
    [worst] = result.worst_clusters
    assert (worst.customer_id, worst.persons, worst.false_positive_pairs) == ("C1", 2, 2)
    assert {(i.identifier_value, i.person_id) for i in worst.identifiers} == {
        ("a1@x.com", "P1"),
        ("+14155550001", "P1"),
        ("b1@x.com", "P2"),
    }
    assert "precision  0.3333" in format_evaluation(result)
    # Emails and phones of the over-merged customers are masked unless asked for (terminal output ends up
    # in logs).
    masked, shown = format_evaluation(result), format_evaluation(result, show_pii=True)
    assert "a1@x.com" not in masked and "+14155550001" not in masked and "email=" in masked
    assert "a1@x.com" in shown and "+14155550001" in shown


def test_perfect_resolution_scores_one(warehouse: Path, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("identifier_type,identifier_value,person_id\nemail,c1@x.com,P3\nemail,d1@x.com,P4\n")
    result = evaluate_identity(warehouse, truth)
    assert (result.precision, result.recall, result.worst_clusters) == (1.0, 1.0, [])


def test_bad_truth_file_names_the_row_and_field(warehouse: Path, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("identifier_type,identifier_value,person_id\nemail,a1@x.com,P1\nemail,,P2\n")
    with pytest.raises(TruthFileError, match=r"truth.csv: row 3: field 'identifier_value' is empty"):
        evaluate_identity(warehouse, truth)
    truth.write_text("type,value,person\nemail,a1@x.com,P1\n")
    with pytest.raises(TruthFileError, match="header lacks column"):
        evaluate_identity(warehouse, truth)
    with pytest.raises(TruthFileError, match="not found"):
        evaluate_identity(warehouse, tmp_path / "missing.csv")


def test_header_only_truth_file_is_refused(warehouse: Path, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("identifier_type,identifier_value,person_id\n")
    with pytest.raises(TruthFileError, match="no identifier rows"):
        evaluate_identity(warehouse, truth)
