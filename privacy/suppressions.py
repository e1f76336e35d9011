"""Manual suppression entries: `<data dir>/suppressions/*.csv`, landed into `privacy.manual_suppressions`.

Each file has the columns `identifier_type` (email, phone, or any identifier type), `identifier_value`
and optionally `reason` and `added_at`. The folder is the source of truth: every load replaces the table
with what the files hold now, so deleting a line lifts the suppression. The `suppression_list` mart
normalises the values and applies them to every sync.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from privacy.warehouse import ensure_privacy_tables

SUPPRESSIONS_FOLDER = "suppressions"
REQUIRED_COLUMNS = ("identifier_type", "identifier_value")


class SuppressionFileError(ValueError):
    """A suppression file is malformed; the message names the file, row and field."""


@dataclass(frozen=True)
class ManualSuppression:
    identifier_type: str
    identifier_value: str
    reason: str | None
    added_at: datetime | None
    source_file: str


def _parse_time(text: str, where: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise SuppressionFileError(f"{where}: field 'added_at': {text!r} is not an ISO-8601 time") from None


def read_suppression_files(data_dir: Path) -> list[ManualSuppression]:
    """Every entry of `<data_dir>/suppressions/*.csv`; raises SuppressionFileError on a bad row."""
    folder = Path(data_dir) / SUPPRESSIONS_FOLDER
    entries: list[ManualSuppression] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        relative = path.relative_to(data_dir).as_posix()
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise SuppressionFileError(
                    f"{relative}: missing column(s) {', '.join(missing)} in the header"
                )
            for line, row in enumerate(reader, start=2):
                where = f"{relative}: row {line}"
                for column in REQUIRED_COLUMNS:
                    if not (row.get(column) or "").strip():
                        raise SuppressionFileError(f"{where}: field {column!r} is empty")
                entries.append(
                    ManualSuppression(
                        identifier_type=row["identifier_type"].strip().lower(),
                        identifier_value=row["identifier_value"].strip(),
                        reason=(row.get("reason") or "").strip() or None,
                        added_at=_parse_time(row.get("added_at") or "", where),
                        source_file=relative,
                    )
                )
    return entries


def load_manual_suppressions(data_dir: Path, con: duckdb.DuckDBPyConnection) -> int:
    """Replace `privacy.manual_suppressions` with the folder's entries; return how many were loaded."""
    entries = read_suppression_files(Path(data_dir))
    ensure_privacy_tables(con)
    con.execute("begin")
    try:
        con.execute("delete from privacy.manual_suppressions")
        if entries:  # DuckDB refuses executemany with no parameter sets; no file means an empty list
            con.executemany(
                "insert into privacy.manual_suppressions values (?, ?, ?, ?, ?)",
                [
                    (e.identifier_type, e.identifier_value, e.reason, e.added_at, e.source_file)
                    for e in entries
                ],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(entries)
