"""Loading is re-runnable: same content is skipped, changed content is a new version, counts add up."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import jsonl, load, manifest, rows, write

from ingest import LoadEvent, SourceStats, load_source

EVENT = {"type": "page", "anonymousId": "a", "timestamp": "2024-01-01T00:00:00Z"}


def test_loading_twice_lands_nothing_new(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "a.jsonl", jsonl([{**EVENT, "messageId": f"m{i}"} for i in range(3)]))
    write(data_dir / "events" / "empty.jsonl", "")
    write(data_dir / "hubspot" / "c.csv", "Record ID\n1\n")
    first = load(data_dir, db_path)
    second = load(data_dir, db_path)

    assert first.totals.rows_landed == 4 and first.totals.files_empty == 1
    assert second.totals.files_skipped == 3
    assert (second.totals.files_loaded, second.totals.rows_landed, second.totals.rows_read) == (0, 0, 0)
    assert {f.message for f in second.files} == {"already loaded"}
    assert rows(db_path, "select count(*) from raw.segment_events") == [(3,)]
    assert rows(db_path, "select count(*) from raw._manifest") == [(3,)]
    assert first.load_id != second.load_id


def test_changed_file_loads_as_a_new_version_and_keeps_the_old_rows(data_dir: Path, db_path: Path) -> None:
    path = write(data_dir / "events" / "a.jsonl", jsonl([{**EVENT, "messageId": "m1"}]))
    first = load(data_dir, db_path)
    write(path, jsonl([{**EVENT, "messageId": "m1"}, {**EVENT, "messageId": "m2"}]))
    second = load(data_dir, db_path)

    assert second.sources["events"].files_loaded == 1
    assert rows(
        db_path, "select message_id, _load_id from raw.segment_events order by _loaded_at, message_id"
    ) == [
        ("m1", first.load_id),
        ("m1", second.load_id),
        ("m2", second.load_id),
    ]
    versions = rows(
        db_path,
        "select count(distinct sha256), count(*) from raw._manifest where file_path = 'events/a.jsonl'",
    )
    assert versions == [(2, 2)]


def test_rows_read_equals_landed_plus_quarantined_for_every_file(data_dir: Path, db_path: Path) -> None:
    write(
        data_dir / "events" / "mixed.jsonl", jsonl([{**EVENT, "messageId": "ok"}, "{oops", {"type": "page"}])
    )
    write(
        data_dir / "pos" / "p.csv",
        "transaction_id,occurred_at,quantity,unit_price\nt,2024-01-01 00:00:00,1,2\nx\n",
    )
    write(data_dir / "nps" / "n.jsonl", "not json at all\n")
    report = load(data_dir, db_path)
    per_file = rows(db_path, "select file_path, rows_read, rows_landed, rows_quarantined from raw._manifest")
    assert len(per_file) == 3
    for file_path, read, landed, quarantined in per_file:
        assert read == landed + quarantined, file_path
        quarantine_rows = rows(
            db_path, "select count(*) from raw._quarantine where file_path = ?", [file_path]
        )
        assert quarantine_rows == [(quarantined,)], file_path
    assert {(f.file_path, f.rows_read, f.rows_landed) for f in report.files} == {
        ("events/mixed.jsonl", 3, 1),
        ("pos/p.csv", 2, 1),
        ("nps/n.jsonl", 1, 0),
    }


def test_progress_reports_total_first_then_each_file(data_dir: Path, db_path: Path) -> None:
    for i in range(3):
        write(data_dir / "events" / f"{i}.jsonl", jsonl([{**EVENT, "messageId": str(i)}]))
    events: list[LoadEvent] = []
    load(data_dir, db_path, progress=events.append)
    assert [(e.total_files, e.files_done) for e in events] == [(3, 0), (3, 1), (3, 2), (3, 3)]
    assert events[0].file is None
    assert [e.file.file_path for e in events[1:] if e.file] == [
        "events/0.jsonl",
        "events/1.jsonl",
        "events/2.jsonl",
    ]


def test_sources_filter_loads_only_the_named_folders(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "a.jsonl", jsonl([{**EVENT, "messageId": "m"}]))
    write(data_dir / "hubspot" / "c.csv", "Record ID\n1\n")
    report = load(data_dir, db_path, sources=["hubspot"])
    assert set(report.sources) == {"hubspot"}
    assert manifest(db_path, "events/a.jsonl") == []


def test_load_source_loads_one_folder_and_reports_zero_for_a_missing_one(
    data_dir: Path, db_path: Path
) -> None:
    write(data_dir / "hubspot" / "c.csv", "Record ID\n1\n2\n")
    write(data_dir / "events" / "a.jsonl", jsonl([{**EVENT, "messageId": "m"}]))
    hubspot = load_source(data_dir, db_path, "hubspot")
    assert (hubspot.sources["hubspot"].files_loaded, hubspot.sources["hubspot"].rows_landed) == (1, 2)
    assert set(hubspot.sources) == {"hubspot"}
    pos = load_source(data_dir, db_path, "pos")
    assert pos.sources == {"pos": SourceStats()}
    assert rows(db_path, "select count(*) from raw.segment_events") == [(0,)]
