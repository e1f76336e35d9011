"""Streaming part-file writers: records go straight to disk, a new part starts every `max_items`.

Gzip output is byte-deterministic (no file name, mtime 0 in the header).
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import IO


def open_text(path: Path, compress: bool) -> IO[str]:
    """A text handle on `path` (gzip when `compress`) that also closes the underlying file."""
    if not compress:
        return path.open("w", encoding="utf-8", newline="")
    raw = path.open("wb")
    zipped = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
    handle = io.TextIOWrapper(zipped, encoding="utf-8", newline="")
    original_close = handle.close

    def close() -> None:
        original_close()
        raw.close()

    handle.close = close  # type: ignore[method-assign]
    return handle


class Parts:
    """Numbered part files `<stem>-0001<ext>[.gz]` in `folder`, at most `max_items` records each.

    Lines passed to `defer` are written at the start of the next part (or of an extra last part), which is
    how late-arriving data ends up in a later file than its neighbours in time.
    """

    def __init__(self, folder: Path, stem: str, ext: str, max_items: int, compress: bool) -> None:
        self.folder = folder
        self.stem = stem
        self.ext = ext + (".gz" if compress else "")
        self.max_items = max_items
        self.compress = compress
        self.part = 0
        self.in_part = 0
        self.handle: IO[str] | None = None
        self.counts: dict[str, int] = {}
        self._deferred: list[str] = []

    #: When set, a single file with this exact name (no part number) is written.
    single_name: str | None = None

    @property
    def file_name(self) -> str:
        return self.single_name or f"{self.stem}-{self.part:04d}{self.ext}"

    @property
    def current_name(self) -> str:
        return f"{self.folder.name}/{self.file_name}"

    def _open(self) -> None:
        self.close_part()
        self.part += 1
        self.in_part = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        self.handle = open_text(self.folder / self.file_name, self.compress)
        self.counts[self.current_name] = 0
        self.start_part()
        pending, self._deferred = self._deferred, []
        for item in pending:
            self._put(item)

    def start_part(self) -> None:
        """Write a part's header (CSV header, JSON document opening)."""

    def end_part(self) -> None:
        """Write a part's footer."""

    def _put(self, item: str) -> None:
        self.write_item(item)
        self.in_part += 1
        self.counts[self.current_name] += 1

    def write_item(self, item: str) -> None:
        assert self.handle is not None
        self.handle.write(item)
        self.handle.write("\n")

    def add(self, item: str) -> None:
        """Write one record (already serialised)."""
        if self.handle is None or self.in_part >= self.max_items:
            self._open()
        self._put(item)

    def defer(self, item: str) -> None:
        """Write `item` at the start of the next part."""
        self._deferred.append(item)

    def close_part(self) -> None:
        if self.handle is not None:
            self.end_part()
            self.handle.close()
            self.handle = None

    def close(self) -> dict[str, int]:
        """Flush deferred records into a last part; return records per file."""
        if self._deferred:
            self._open()
        self.close_part()
        return self.counts


class CsvParts(Parts):
    """CSV parts with a header row; `row` quotes fields, `add` takes a pre-built (possibly broken) line."""

    def __init__(self, folder: Path, stem: str, header: list[str], max_items: int, compress: bool) -> None:
        super().__init__(folder, stem, ".csv", max_items, compress)
        self.header = header

    def start_part(self) -> None:
        assert self.handle is not None
        csv.writer(self.handle, lineterminator="\n").writerow(self.header)

    def row(self, values: list[object]) -> None:
        """Write one CSV row."""
        self.add(csv_line(values))


def csv_line(values: list[object]) -> str:
    """One CSV line without its newline."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


class JsonArrayParts(Parts):
    """JSON documents `{"<key>": [ ... ]}` streamed item by item."""

    def __init__(self, folder: Path, stem: str, key: str, max_items: int, compress: bool) -> None:
        super().__init__(folder, stem, ".json", max_items, compress)
        self.key = key

    def start_part(self) -> None:
        assert self.handle is not None
        self.handle.write(f'{{"{self.key}": [\n')

    def write_item(self, item: str) -> None:
        assert self.handle is not None
        if self.in_part:
            self.handle.write(",\n")
        self.handle.write(item)

    def end_part(self) -> None:
        assert self.handle is not None
        self.handle.write("\n]}\n")
