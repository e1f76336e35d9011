"""Files load one after another in discovery order, even though the next file is read while one commits."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import jsonl, load, manifest, quarantine, rows, write

from ingest import LoadEvent, connect, load_into
from ingest.files import DataFile
from ingest.schema import ensure_raw_schema
from ingest.sources.segment import SegmentLoader

EVENT = {"messageId": "m", "type": "page", "userId": "u", "timestamp": "2024-01-01T00:00:00Z"}


def _events(n: int, tag: str) -> str:
    return jsonl([{**EVENT, "messageId": f"{tag}-{i}"} for i in range(n)])


def test_files_land_commit_and_report_in_discovery_order(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "a.jsonl", _events(3, "a"))
    load(data_dir, db_path)  # a.jsonl is already loaded when the mix below arrives
    write(data_dir / "events" / "b.jsonl", _events(5, "b"))
    write(data_dir / "events" / "c.jsonl", "")
    write(data_dir / "events" / "d.jsonl", b"\x00\x01 not text")
    write(data_dir / "events" / "e.jsonl", _events(2, "e") + "not json\n")
    write(
        data_dir / "esp" / "f.jsonl",
        jsonl([{"sg_event_id": "s", "email": "x", "timestamp": 1, "event": "open"}]),
    )
    write(data_dir / "events" / "g.jsonl", _events(4, "g"))

    report = load(data_dir, db_path)

    expected = ["esp/f.jsonl", *(f"events/{n}.jsonl" for n in "abcdeg")]
    assert [f.file_path for f in report.files] == expected
    assert [f.status for f in report.files] == [
        "loaded", "skipped", "loaded", "empty", "quarantined", "loaded", "loaded",
    ]  # fmt: skip
    # Rows are stored file after file, in the order the files were committed.
    stored = [r[0] for r in rows(db_path, "select _file from raw.segment_events")]
    assert (
        stored
        == ["events/a.jsonl"] * 3 + ["events/b.jsonl"] * 5 + ["events/e.jsonl"] * 2 + ["events/g.jsonl"] * 4
    )
    manifest_order = [r[0] for r in rows(db_path, "select file_path from raw._manifest")]
    assert manifest_order == ["events/a.jsonl", *(p for p in expected if p != "events/a.jsonl")]
    assert quarantine(db_path, "events/e.jsonl") == [(3, "not json", "invalid JSON")]


def test_a_file_that_cannot_be_hashed_is_skipped_with_a_warning(
    data_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in "abc":
        write(data_dir / "events" / f"{name}.jsonl", _events(2, name))
    real_identity = SegmentLoader.file_identity

    def identity(self: SegmentLoader, file: DataFile) -> str:
        if file.rel_path == "events/b.jsonl":
            raise PermissionError("denied")
        return real_identity(self, file)

    monkeypatch.setattr(SegmentLoader, "file_identity", identity)
    report = load(data_dir, db_path)
    assert [(f.file_path, f.status) for f in report.files] == [
        ("events/a.jsonl", "loaded"),
        ("events/b.jsonl", "skipped"),
        ("events/c.jsonl", "loaded"),
    ]
    assert report.warnings == ["events/b.jsonl: cannot read, skipped (denied)"]
    assert manifest(db_path, "events/b.jsonl") == []


def test_a_failing_progress_callback_stops_the_load_and_a_rerun_finishes_it(
    data_dir: Path, db_path: Path
) -> None:
    for name in "abcd":
        write(data_dir / "events" / f"{name}.jsonl", _events(2, name))
    threads_before = threading.active_count()

    def fail_after_two(event: LoadEvent) -> None:
        if event.files_done == 2:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        load(data_dir, db_path, progress=fail_after_two)
    assert threading.active_count() == threads_before  # the reading thread is gone
    assert rows(db_path, "select file_path from raw._manifest order by 1") == [
        ("events/a.jsonl",),
        ("events/b.jsonl",),
    ]
    report = load(data_dir, db_path)
    assert [f.status for f in report.files] == ["skipped", "skipped", "loaded", "loaded"]
    assert rows(db_path, "select count(*), count(distinct message_id) from raw.segment_events") == [(8, 8)]


def test_load_into_leaves_the_callers_connection_usable(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "a.jsonl", _events(2, "a"))
    with connect(db_path) as con:
        report = load_into(con, data_dir)
        assert report.totals.rows_landed == 2
        assert con.execute("select count(*) from raw.segment_events").fetchone() == (2,)
        temp = con.execute("select count(*) from duckdb_tables() where database_name = 'temp'").fetchone()
        assert temp == (0,)


def test_load_file_loads_one_file_on_its_own(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "a.jsonl", _events(2, "a") + "[]\n")
    with connect(db_path) as con:
        ensure_raw_schema(con)
        path = data_dir / "events" / "a.jsonl"
        file = DataFile("events", path, "events/a.jsonl", path.stat().st_size)
        result, warnings = SegmentLoader().load_file(
            con, file, "sha", load_id="L", loaded_at=datetime(2024, 1, 1)
        )
    assert (result.status, result.rows_read, result.rows_landed, result.rows_quarantined) == (
        "loaded",
        3,
        2,
        1,
    )
    assert warnings == []
    assert manifest(db_path, "events/a.jsonl")[0][:4] == ("loaded", 3, 2, 1)


def test_blank_lines_are_any_whitespace_but_tabs_and_objects_may_be_indented(
    data_dir: Path, db_path: Path
) -> None:
    event = json.dumps(EVENT)
    lines = ["   ", "\u00a0", "\u3000 ", "", "\t", f"  {event}", f"\t{event}  ", event.replace("}", ",}")]
    write(data_dir / "events" / "ws.jsonl", "\n".join(lines) + "\n")
    load(data_dir, db_path)
    # Lines 1-4 are blank (not records); a tab alone is not JSON; indented objects and a trailing comma land.
    assert quarantine(db_path, "events/ws.jsonl") == [(5, "\t", "invalid JSON")]
    assert rows(db_path, "select _row_number, _record from raw.segment_events order by 1") == [
        (6, f"  {event}"),
        (7, f"\t{event}  "),
        (8, event.replace("}", ",}")),
    ]
    assert manifest(db_path, "events/ws.jsonl")[0][:4] == ("loaded", 4, 3, 1)


def test_records_land_as_sent_even_when_duckdb_would_print_them_differently(
    data_dir: Path, db_path: Path
) -> None:
    sent = (
        '{"messageId": "m",  "type":"page", "userId":"u", "timestamp":"2024-01-01", "n": 1E2, "x": "\\u00e9"}'
    )
    write(data_dir / "events" / "a.jsonl", sent + "\n")
    load(data_dir, db_path)
    assert rows(db_path, "select _record::varchar from raw.segment_events") == [(sent,)]
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select typeof(_record) from raw.segment_events").fetchone() == ("JSON",)


def test_json_columns_are_stored_zstd_compressed(data_dir: Path, db_path: Path) -> None:
    # ZSTD is chosen for its CPU cost at commit (docs/performance.md): every JSON column of a raw table uses
    # it, the record as sent and the nested parts alike, while text columns keep DuckDB's automatic choice.
    context = {"page": {"url": "https://example.com/" + "x" * 200}, "userAgent": "Mozilla/5.0 " * 20}
    events = [
        {"messageId": f"m{i}", "type": "track", "event": "Viewed", "userId": f"u{i}",
         "timestamp": "2024-01-05T10:00:00Z", "context": context, "properties": {"n": i}}
        for i in range(3000)
    ]  # fmt: skip
    write(data_dir / "events" / "part-1.jsonl", jsonl(events))
    load(data_dir, db_path)
    compressions = dict(
        rows(
            db_path,
            "select column_name, string_agg(distinct compression, ',') "
            "from pragma_storage_info('raw.segment_events') where segment_type <> 'VALIDITY' "
            "group by column_name",
        )
    )
    for column in ("_record", "context", "properties", "traits"):
        assert compressions[column] == "ZSTD", (column, compressions)
    assert compressions["message_id"] != "ZSTD"
