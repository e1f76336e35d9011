"""`raw._quarantine`: rows (and whole files) that could not land, each with a reason naming the field."""

from __future__ import annotations

from datetime import datetime

import duckdb

from ingest.files import DataFile
from ingest.schema import QUARANTINE_TABLE
from ingest.sql import literal


def quarantine_file(
    con: duckdb.DuckDBPyConnection, file: DataFile, reason: str, *, load_id: str, at: datetime
) -> None:
    """One quarantine row for a whole file (`row_number` NULL, no raw text)."""
    con.execute(
        f"insert into {QUARANTINE_TABLE.qualified_name} "
        "(source, file_path, row_number, raw_text, reason, load_id, quarantined_at) "
        "values (?, ?, null, null, ?, ?, ?)",
        [file.source, file.rel_path, reason, load_id, at],
    )


def quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    file: DataFile,
    checked_table: str,
    *,
    reason_prefix: str = "",
    load_id: str,
    at: datetime,
) -> None:
    """Copy the rows of `checked_table` that have a `_reason` into the quarantine."""
    reason = f"{literal(reason_prefix)} || _reason" if reason_prefix else "_reason"
    con.execute(
        f"insert into {QUARANTINE_TABLE.qualified_name} "
        "(source, file_path, row_number, raw_text, reason, load_id, quarantined_at) "
        f"select ?, ?, row_number, coalesce(raw_text, record::varchar), {reason}, ?, ? from {checked_table} "
        "where _reason is not null order by row_number",
        [file.source, file.rel_path, load_id, at],
    )
