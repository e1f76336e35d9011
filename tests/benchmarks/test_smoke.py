"""Smoke run of benchmarks/run.py at 1,000 customers, so the benchmark never rots.

One real run (demo data, load, staged dbt build, sync to the local Postgres, every baseline, the 1%
increment) is shared by the tests below; each checks one promise of the JSON it writes. The run takes a
few minutes, almost all of it dbt start-up and parsing, which does not shrink with fewer customers.
"""

from __future__ import annotations

import json
import math
import statistics

import psycopg
import pytest
from bench_scripts import load_bench_script

CUSTOMERS = 1_000
DSN = "postgresql://postgres@127.0.0.1:5432/test"
REQUIRED_KEYS = (
    "customers",
    "date",
    "machine",
    "git",
    "end_to_end_s",
    "peak_rss_mb",
    "stage_s",
    "cc_s",
    "scipy_cc_s",
    "cc_ratio_vs_scipy",
    "recursive_cte_s",
    "recursive_cte_edges",
    "recursive_cte_failed_at_edges",
    "incremental_s",
    "incremental_ratio",
    "sync_rows_per_s",
    "copy_rows_per_s",
    "sync_ratio_vs_copy",
    "raw_scan_s",
    "load_ratio_vs_scan",
)
STAGES = ("load", "staging", "identity", "marts", "audiences")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """One benchmark run; returns the JSON it wrote, what main() returned and its folders."""
    tmp = tmp_path_factory.mktemp("bench")
    script = load_bench_script("run")
    json_path = tmp / "results.json"
    returned = script.main(
        ["--customers", str(CUSTOMERS), "--json", str(json_path), "--work-dir", str(tmp / "work"),
         "--cte-budget", "30", "--dsn", DSN]
    )  # fmt: skip
    return {"written": json.loads(json_path.read_text()), "returned": returned, "tmp": tmp}


@pytest.fixture(scope="module")
def result(run) -> dict:
    return run["written"]


def test_json_file_holds_what_main_returned(run):
    assert run["written"] == json.loads(json.dumps(run["returned"]))


def test_every_figure_is_present_and_sane(result):
    missing = [key for key in REQUIRED_KEYS if key not in result]
    assert not missing, f"missing keys: {missing}"
    assert result["customers"] == CUSTOMERS
    assert result["machine"]["cores"] >= 1 and result["machine"]["ram_gb"] > 0
    for stage in STAGES:
        assert result["stage_s"][stage] > 0, stage
    for key in ("end_to_end_s", "cc_s", "scipy_cc_s", "incremental_s", "raw_scan_s", "recursive_cte_s"):
        assert result[key] > 0, key
    # A Python process running dbt and DuckDB needs tens of MB at least and cannot exceed the machine.
    assert 50 < result["peak_rss_mb"] < result["machine"]["ram_gb"] * 1024


def test_ratios_are_computed_from_the_figures(result):
    assert math.isclose(result["end_to_end_s"], sum(result["stage_s"].values()), rel_tol=1e-3)
    full = sum(result["stage_s"][stage] for stage in STAGES)
    assert math.isclose(result["full_build_s"], full, rel_tol=1e-3)
    assert math.isclose(result["cc_ratio_vs_scipy"], result["cc_s"] / result["scipy_cc_s"])
    assert math.isclose(result["incremental_ratio"], result["incremental_s"] / result["full_build_s"])
    cpu_ratio = result["incremental_cpu_s"] / result["full_build_cpu_s"]
    assert math.isclose(result["incremental_cpu_ratio"], cpu_ratio)
    assert result["full_build_cpu_s"] > 0 and result["incremental_cpu_s"] > 0
    assert math.isclose(result["load_ratio_vs_scan"], result["stage_s"]["load"] / result["raw_scan_s"])


def test_row_counts_match(result):
    load = result["load"]
    assert load["rows_read"] == result["inputs"]["records"]
    assert load["rows_read"] == load["rows_landed"] + load["rows_quarantined"]
    assert result["raw_scan"]["records"] <= load["rows_read"]
    assert result["raw_scan"]["records"] >= load["rows_landed"] * 0.9
    increment = result["incremental"]
    assert increment["new_customers"] == round(CUSTOMERS * 0.01 / 2)
    assert increment["load"]["rows_read"] == sum(increment["records"].values())
    assert increment["load"]["files_skipped"] == load["files_loaded"]  # the base files are not read again
    # About 1% of the base run's records: half new customers, half re-sent events.
    assert 0.004 < increment["load"]["rows_read"] / load["rows_read"] < 0.03


def test_identity_graph_baselines_agree(result):
    cc = result["cc"]
    assert cc["nodes"] > CUSTOMERS and cc["edges"] >= cc["nodes"]
    assert 0 < cc["components"] < cc["nodes"]
    cte = result["recursive_cte"]
    assert cte["components_match_scipy"] is True
    assert result["recursive_cte_edges"] == cte["edges"] <= cc["edges"]


def test_sync_against_raw_copy(result):
    if result["sync_skipped"]:
        pytest.skip(result["sync_skipped"])
    sync, copy = result["sync"], result["copy"]
    assert sync["audience_rows"] == max(result["audience_sizes"].values()) > 0
    # Suppressed people (hard bounces, spam complaints) are in the audience but never sent.
    assert 0 < sync["rows"] == sync["rows_added"] == sync["destination_rows"] <= sync["audience_rows"]
    assert copy["rows"] == copy["write_row"]["rows"] == sync["rows"]
    # the first sync is the end-to-end stage; it and the COPY floor are timed three times each
    assert len(sync["seconds_samples"]) == len(copy["seconds_samples"]) == 3
    assert sync["seconds_samples"][0] == sync["seconds"] and copy["seconds_samples"][0] == copy["seconds"]
    assert math.isclose(result["sync_rows_per_s"], sync["rows"] / statistics.median(sync["seconds_samples"]))
    assert math.isclose(result["copy_rows_per_s"], copy["rows"] / statistics.median(copy["seconds_samples"]))
    assert math.isclose(result["sync_ratio_vs_copy"], result["sync_rows_per_s"] / result["copy_rows_per_s"])
    write_row_rate = copy["write_row"]["rows"] / copy["write_row"]["seconds"]
    assert math.isclose(result["sync_ratio_vs_write_row_copy"], result["sync_rows_per_s"] / write_row_rate)
    assert result["incremental"]["sync"]["rows"] >= 0


def test_leaves_nothing_behind(run, result):
    assert not list((run["tmp"] / "work").glob("run-*")), "the run's work dir was not removed"
    if result["sync_skipped"]:
        return
    with psycopg.connect(DSN) as conn:
        query = "select count(*) from information_schema.schemata where schema_name = %s"
        left = conn.execute(query, [result["postgres_schema"]]).fetchone()[0]
    assert left == 0, f"schema {result['postgres_schema']} was left in Postgres"
