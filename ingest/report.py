"""What a load tells its caller: per-file results, per-source totals, warnings and progress events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FileStatus = Literal["loaded", "empty", "quarantined", "skipped"]


@dataclass(frozen=True)
class FileResult:
    """Outcome of one file. `skipped` means the same (path, sha256) was already in the manifest."""

    source: str
    file_path: str
    status: FileStatus
    rows_read: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0
    message: str | None = None


@dataclass
class SourceStats:
    """Totals for one source folder within one load."""

    files_seen: int = 0
    files_loaded: int = 0
    files_empty: int = 0
    files_skipped: int = 0
    files_quarantined: int = 0
    rows_read: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0

    def add(self, result: FileResult) -> None:
        """Count one file's result."""
        self.files_seen += 1
        counter = f"files_{result.status}"
        setattr(self, counter, getattr(self, counter) + 1)
        self.rows_read += result.rows_read
        self.rows_landed += result.rows_landed
        self.rows_quarantined += result.rows_quarantined


@dataclass(frozen=True)
class LoadEvent:
    """Progress: the first event has `files_done == 0` and `file is None`; then one event per file done."""

    load_id: str
    total_files: int
    files_done: int
    file: FileResult | None = None


@dataclass
class LoadReport:
    """Everything one `load_folder` call did."""

    load_id: str
    sources: dict[str, SourceStats] = field(default_factory=dict)
    files: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        """Record one file's result under its source."""
        self.files.append(result)
        self.sources.setdefault(result.source, SourceStats()).add(result)

    @property
    def totals(self) -> SourceStats:
        """Sum over all sources."""
        total = SourceStats()
        for result in self.files:
            total.add(result)
        return total
