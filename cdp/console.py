"""Terminal output shared by the commands: one Rich console, progress bars and one-line failures."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def _width(stream: object) -> int | None:
    """The terminal's width on a terminal; 120 columns when piped or logged (Rich would assume 80)."""
    isatty = getattr(stream, "isatty", None)
    if os.environ.get("COLUMNS") or (isatty is not None and isatty()):
        return None
    return 120


console = Console(highlight=False, width=_width(sys.stdout))
err_console = Console(stderr=True, highlight=False, width=_width(sys.stderr))


class CdpError(Exception):
    """A failure the user can act on; the CLI prints its message on one line and exits non-zero."""


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line reason on stderr and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A progress display for long work; transient so the final summary table stays readable."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}"),
        console=console,
        transient=True,
    )
    with progress:
        yield progress
