"""File destination: the synced records as one CSV or JSONL file, the default for a fresh clone.

Writes go to an append-only journal (fsync'd before a batch is acknowledged); the journal is folded into
the file, sorted by key and replaced atomically, when the run ends or the next run starts. Replaying a
journal is idempotent per key, so a run killed at any moment leaves nothing lost or duplicated.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any, ClassVar, Literal

from reverse_etl.destinations.base import (
    Batch,
    BatchResult,
    Capabilities,
    Destination,
    DestinationSettings,
    dumps,
    fields_json,
)


class FileSettings(DestinationSettings):
    """`path`: the output file; relative paths are relative to the syncs file. `{sync}` is replaced."""

    type: Literal["file"] = "file"
    path: str = "data/exports/{sync}.csv"
    format: Literal["csv", "jsonl"] | None = None  # from the extension by default
    key_column: str | None = None  # name of the key column in the file; the primary key's name by default


class FileDestination(Destination):
    type_name: ClassVar[str] = "file"
    settings_model = FileSettings
    capabilities = Capabilities(modes=frozenset({"insert", "update", "upsert", "mirror"}), max_batch=10_000)
    recover_when_idle = True  # a run killed while folding the journal leaves it to the next run
    settings: FileSettings

    @property
    def path(self) -> Path:
        path = Path(self.settings.path.replace("{sync}", self.context.sync_name))
        return path if path.is_absolute() else self.context.config_dir / path

    @property
    def journal_path(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    @property
    def format(self) -> str:
        if self.settings.format:
            return self.settings.format
        return "jsonl" if self.path.suffix in (".jsonl", ".json", ".ndjson") else "csv"

    @property
    def key_column(self) -> str:
        return self.settings.key_column or self.context.primary_key

    def check(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def prepare(self) -> None:
        self._rows = self._compacted()  # recovers a journal left by a killed run
        self._journal = self.journal_path.open("a", encoding="utf-8")

    def write(self, batch: Batch) -> BatchResult:
        rejected: dict[str, str] = {}
        lines = []
        for record in batch.records:
            exists = record.key in self._rows
            if record.action == "update" and not exists:
                rejected[record.key] = "no existing record with this key to update"
                continue
            if record.action == "insert" and exists:
                continue  # insert never overwrites; acknowledged as already there
            if record.action == "remove":
                self._rows.pop(record.key, None)
                lines.append(dumps({"op": "remove", "key": record.key}))
            else:
                row = {self.key_column: record.key_value, **fields_json(record.fields)}
                self._rows[record.key] = row
                lines.append(dumps({"op": "set", "key": record.key, "row": row}))
        if lines:
            self._journal.write("\n".join(lines) + "\n")
            self._journal.flush()
            os.fsync(self._journal.fileno())
        return BatchResult(rejected)

    def close(self, *, completed: bool) -> None:
        journal = getattr(self, "_journal", None)
        if journal is not None:
            journal.close()
            self._write_file(self._rows)
            self.journal_path.unlink(missing_ok=True)

    # -- file handling -------------------------------------------------------------------------------

    def _read_file(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        rows: dict[str, dict[str, Any]] = {}
        with self.path.open(encoding="utf-8", newline="") as handle:
            if self.format == "jsonl":
                items = (json.loads(line) for line in handle if line.strip())
            else:
                items = csv.DictReader(handle)
            for row in items:
                rows[str(row[self.key_column])] = row
        return rows

    def _compacted(self) -> dict[str, dict[str, Any]]:
        rows = self._read_file()
        if self.journal_path.exists():
            with self.journal_path.open(encoding="utf-8") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        break  # a torn last line from a kill: that batch was never acknowledged
                    if entry["op"] == "remove":
                        rows.pop(entry["key"], None)
                    else:
                        rows[entry["key"]] = entry["row"]
            self._write_file(rows)
            self.journal_path.unlink()
        return rows

    def _write_file(self, rows: dict[str, dict[str, Any]]) -> None:
        """Replace the file atomically with the rows sorted by key."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        ordered = [rows[key] for key in sorted(rows)]
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            if self.format == "jsonl":
                for row in ordered:
                    handle.write(dumps(row) + "\n")
            else:
                header = [self.key_column] + [
                    c.name for c in self.context.columns if c.name != self.key_column
                ]
                for row in ordered:  # keep columns of older runs rather than dropping data
                    header += [name for name in row if name not in header]
                writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(ordered)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
