"""Base for sources sent as CSV with a header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import duckdb

from ingest.base import FileContext, SourceLoader, Target
from ingest.checks import Check
from ingest.columns import header_fields
from ingest.readers import ReadResult, read_csv
from ingest.schema import RawTable


class CsvLoader(SourceLoader):
    """A CSV source.

    Subclasses set `table`, `header` (raw column -> CSV header), `required_columns` and `checks`.
    """

    extensions = (".csv",)
    table: RawTable
    header: ClassVar[Mapping[str, str]]
    required_columns: frozenset[str]
    #: Headers picked up when present and not warned about when absent.
    quiet_columns: frozenset[str] = frozenset()
    checks: Sequence[Check]

    def read(self, con: duckdb.DuckDBPyConnection, ctx: FileContext) -> ReadResult:
        return read_csv(con, ctx.file.path)

    def targets(self, read: ReadResult, ctx: FileContext) -> Sequence[Target]:
        fields = header_fields(
            read.columns or [], self.header, self.required_columns, ctx, self.quiet_columns
        )
        return [Target(self.table, fields, self.checks)]
