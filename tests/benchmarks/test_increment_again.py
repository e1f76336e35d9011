"""Smoke run of benchmarks/increment_again.py on a small kept run, so the A/B tool never rots.

The kept run is made the way run.py makes one (the sample data loaded and built in the four dbt layers);
the script then works on a copy: one increment with new people and re-sent events, and one build with no
new data, which loads and stages nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from bench_scripts import load_bench_script

from cdp.dbt_runner import dbt_log_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "data" / "sample"
SAMPLE_CUSTOMERS = 280


def _count(db_path: Path, sql: str) -> int:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    # The tests read this worker's dbt log from a byte offset: dbt must not roll it over (at 10 MB) meanwhile.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DBT_LOG_FILE_MAX_BYTES", "0")
        yield _runs(tmp_path_factory)


def _runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    script = load_bench_script("increment_again")
    from _pipeline import DBT_STAGES, dbt_stage, load_stage

    tmp = tmp_path_factory.mktemp("increment_again")
    kept = tmp / "kept"
    shutil.copytree(SAMPLE, kept / "data", ignore=shutil.ignore_patterns("truth.csv"))
    db = kept / "warehouse.duckdb"
    load_stage(kept / "data", db)
    for name in DBT_STAGES:
        dbt_stage(name, script.PROJECT_DIR, db, kept / "dbt_target")
    kept_raw_events = _count(db, "select count(*) from raw.segment_events")
    dbt_log = dbt_log_dir(script.PROJECT_DIR) / "dbt.log"
    logged_before = dbt_log.stat().st_size
    copy = tmp / "copy"
    increment = script.main(
        [str(kept), "--customers", str(SAMPLE_CUSTOMERS), "--seed", "7", "--copy-to", str(copy),
         "--json", str(tmp / "increment.json")]
    )  # fmt: skip
    with dbt_log.open("rb") as log:
        log.seek(logged_before)
        increment_log = log.read().decode("utf-8", errors="replace")
    no_data = script.main([str(copy), "--customers", str(SAMPLE_CUSTOMERS + 1), "--seed", "8", "--no-data"])
    # The no-data build's four dbt invocations are the last in this worker's dbt log.
    profile = load_bench_script("dbt_log_profile").profile_log(dbt_log, last_invocations=len(DBT_STAGES))
    return {
        "kept": kept,
        "copy": copy,
        "kept_raw_events": kept_raw_events,
        "increment": increment,
        "written": json.loads((tmp / "increment.json").read_text()),
        "no_data": no_data,
        "no_data_profile": profile,
        "increment_log": increment_log,
        "dbt_stages": list(DBT_STAGES),
    }


def test_the_increment_lands_in_the_copy_only(runs: dict) -> None:
    increment = runs["increment"]["increment"]
    assert increment["new_customers"] == 1 and increment["resent_events"] > 0
    assert increment["load"]["rows_read"] == sum(increment["records"].values()) > 0
    copied = runs["copy"] / "warehouse.duckdb"
    assert _count(copied, "select count(*) from raw.segment_events") > runs["kept_raw_events"]
    kept = runs["kept"] / "warehouse.duckdb"
    assert _count(kept, "select count(*) from raw.segment_events") == runs["kept_raw_events"]


def test_the_timed_builds_of_the_copy_do_not_parse_the_project_whole(runs: dict) -> None:
    """The copy's warehouse path changes dbt's profile, so the project is parsed whole once, untimed; the
    timed builds then parse as the kept run's own increment does."""
    parse, *builds = runs["increment_log"].split("Running with dbt=")[1:]
    assert len(builds) == len(runs["dbt_stages"])
    assert "Unable to do partial parsing" in parse
    for build in builds:
        assert "Unable to do partial parsing" not in build
        assert "Nothing changed, skipping partial parsing" in build


def test_every_layer_is_timed_and_written(runs: dict) -> None:
    result = runs["increment"]
    assert runs["written"] == json.loads(json.dumps(result))
    assert set(result["stages"]) == {"load", "staging", "identity", "marts", "audiences"}
    assert result["seconds"] > 0 and result["cpu_seconds"] > 0
    assert result["node_seconds"]["identity"], "no identity node was timed"


def test_a_build_with_no_data_loads_nothing(runs: dict) -> None:
    no_data = runs["no_data"]
    assert no_data["increment"]["new_customers"] == 0
    assert no_data["increment"]["load"]["rows_read"] == 0
    assert set(no_data["stages"]) == {"load", "staging", "identity", "marts", "audiences"}


def test_the_log_profile_accounts_for_the_no_data_build(runs: dict) -> None:
    """benchmarks/dbt_log_profile.py on a real dbt log: the build's nodes, and its time split consistently."""
    profile, no_data, layers = runs["no_data_profile"], runs["no_data"], runs["dbt_stages"]
    assert profile.invocations == len(layers)
    models = [node for name in layers for node in no_data["node_seconds"][name] if node.startswith("model.")]
    assert profile.nodes["model"] == len(models) > 0
    assert {"select", "create table", "commit", "test"} <= set(profile.by_kind())
    # The log lies inside the timed invocations; nodes inside it, their SQL inside them.
    dbt_seconds = sum(no_data["stages"][name]["seconds"] for name in layers)
    assert 0 < profile.sql_s() <= profile.node_wall_s <= profile.wall_s <= dbt_seconds
