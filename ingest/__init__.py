"""Tessera ingest: land raw input files into DuckDB's `raw` schema (see docs/architecture.md, "Raw layer").

Call `load_folder(data_dir, db_path)`; `load_source` loads a single source folder.
"""

from ingest.report import FileResult, LoadEvent, LoadReport, SourceStats
from ingest.runner import SOURCE_NAMES, connect, load_folder, load_into, load_source, new_load_id

__all__ = [
    "SOURCE_NAMES",
    "FileResult",
    "LoadEvent",
    "LoadReport",
    "SourceStats",
    "connect",
    "load_folder",
    "load_into",
    "load_source",
    "new_load_id",
]
