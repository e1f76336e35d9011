"""Bad input never stops a load: every problem is quarantined or warned about, naming file, row and field."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from ingest_helpers import jsonl, load, manifest, quarantine, rows, write

POS_HEADER = "transaction_id,store_id,occurred_at,loyalty_id,email,phone,sku,quantity,unit_price,currency\n"
GOOD_EVENT = {"messageId": "m", "type": "page", "userId": "u", "timestamp": "2024-01-01T00:00:00Z"}


def file_quarantine(db_path: Path, file_path: str) -> str:
    """The reason of a whole-file quarantine, after checking its shape (one row, no row number)."""
    entries = quarantine(db_path, file_path)
    assert len(entries) == 1 and entries[0][0] is None, entries
    assert manifest(db_path, file_path)[0][0] == "quarantined"
    return entries[0][2]


def test_malformed_json_lines_are_quarantined_with_line_numbers(data_dir: Path, db_path: Path) -> None:
    write(
        data_dir / "events" / "e.jsonl",
        jsonl([GOOD_EVENT, '{"messageId": "x", "type":', "[1, 2]", '"just a string"']) + "\n   \n",
    )
    load(data_dir, db_path)
    assert quarantine(db_path, "events/e.jsonl") == [
        (2, '{"messageId": "x", "type":', "invalid JSON"),
        (3, "[1, 2]", "line is a JSON array, not an object"),
        (4, '"just a string"', "line is a JSON varchar, not an object"),
    ]
    assert manifest(db_path, "events/e.jsonl")[0][:4] == ("loaded", 4, 1, 3)


def test_undecodable_line_is_quarantined_and_later_lines_keep_their_numbers(
    data_dir: Path, db_path: Path
) -> None:
    good = json.dumps(GOOD_EVENT).encode()
    write(data_dir / "events" / "latin1.jsonl", good + b"\n" + b'{"name": "caf\xe9"}\n' + good + b"\n")
    load(data_dir, db_path)
    bad = quarantine(db_path, "events/latin1.jsonl")
    assert [(r[0], r[2].startswith("unreadable line: Invalid unicode")) for r in bad] == [(2, True)]
    assert rows(db_path, "select _row_number from raw.segment_events order by 1") == [(1,), (3,)]


def test_csv_rows_with_missing_or_extra_columns_keep_their_raw_line(data_dir: Path, db_path: Path) -> None:
    write(
        data_dir / "pos" / "p.csv",
        POS_HEADER + "t1,s,2024-01-01 00:00:00,,,,sku,1,2.5,EUR\n"
        "t2,s,2024-01-01 00:00:00\n"
        "\n"
        "t3,s,2024-01-01 00:00:00,,,,sku,1,2.5,EUR,surprise\n"
        "t4,s,2024-01-01 00:00:00,,,,sku,1,2.5,EUR\n",
    )
    load(data_dir, db_path)
    assert quarantine(db_path, "pos/p.csv") == [
        (3, "t2,s,2024-01-01 00:00:00",
         "malformed CSV row (missing columns): Expected Number of Columns: 10 Found: 3"),
        (5, "t3,s,2024-01-01 00:00:00,,,,sku,1,2.5,EUR,surprise",
         "malformed CSV row (too many columns): Expected Number of Columns: 10 Found: 11"),
    ]  # fmt: skip
    assert rows(db_path, "select transaction_id, _row_number from raw.pos_sales order by 2") == [
        ("t1", 2),
        ("t4", 6),
    ]
    assert manifest(db_path, "pos/p.csv")[0][:4] == ("loaded", 4, 2, 2)


def test_unparseable_timestamp_names_field_and_value(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "pos" / "p.csv", POS_HEADER + "t1,s,31/12/2024 25:00,,,,sku,1,2.5,EUR\n")
    load(data_dir, db_path)
    assert (
        quarantine(db_path, "pos/p.csv")[0][2] == "field 'occurred_at': '31/12/2024 25:00' is not a timestamp"
    )


def test_empty_files_are_recorded_as_empty_not_errors(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "zero.jsonl", "")
    write(data_dir / "events" / "blank.jsonl", "\n\n  \n")
    write(data_dir / "events" / "zero.jsonl.gz", "", gz=True)
    write(data_dir / "hubspot" / "header-only.csv", "Record ID,Email\n")
    write(data_dir / "shopify" / "none.json", '{"orders": []}')
    report = load(data_dir, db_path)
    statuses = rows(db_path, "select file_path, status, rows_read from raw._manifest order by 1")
    assert statuses == [
        ("events/blank.jsonl", "empty", 0),
        ("events/zero.jsonl", "empty", 0),
        ("events/zero.jsonl.gz", "empty", 0),
        ("hubspot/header-only.csv", "empty", 0),
        ("shopify/none.json", "empty", 0),
    ]
    assert report.totals.files_empty == 5 and report.totals.files_quarantined == 0
    assert rows(db_path, "select count(*) from raw._quarantine") == [(0,)]


def test_binary_file_named_jsonl_is_quarantined_whole(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "photo.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    load(data_dir, db_path)
    assert file_quarantine(db_path, "events/photo.jsonl") == "binary content (NUL bytes), not a text file"


def test_truncated_gzip_is_quarantined_whole_and_other_files_still_load(
    data_dir: Path, db_path: Path
) -> None:
    lines = jsonl([{**GOOD_EVENT, "messageId": f"m{i}", "pad": "x" * 200} for i in range(3000)]).encode()
    write(data_dir / "events" / "a-cut.jsonl.gz", gzip.compress(lines)[:-2000])
    write(data_dir / "events" / "b-head.jsonl.gz", gzip.compress(lines)[:30])
    write(data_dir / "events" / "c-ok.jsonl", jsonl([GOOD_EVENT]))
    report = load(data_dir, db_path)
    assert "GZIP" in file_quarantine(db_path, "events/a-cut.jsonl.gz")
    assert file_quarantine(db_path, "events/b-head.jsonl.gz").startswith("not a valid gzip file")
    assert rows(db_path, "select _file from raw.segment_events") == [("events/c-ok.jsonl",)]
    assert report.sources["events"].files_quarantined == 2
    assert manifest(db_path, "events/a-cut.jsonl.gz")[0][1:4] == (0, 0, 0)


def test_csv_missing_required_column_is_quarantined_naming_the_column(data_dir: Path, db_path: Path) -> None:
    write(
        data_dir / "pos" / "p.csv",
        "transaction_id,occurred_at,unit_price\nt1,2024-01-01 00:00:00,1\nt2,2024-01-01,2\n",
    )
    load(data_dir, db_path)
    reason = file_quarantine(db_path, "pos/p.csv")
    assert reason.startswith("missing required column 'quantity'")
    assert manifest(db_path, "pos/p.csv")[0][1:4] == (2, 0, 2)
    assert rows(db_path, "select count(*) from raw.pos_sales") == [(0,)]


def test_csv_missing_optional_column_lands_null_with_a_warning(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "hubspot" / "c.csv", "record id,EMAIL\n5,a@x.com\n")  # headers match ignoring case
    report = load(data_dir, db_path)
    assert rows(
        db_path, "select record_id, email, first_name, lifecycle_stage from raw.hubspot_contacts"
    ) == [("5", "a@x.com", None, None)]
    expected = (
        "hubspot/c.csv: missing optional columns 'First Name', 'Last Name', 'Phone Number', 'Create Date', "
        "'Lifecycle Stage': land as NULL"
    )
    assert expected in report.warnings
    assert manifest(db_path, "hubspot/c.csv")[0][4] == expected.removeprefix("hubspot/c.csv: ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2]", 'document is a JSON array, expected an object like {"orders": [...]}'),
        ('{"data": []}', "document has no 'orders' array (keys found: 'data')"),
        ('{"orders": {"id": 1}}', "'orders' is a JSON object, expected an array"),
        ('{"orders": []}\n{"orders": []}', "expected one JSON document, found 2 top-level values"),
        ('{"orders": [{"id": 1}', "cannot read file: "),
    ],
)
def test_json_document_of_the_wrong_shape_is_quarantined_whole(
    data_dir: Path, db_path: Path, content: str, expected: str
) -> None:
    write(data_dir / "shopify" / "o.json", content)
    load(data_dir, db_path)
    assert file_quarantine(db_path, "shopify/o.json").startswith(expected)


def test_zendesk_document_with_neither_array_is_quarantined(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "support" / "z.json", '{"organizations": []}')
    load(data_dir, db_path)
    assert file_quarantine(db_path, "support/z.json") == (
        "document has no 'tickets' or 'users' array (keys found: 'organizations')"
    )


def test_non_object_array_elements_are_quarantined_per_row(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "shopify" / "o.json", json.dumps({"orders": [{"id": 1, "created_at": "2024-01-01",
                                                                  "total_price": 1}, 42, None]}))  # fmt: skip
    load(data_dir, db_path)
    assert quarantine(db_path, "shopify/o.json") == [
        (2, "42", "element is a JSON ubigint, not an object"),
        (3, "null", "element is a JSON null, not an object"),
    ]


def test_unknown_folders_and_unexpected_files_are_warned_and_skipped(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "crm_dump" / "x.csv", "a\n1\n")
    write(data_dir / "events" / "notes.txt", "hello")
    write(data_dir / "events" / "ok.jsonl", jsonl([GOOD_EVENT]))
    write(data_dir / "truth.csv", "identifier_type\n")  # demo-data's evaluation file: skipped quietly
    write(data_dir / "contacts.csv", "id\n")
    write(data_dir / "events" / ".DS_Store", b"\x00\x01")
    report = load(data_dir, db_path)
    assert any(w.startswith("crm_dump/: unknown folder, skipped") for w in report.warnings)
    assert any(w.startswith("events/notes.txt: unexpected file type for events/") for w in report.warnings)
    assert "contacts.csv: not in a source folder, skipped" in report.warnings
    assert not any(w.startswith("truth.csv") for w in report.warnings)
    assert not any(".DS_Store" in w for w in report.warnings)
    assert rows(db_path, "select file_path from raw._manifest") == [("events/ok.jsonl",)]


def test_file_duckdb_cannot_read_is_quarantined(data_dir: Path, db_path: Path) -> None:
    # A CSV with an unterminated quote at the header cannot even be sniffed.
    write(data_dir / "hubspot" / "broken.csv", '"Record ID,Email\n1,a\n')
    write(data_dir / "hubspot" / "ok.csv", "Record ID\n1\n")
    report = load(data_dir, db_path)
    reason = file_quarantine(db_path, "hubspot/broken.csv")
    assert reason.startswith(("cannot read file", "missing required column 'Record ID'")), reason
    assert report.sources["hubspot"].rows_landed == 1


def test_unknown_source_name_is_an_error(data_dir: Path, db_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source tiktok"):
        load(data_dir, db_path, sources=["tiktok"])


def test_missing_data_folder_is_an_error(tmp_path: Path, db_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="data folder not found"):
        load(tmp_path / "nope", db_path)


def test_csv_crlf_blank_lines_and_quoted_commas_keep_physical_line_numbers(
    data_dir: Path, db_path: Path
) -> None:
    write(data_dir / "hubspot" / "c.csv", 'Record ID,Email,Note\r\n1,a@x.com,"x, y"\r\n\r\n2,b@x.com,\r\n')
    report = load(data_dir, db_path)
    assert rows(
        db_path, "select record_id, _record->>'Note', _row_number from raw.hubspot_contacts order by 3"
    ) == [
        ("1", "x, y", 2),
        ("2", None, 4),
    ]
    assert not any("span several lines" in w for w in report.warnings)


def test_csv_with_quoted_line_breaks_lands_every_row_and_warns_about_numbering(
    data_dir: Path, db_path: Path
) -> None:
    write(data_dir / "hubspot" / "c.csv", 'Record ID,Note\n1,"two\nlines"\n2,ok\n')
    report = load(data_dir, db_path)
    assert rows(db_path, "select record_id, _record->>'Note' from raw.hubspot_contacts order by 1") == [
        ("1", "two\nlines"),
        ("2", "ok"),
    ]
    assert any(w.startswith("hubspot/c.csv: quoted values span several lines") for w in report.warnings)
