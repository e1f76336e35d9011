"""Base for sources sent as JSON Lines with a fixed set of fields."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from ingest.base import FileContext, SourceLoader, Target
from ingest.readers import ReadResult, read_jsonl


class JsonlLoader(SourceLoader):
    """A JSONL source: subclasses set `target`."""

    extensions = (".jsonl", ".ndjson")
    target: Target

    def read(self, con: duckdb.DuckDBPyConnection, ctx: FileContext) -> ReadResult:
        return read_jsonl(con, ctx.file.path)

    def targets(self, read: ReadResult, ctx: FileContext) -> Sequence[Target]:
        return [self.target]
