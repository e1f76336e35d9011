"""Same seed, same bytes; another seed, other data; gzip output holds the same content."""

from __future__ import annotations

import gzip
from pathlib import Path

from cdp.demo_data import generate_demo_data


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path):
    generate_demo_data(tmp_path / "a", 120, seed=3)
    generate_demo_data(tmp_path / "b", 120, seed=3)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert all(a[name] == b[name] for name in a), [name for name in a if a[name] != b[name]]


def test_other_seed_gives_other_data(tmp_path):
    generate_demo_data(tmp_path / "a", 120, seed=3)
    generate_demo_data(tmp_path / "b", 120, seed=4)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a["events/part-0001.jsonl"] != b["events/part-0001.jsonl"]
    assert a["truth.csv"] != b["truth.csv"]


def test_compressed_output_has_the_same_content(tmp_path):
    generate_demo_data(tmp_path / "plain", 80, seed=5)
    generate_demo_data(tmp_path / "gz", 80, seed=5, compress=True)
    generate_demo_data(tmp_path / "gz2", 80, seed=5, compress=True)
    plain, zipped = _files(tmp_path / "plain"), _files(tmp_path / "gz")
    assert zipped == _files(tmp_path / "gz2")  # gzip headers carry no time or name
    for name, data in plain.items():
        if name.endswith((".yml", "truth.csv")):
            assert zipped[name] == data
        else:
            assert gzip.decompress(zipped[name + ".gz"]) == data


def test_progress_reports_customers_written(tmp_path):
    seen: list[int] = []
    summary = generate_demo_data(tmp_path / "p", 1_200, seed=1, progress=seen.append)
    assert seen[-1] == 1_200 == summary.customers
    # Reported once past every 1,000 (a household may overshoot by up to 3), then at the end.
    assert len(seen) == 2 and 1_000 <= seen[0] < 1_004 and seen[1] == 1_200


def test_a_rerun_replaces_an_earlier_bigger_run(tmp_path):
    generate_demo_data(tmp_path / "out", 300, seed=2, compress=True)
    (tmp_path / "out" / "notes.txt").write_text("mine")
    generate_demo_data(tmp_path / "out", 60, seed=2)
    generate_demo_data(tmp_path / "fresh", 60, seed=2)
    rerun = _files(tmp_path / "out")
    assert rerun.pop("notes.txt") == b"mine"  # files the generator does not write are left alone
    assert rerun == _files(tmp_path / "fresh")
