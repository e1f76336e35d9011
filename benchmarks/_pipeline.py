"""The pipeline stages the benchmark times: load, the dbt build layer by layer, and which audience to sync.

dbt runs in-process (its memory counts in this process's peak) with its own target path, so its
`run_results.json` gives per-model times and other people's builds of the same project do not touch ours.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from _measure import measured

from cdp.dbt_runner import EXCLUDE_UNIT_TESTS, run_dbt

#: The build, one dbt invocation per layer, in dependency order. `buildable` indirect selection runs a test
#: in the layer that builds the last of its parents, so a test spanning layers never runs too early.
DBT_STAGES: dict[str, list[str]] = {
    "staging": ["--select", "staging"],
    "identity": ["--select", "intermediate.identity"],
    "marts": ["--exclude", "staging", "intermediate.identity", "marts.audiences"],
    "audiences": ["--select", "marts.audiences"],
}
AUDIENCE_FOLDER = Path("models") / "marts" / "audiences"


class StageFailed(RuntimeError):
    """A stage of the pipeline failed; the message names it and the first failing node."""


@dataclass
class StageResult:
    """One timed stage; for dbt stages also dbt's own per-node execution times."""

    seconds: float
    cpu_seconds: float
    node_seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def _total(self, *prefixes: str) -> float:
        return sum(s for node, s in self.node_seconds.items() if node.startswith(prefixes))

    def as_dict(self) -> dict[str, object]:
        """JSON form: seconds, CPU seconds, dbt's node total and the ten slowest nodes."""
        slowest = sorted(self.node_seconds.items(), key=lambda item: -item[1])[:10]
        return {
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "node_seconds_total": round(sum(self.node_seconds.values()), 3),
            "model_seconds_total": round(self._total("model."), 3),
            "test_seconds_total": round(self._total("test.", "unit_test."), 3),
            "nodes": len(self.node_seconds),
            "slowest_nodes": {name: round(s, 3) for name, s in slowest},
            "counts": self.counts,
        }


def generate_inputs(out_dir: Path, customers: int, seed: int) -> dict[str, int]:
    """`cdp demo-data` into `out_dir`; returns records written per source folder."""
    from cdp.demo_data import generate_demo_data

    summary = generate_demo_data(out_dir, customers, seed)
    return dict(summary.records)


def link_inputs(source: Path, data_dir: Path, customers: int) -> None:
    """Hard-link (else copy) a pre-generated demo-data folder into `data_dir`, after checking its size.

    The increment only adds files, so the source folder is never changed through the links.
    """
    truth = source / "truth.csv"
    if not truth.is_file():
        raise StageFailed(f"{source}: no truth.csv; --inputs must be a folder written by cdp demo-data")
    with truth.open("rb") as handle:
        handle.seek(max(0, truth.stat().st_size - 4096))
        last_line = handle.read().decode("utf-8", "replace").strip().splitlines()[-1]
    last_person = int(last_line.rsplit(",P", 1)[1])
    # Persons are written in order; the last ones may have no identifier, so allow a little slack.
    if not customers * 0.98 <= last_person <= customers:
        raise StageFailed(f"{source} holds about {last_person:,} customers, not --customers {customers:,}")
    link_files(source, data_dir, "*/**/*")  # the source folders: truth.csv stays out


def link_files(source: Path, target_dir: Path, pattern: str = "**/*") -> None:
    """Hard-link (else copy) the files of `source` matching `pattern` to their places under `target_dir`."""
    for path in sorted(source.glob(pattern)):
        if path.is_file():
            target = target_dir / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)


def load_stage(data_dir: Path, db_path: Path) -> tuple[StageResult, dict[str, int]]:
    """`cdp load` of `data_dir`; returns the timing and rows read / landed / quarantined, files loaded."""
    from ingest import load_folder

    with measured() as span:
        report = load_folder(data_dir, db_path)
    totals = report.totals
    rows = {
        "rows_read_by_source": {name: stats.rows_read for name, stats in report.sources.items()},
        "rows_read": totals.rows_read,
        "rows_landed": totals.rows_landed,
        "rows_quarantined": totals.rows_quarantined,
        "files_loaded": totals.files_loaded,
        "files_skipped": totals.files_skipped,
        "files_quarantined": totals.files_quarantined,
    }
    return StageResult(span.seconds, span.cpu_seconds, counts=rows), rows


def dbt_stage(name: str, project_dir: Path, db_path: Path, target_path: Path) -> StageResult:
    """`dbt build` of one layer (see DBT_STAGES); raises StageFailed naming the first failing node."""
    args = ["build", *DBT_STAGES[name], "--indirect-selection", "buildable", *EXCLUDE_UNIT_TESTS]
    with measured() as span:
        result = run_dbt(args, project_dir=project_dir, db_path=db_path, target_path=target_path)
    if not result.success:
        first = result.failures[0] if result.failures else None
        reason = f"{first.name}: {first.message}" if first else "see dbt_project/logs/dbt.log"
        raise StageFailed(f"dbt build of {name} failed in {reason}")
    return StageResult(span.seconds, span.cpu_seconds, _node_seconds(target_path), dict(result.counts))


def _node_seconds(target_path: Path) -> dict[str, float]:
    """dbt's execution time per node of the last invocation, keyed `model.x` / `test.x` (project left out)."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    times = {}
    for r in results:
        kind, _, name = r["unique_id"].split(".")[:3]
        times[f"{kind}.{name}"] = float(r["execution_time"])
    return times


def audience_sizes(project_dir: Path, db_path: Path) -> dict[str, int]:
    """Rows of every audience model's table (audiences are the SQL files in models/marts/audiences)."""
    names = sorted(p.stem for p in (project_dir / AUDIENCE_FOLDER).glob("*.sql"))
    with duckdb.connect(str(db_path)) as con:
        tables = {
            row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()
        }
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names if n in tables}


def largest_audience(sizes: dict[str, int]) -> str:
    """The audience with the most rows (ties: the first by name); StageFailed if there is none."""
    if not sizes:
        raise StageFailed("no audience table was built; nothing to sync")
    return max(sorted(sizes), key=lambda name: sizes[name])
