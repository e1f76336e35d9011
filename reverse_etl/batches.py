"""Batches read lazily from a plan file: records only when a destination asks for them.

A plan's `seq` runs 1..N without gaps, so a batch is just a seq range. Destinations that can load
bulk data (Postgres COPY) take the slice as CSV written by DuckDB and never build Python records;
all others read `batch.records`. A destination that prepares the next batch while the current one loads
(`Capabilities.first_batch`) starts with a small batch and doubles the size up to the batch size, so its
first write starts early and each batch is prepared in the time the one before it loads.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from reverse_etl.destinations.base import Action, Batch, Mode, Record
from reverse_etl.sql import ident, literal, plan_rows

_UPSERT_ACTION: dict[str, Action] = {
    "insert": "insert",
    "update": "update",
    "upsert": "upsert",
    "mirror": "upsert",
}
# seq, change_kind, consent_removal, record_key, row_hash, key_value, removal_handle, then the fields
_FIXED_COLUMNS = 7

_reader: duckdb.DuckDBPyConnection | None = None
_reader_lock = threading.Lock()


def _plan_reader() -> duckdb.DuckDBPyConnection:
    """A cursor on a process-wide in-memory database: reading plans never touches the warehouse, and
    opening a fresh database per run would cost more than a small sync."""
    global _reader
    with _reader_lock:
        if _reader is None:
            _reader = duckdb.connect(":memory:")
        return _reader.cursor()


@dataclass(frozen=True)
class PlanSlice:
    """Rows `lo..hi` (by seq) of a plan file."""

    plan_path: Path
    mode: Mode
    lo: int
    hi: int
    total: int  # rows in the whole plan, to know the slice that follows
    limit: int  # the batch size: slices grow by doubling up to it

    def following(self) -> PlanSlice | None:
        """The slice after this one (twice as large, up to `limit`), if the plan has more rows."""
        if self.hi >= self.total:
            return None
        size = min(2 * len(self), self.limit)
        return PlanSlice(
            self.plan_path, self.mode, self.hi + 1, min(self.hi + size, self.total), self.total, self.limit
        )

    def bulk_payload(self, fields: Sequence[str]) -> tuple[bool, bytes]:
        """(only new keys?, CSV): without action columns when only new keys (and not update mode)."""
        only_adds = self.mode != "update" and self.only_adds()
        return only_adds, self.csv_bytes(fields, with_action=not only_adds)

    def __len__(self) -> int:
        return self.hi - self.lo + 1

    def _where(self) -> str:
        return f"from {plan_rows(literal(str(self.plan_path)))} where seq between {self.lo} and {self.hi}"

    def records(self) -> list[Record]:
        """The slice as records, in seq order."""
        conn = _plan_reader()
        try:
            cursor = conn.execute(f"select * {self._where()} order by seq")
            field_names = [d[0] for d in cursor.description][_FIXED_COLUMNS:]
            upsert_action = _UPSERT_ACTION[self.mode]
            records = []
            for row in cursor.fetchall():
                if row[1] == "remove":
                    records.append(Record("remove", row[3], row[3], json.loads(row[6]) if row[6] else {}))
                else:
                    fields = dict(zip(field_names, row[_FIXED_COLUMNS:], strict=True))
                    records.append(Record(upsert_action, row[3], row[5], fields))
            return records
        finally:
            conn.close()

    def only_adds(self) -> bool:
        """True when every record of the slice is new to the destination (as far as the state knows)."""
        conn = _plan_reader()
        try:
            row = conn.execute(f"select bool_and(change_kind = 'add') {self._where()}").fetchone()
            return bool(row and row[0])
        finally:
            conn.close()

    def csv_bytes(self, fields: Sequence[str], *, with_action: bool = True) -> bytes:
        """CSV (no header) of: key value, `fields`[, action, record key]; NULL unquoted, '' quoted."""
        upsert_action = _UPSERT_ACTION[self.mode]
        columns = ", ".join(["key_value", *(ident(f) for f in fields)])
        tail = (
            f", case when change_kind = 'remove' then 'remove' else {literal(upsert_action)} end, record_key"
        )
        out = self.plan_path.with_name(f"{self.plan_path.stem}.{self.lo}.csv")
        conn = _plan_reader()
        try:
            conn.execute(
                f"copy (select {columns}{tail if with_action else ''} {self._where()} order by seq) "
                f"to {literal(str(out))} (format csv, header false)"
            )
            return out.read_bytes()
        finally:
            conn.close()
            out.unlink(missing_ok=True)


def planned_batches(
    plan_path: Path, mode: Mode, batch_size: int, total: int, *, first_batch: int | None = None
) -> Iterator[Batch]:
    """Batches of at most `batch_size` covering seq 1..`total`, growing from `first_batch` rows if given."""
    if total < 1:
        return
    size = min(first_batch or batch_size, batch_size)
    piece: PlanSlice | None = PlanSlice(plan_path, mode, 1, min(size, total), total, batch_size)
    number = 1
    while piece is not None:
        yield Batch(number, source=piece)
        piece, number = piece.following(), number + 1
