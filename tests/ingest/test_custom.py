"""Custom sources: any csv/json/jsonl/parquet file plus a YAML mapping lands in raw.custom_records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import jsonl, load, manifest, quarantine, rows, write

MAPPING = """\
primary_key: member_id
occurred_at: updated_at
identifiers:
  email: email_address
  loyalty_id: member_id
attributes:
  first_name: given_name
  tier: tier
  points: points
"""
CSV = (
    "member_id,email_address,given_name,tier,points,updated_at,unmapped\n"
    "M1,ann@example.com,Ann,gold,120,2024-04-01T10:00:00Z,x\n"
    ",nobody@example.com,No,,,2024-04-01T10:00:00Z,y\n"
    "M3,c@example.com,Cy,silver,5,someday,z\n"
)
COLUMNS = (
    "select source_name, record_id, occurred_at, email, phone, user_id, crm_id, loyalty_id, first_name, "
    "last_name, attributes->>'tier', attributes->>'points', _file, _row_number from raw.custom_records "
    "order by _file, _row_number"
)


def test_csv_with_mapping_lands_identifiers_and_attributes(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "custom" / "loyalty.yml", MAPPING)
    write(data_dir / "custom" / "loyalty.csv", CSV)
    report = load(data_dir, db_path)
    assert rows(db_path, COLUMNS) == [
        ("loyalty", "M1", "2024-04-01T10:00:00Z", "ann@example.com", None, None, None, "M1", "Ann", None,
         "gold", "120", "custom/loyalty.csv", 2),
    ]  # fmt: skip
    assert [(r[0], r[2]) for r in quarantine(db_path, "custom/loyalty.csv")] == [
        (3, "missing required field 'member_id'"),
        (4, "field 'updated_at': 'someday' is not a timestamp"),
    ]
    attributes = rows(db_path, "select attributes from raw.custom_records")[0][0]
    assert json.loads(attributes) == {
        "tier": "gold",
        "points": "120",
    }  # first_name is a column, not an attribute
    assert report.sources["custom"].rows_read == 3


def test_json_jsonl_parquet_and_gzip_custom_files(data_dir: Path, db_path: Path, tmp_path: Path) -> None:
    record = {"member_id": "J1", "email_address": "j@x.com", "tier": "gold", "points": 7, "updated_at": None}
    write(data_dir / "custom" / "a.yml", MAPPING)
    write(data_dir / "custom" / "a.json", json.dumps([record]))
    write(data_dir / "custom" / "b.yml", MAPPING + "records_key: members\n")
    write(data_dir / "custom" / "b.json.gz", json.dumps({"members": [record | {"member_id": "J2"}]}), gz=True)
    write(data_dir / "custom" / "c.yml", MAPPING)
    write(data_dir / "custom" / "c.jsonl", jsonl([record | {"member_id": "J3"}]))
    write(data_dir / "custom" / "d.yml", MAPPING)
    parquet = tmp_path / "d.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'J4' as member_id, 'p@x.com' as email_address, 'gold' as tier, 7 as points, "
            f"timestamp '2024-01-02 03:04:05' as updated_at) to '{parquet}' (format parquet)"
        )
    write(data_dir / "custom" / "d.parquet", parquet.read_bytes())
    write(data_dir / "custom" / "e.yml", MAPPING)
    write(data_dir / "custom" / "e.parquet.gz", gzip.compress(parquet.read_bytes()))
    report = load(data_dir, db_path)
    assert report.sources["custom"].files_quarantined == 0, report.warnings
    got = rows(
        db_path,
        "select source_name, record_id, email, attributes->>'points', occurred_at, _row_number "
        "from raw.custom_records order by record_id",
    )
    assert got == [
        ("a", "J1", "j@x.com", "7", None, 1),
        ("b", "J2", "j@x.com", "7", None, 1),
        ("c", "J3", "j@x.com", "7", None, 1),
        ("d", "J4", "p@x.com", "7", "2024-01-02 03:04:05", 1),
        ("e", "J4", "p@x.com", "7", "2024-01-02 03:04:05", 1),
    ]


def test_parts_share_one_mapping(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "custom" / "loyalty.yml", MAPPING)
    write(data_dir / "custom" / "loyalty-part2.csv", CSV)
    write(data_dir / "custom" / "loyalty" / "2024-05.csv", CSV)
    load(data_dir, db_path)
    assert rows(db_path, "select distinct source_name, _file from raw.custom_records order by 2") == [
        ("loyalty", "custom/loyalty-part2.csv"),
        ("loyalty", "custom/loyalty/2024-05.csv"),
    ]


def test_file_without_mapping_is_quarantined_then_loads_once_the_mapping_exists(
    data_dir: Path, db_path: Path
) -> None:
    write(data_dir / "custom" / "loyalty.csv", CSV)
    load(data_dir, db_path)
    (entry,) = quarantine(db_path, "custom/loyalty.csv")
    assert entry[0] is None and "add custom/loyalty.yml" in entry[2]

    write(data_dir / "custom" / "loyalty.yml", MAPPING)
    report = load(data_dir, db_path)
    assert report.sources["custom"].files_loaded == 1
    assert [m[0] for m in manifest(db_path, "custom/loyalty.csv")] == ["quarantined", "loaded"]
    assert load(data_dir, db_path).sources["custom"].files_skipped == 1


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ("identifiers:\n  email: e\n", "custom/bad.yml: key 'primary_key': Field required. Fix: add it"),
        (
            "primary_key: id\nidentifiers:\n  emial: e\n",
            "custom/bad.yml: key 'identifiers.emial': Input should be 'email', 'phone', 'user_id', "
            "'crm_id' or 'loyalty_id'. Fix: use one of email, phone, user_id, crm_id, loyalty_id",
        ),
        (
            "primary_key: id\ncolumns: [a]\n",
            "custom/bad.yml: key 'columns': Extra inputs are not permitted. Fix:",
        ),
        ("primary_key: [id\n", "custom/bad.yml: invalid YAML at line 2 (expected ',' or ']'"),
        ("- id\n", "custom/bad.yml: expected a mapping of keys"),
    ],
)
def test_invalid_mapping_quarantines_its_files_naming_file_key_and_fix(
    data_dir: Path, db_path: Path, mapping: str, expected: str
) -> None:
    write(data_dir / "custom" / "bad.yml", mapping)
    write(data_dir / "custom" / "bad.csv", "id,e\n1,a@x.com\n")
    report = load(data_dir, db_path)
    (entry,) = quarantine(db_path, "custom/bad.csv")
    assert entry[2].startswith("invalid mapping " + expected), entry[2]
    assert any(expected in w for w in report.warnings)


def test_missing_primary_key_column_quarantines_the_file(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "custom" / "loyalty.yml", MAPPING)
    write(data_dir / "custom" / "loyalty.csv", "id,email_address\n1,a@x.com\n")
    report = load(data_dir, db_path)
    (entry,) = quarantine(db_path, "custom/loyalty.csv")
    assert entry[2].startswith("missing primary key column 'member_id' named in the mapping")
    assert report.sources["custom"].files_quarantined == 1
