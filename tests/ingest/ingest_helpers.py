"""Helpers for the loader tests: write fixture files, query the warehouse."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path

import duckdb

from ingest import LoadReport, load_folder


def write(path: Path, content: str | bytes, *, gz: bool = False) -> Path:
    """Write text or bytes (gzip-compressed when `gz`), creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def jsonl(records: Iterable[object]) -> str:
    """JSON Lines text for `records` (strings are written as they are, to allow broken lines)."""
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def rows(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run a query on the warehouse (read-only) and return all rows."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def load(data_dir: Path, db_path: Path, **kwargs) -> LoadReport:
    return load_folder(data_dir, db_path, **kwargs)


def quarantine(db_path: Path, file_path: str) -> list[tuple]:
    """(row_number, raw_text, reason) of a file's quarantine rows, in row order."""
    return rows(
        db_path,
        "select row_number, raw_text, reason from raw._quarantine where file_path = ? order by row_number",
        [file_path],
    )


def manifest(db_path: Path, file_path: str) -> list[tuple]:
    """(status, rows_read, rows_landed, rows_quarantined, message) per version of a file."""
    return rows(
        db_path,
        "select status, rows_read, rows_landed, rows_quarantined, message from raw._manifest "
        "where file_path = ? order by loaded_at",
        [file_path],
    )
