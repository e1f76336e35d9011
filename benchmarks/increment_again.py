"""Time one more 1% increment on a warehouse kept by `run.py --keep`: the fair way to compare two commits.

    python benchmarks/increment_again.py RUN_DIR --customers 1010000 --seed 50 --copy-to DIR --json FILE

On a shared machine the same build varies by ±25% between runs minutes apart, so a change worth 10% does
not show in two full benchmark runs. This script starts from one kept run (its `data/` and
`warehouse.duckdb`), copies it (`--copy-to`: data files hard-linked, the warehouse copied), appends an
increment like run.py's (seed `--seed`; new people numbered after `--customers`, which must count the
people run.py's own increment added) and times load + the four dbt layers, printing each layer and its
slowest nodes (every node's time is in the JSON). dbt parses the project first, untimed, as the kept run's
own increment had it parsed. `--no-data` appends nothing: what is left is the fixed cost of an incremental
build (dbt's start and per-node work, and every statement that reads whole tables whatever changed). Run
it once per commit, back to back, from copies of the same kept run: both builds then do the same work on
the same data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from _increment import append_increment  # noqa: E402
from _measure import git_commit, machine  # noqa: E402
from _pipeline import DBT_STAGES, StageResult, dbt_stage, link_files, load_stage  # noqa: E402

from cdp.dbt_runner import run_dbt  # noqa: E402

PROJECT_DIR = BENCH_DIR.parent / "dbt_project"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="a run folder kept by run.py --keep")
    parser.add_argument("--customers", type=int, required=True,
                        help="people already in the data: the new ones are numbered after them")  # fmt: skip
    parser.add_argument("--seed", type=int, required=True, help="seed of this increment (use a new one)")
    parser.add_argument("--copy-to", type=Path, help="work on a copy here, leaving run_dir as it was")
    parser.add_argument("--json", type=Path, help="write the timings here as JSON")
    parser.add_argument("--no-data", action="store_true",
                        help="append nothing: time the fixed cost of an incremental build")  # fmt: skip
    options = parser.parse_args(argv)
    for name in ("data", "warehouse.duckdb"):
        if not (options.run_dir / name).exists():
            parser.error(f"{options.run_dir} has no {name}: pass a folder kept by run.py --keep")
    return options


def copy_run(source: Path, target: Path) -> None:
    """Hard-link the data files and copy the warehouse of `source` into the new folder `target`."""
    if target.exists():
        raise SystemExit(f"{target} exists; --copy-to needs a new folder")
    link_files(source / "data", target / "data")
    shutil.copy2(source / "warehouse.duckdb", target / "warehouse.duckdb")


def parse_project(run_dir: Path) -> None:
    """Parse the dbt project for this run's warehouse, untimed. dbt parses the whole project again when its
    profile changes, and the warehouse path is part of it: a copy's first timed build would pay that parse
    (5-12 s at 1M), which the kept run's own increment, on the same path as its full build, does not."""
    db_path, target_path = run_dir / "warehouse.duckdb", run_dir / "dbt_target"
    result = run_dbt(["parse"], project_dir=PROJECT_DIR, db_path=db_path, target_path=target_path)
    if not result.success:
        raise SystemExit("dbt parse failed: see dbt_project/logs/dbt.log")


def main(argv: list[str] | None = None) -> dict:
    """Append the increment, time load + build, print and return (and write) the timings."""
    options = parse_args(argv)
    run_dir = options.run_dir.resolve()
    if options.copy_to:
        copy_run(run_dir, options.copy_to.resolve())
        run_dir = options.copy_to.resolve()
    scratch = run_dir / f"increment-{options.seed}"
    increment = (
        {"new_customers": 0, "resent_events": 0, "records": {}}
        if options.no_data
        else append_increment(run_dir / "data", scratch, customers=options.customers, seed=options.seed)
    )
    parse_project(run_dir)
    stages: dict[str, StageResult] = {}
    stages["load"], increment["load"] = load_stage(run_dir / "data", run_dir / "warehouse.duckdb")
    for name in DBT_STAGES:
        stages[name] = dbt_stage(name, PROJECT_DIR, run_dir / "warehouse.duckdb", run_dir / "dbt_target")
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_commit(BENCH_DIR.parent),
        "machine": machine(),
        "run_dir": str(options.run_dir),
        "seed": options.seed,
        "increment": increment,
        "seconds": round(sum(s.seconds for s in stages.values()), 3),
        "cpu_seconds": round(sum(s.cpu_seconds for s in stages.values()), 3),
        "stages": {name: s.as_dict() for name, s in stages.items()},
        "node_seconds": {name: s.node_seconds for name, s in stages.items()},
    }
    print(f"increment {options.seed}: {result['seconds']:.1f} s, {result['cpu_seconds']:.1f} CPU s")
    for name, stage in stages.items():
        print(f"  {name:10s} {stage.seconds:7.1f} s {stage.cpu_seconds:7.1f} CPU s")
        for node, seconds in stage.as_dict()["slowest_nodes"].items():
            print(f"      {node:60s} {seconds:6.2f}")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
