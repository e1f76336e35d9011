"""`cdp demo-data`: write synthetic inputs with a progress bar and print what was written."""

from __future__ import annotations

import time
from pathlib import Path

from rich.table import Table

from cdp.console import CdpError, console, progress_bar


def write_demo_data(
    out: Path, *, customers: int, seed: int, compress: bool = False, first_customer: int = 1
) -> None:
    """Generate `customers` people into `out` and print records per source."""
    from cdp.demo_data import generate_demo_data

    if out.exists() and not out.is_dir():
        raise CdpError(f"--out {out} exists and is not a folder")
    started = time.perf_counter()
    with progress_bar() as progress:
        task = progress.add_task("demo-data", total=customers, detail="customers")
        try:
            summary = generate_demo_data(
                out,
                customers,
                seed,
                compress=compress,
                first_customer=first_customer,
                progress=lambda n: progress.update(task, completed=n),
            )
        except OSError as exc:
            raise CdpError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    table = Table(title=f"demo data: {customers:,} customers, seed {seed}", title_justify="left")
    for column in ("source", "records", "malformed (on purpose)"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for source, records in sorted(summary.records.items()):
        table.add_row(source, f"{records:,}", f"{summary.malformed.get(source, 0):,}")
    console.print(table)
    console.print(
        f"truth: {summary.truth_rows:,} identifier rows in {out / 'truth.csv'}; "
        f"written in {time.perf_counter() - started:.1f}s"
    )
