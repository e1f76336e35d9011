"""The shared loader: read a file, validate rows set-based, land, quarantine and record it — atomically.

A source module declares its folder, the file extensions it takes, how to read a file and, per raw table, a
`Target`: which record path fills which raw column and which `Check`s a row must pass. Everything else —
the transaction, the manifest row, the quarantine, the counts — lives here so every source behaves alike.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import duckdb

from ingest import manifest, quarantine
from ingest.checks import Check
from ingest.errors import FileRejected
from ingest.files import DataFile, file_stamp, sha256_of, sniff
from ingest.readers import ROWS, ReadResult, drop_rows
from ingest.report import FileResult
from ingest.schema import RawTable
from ingest.sql import literal

_CHECKED = "_checked"


@dataclass(frozen=True)
class Field:
    """How one raw column is filled from a record.

    `path` is a JSONPath (`$.context.device.id`) or JSON pointer (`/Record ID`) into the record; None means
    the column is absent from this file and lands as NULL. `kind="json"` keeps the value as JSON; `kind="sql"`
    takes `sql`, an expression over the record column `record`.
    """

    column: str
    path: str | None = None
    kind: Literal["text", "json", "sql"] = "text"
    sql: str | None = None


@dataclass(frozen=True)
class Target:
    """One raw table a source lands into, the fields that fill it and the checks a row must pass."""

    table: RawTable
    fields: Sequence[Field]
    checks: Sequence[Check] = ()
    part: str | None = None  # for documents: only rows from this array key


@dataclass
class FileContext:
    """Per-file values stamped on every row."""

    file: DataFile
    load_id: str
    loaded_at: datetime
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedTarget:
    """A target's rows of one file, extracted and checked into the temp table `table`."""

    target: Target
    table: str
    total: int
    failed: int


@dataclass
class PreparedFile:
    """A file read and checked (`SourceLoader.prepare_file`), waiting to be landed on the same connection.

    `outcome` is `land` (rows in `checked`), `empty` (nothing to land) or `rejected` (the whole file goes
    to the quarantine with `reason`; `rows_read` records found before it was rejected).
    """

    ctx: FileContext
    sha256: str
    outcome: Literal["land", "empty", "rejected"] = "land"
    checked: list[CheckedTarget] = field(default_factory=list)
    reason: str | None = None
    rows_read: int = 0


class SourceLoader(ABC):
    """Base of every source module: subclasses set `source`, `extensions` and implement `read`, `targets`."""

    source: str
    extensions: tuple[str, ...]

    def accepts(self, file: DataFile) -> bool:
        """True for data files of this source (by extension, `.gz` allowed)."""
        return file.format_name.endswith(self.extensions)

    def is_binary_format(self, file: DataFile) -> bool:
        """True when the format is binary by design (Parquet), so NUL bytes are not a sign of a wrong file."""
        return False

    def is_companion(self, file: DataFile) -> bool:
        """True for files that belong to the folder but are not data (e.g. a custom source's mapping)."""
        return False

    def identity_paths(self, file: DataFile) -> tuple[Path, ...]:
        """The files whose bytes make up this file's identity: the file itself (and a custom mapping)."""
        return (file.path,)

    def file_identity(self, file: DataFile) -> str:
        """The sha256 that identifies this version of the file in the manifest."""
        return sha256_of(*self.identity_paths(file))

    def file_stamp(self, file: DataFile) -> str | None:
        """Size and modification time of the identity paths (`ingest.files.file_stamp`)."""
        return file_stamp(*self.identity_paths(file))

    def prepare(self, file: DataFile) -> None:  # noqa: B027 - an optional hook, a no-op by default
        """Raise `FileRejected` before reading when the file cannot be loaded (e.g. no mapping)."""

    @abstractmethod
    def read(self, con: duckdb.DuckDBPyConnection, ctx: FileContext) -> ReadResult:
        """Create the temp table `_rows` for the file (see `ingest.readers`)."""

    @abstractmethod
    def targets(self, read: ReadResult, ctx: FileContext) -> Sequence[Target]:
        """The raw tables to fill; may raise `FileRejected` (e.g. a required CSV column is missing)."""

    def load_file(
        self,
        con: duckdb.DuckDBPyConnection,
        file: DataFile,
        sha256: str,
        *,
        load_id: str,
        loaded_at: datetime,
    ) -> tuple[FileResult, list[str]]:
        """Load one file in one transaction; return its result and the warnings it raised."""
        return self.land_file(con, self.prepare_file(con, file, sha256, load_id=load_id, loaded_at=loaded_at))

    def prepare_file(
        self,
        con: duckdb.DuckDBPyConnection,
        file: DataFile,
        sha256: str,
        *,
        load_id: str,
        loaded_at: datetime,
    ) -> PreparedFile:
        """Read and check a file into temp tables of `con`, writing nothing to the warehouse.

        The first half of `load_file`: it only creates temp objects, so it may run on one connection while
        another connection lands (and commits) the previous file. `land_file` on the same connection
        finishes the file. A file that cannot be read comes back `rejected`, never as an exception.
        """
        ctx = FileContext(file, load_id, loaded_at)
        prepared = PreparedFile(ctx, sha256)
        first_look = sniff(file, binary_format=self.is_binary_format(file))
        try:
            if first_look.problem:
                raise FileRejected(first_look.problem)
            self.prepare(file)
            if first_look.is_empty:
                prepared.outcome = "empty"
                return prepared
            drop_rows(con)
            try:
                read = self.read(con, ctx)
            except duckdb.Error as exc:
                raise FileRejected(f"cannot read file: {_first_line(exc)}") from exc
            ctx.warnings += read.warnings
            try:
                targets = self.targets(read, ctx)
            except FileRejected:
                prepared.rows_read = con.execute(f"select count(*) from {ROWS}").fetchone()[0]
                raise
            for index, target in enumerate(targets):
                prepared.checked.append(_check(con, target, f"{_CHECKED}_{index}"))
            drop_rows(con)
            return prepared
        except FileRejected as rejected:
            return _rejected(con, prepared, rejected.reason)
        except duckdb.Error as exc:
            # Data that slipped past the readers' guards must still not stop the other files from loading.
            reason = f"could not load file: {_first_line(exc)}"
            ctx.warnings.append(reason)
            return _rejected(con, prepared, reason)
        except BaseException:
            _drop_quietly(con, prepared)
            raise

    def land_file(
        self, con: duckdb.DuckDBPyConnection, prepared: PreparedFile
    ) -> tuple[FileResult, list[str]]:
        """Write a prepared file in one transaction (rows, quarantine, manifest); drop its temp tables."""
        ctx, sha256 = prepared.ctx, prepared.sha256
        try:
            if prepared.outcome == "rejected":
                reason = prepared.reason or "rejected"
                return self._finish_quarantined(con, ctx, sha256, reason, prepared.rows_read), ctx.warnings
            # Every row of `_rows` belongs to exactly one target, so this is the number of records read.
            rows_read = sum(checked.total for checked in prepared.checked)
            if prepared.outcome == "empty" or rows_read == 0:
                return self._finish_empty(con, ctx, sha256), ctx.warnings
            return self._land_in_transaction(con, prepared, rows_read), ctx.warnings
        finally:
            _drop_quietly(con, prepared)

    def _land_in_transaction(
        self, con: duckdb.DuckDBPyConnection, prepared: PreparedFile, rows_read: int
    ) -> FileResult:
        ctx = prepared.ctx
        counted = 0  # a file that fails before all its rows are in counts none as read
        con.begin()
        try:
            for checked in prepared.checked:
                self._land(con, checked, ctx)
            counted = rows_read
            quarantined = sum(checked.failed for checked in prepared.checked)
            result = FileResult(
                self.source,
                ctx.file.rel_path,
                "loaded",
                rows_read,
                rows_read - quarantined,
                quarantined,
                _message(ctx.warnings),
            )
            manifest.record_file(
                con, ctx.file, prepared.sha256, result, load_id=ctx.load_id, loaded_at=ctx.loaded_at
            )
            con.commit()
            return result
        except duckdb.Error as exc:
            _rollback_quietly(con)
            reason = f"could not load file: {_first_line(exc)}"
            ctx.warnings.append(reason)
            return self._finish_quarantined(con, ctx, prepared.sha256, reason, counted)
        except BaseException:
            _rollback_quietly(con)
            raise

    def _land(self, con: duckdb.DuckDBPyConnection, checked: CheckedTarget, ctx: FileContext) -> None:
        target = checked.target
        columns = list(target.table.columns)
        column_list = ", ".join(
            f'"{c}"' for c in [*columns, "_record", "_file", "_row_number", "_loaded_at", "_load_id"]
        )
        select_list = ", ".join(f'"{c}"' for c in columns)
        con.execute(
            f"insert into {target.table.qualified_name} ({column_list}) "
            f"select {select_list}, record, ?, row_number, ?, ? from {checked.table} "
            "where _reason is null",
            [ctx.file.rel_path, ctx.loaded_at, ctx.load_id],
        )
        if checked.failed:
            prefix = f"{target.part}: " if target.part else ""
            quarantine.quarantine_rows(
                con, ctx.file, checked.table, reason_prefix=prefix, load_id=ctx.load_id, at=ctx.loaded_at
            )

    def _finish_empty(self, con: duckdb.DuckDBPyConnection, ctx: FileContext, sha256: str) -> FileResult:
        result = FileResult(self.source, ctx.file.rel_path, "empty", message=_message(ctx.warnings))
        with _transaction(con):
            manifest.record_file(con, ctx.file, sha256, result, load_id=ctx.load_id, loaded_at=ctx.loaded_at)
        return result

    def _finish_quarantined(
        self, con: duckdb.DuckDBPyConnection, ctx: FileContext, sha256: str, reason: str, rows_read: int
    ) -> FileResult:
        # The rows counted before the file was rejected are all quarantined (by this one file-level row).
        result = FileResult(self.source, ctx.file.rel_path, "quarantined", rows_read, 0, rows_read, reason)
        with _transaction(con):
            quarantine.quarantine_file(con, ctx.file, reason, load_id=ctx.load_id, at=ctx.loaded_at)
            manifest.record_file(con, ctx.file, sha256, result, load_id=ctx.load_id, loaded_at=ctx.loaded_at)
        return result


def _check(con: duckdb.DuckDBPyConnection, target: Target, table: str) -> CheckedTarget:
    """Materialise the target's rows of `_rows` with their columns and `_reason` into `table`."""
    con.execute(f"create or replace temp table {table} as {_checked_sql(target)}")
    try:
        total, failed = con.execute(f"select count(*), count(_reason) from {table}").fetchone()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"drop table if exists {table}")
        raise
    return CheckedTarget(target, table, total, failed)


def _rejected(con: duckdb.DuckDBPyConnection, prepared: PreparedFile, reason: str) -> PreparedFile:
    _drop_quietly(con, prepared)
    prepared.outcome, prepared.reason, prepared.checked = "rejected", reason, []
    return prepared


def _drop_quietly(con: duckdb.DuckDBPyConnection, prepared: PreparedFile) -> None:
    """Drop a file's temp objects; a failure here must not hide the file's outcome."""
    with contextlib.suppress(duckdb.Error):
        drop_rows(con)
        for checked in prepared.checked:
            con.execute(f"drop table if exists {checked.table}")


def _checked_sql(target: Target) -> str:
    """SELECT of the target's rows: raw columns extracted from `record`, plus `_reason` (NULL = lands)."""
    text_fields = [f for f in target.fields if f.kind == "text" and f.path is not None]
    json_fields = [f for f in target.fields if f.kind == "json" and f.path is not None]
    # One multi-path extraction per kind parses each record once instead of once per column.
    text_paths = ", ".join(literal(f.path) for f in text_fields)
    json_paths = ", ".join(literal(f.path) for f in json_fields)
    text_list = f"json_extract_string(record, [{text_paths}])" if text_fields else "null"
    json_list = f"json_extract(record, [{json_paths}])" if json_fields else "null"
    columns = []
    for f in target.fields:
        if f.kind == "sql":
            expr = f"case when record is not null then {f.sql} end"
        elif f.path is None:
            expr = "null::json" if f.kind == "json" else "null::varchar"
        elif f.kind == "json":
            expr = f"_json[{json_fields.index(f) + 1}]"
        else:
            expr = f"_text[{text_fields.index(f) + 1}]"
        columns.append(f'{expr} as "{f.column}"')
    where = f"where part = {literal(target.part)}" if target.part else ""
    checks = ", ".join(c.sql for c in target.checks) or "null"
    return f"""
        with source_rows as (select * from {ROWS} {where}),
        extracted as (
            select row_number, raw_text, record, parse_error,
                case when record is not null then {text_list} end as _text,
                case when record is not null then {json_list} end as _json
            from source_rows
        ),
        fields as (select row_number, raw_text, record, parse_error, {", ".join(columns)} from extracted)
        select *, coalesce(parse_error, nullif(concat_ws('; ', {checks}), '')) as _reason from fields
    """


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection):
    con.begin()
    try:
        yield
    except BaseException:
        _rollback_quietly(con)
        raise
    con.commit()


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        con.rollback()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _message(warnings: list[str]) -> str | None:
    return "; ".join(warnings) if warnings else None
