"""`raw._manifest`: one row per version of a file that was loaded, found empty or quarantined.

A file's identity is (path relative to the data folder, sha256). All three statuses are final: the same
content at the same path is skipped on later loads; changed content is a new version and loads again.
`file_stamp` (size and modification time, `ingest.files.file_stamp`) lets a load skip a file it has seen
without hashing it again; NULL when the file was too fresh to trust it (or loaded by an older version). A
version found again by its hash under a new stamp (touched) gets that stamp, its latest.

Counts: `rows_read = rows_landed + rows_quarantined` always. Blank lines are not rows. A file quarantined
whole (one `raw._quarantine` row with `row_number` NULL) counts the records it was found to hold as read and
quarantined (e.g. a CSV missing a required column), or 0 when it could not be read at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from ingest.files import DataFile
from ingest.report import FileResult
from ingest.schema import MANIFEST_TABLE

FINAL_STATUSES = ("loaded", "empty", "quarantined")
_IS_FINAL = "status in (" + ", ".join(f"'{status}'" for status in FINAL_STATUSES) + ")"


@dataclass
class KnownVersions:
    """The file versions the manifest holds with a final status, by content and by stamp."""

    #: (file_path, sha256): the content of each path already loaded.
    versions: set[tuple[str, str]] = field(default_factory=set)
    #: (file_path, file_stamp) of the same rows, where a stamp was recorded.
    stamps: set[tuple[str, str]] = field(default_factory=set)

    def has_stamp(self, rel_path: str, stamp: str | None) -> bool:
        """True when a final version of `rel_path` was recorded with `stamp` (never for no stamp)."""
        return stamp is not None and (rel_path, stamp) in self.stamps

    def has_version(self, rel_path: str, sha256: str) -> bool:
        """True when this content of `rel_path` is already in the manifest with a final status."""
        return (rel_path, sha256) in self.versions


def final_versions(con: duckdb.DuckDBPyConnection) -> KnownVersions:
    """Every file version with a final status (see `KnownVersions`).

    A load reads this once and checks its files against it, so it runs no query of the warehouse while
    another of its connections commits.
    """
    rows = con.execute(
        f"select distinct file_path, sha256, file_stamp from {MANIFEST_TABLE.qualified_name} "
        f"where {_IS_FINAL}"
    ).fetchall()
    known = KnownVersions()
    for path, sha256, stamp in rows:
        known.versions.add((path, sha256))
        if stamp is not None:
            known.stamps.add((path, stamp))
    return known


@dataclass(frozen=True)
class Restamp:
    """A final version found again by its sha256 under a stamp the manifest does not have yet."""

    file_path: str
    sha256: str
    file_stamp: str


def restamp(con: duckdb.DuckDBPyConnection, restamps: list[Restamp]) -> None:
    """Record each version's latest stamp (a touched file, or one loaded before stamps existed)."""
    if not restamps:
        return
    with con.cursor() as cur:
        cur.begin()
        cur.executemany(
            f"update {MANIFEST_TABLE.qualified_name} set file_stamp = ? where file_path = ? and sha256 = ? "
            f"and {_IS_FINAL}",
            [[r.file_stamp, r.file_path, r.sha256] for r in restamps],
        )
        cur.commit()


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
        "(file_path, source, size_bytes, sha256, file_stamp, load_id, loaded_at, status, rows_read, "
        "rows_landed, rows_quarantined, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file.rel_path,
            file.source,
            file.size_bytes,
            sha256,
            file.stamp,
            load_id,
            loaded_at,
            result.status,
            result.rows_read,
            result.rows_landed,
            result.rows_quarantined,
            result.message,
        ],
    )
