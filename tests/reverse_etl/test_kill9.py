"""A sync killed with SIGKILL at any moment and rerun leaves the destination exactly equal to the source."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from retl_helpers import CUSTOMER_TYPES, PG_DSN, customers, pg_rows

from reverse_etl import run_syncs
from reverse_etl.runner import TEST_BATCH_DELAY_ENV

SCRIPT = "import sys; from reverse_etl import run_syncs; run_syncs(sys.argv[1], sys.argv[2])"


def start_sync(db: Path, config: Path, delay: float) -> subprocess.Popen:
    env = {**os.environ, TEST_BATCH_DELAY_ENV: str(delay)}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(db), str(config)], env=env)


def kill_mid_sync(proc: subprocess.Popen, delivering, seconds: float) -> bool:
    """SIGKILL the sync `seconds` after it starts delivering; True if it was still running then."""
    deadline = time.monotonic() + 30
    while not delivering() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(seconds)
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return running


def source_rows(rows):
    return {r["customer_id"]: (r["email"], r["first_name"]) for r in rows}


def postgres_rows(schema):
    rows = pg_rows(f'select customer_id, email, first_name from "{schema}".vip')
    assert len(rows) == len({r[0] for r in rows})  # no duplicate keys
    return {r[0]: (r[1], r[2]) for r in rows}


def file_rows(path):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len({r["customer_id"] for r in rows})
    return {r["customer_id"]: (r["email"], r["first_name"]) for r in rows}


@pytest.mark.parametrize("target", ["postgres", "file"])
def test_kill_minus_9_mid_sync_then_rerun(target, request, tmp_path, warehouse, write_config):
    if target == "postgres":
        schema = request.getfixturevalue("pg_schema")
        destination = {"type": "postgres", "dsn": PG_DSN, "table": f"{schema}.vip"}
        read_destination = lambda: postgres_rows(schema)  # noqa: E731
        sql = f"select count(*) from \"{schema}\".vip where first_name = 'Changed' or customer_id >= 'c05000'"
        progress = lambda: pg_rows(sql)[0][0]  # noqa: E731
    else:
        destination = {"type": "file", "path": "out/vip.jsonl"}
        read_destination = lambda: file_rows(tmp_path / "out" / "vip.jsonl")  # noqa: E731
        journal = tmp_path / "out" / "vip.jsonl.journal"
        progress = lambda: journal.exists() and journal.stat().st_size  # noqa: E731
    config = write_config(
        [
            {
                "name": "vip",
                "source": "audience",
                "mode": "mirror",
                "primary_key": "customer_id",
                "batch_size": 20,
                "fields": {"email": "email", "first_name": "first_name"},
                "destination": destination,
            }
        ]
    )
    before = customers(600)
    warehouse.set_rows("audience", before, CUSTOMER_TYPES)
    assert run_syncs(warehouse.path, config)[0].status == "success"

    # Removals, changes and additions, then two kills at different points of the resulting sync.
    after = customers(450, start=150) + customers(400, start=5000)
    for row in after[:200]:
        row["first_name"] = "Changed"
    warehouse.set_rows("audience", after, CUSTOMER_TYPES)
    # The first kill lands early in the run, the second later (the first's batches are already done).
    killed = []
    for seconds in (0.05, 0.3):
        marker = progress()
        killed.append(
            kill_mid_sync(start_sync(warehouse.path, config, 0.02), lambda m=marker: progress() != m, seconds)
        )
    assert all(killed), "the sync finished before it could be killed; lower the batch size"

    (final,) = run_syncs(warehouse.path, config)
    assert final.status == "success", final.error
    assert read_destination() == source_rows(after)
    assert warehouse.state_keys("vip") == {r["customer_id"] for r in after}
    statuses = [r["status"] for r in warehouse.runs("vip")]
    assert statuses == ["success", "interrupted", "interrupted", "success"]
    (rerun,) = run_syncs(warehouse.path, config)
    assert rerun.plan.total == 0
