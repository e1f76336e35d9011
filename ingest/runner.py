"""Entry points: load a data folder (or one source folder of it) into the DuckDB `raw` schema.

Each file is skipped when that version is already in the manifest (same size and modification time, else
same sha256), else loaded in its own transaction (rows, quarantine rows and manifest row commit together),
so a load killed at any point and run again leaves no partial file and no duplicate rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cdp.settings import Settings
from ingest.base import SourceLoader
from ingest.files import DataFile, files_under, is_hidden
from ingest.pipeline import load_files
from ingest.report import LoadEvent, LoadReport, SourceStats
from ingest.schema import ensure_raw_schema
from ingest.sources import LOADERS

SOURCE_NAMES: tuple[str, ...] = tuple(LOADERS)

ProgressCallback = Callable[[LoadEvent], None]


#: Files at the top of a data folder that belong to evaluation, not to any source; skipped without a warning.
EVALUATION_FILES = frozenset({"truth.csv"})
#: Folders that are not sources but are read by another step (`suppressions/`: privacy's manual list).
NON_SOURCE_FOLDERS = frozenset({"suppressions"})


def load_folder(
    data_dir: Path,
    db_path: Path,
    *,
    sources: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    rehash: bool = False,
) -> LoadReport:
    """Load every source folder of `data_dir` (or only `sources`) into `db_path`; return what happened.

    Raises FileNotFoundError when `data_dir` does not exist and ValueError for an unknown source name; bad
    files never raise, they are quarantined and reported. `rehash` hashes every file, even one whose size
    and modification time match the manifest.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect(db_path) as con:
        return load_into(con, Path(data_dir), sources=sources, progress=progress, rehash=rehash)


def load_source(
    data_dir: Path, db_path: Path, source: str, *, progress: ProgressCallback | None = None
) -> LoadReport:
    """Load one source folder (`events`, `shopify`, ...) of `data_dir`: one Dagster asset per source."""
    return load_folder(data_dir, db_path, sources=[source], progress=progress)


def connect(db_path: Path, settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection set up from settings (threads, memory), keeping insertion order for row numbers."""
    settings = settings or Settings()
    con = duckdb.connect(str(db_path))
    con.execute(f"set threads = {int(settings.threads)}")
    if settings.memory_limit:
        con.execute("set memory_limit = ?", [settings.memory_limit])
    con.execute("set preserve_insertion_order = true")
    return con


def load_into(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    *,
    sources: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    load_id: str | None = None,
    rehash: bool = False,
) -> LoadReport:
    """`load_folder` on an open connection (for callers that manage their own connection)."""
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    unknown = sorted(set(sources or ()) - set(LOADERS))
    if unknown:
        raise ValueError(f"unknown source {', '.join(unknown)}; known sources: {', '.join(SOURCE_NAMES)}")
    ensure_raw_schema(con)
    report = LoadReport(load_id or new_load_id())
    loaders = {name: cls() for name, cls in LOADERS.items() if sources is None or name in sources}
    for name in loaders:
        # Zero rows for a selected source with no folder, so callers can always index by source name.
        report.sources.setdefault(name, SourceStats())
    work = _discover(data_dir, loaders, report, report_unknown=sources is None)
    if progress:
        progress(LoadEvent(report.load_id, len(work), 0))
    for done, landed in enumerate(load_files(con, work, load_id=report.load_id, rehash=rehash), start=1):
        report.warnings += landed.warnings
        report.add(landed.result)
        if progress:
            progress(LoadEvent(report.load_id, len(work), done, landed.result))
    return report


def new_load_id() -> str:
    """A sortable, unique id for one load run: UTC time plus a random suffix."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{secrets.token_hex(3)}"


def _discover(
    data_dir: Path, loaders: dict[str, SourceLoader], report: LoadReport, *, report_unknown: bool
) -> list[tuple[SourceLoader, DataFile]]:
    """The files to load, in a stable order; warns about everything it will not load."""
    work = []
    for entry in sorted(data_dir.iterdir()):
        # `cdp demo-data` writes truth.csv beside the source folders: it is for `cdp eval`, not a source.
        if is_hidden(entry) or entry.name in EVALUATION_FILES or entry.name in NON_SOURCE_FOLDERS:
            continue
        if entry.is_file():
            if report_unknown:
                report.warnings.append(f"{entry.name}: not in a source folder, skipped")
            continue
        loader = loaders.get(entry.name)
        if loader is None:
            if report_unknown and entry.name not in LOADERS:
                report.warnings.append(
                    f"{entry.name}/: unknown folder, skipped (known folders: {', '.join(SOURCE_NAMES)})"
                )
            continue
        for path in files_under(entry):
            rel = path.relative_to(data_dir).as_posix()
            file = DataFile(loader.source, path, rel, path.stat().st_size)
            if loader.accepts(file):
                work.append((loader, file))
            elif not loader.is_companion(file):
                expected = ", ".join(f"{ext}, {ext}.gz" for ext in loader.extensions)
                report.warnings.append(
                    f"{rel}: unexpected file type for {loader.source}/, skipped (expected {expected})"
                )
    return work
