"""Benchmark the whole pipeline at a scale, against the floor of each stage, in one process.

    python benchmarks/run.py --customers 10000 --json benchmarks/results/10k.json

Generates inputs with `cdp demo-data`, then times load, the dbt build layer by layer (staging, identity,
marts, audiences) and the sync of the largest audience to Postgres: together the end-to-end time. In the
same run it measures each stage's floor on the same data: a raw DuckDB scan of the input files, scipy's
connected components and a naive recursive CTE on the identity graph, a raw Postgres COPY of the synced
rows; then appends 1% new data and times the incremental load + build. Prints a table of figures against
the targets and writes everything as JSON (`--json`). docs/performance.md explains every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PROJECT_DIR = REPO_ROOT / "dbt_project"
# The helpers (`_*.py`) and connected_components.py sit beside this script, which also runs as a file.
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from _components import component_labels, export_edges, time_components  # noqa: E402
from _increment import append_increment  # noqa: E402
from _measure import git_commit, machine, measured, peak_rss_mb, utc_now  # noqa: E402
from _pipeline import (  # noqa: E402
    DBT_STAGES,
    StageResult,
    audience_sizes,
    dbt_stage,
    generate_inputs,
    largest_audience,
    link_inputs,
    load_stage,
)
from _postgres import (  # noqa: E402
    DEFAULT_DSN,
    bench_schema,
    copy_floor,
    reachable,
    repeat_first_sync,
    reset_schema,
    run_sync,
    table_rows,
    write_row_copy,
    write_sync_config,
)
from _raw_scan import raw_scan  # noqa: E402
from _recursive_cte import recursive_cte_baseline  # noqa: E402
from _report import print_results, ratio  # noqa: E402
from rich.console import Console  # noqa: E402

SYNC_NAME = "bench_largest_audience"
#: Timings of the sync and of its COPY floor, compared by their medians.
SAMPLES = 3
console = Console(highlight=False)


@dataclass
class Run:
    """One benchmark run: its options, where its files are, and whether the sync can run."""

    options: argparse.Namespace
    run_dir: Path
    schema: str
    sync_skipped: str | None  # why the sync is not measured; None when Postgres is reachable

    @property
    def data_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def db_path(self) -> Path:
        return self.run_dir / "warehouse.duckdb"

    @property
    def target_path(self) -> Path:
        return self.run_dir / "dbt_target"

    @property
    def sync_config(self) -> Path:
        return self.run_dir / "syncs.yml"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--customers", type=int, required=True, help="customers to generate (~20 events each)")
    add("--json", type=Path, help="write the results here as JSON")
    add("--work-dir", type=Path, default=BENCH_DIR / "work", help="scratch space (default %(default)s)")
    add("--keep", action="store_true", help="keep the run's data and warehouse in the work dir")
    add("--inputs", type=Path, help="use this folder written by cdp demo-data (same --customers and --seed) "
        "instead of generating; its files are hard-linked, never changed")  # fmt: skip
    add("--seed", type=int, default=42, help="demo-data seed (the increment uses seed + 1)")
    add("--dsn", default=os.environ.get("TESSERA_BENCH_DSN", DEFAULT_DSN), help="Postgres for the sync")
    add("--cte-budget", type=float, default=60.0, help="seconds per recursive-CTE attempt")
    add("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads of the baselines")
    add("--memory-limit", default="6GB", help="DuckDB memory_limit of the baselines")
    options = parser.parse_args(argv)
    if options.customers < 1:
        parser.error("--customers must be at least 1")
    # dbt runs from the project folder: relative paths would land its target there.
    options.work_dir = options.work_dir.resolve()
    return options


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print the table, write `--json`; return the results."""
    options = parse_args(argv)
    run_dir = options.work_dir / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    try:
        result = run_benchmark(options, run_dir)
    finally:
        if not options.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    print_results(result, console)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(result, indent=2) + "\n")
        console.print(f"results written to {options.json}")
    return result


def _step(message: str) -> None:
    console.print(f"[dim]{datetime.now(UTC):%H:%M:%S}[/] {message}")


def run_benchmark(options: argparse.Namespace, run_dir: Path) -> dict:
    """Every measurement of one run, as the JSON-ready dict the table and docs are made from."""
    run = Run(options, run_dir, bench_schema(), reachable(options.dsn))
    result: dict = {
        "customers": options.customers,
        "seed": options.seed,
        "date": utc_now(),
        "machine": machine(),
        "git": git_commit(REPO_ROOT),
        "postgres_schema": run.schema,
    }
    if options.inputs:
        _step(f"linking pre-generated inputs from {options.inputs}")
        link_inputs(options.inputs, run.data_dir, options.customers)
        result["inputs"] = {"pre_generated": str(options.inputs), "generate_s": None}
    else:
        _step(f"generating {options.customers:,} customers with cdp demo-data")
        with measured() as generation:
            records = generate_inputs(run.data_dir, options.customers, options.seed)
        result["inputs"] = {
            "records": sum(records.values()),
            "records_by_source": records,
            "generate_s": round(generation.seconds, 2),
        }
    result["inputs"]["bytes"] = sum(p.stat().st_size for p in run.data_dir.rglob("*") if p.is_file())
    if run.sync_skipped is None:
        reset_schema(options.dsn, run.schema, create=True)
    try:
        stages = _full_pipeline(run, result)
        result["peak_rss"] = peak_rss_mb()  # before the baselines, which are not the pipeline's memory
        _baselines(run, result)
        _incremental(run, result)
    finally:
        if run.sync_skipped is None:
            reset_schema(options.dsn, run.schema, create=False)
    _summarise(result, stages, run.sync_skipped)
    return result


def _full_pipeline(run: Run, result: dict) -> dict[str, StageResult]:
    """Load, build layer by layer, sync the largest audience; returns the stage results by name."""
    stages: dict[str, StageResult] = {}
    _step("load")
    stages["load"], result["load"] = load_stage(run.data_dir, run.db_path)
    if "records" not in result["inputs"]:  # pre-generated inputs: what the load read
        result["inputs"]["records"] = result["load"]["rows_read"]
        result["inputs"]["records_by_source"] = result["load"]["rows_read_by_source"]
    for name in DBT_STAGES:
        _step(f"dbt build: {name}")
        stages[name] = dbt_stage(name, PROJECT_DIR, run.db_path, run.target_path)
    sizes = audience_sizes(PROJECT_DIR, run.db_path)
    audience = largest_audience(sizes)
    result["audience_sizes"] = sizes
    result["sync"] = {"audience": audience, "audience_rows": sizes[audience]}
    if run.sync_skipped is not None:
        _step(f"sync skipped: {run.sync_skipped}")
        return stages
    _step(f"sync {audience} ({sizes[audience]:,} rows) to Postgres")
    dsn = run.options.dsn
    write_sync_config(run.sync_config, SYNC_NAME, audience, dsn, run.schema)
    with measured() as span:
        sync = run_sync(run.db_path, run.sync_config, SYNC_NAME)
    stages["sync"] = StageResult(span.seconds, span.cpu_seconds)
    result["sync"].update(
        rows=sync.rows,
        rows_added=sync.rows_added,
        rows_failed=sync.rows_failed,
        seconds=sync.seconds,
        destination_rows=table_rows(dsn, run.schema, audience),
    )
    return stages


def _baselines(run: Run, result: dict) -> None:
    """Each stage's floor on the same data: raw scan, scipy, recursive CTE, raw COPY."""
    options = run.options
    _step("baseline: raw DuckDB scan of the input files")
    result["raw_scan"] = raw_scan(run.data_dir, options.threads)
    _step("baseline: connected components, dbt materialization vs scipy, on the run's identity graph")
    cc_dir = run.run_dir / "cc"
    edges = export_edges(run.db_path, cc_dir)
    result["cc"] = time_components(cc_dir, edges, options.threads, options.memory_limit)
    _step(f"baseline: recursive CTE connected components ({options.cte_budget:g}s budget per attempt)")
    result["recursive_cte"] = recursive_cte_baseline(
        edges, component_labels(cc_dir), cc_dir, options.threads, options.memory_limit, options.cte_budget
    )
    if run.sync_skipped is None:
        # Each side moves ~100k rows in about a second, where one sample varies by ±25%: both are timed
        # SAMPLES times, alternating, and compared by their medians.
        _step(f"baseline: raw Postgres COPY of the synced rows, and the sync again ({SAMPLES} samples each)")
        audience = result["sync"]["audience"]
        db, dsn, schema = run.db_path, options.dsn, run.schema
        syncs, copies = [result["sync"]["seconds"]], []
        while len(copies) < SAMPLES:
            copies.append(copy_floor(db, dsn, schema, audience, run.run_dir, SYNC_NAME))
            if len(syncs) < SAMPLES:
                syncs.append(repeat_first_sync(db, run.sync_config, SYNC_NAME, dsn, schema, audience))
        result["sync"]["seconds_samples"] = syncs
        result["copy"] = copies[0] | {
            "seconds_samples": [c["seconds"] for c in copies],
            "write_row": write_row_copy(db, dsn, schema, audience, SYNC_NAME),
        }


def _incremental(run: Run, result: dict) -> None:
    """Append 1% new data, then time load + build (no full refresh) and the sync that follows."""
    _step("incremental: appending 1% new data")
    increment = append_increment(
        run.data_dir, run.run_dir / "increment", customers=run.options.customers, seed=run.options.seed
    )
    stages: dict[str, StageResult] = {}
    _step("incremental: load")
    stages["load"], increment["load"] = load_stage(run.data_dir, run.db_path)
    for name in DBT_STAGES:
        _step(f"incremental: dbt build: {name}")
        stages[name] = dbt_stage(name, PROJECT_DIR, run.db_path, run.target_path)
    increment["stage_s"] = {name: round(s.seconds, 3) for name, s in stages.items()}
    increment["stage_cpu_s"] = {name: round(s.cpu_seconds, 3) for name, s in stages.items()}
    increment["seconds"] = sum(s.seconds for s in stages.values())
    increment["stages"] = {name: s.as_dict() for name, s in stages.items()}
    increment["node_seconds"] = {name: s.node_seconds for name, s in stages.items()}
    if run.sync_skipped is None:
        _step("incremental: sync")
        sync = run_sync(run.db_path, run.sync_config, SYNC_NAME)
        increment["sync"] = {"rows": sync.rows, "seconds": sync.seconds}
    result["incremental"] = increment


def _summarise(result: dict, stages: dict[str, StageResult], sync_skipped: str | None) -> None:
    """The headline figures of the issue, computed from the measurements."""
    result["stage_s"] = {name: round(s.seconds, 3) for name, s in stages.items()}
    result["stage_cpu_s"] = {name: round(s.cpu_seconds, 3) for name, s in stages.items()}
    result["stages"] = {name: s.as_dict() for name, s in stages.items()}
    result["node_seconds"] = {name: s.node_seconds for name, s in stages.items()}
    result["slowest_nodes"] = sorted(
        (
            {"node": node, "stage": name, "seconds": round(seconds, 3)}
            for name, stage in stages.items()
            for node, seconds in stage.node_seconds.items()
        ),
        key=lambda node: -node["seconds"],
    )[:25]
    result["end_to_end_s"] = sum(s.seconds for s in stages.values())
    result["peak_rss_mb"] = result["peak_rss"]["peak"]
    result["full_build_s"] = sum(s.seconds for name, s in stages.items() if name != "sync")
    result["raw_scan_s"] = result["raw_scan"]["seconds"]
    result["load_ratio_vs_scan"] = ratio(result["stage_s"]["load"], result["raw_scan_s"])
    result["cc_s"] = result["cc"]["cc_s"]
    result["scipy_cc_s"] = result["cc"]["scipy_cc_s"]
    result["cc_ratio_vs_scipy"] = ratio(result["cc_s"], result["scipy_cc_s"])
    # What connected components cost inside the real build: both passes, with their input queries.
    result["cc_build_s"] = sum(
        stages["identity"].node_seconds.get(f"model.{name}", 0.0)
        for name in ("int_identity_components_initial", "int_identity_components")
    )
    cte = result["recursive_cte"]
    result["recursive_cte_s"] = cte["seconds"]
    result["recursive_cte_edges"] = cte["edges"]
    result["recursive_cte_failed_at_edges"] = [f["edges"] for f in cte["failed"]]
    result["incremental_s"] = result["incremental"]["seconds"]
    result["incremental_ratio"] = ratio(result["incremental_s"], result["full_build_s"])
    # The same ratio in CPU seconds, steadier than wall time on a shared machine.
    result["full_build_cpu_s"] = sum(s.cpu_seconds for name, s in stages.items() if name != "sync")
    result["incremental_cpu_s"] = sum(result["incremental"]["stage_cpu_s"].values())
    result["incremental_cpu_ratio"] = ratio(result["incremental_cpu_s"], result["full_build_cpu_s"])
    result["sync_skipped"] = sync_skipped
    if sync_skipped is None:
        result["sync_rows_per_s"] = ratio(result["sync"]["rows"], median(result["sync"]["seconds_samples"]))
        result["copy_rows_per_s"] = ratio(result["copy"]["rows"], median(result["copy"]["seconds_samples"]))
        result["sync_ratio_vs_copy"] = ratio(result["sync_rows_per_s"], result["copy_rows_per_s"])
        write_row = result["copy"]["write_row"]
        result["sync_ratio_vs_write_row_copy"] = ratio(result["sync_rows_per_s"], write_row["rows_per_s"])
    else:
        result["sync_rows_per_s"] = result["copy_rows_per_s"] = result["sync_ratio_vs_copy"] = None
        result["sync_ratio_vs_write_row_copy"] = None
    result["peak_rss_overall"] = peak_rss_mb()


if __name__ == "__main__":
    main()
