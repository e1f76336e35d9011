"""A load killed with SIGKILL mid-way and run again leaves no partial file and no duplicate rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from ingest_helpers import load, rows

FILES = 30
LINES_PER_FILE = 2500

LOADER = """
import sys
from pathlib import Path
from ingest import load_folder

def show(event):
    if event.file is not None:
        print(event.files_done, flush=True)

load_folder(Path(sys.argv[1]), Path(sys.argv[2]), progress=show)
"""


def _write_events(data_dir: Path) -> dict[str, int]:
    """FILES files of JSONL events with different line counts; returns expected rows per file."""
    expected = {}
    folder = data_dir / "events"
    folder.mkdir(parents=True)
    for f in range(FILES):
        n = LINES_PER_FILE + f
        template = (
            '{{"messageId":"f{f}-{i}","type":"track","event":"Product Viewed","anonymousId":"a{i}",'
            '"timestamp":"2024-01-01T00:00:00Z","properties":{{"sku":"s{i}","price":9.5}}}}\n'
        )
        (folder / f"part-{f:03d}.jsonl").write_text("".join(template.format(f=f, i=i) for i in range(n)))
        expected[f"events/part-{f:03d}.jsonl"] = n
    return expected


def _landed(db_path: Path) -> dict[str, tuple[int, int]]:
    got = rows(
        db_path, "select _file, count(*), count(distinct message_id) from raw.segment_events group by 1"
    )
    return {file: (total, distinct) for file, total, distinct in got}


def test_kill_9_mid_load_then_rerun_lands_every_file_exactly_once(data_dir: Path, db_path: Path) -> None:
    expected = _write_events(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(data_dir), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TESSERA_THREADS": "1"},
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if int(line) >= 3:  # a few files committed, the next one is under way
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""

    committed = {r[0] for r in rows(db_path, "select file_path from raw._manifest where status = 'loaded'")}
    landed = _landed(db_path)
    assert 3 <= len(committed) < FILES, "the kill should land mid-load"
    assert set(landed) == committed  # no rows from a file the manifest does not know
    for file in committed:
        assert landed[file] == (expected[file], expected[file]), file  # whole, and each row once

    report = load(data_dir, db_path)
    assert report.sources["events"].files_skipped == len(committed)
    assert report.sources["events"].files_loaded == FILES - len(committed)
    assert _landed(db_path) == {file: (n, n) for file, n in expected.items()}
    assert rows(db_path, "select count(*), count(distinct file_path) from raw._manifest") == [(FILES, FILES)]
