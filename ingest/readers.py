"""Readers: turn one file into the temp view `_rows`, one row per record, with DuckDB's scanners.

`_rows` columns: `row_number` (line in the file for JSONL and CSV, array index + 1 for JSON documents),
`raw_text` (the line or element as sent; NULL when it is the same text as `record`), `record` (the record
as a JSON object, typed JSON; NULL when it could not be parsed), `parse_error` (why not) and `part` (the
document's array key, e.g. `tickets`, else NULL). Blank lines are not records and do not appear. Shape
problems of the whole file raise `FileRejected`.

`_rows` is always a view: over the JSONL reader's `_lines`, or over `_rows_data` for the other formats, so
`drop_rows` knows what to drop without asking the catalog. Readers only create temp objects: they can run
on one connection while another commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.errors import FileRejected
from ingest.sql import json_pointer, literal

ROWS = "_rows"
_ROWS_DATA = "_rows_data"
_REJECTS, _REJECT_SCANS = "_tessera_rejects", "_tessera_reject_scans"
# A JSON or CSV line never contains a raw \x1f, so this reads each physical line as one text value.
_LINES_OPTIONS = (
    "columns={'line': 'VARCHAR'}, delim='\x1f', quote='', escape='', header=false, auto_detect=false"
)
_CSV_OPTIONS = "all_varchar=true, header=true, delim=',', quote='\"', escape='\"', skip=0"
_MAX_DOCUMENT_BYTES = 4_000_000_000
_DOCUMENT_MARGIN = 1 << 20
# DuckDB's rejected line text may start with the line breaks of blank lines before it.
_REJECTED_TEXT = "ltrim(any_value(csv_line), chr(13) || chr(10))"


@dataclass
class ReadResult:
    """What a reader learnt besides the rows: the header (tabular formats) and warnings."""

    columns: list[str] | None = None
    warnings: list[str] = field(default_factory=list)


def _with_rejects() -> str:
    return f"store_rejects=true, rejects_table='{_REJECTS}', rejects_scan='{_REJECT_SCANS}'"


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {_REJECTS}")
    con.execute(f"drop table if exists {_REJECT_SCANS}")


def _reject_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select count(distinct line) from {_REJECTS}").fetchone()[0]


def read_jsonl(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    """JSON Lines: every non-blank line is a record; invalid JSON or a non-object is a parse error.

    Lines DuckDB cannot decode (invalid UTF-8, over-long) come back in the rejects table with their line
    number; accepted lines are then renumbered around them so row numbers stay physical line numbers.
    """
    _drop_rejects(con)
    con.execute(
        "create or replace temp table _lines as select row_number() over () as k, line "
        f"from read_csv({literal(str(path))}, {_LINES_OPTIONS}, {_with_rejects()})"
    )
    if _reject_count(con):
        _renumber_around_rejects(con)
    # A view, not a copy: the lines are already materialised once; they are parsed when checked.
    # The cast to JSON validates a line (and is the type `_record` needs, so landing does not parse it
    # again); a valid document that starts with `{` is an object, other valid lines are classified by
    # `json_type`. `ltrim(line) <> ''` tests for blank lines like `trim` would, without `trim`'s scan of
    # the whole line for trailing spaces.
    con.execute(
        f"""
        create or replace temp view {ROWS} as
        with documents as (
            select k as row_number, line, try_cast(line as json) as doc from _lines where ltrim(line) <> ''
        ),
        parsed as (
            select row_number, line, doc,
                case when doc is null then null when starts_with(line, '{{') then 'OBJECT' else json_type(doc)
                end as kind
            from documents
        )
        select row_number,
            case when kind is distinct from 'OBJECT' then line end as raw_text,
            case when kind = 'OBJECT' then doc end as record,
            case when kind is null then 'invalid JSON'
                when kind <> 'OBJECT' then 'line is a JSON ' || lower(kind) || ', not an object'
            end as parse_error,
            null::varchar as part
        from parsed
        union all
        select line, {_REJECTED_TEXT}, null, 'unreadable line: ' || arg_min(error_message, column_idx), null
        from {_REJECTS} group by line
        """
    )
    return ReadResult()


def drop_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the view `_rows` and the table behind it (`_lines` or `_rows_data`)."""
    con.execute(f"drop view if exists {ROWS}")
    con.execute(f"drop table if exists {_ROWS_DATA}")
    con.execute("drop table if exists _lines")


def _publish_rows(con: duckdb.DuckDBPyConnection, select_sql: str) -> None:
    """Materialise `select_sql` (the `_rows` columns) as `_rows_data` and expose it as the view `_rows`."""
    con.execute(f"create or replace temp table {_ROWS_DATA} as {select_sql}")
    con.execute(f"create or replace temp view {ROWS} as select * from {_ROWS_DATA}")


def _renumber_around_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite `_lines.k` from "k-th accepted line" to its physical line number, skipping rejected lines."""
    con.execute(
        f"""
        create or replace temp table _line_map as
        with rejected as (select distinct line from {_REJECTS}),
        numbers as (
            select range + 1 as lno
            from range((select count(*) from _lines) + (select count(*) from rejected))
        )
        select row_number() over (order by lno) as k, lno from numbers
        where lno not in (select line from rejected)
        """
    )
    con.execute(
        "create or replace temp table _lines as "
        "select m.lno as k, l.line from _lines as l join _line_map as m using (k)"
    )
    con.execute("drop table _line_map")


def csv_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """The header of a CSV file as DuckDB reads it."""
    # Bad rows must not stop the sniffer from reading the header; they are rejected (and kept) later.
    scan = f"read_csv({literal(str(path))}, {_CSV_OPTIONS}, ignore_errors=true)"
    rows = con.execute(f"describe select * from {scan}").fetchall()
    return [row[0] for row in rows]


def read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    """CSV with a header: each data row becomes a JSON object keyed by the original headers.

    Rows with missing or extra columns (or undecodable bytes) come back from DuckDB's rejects table and
    become parse errors carrying the raw line. `row_number` is the physical line (header = line 1), found
    by matching accepted rows to the non-blank, non-rejected lines; when quoted values span lines that
    match is impossible, so rows are numbered as records instead and a warning says so.
    """
    result = ReadResult(columns=csv_columns(con, path))
    _drop_rejects(con)
    con.execute(
        "create or replace temp table _csv_ok as select row_number() over () as k, "
        "to_json(__tessera_row) as record "
        f"from read_csv({literal(str(path))}, {_CSV_OPTIONS}, {_with_rejects()}) as __tessera_row"
    )
    accepted = con.execute("select count(*) from _csv_ok").fetchone()[0]
    if not _map_csv_lines_exactly(con, path, accepted):
        result.warnings.append("quoted values span several lines: row numbers count records, not lines")
        con.execute(
            f"""
            create or replace temp table _csv_map as
            with slots as (
                select range as lno from range(2, 2 + {accepted} + (select count(*) from {_REJECTS}))
                where range not in (select line from {_REJECTS})
            )
            select row_number() over (order by lno) as k, lno, null::varchar as line from slots
            """
        )
    _publish_rows(
        con,
        f"""
        select m.lno as row_number, coalesce(m.line, o.record::varchar) as raw_text, o.record,
            null::varchar as parse_error, null::varchar as part
        from _csv_ok o join _csv_map m using (k)
        union all
        select line, {_REJECTED_TEXT}, null,
            'malformed CSV row (' || lower(arg_min(error_type::varchar, column_idx)) || '): '
                || arg_min(error_message, column_idx),
            null
        from {_REJECTS} group by line
        order by row_number
        """,
    )
    for table in ("_csv_ok", "_csv_map"):
        con.execute(f"drop table {table}")
    return result


def _map_csv_lines_exactly(con: duckdb.DuckDBPyConnection, path: Path, accepted: int) -> bool:
    """Build `_csv_map(k, lno, line)` from physical lines; False when lines and records do not match."""
    try:
        con.execute(
            f"""
            create or replace temp table _csv_map as
            with lines as (
                select row_number() over () as lno, line from read_csv({literal(str(path))}, {_LINES_OPTIONS})
            )
            select row_number() over (order by lno) as k, lno, line from lines
            where lno > 1 and ltrim(line) <> ''
                and lno not in (select line from {_REJECTS})
            """
        )
    except duckdb.Error:
        return False  # e.g. undecodable bytes: DuckDB's CSV reader rejected that row, the line reader cannot
    return con.execute("select count(*) from _csv_map").fetchone()[0] == accepted


def _document_buffer_bytes(path: Path) -> int:
    """The largest object DuckDB must accept to read `path` as one document: its (uncompressed) size.

    DuckDB reserves a buffer of about twice this size, so a fixed 4 GB maximum would not fit a 4 GB memory
    limit even for a small file. A gzip file's uncompressed size is its trailer's ISIZE (modulo 2**32).
    """
    size = path.stat().st_size
    if path.name.endswith(".gz") and size >= 4:
        with path.open("rb") as handle:
            handle.seek(-4, 2)
            size = max(size, int.from_bytes(handle.read(4), "little"))
    return min(_MAX_DOCUMENT_BYTES, size + _DOCUMENT_MARGIN)


def read_document(
    con: duckdb.DuckDBPyConnection, path: Path, keys: Sequence[str], *, top_level_array: bool = False
) -> ReadResult:
    """A JSON document `{"<key>": [...], ...}` (or a top-level array): one row per array element.

    At least one of `keys` must hold an array; a key that is absent gives a warning when others exist.
    """
    con.execute(
        "create or replace temp table _doc as select json from read_json_objects("
        f"{literal(str(path))}, format='unstructured', maximum_object_size={_document_buffer_bytes(path)})"
    )
    values = con.execute("select count(*), any_value(json_type(json)) from _doc").fetchone()
    result = ReadResult()
    if values[0] == 0:
        _empty_rows(con)
        return result
    if values[0] > 1:
        raise FileRejected(f"expected one JSON document, found {values[0]} top-level values")
    expected = (
        "an array" if top_level_array else "an object like {" + ", ".join(f'"{k}": [...]' for k in keys) + "}"
    )
    wanted_type = "ARRAY" if top_level_array else "OBJECT"
    if values[1] != wanted_type:
        raise FileRejected(f"document is a JSON {values[1].lower()}, expected {expected}")
    selects = []
    if top_level_array:
        selects.append(_elements_sql("json", None))
    else:
        present = []
        for key in keys:
            kind = con.execute(f"select json_type(json, {literal(json_pointer(key))}) from _doc").fetchone()[
                0
            ]
            if kind is None:
                continue
            if kind != "ARRAY":
                raise FileRejected(f"'{key}' is a JSON {kind.lower()}, expected an array")
            present.append(key)
            selects.append(_elements_sql(f"json_extract(json, {literal(json_pointer(key))})", key))
        if not present:
            found = con.execute("select json_keys(json) from _doc").fetchone()[0]
            shown = ", ".join(f"'{k}'" for k in found[:20]) or "none"
            wanted = " or ".join(f"'{k}'" for k in keys)
            raise FileRejected(f"document has no {wanted} array (keys found: {shown})")
        result.warnings += [f"document has no '{k}' array" for k in keys if k not in present]
    _publish_rows(con, " union all ".join(selects) + " order by part, row_number")
    con.execute("drop table _doc")
    return result


def _elements_sql(array_sql: str, part: str | None) -> str:
    part_sql = literal(part) if part is not None else "null::varchar"
    return f"""
        select idx as row_number,
            case when kind <> 'OBJECT' then coalesce(elem::varchar, 'null') end as raw_text,
            case when kind = 'OBJECT' then elem end as record,
            case when kind <> 'OBJECT' then 'element is a JSON ' || lower(kind) || ', not an object' end
                as parse_error,
            {part_sql} as part
        from (
            -- a JSON null element comes out of the list as SQL NULL
            select elem, idx, coalesce(json_type(elem), 'NULL') as kind
            from (
                select unnest(elems) as elem, unnest(range(1, len(elems) + 1)) as idx
                from (select cast({array_sql} as json[]) as elems from _doc)
            )
        )
    """


def _empty_rows(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"create or replace temp table {_ROWS_DATA} (row_number bigint, raw_text varchar, record json, "
        "parse_error varchar, part varchar)"
    )
    con.execute(f"create or replace temp view {ROWS} as select * from {_ROWS_DATA}")


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Column names of a Parquet file."""
    return [
        row[0] for row in con.execute(f"describe select * from read_parquet({literal(str(path))})").fetchall()
    ]


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    """Parquet: each row becomes a JSON object of its columns (typed values rendered by `to_json`)."""
    result = ReadResult(columns=parquet_columns(con, path))
    _publish_rows(
        con,
        f"""
        select row_number() over () as row_number, null::varchar as raw_text,
            to_json(__tessera_row) as record, null::varchar as parse_error, null::varchar as part
        from read_parquet({literal(str(path))}) as __tessera_row
        """,
    )
    return result
