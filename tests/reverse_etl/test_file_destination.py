"""File destination through the real runner: every mode, reruns, and recovery of a killed run's journal."""

from __future__ import annotations

import csv
import json

from retl_helpers import CUSTOMER_TYPES, customers

from reverse_etl import run_syncs, sync_status


def file_sync(mode: str, path: str = "exports/{sync}.csv", **extra):
    return {
        "name": f"to_file_{mode}",
        "source": "audience",
        "mode": mode,
        "primary_key": "customer_id",
        "batch_size": 7,
        "destination": {"type": "file", "path": path},
        **extra,
    }


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["customer_id"]: row for row in csv.DictReader(handle)}


def test_mirror_tracks_the_source_exactly(tmp_path, warehouse, write_config):
    warehouse.set_rows("audience", customers(20), CUSTOMER_TYPES)
    config = write_config([file_sync("mirror")])
    (result,) = run_syncs(warehouse.path, config)
    assert (result.status, result.rows_added) == ("success", 20)
    out = tmp_path / "exports" / "to_file_mirror.csv"
    rows = read_csv(out)
    assert list(rows) == sorted(rows) and len(rows) == 20
    assert rows["c00003"] == {
        "customer_id": "c00003",
        "email": "user3@example.com",
        "first_name": "Name3",
        "ltv": "30.0",
    }

    # 5 leave, 1 changes, 3 join.
    new = customers(15, start=5) + customers(3, start=100)
    new[0]["first_name"] = "Renamed"
    warehouse.set_rows("audience", new, CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, config)
    assert (result.rows_added, result.rows_changed, result.rows_removed) == (3, 1, 5)
    rows = read_csv(out)
    assert set(rows) == {r["customer_id"] for r in new}
    assert rows["c00005"]["first_name"] == "Renamed"

    (again,) = run_syncs(warehouse.path, config)
    assert again.plan.total == 0 and again.status == "success"
    last = sync_status(warehouse.path, limit=1)[0]
    assert (last.sync_name, last.rows_planned, last.status) == ("to_file_mirror", 0, "success")


def test_upsert_keeps_rows_that_left_and_insert_never_overwrites(tmp_path, warehouse, write_config):
    warehouse.set_rows("audience", customers(4), CUSTOMER_TYPES)
    config = write_config([file_sync("upsert"), file_sync("insert")])
    run_syncs(warehouse.path, config)
    changed = customers(3, start=1)
    changed[0]["first_name"] = "Changed"
    warehouse.set_rows("audience", changed, CUSTOMER_TYPES)
    upsert, insert = run_syncs(warehouse.path, config)
    assert (upsert.rows_changed, upsert.rows_removed, insert.plan.total) == (1, 0, 0)
    up = read_csv(tmp_path / "exports" / "to_file_upsert.csv")
    ins = read_csv(tmp_path / "exports" / "to_file_insert.csv")
    assert set(up) == set(ins) == {"c00000", "c00001", "c00002", "c00003"}
    assert up["c00001"]["first_name"] == "Changed" and ins["c00001"]["first_name"] == "Name1"


def test_update_mode_rejects_unknown_keys_and_retries_them(tmp_path, warehouse, write_config):
    out = tmp_path / "exports" / "to_file_update.jsonl"
    out.parent.mkdir()
    out.write_text(json.dumps({"customer_id": "c00001", "first_name": "Old"}) + "\n", encoding="utf-8")
    warehouse.set_rows("audience", customers(2), CUSTOMER_TYPES)
    config = write_config([file_sync("update", path="exports/{sync}.jsonl")])
    (result,) = run_syncs(warehouse.path, config)
    assert (result.status, result.rows_changed + result.rows_added, result.rows_failed) == ("partial", 1, 1)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [
        {"customer_id": "c00001", "email": "user1@example.com", "first_name": "Name1", "ltv": 10.0}
    ]
    # The rejected record is planned again next run (and rejected again: it still does not exist).
    (rerun,) = run_syncs(warehouse.path, config)
    assert (rerun.plan.total, rerun.rows_failed, rerun.status) == (1, 1, "partial")


def test_journal_of_a_killed_run_is_replayed(tmp_path, warehouse, write_config):
    warehouse.set_rows("audience", customers(3), CUSTOMER_TYPES)
    config = write_config([file_sync("mirror", path="exports/{sync}.jsonl")])
    run_syncs(warehouse.path, config)
    out = tmp_path / "exports" / "to_file_mirror.jsonl"
    journal = out.with_name(out.name + ".journal")
    # A kill after a batch was written but before the file was rewritten leaves a journal, torn at the end.
    entry = {"op": "set", "key": "zzz", "row": {"customer_id": "zzz"}}
    journal.write_text(json.dumps(entry) + '\n{"op": "set", "key": "c0', encoding="utf-8")
    (result,) = run_syncs(warehouse.path, config)
    assert result.status == "success" and not journal.exists()
    keys = [json.loads(line)["customer_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    # The journal's record was applied (it had been written); nothing torn or duplicated remains.
    assert keys == ["c00000", "c00001", "c00002", "zzz"]
