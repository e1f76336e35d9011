"""A load skips a file it has seen by size and modification time, without hashing it again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import jsonl, load, rows, write

from ingest.base import SourceLoader
from ingest.files import DataFile
from ingest.schema import MANIFEST_TABLE, ensure_raw_schema

EVENT = {"type": "page", "anonymousId": "a", "timestamp": "2024-01-01T00:00:00Z"}
AN_HOUR_AGO = time.time() - 3600


def _events(tag: str, n: int = 2) -> str:
    return jsonl([{**EVENT, "messageId": f"{tag}-{i}"} for i in range(n)])


def _settled(path: Path, at: float = AN_HOUR_AGO) -> Path:
    """Give `path` a modification time in the past, as files that were not just written have."""
    os.utime(path, (at, at))
    return path


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rel paths of the files hashed, in order."""
    seen: list[str] = []
    real = SourceLoader.file_identity

    def counting(self: SourceLoader, file: DataFile) -> str:
        seen.append(file.rel_path)
        return real(self, file)

    monkeypatch.setattr(SourceLoader, "file_identity", counting)
    return seen


def _stamps(db_path: Path) -> list[tuple]:
    return rows(db_path, "select file_path, file_stamp from raw._manifest order by loaded_at, file_path")


def test_a_settled_file_is_skipped_on_the_next_load_without_being_hashed(
    data_dir: Path, db_path: Path, hashed: list[str]
) -> None:
    path = _settled(write(data_dir / "events" / "a.jsonl", _events("a")))
    load(data_dir, db_path)
    stat = path.stat()
    assert _stamps(db_path) == [("events/a.jsonl", f"{stat.st_size}:{stat.st_mtime_ns}")]
    assert hashed == ["events/a.jsonl"]

    second = load(data_dir, db_path)

    assert [(f.status, f.message) for f in second.files] == [("skipped", "already loaded")]
    assert hashed == ["events/a.jsonl"]  # not hashed again


def test_a_file_written_just_now_gets_no_stamp_and_is_hashed_on_every_load(
    data_dir: Path, db_path: Path, hashed: list[str]
) -> None:
    # Within one tick of the file system's clock it could change again without its mtime moving.
    write(data_dir / "events" / "a.jsonl", _events("a"))
    load(data_dir, db_path)
    second = load(data_dir, db_path)

    assert _stamps(db_path) == [("events/a.jsonl", None)]
    assert [f.status for f in second.files] == ["skipped"]
    assert hashed == ["events/a.jsonl", "events/a.jsonl"]


def test_a_touched_file_is_hashed_once_skipped_and_restamped(
    data_dir: Path, db_path: Path, hashed: list[str]
) -> None:
    path = _settled(write(data_dir / "events" / "a.jsonl", _events("a")))
    load(data_dir, db_path)
    _settled(path, AN_HOUR_AGO + 60)

    second = load(data_dir, db_path)
    third = load(data_dir, db_path)

    assert [(f.status, f.message) for f in second.files] == [("skipped", "already loaded")]
    assert [f.status for f in third.files] == ["skipped"]
    assert hashed == ["events/a.jsonl", "events/a.jsonl"]  # the third load matched the new stamp
    assert _stamps(db_path) == [("events/a.jsonl", f"{path.stat().st_size}:{path.stat().st_mtime_ns}")]
    assert rows(db_path, "select count(*) from raw.segment_events") == [(2,)]


def test_a_file_loaded_before_stamps_existed_gets_one_on_the_next_load(
    data_dir: Path, db_path: Path, hashed: list[str]
) -> None:
    _settled(write(data_dir / "events" / "a.jsonl", _events("a")))
    load(data_dir, db_path)
    with duckdb.connect(str(db_path)) as con:
        con.execute("update raw._manifest set file_stamp = null")

    load(data_dir, db_path)
    load(data_dir, db_path)

    assert hashed == ["events/a.jsonl", "events/a.jsonl"]
    assert _stamps(db_path)[0][1] is not None


def test_an_edit_that_keeps_size_and_mtime_is_only_found_by_rehash(data_dir: Path, db_path: Path) -> None:
    path = _settled(write(data_dir / "events" / "a.jsonl", _events("a")))
    load(data_dir, db_path)
    write(path, _events("b"))  # same length, other message ids
    _settled(path)

    assert [f.status for f in load(data_dir, db_path).files] == ["skipped"]
    rehashed = load(data_dir, db_path, rehash=True)

    assert [f.status for f in rehashed.files] == ["loaded"]
    assert rows(db_path, "select message_id from raw.segment_events order by message_id") == [
        ("a-0",), ("a-1",), ("b-0",), ("b-1",),
    ]  # fmt: skip


def test_an_edited_custom_mapping_reloads_its_settled_data_file(data_dir: Path, db_path: Path) -> None:
    _settled(write(data_dir / "custom" / "crm.csv", "id,mail,tier\n1,a@example.com,gold\n"))
    mapping = _settled(
        write(data_dir / "custom" / "crm.yml", "primary_key: id\nidentifiers:\n  email: mail\n")
    )
    load(data_dir, db_path)
    assert [f.status for f in load(data_dir, db_path).files] == ["skipped"]

    write(mapping, "primary_key: id\nidentifiers:\n  email: mail\nattributes:\n  tier: tier\n")
    _settled(mapping, AN_HOUR_AGO + 60)

    assert [f.status for f in load(data_dir, db_path).files] == ["loaded"]
    assert rows(db_path, "select attributes->>'tier' from raw.custom_records order by _loaded_at") == [
        (None,), ("gold",),
    ]  # fmt: skip


def test_a_manifest_of_an_older_version_gains_the_stamp_column(db_path: Path) -> None:
    old_columns = {name: kind for name, kind in MANIFEST_TABLE.columns.items() if name != "file_stamp"}
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw._manifest ("
            + ", ".join(f"{name} {kind}" for name, kind in old_columns.items())
            + ")"
        )
        ensure_raw_schema(con)
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = '_manifest'"
            ).fetchall()
        ]
    assert "file_stamp" in columns
