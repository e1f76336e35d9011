"""Manual suppression files: read with errors naming the file, row and field, and landed in
`privacy.manual_suppressions` (the folder is the source of truth)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from privacy import SuppressionFileError, load_manual_suppressions
from privacy.masking import mask_identifier
from privacy.tombstones import identifier_hash


def _write(folder: Path, name: str, text: str) -> None:
    (folder / "suppressions").mkdir(parents=True, exist_ok=True)
    (folder / "suppressions" / name).write_text(text, encoding="utf-8")


def test_manual_suppressions_are_loaded_and_replaced(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "manual.csv",
        "identifier_type,identifier_value,reason,added_at\n"
        "email, Jane.Doe@Example.com ,legal hold,2026-01-02T03:04:05\n"
        "phone,+44 7700 900123,,\n",
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        assert load_manual_suppressions(tmp_path, con) == 2
        rows = con.execute(
            "select identifier_type, identifier_value, reason, source_file from privacy.manual_suppressions "
            "order by 1"
        ).fetchall()
        assert rows == [
            ("email", "Jane.Doe@Example.com", "legal hold", "suppressions/manual.csv"),
            ("phone", "+44 7700 900123", None, "suppressions/manual.csv"),
        ]
        _write(tmp_path, "manual.csv", "identifier_type,identifier_value\nemail,other@example.com\n")
        assert load_manual_suppressions(tmp_path, con) == 1
        assert con.execute("select identifier_value from privacy.manual_suppressions").fetchall() == [
            ("other@example.com",)
        ]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("identifier_value\nx@example.com\n", r"suppressions/bad.csv: missing column\(s\) identifier_type"),
        ("identifier_type,identifier_value\nemail,\n",
         r"suppressions/bad.csv: row 2: field 'identifier_value' is empty"),
        ("identifier_type,identifier_value,added_at\nemail,a@b.co,yesterday\n",
         r"suppressions/bad.csv: row 2: field 'added_at': 'yesterday' is not an ISO-8601 time"),
    ],
)  # fmt: skip
def test_bad_suppression_file_names_file_row_and_field(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, "bad.csv", text)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        with pytest.raises(SuppressionFileError, match=message):
            load_manual_suppressions(tmp_path, con)
    finally:
        con.close()


def test_tombstone_hash_is_salted_and_typed() -> None:
    plain = identifier_hash("salt-a", "email", "jane@example.com")
    assert plain != identifier_hash("salt-b", "email", "jane@example.com")
    assert plain != identifier_hash("salt-a", "user_id", "jane@example.com")
    assert len(plain) == 64


def test_mask_identifier() -> None:
    assert mask_identifier("email", "jane@gmail.com") == "email=j***@gmail.com"
    assert mask_identifier("phone", "+4915112345678") == "phone=***5678"


def test_a_data_folder_without_suppressions_loads_an_empty_list(tmp_path: Path) -> None:
    """Regression: `cdp load` of a folder with no suppressions/ (the sample) crashed on an empty insert."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        assert load_manual_suppressions(tmp_path, con) == 0
        assert con.execute("select count(*) from privacy.manual_suppressions").fetchone() == (0,)
