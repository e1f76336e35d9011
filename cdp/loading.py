"""`cdp load`: land the input folder into DuckDB with a progress bar and a per-source summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from cdp.console import CdpError, console, progress_bar
from cdp.settings import Settings

if TYPE_CHECKING:
    from ingest.report import LoadReport


def load_inputs(settings: Settings, target: str = "duckdb", *, rehash: bool = False) -> LoadReport:
    """Load the input folder into the warehouse; CdpError for a missing folder or an unusable database.

    `rehash`: hash every file, even those whose size and modification time match the manifest.
    """
    import duckdb

    from ingest import load_folder
    from ingest.report import LoadEvent

    if not settings.data_dir.is_dir():
        raise CdpError(f"input folder {settings.data_dir} does not exist (pass --data-dir DIR)")
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    with progress_bar() as progress:
        task = progress.add_task("load", total=None, detail="")

        def on_event(event: LoadEvent) -> None:
            progress.update(task, total=event.total_files, completed=event.files_done)
            if event.file is not None:
                progress.update(task, detail=event.file.file_path)

        try:
            report = load_folder(settings.data_dir, settings.db_path, progress=on_event, rehash=rehash)
        except duckdb.Error as exc:
            first_line = str(exc).strip().splitlines()[0]
            raise CdpError(f"cannot use warehouse {settings.db_path}: {first_line}") from exc
    _apply_privacy(settings)
    if target != "duckdb":
        _land_on_target(settings, target)
    return report


def _land_on_target(settings: Settings, target: str) -> None:
    """Replicate the raw schema to Postgres (COPY) or Spark (Parquet); DuckDB keeps the manifest."""
    import os

    import psycopg

    from cdp.dbt_runner import dbt_env
    from ingest.targets import land_raw

    os.environ.update(
        {k: v for k, v in dbt_env(settings.db_path, target).items() if k.startswith("TESSERA_SPARK")}
    )
    try:
        landed = land_raw(settings.db_path, target)
    except (ValueError, psycopg.OperationalError) as exc:
        raise CdpError(f"cannot land raw tables on {target}: {str(exc).strip().splitlines()[0]}") from exc
    table = Table(title=f"raw tables on {target}", title_justify="left")
    for column in ("table", "rows", "loads"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for t in landed:
        table.add_row(t.table, f"{t.rows:,}", f"{t.loads:,}")
    console.print(table)


def _apply_privacy(settings: Settings) -> None:
    """After landing: refresh the manual suppression list, and drop rows of people who asked to be forgotten.

    Re-delivered files of a forgotten person land like any other; their rows are deleted here, before
    anything builds on them (staging filters tombstoned identifiers as well). docs/privacy.md.
    """
    from ingest import connect
    from privacy import SuppressionFileError, load_manual_suppressions, purge_tombstoned

    con = connect(settings.db_path)
    try:
        suppressions = load_manual_suppressions(settings.data_dir, con)
    except SuppressionFileError as exc:
        raise CdpError(str(exc)) from exc
    finally:
        con.close()
    if suppressions:
        console.print(f"suppressions/: {suppressions:,} manual suppression(s), applied to every sync")
    purged = sum(purge_tombstoned(settings.db_path).values())
    if purged:
        console.print(f"privacy: {purged:,} re-delivered row(s) of forgotten people deleted on arrival")


def load_summary(report: LoadReport) -> Table:
    """Per-source table: files loaded / skipped (already loaded) / quarantined and row counts."""
    table = Table(title=f"load {report.load_id}", title_justify="left")
    # Short headers: the table must fit 80 columns (CI logs, narrow terminals).
    for column in ("source", "files", "new", "skipped", "bad files", "rows", "landed", "quarantined"):
        table.add_column(column, justify="left" if column == "source" else "right")
    rows = sorted(report.sources.items())
    for source, s in [*rows, ("total", report.totals)]:
        quarantined = f"[yellow]{s.rows_quarantined:,}[/]" if s.rows_quarantined else "0"
        table.add_row(
            f"[bold]{source}[/]" if source == "total" else source,
            f"{s.files_seen:,}",
            f"{s.files_loaded + s.files_empty:,}",
            f"{s.files_skipped:,}",
            f"{s.files_quarantined:,}",
            f"{s.rows_read:,}",
            f"{s.rows_landed:,}",
            quarantined,
        )
    return table


def print_load_report(report: LoadReport) -> None:
    """Print warnings, the summary table and where to look for quarantined rows."""
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(load_summary(report))
    if report.totals.rows_quarantined or report.totals.files_quarantined:
        console.print(
            "[yellow]quarantined rows and files are in raw._quarantine with their file, row and reason[/]"
        )
