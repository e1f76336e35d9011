"""`cdp sync`: run reverse-ETL syncs with a progress bar per sync, and show their history."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from cdp.console import CdpError, console, progress_bar
from cdp.settings import Settings

if TYPE_CHECKING:
    from reverse_etl import SyncResult


def sync_all(
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    config_path: Path | None = None,
    dry_run: bool = False,
    full_resync: bool = False,
) -> list[SyncResult]:
    """Run the configured syncs (all, or `names`); CdpError for a missing or invalid configuration."""
    from reverse_etl import SyncProgress, run_syncs
    from reverse_etl.errors import SyncConfigError

    config = config_path or settings.syncs_file
    if not config.is_file():
        raise CdpError(f"sync configuration {config} not found (pass --config FILE)")
    if not settings.db_path.is_file():
        raise CdpError(
            f"warehouse {settings.db_path} not found: run `cdp run --no-sync` or `cdp build` first"
        )
    with progress_bar() as progress:
        tasks: dict[str, int] = {}

        def on_progress(event: SyncProgress) -> None:
            if event.sync_name not in tasks:
                tasks[event.sync_name] = progress.add_task(
                    event.sync_name, total=event.rows_planned, detail=""
                )
            failed = f"{event.rows_failed:,} failed" if event.rows_failed else ""
            progress.update(
                tasks[event.sync_name], total=event.rows_planned, completed=event.rows_done, detail=failed
            )

        try:
            return run_syncs(
                settings.db_path,
                config,
                names,
                dry_run=dry_run,
                full_resync=full_resync,
                progress=on_progress,
            )
        except SyncConfigError as exc:
            raise CdpError(str(exc)) from exc


def sync_results_table(results: Sequence[SyncResult]) -> Table:
    """One row per sync: status, rows added / changed / removed / failed, time."""
    table = Table(title="sync", title_justify="left")
    for column in ("sync", "status", "added", "changed", "removed", "failed", "seconds"):
        table.add_column(column, justify="left" if column in ("sync", "status") else "right")
    colours = {"success": "green", "dry_run": "cyan", "partial": "yellow", "failed": "red"}
    for r in results:
        colour = colours.get(r.status, "white")
        table.add_row(
            r.sync_name,
            f"[{colour}]{r.status}[/]",
            f"{r.rows_added:,}",
            f"{r.rows_changed:,}",
            f"{r.rows_removed:,}",
            f"{r.rows_failed:,}",
            f"{r.seconds:.1f}",
        )
    return table


def print_sync_results(results: Sequence[SyncResult]) -> None:
    """Print dry-run plans, warnings and the results table; raise CdpError if any sync did not succeed."""
    from reverse_etl import format_plan

    for r in results:
        if r.status == "dry_run" and r.plan is not None:
            console.print(format_plan(r.plan))
        for warning in r.warnings:
            console.print(f"[yellow]warning:[/] {r.sync_name}: {warning}")
    console.print(sync_results_table(results))
    failed = [r for r in results if not r.ok]
    if failed:
        reasons = "; ".join(f"{r.sync_name}: {r.error or r.status}" for r in failed)
        raise CdpError(f"{len(failed)} sync(s) did not fully succeed ({reasons}); see `cdp sync status`")


def print_sync_status(settings: Settings, limit: int) -> None:
    """Recent runs as a table."""
    from reverse_etl import sync_status

    runs = sync_status(settings.db_path, limit=limit)
    table = Table(title="recent sync runs (rows sent: +added ~changed -removed)", title_justify="left")
    table.add_column("started")
    # Names never truncate: they are what users grep for and pass back to `cdp sync NAME`.
    table.add_column("sync", min_width=max((len(r.sync_name) for r in runs), default=4), no_wrap=True)
    for column in ("status", "planned", "sent", "failed", "error"):
        table.add_column(column, justify="right" if column in ("planned", "failed") else "left")
    for run in runs:
        table.add_row(
            f"{run.started_at:%m-%d %H:%M}",
            run.sync_name,
            run.status,
            f"{run.rows_planned:,}",
            f"+{run.rows_added:,} ~{run.rows_changed:,} -{run.rows_removed:,}",
            f"{run.rows_failed:,}",
            run.error or "",
        )
    console.print(table)


def print_sync_rejections(settings: Settings, name: str, limit: int) -> None:
    """Records a destination refused, with its reason; they are retried on the next run."""
    from reverse_etl import sync_rejections

    rows = sync_rejections(settings.db_path, name, limit=limit)
    table = Table(title=f"rejections of {name} (retried on the next run)", title_justify="left")
    for column in ("rejected", "run", "key", "reason"):
        table.add_column(column)
    for row in rows:
        table.add_row(f"{row.rejected_at:%Y-%m-%d %H:%M:%S}", row.run_id, row.record_key, row.reason)
    console.print(table if rows else f"no open rejections for {name}")
