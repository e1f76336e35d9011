"""`raw._manifest`: one row per version of a file that was loaded, found empty or quarantined.

A file's identity is (path relative to the data folder, sha256). All three statuses are final: the same
content at the same path is skipped on later loads; changed content is a new version and loads again.

Counts: `rows_read = rows_landed + rows_quarantined` always. Blank lines are not rows. A file quarantined
whole (one `raw._quarantine` row with `row_number` NULL) counts the records it was found to hold as read and
quarantined (e.g. a CSV missing a required column), or 0 when it could not be read at all.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from ingest.files import DataFile
from ingest.report import FileResult
from ingest.schema import MANIFEST_TABLE

FINAL_STATUSES = ("loaded", "empty", "quarantined")


def is_already_loaded(con: duckdb.DuckDBPyConnection, rel_path: str, sha256: str) -> bool:
    """True when this exact version of the file is in the manifest with a final status."""
    row = con.execute(
        f"select 1 from {MANIFEST_TABLE.qualified_name} where file_path = ? and sha256 = ? "
        "and status in ('loaded', 'empty', 'quarantined') limit 1",
        [rel_path, sha256],
    ).fetchone()
    return row is not None


def final_versions(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Every (file_path, sha256) with a final status: the versions `is_already_loaded` is True for.

    A load reads this once and checks its files against it, so it runs no query of the warehouse while
    another of its connections commits.
    """
    rows = con.execute(
        f"select distinct file_path, sha256 from {MANIFEST_TABLE.qualified_name} "
        "where status in ('loaded', 'empty', 'quarantined')"
    ).fetchall()
    return {(path, sha256) for path, sha256 in rows}


def record_file(
    con: duckdb.DuckDBPyConnection,
    file: DataFile,
    sha256: str,
    result: FileResult,
    *,
    load_id: str,
    loaded_at: datetime,
) -> None:
    """Insert the manifest row for `result` (call inside the file's transaction)."""
    con.execute(
        f"insert into {MANIFEST_TABLE.qualified_name} "
        "(file_path, source, size_bytes, sha256, load_id, loaded_at, status, rows_read, rows_landed, "
        "rows_quarantined, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file.rel_path,
            file.source,
            file.size_bytes,
            sha256,
            load_id,
            loaded_at,
            result.status,
            result.rows_read,
            result.rows_landed,
            result.rows_quarantined,
            result.message,
        ],
    )
