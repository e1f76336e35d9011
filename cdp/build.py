"""`cdp build`: the dbt build of the project with a progress bar and a summary."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from cdp.console import CdpError, console, progress_bar
from cdp.dbt_runner import EXCLUDE_UNIT_TESTS, DbtResult, NodeProgress, dbt_log_dir, run_dbt, vars_args


@dataclass
class BuildOutcome:
    """A finished dbt build and how long it took."""

    result: DbtResult
    seconds: float


def build_project(
    *,
    project_dir: Path,
    db_path: Path,
    target: str = "duckdb",
    select: str | None = None,
    full_refresh: bool = False,
    threads: int | None = None,
    unit_tests: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
) -> BuildOutcome:
    """Check the audiences, run `dbt build` (seeds, models, data tests); CdpError names what failed.

    Audiences are validated first (sqlglot over their compiled SQL: they return `customer_id`, read only
    marts, hold no DML), so a broken audience stops the build before anything is written. dbt's unit tests
    run only with `unit_tests` (see EXCLUDE_UNIT_TESTS). `dbt_vars` override the project's vars for this
    build (dbt's `--vars`), audience checks included.
    """
    from cdp.segments import require_valid_audiences

    require_valid_audiences(project_dir, db_path, dbt_vars=dbt_vars)
    args = ["build", *vars_args(dbt_vars)]
    if select:
        args += ["--select", *select.split()]
    if full_refresh:
        args.append("--full-refresh")
    if not unit_tests:
        args += EXCLUDE_UNIT_TESTS
    started = time.perf_counter()
    with progress_bar() as progress:
        task = progress.add_task("dbt build", total=None, detail="")

        def on_node(event: NodeProgress) -> None:
            if event.total is not None:
                progress.update(task, total=event.total)
            if event.finished:
                progress.update(task, advance=1, detail=event.unique_id.split(".")[-1])

        result = run_dbt(
            args, project_dir=project_dir, db_path=db_path, target=target, threads=threads, on_node=on_node
        )
    outcome = BuildOutcome(result, time.perf_counter() - started)
    if not result.success:
        if result.failures:
            first = result.failures[0]
            more = f" (and {len(result.failures) - 1} more)" if len(result.failures) > 1 else ""
            raise CdpError(f"dbt build failed in {first.name}{more}: {first.message}")
        raise CdpError(f"dbt build failed; see {dbt_log_dir(project_dir) / 'dbt.log'}")
    return outcome


def build_summary(outcome: BuildOutcome) -> Table:
    """A one-row table of node statuses."""
    table = Table(title=f"dbt build ({outcome.seconds:.1f}s)", title_justify="left")
    statuses = sorted(outcome.result.counts)
    for status in statuses:
        table.add_column(status, justify="right")
    table.add_row(*(str(outcome.result.counts[s]) for s in statuses))
    return table


def print_build(outcome: BuildOutcome) -> None:
    """Print the build summary."""
    console.print(build_summary(outcome))


__all__ = ["BuildOutcome", "CdpError", "build_project", "build_summary", "print_build"]
