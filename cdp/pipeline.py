"""`cdp run`: load, build and sync end to end, printing each step's summary."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from cdp.build import build_project, print_build
from cdp.console import console
from cdp.loading import load_inputs, print_load_report
from cdp.settings import Settings


def run_pipeline(
    settings: Settings,
    *,
    target: str = "duckdb",
    sync: bool = True,
    dbt_vars: Mapping[str, Any] | None = None,
) -> None:
    """Run every step in order; any step's CdpError stops the run with its reason. `dbt_vars` override
    the project's vars for the build."""
    started = time.perf_counter()
    console.rule("[bold]1/3 load")
    print_load_report(load_inputs(settings, target))
    console.rule("[bold]2/3 build")
    print_build(
        build_project(
            project_dir=settings.dbt_project_dir,
            db_path=settings.db_path,
            target=target,
            threads=settings.dbt_threads,
            dbt_vars=dbt_vars,
        )
    )
    if sync:
        from cdp.syncing import print_sync_results, sync_all

        console.rule("[bold]3/3 sync")
        print_sync_results(sync_all(settings))
    where = settings.db_path if target == "duckdb" else f"{target} (raw manifest in {settings.db_path})"
    console.print(f"[bold green]done[/] in {time.perf_counter() - started:.1f}s; warehouse: {where}")
