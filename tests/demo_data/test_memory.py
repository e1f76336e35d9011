"""Generation streams: memory stays small however many customers are written."""

from __future__ import annotations

import tracemalloc

from cdp.demo_data import generate_demo_data


def test_peak_memory_of_a_2000_customer_run_is_small(tmp_path):
    tracemalloc.start()
    try:
        summary = generate_demo_data(tmp_path / "m", 2_000, seed=11)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.records["events"] > 30_000
    assert peak < 6 * 1024 * 1024, peak  # measured: under 2 MB
