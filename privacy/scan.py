"""Search the warehouse for a person's identifiers: every text column of every table.

A value is looked for as given, lower-cased, and as the SHA-256 (hex) of either form, the way hashed
destinations (ad platforms) carry emails and phones. Long values are found inside longer text (JSON
records, free text); values shorter than six characters only as a whole column value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from privacy.raw_records import contains_condition
from privacy.warehouse import table_exists
from reverse_etl.sql import ident

TEXT_TYPES = ("VARCHAR", "JSON")
# The request log and tombstones hold salted hashes only; the scrub never touches them.
AUDIT_TABLES = frozenset(
    {
        ("main", "privacy_requests"),
        ("main", "privacy_request_steps"),
        ("privacy", "tombstones"),
        ("privacy", "tombstone_salt"),
    }
)


@dataclass(frozen=True)
class Finding:
    """`count` rows of `place` (e.g. `duckdb main.customer_profiles.primary_email`) hold a searched value."""

    place: str
    count: int


def search_forms(values: Iterable[str]) -> tuple[str, ...]:
    """Each value, its lower-case form and the SHA-256 hex of both, without repeats."""
    forms: dict[str, None] = {}
    for value in values:
        if not value:
            continue
        for form in (value, value.lower()):
            forms.setdefault(form, None)
            forms.setdefault(hashlib.sha256(form.encode()).hexdigest(), None)
    return tuple(forms)


def text_columns(
    con: duckdb.DuckDBPyConnection, *, include_views: bool = False
) -> dict[tuple[str, str], list[str]]:
    """(schema, table) -> text columns, for every table of the open warehouse."""
    kinds = "('BASE TABLE', 'VIEW')" if include_views else "('BASE TABLE')"
    rows = con.execute(
        f"""
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns c
        join information_schema.tables t
            on t.table_catalog = c.table_catalog and t.table_schema = c.table_schema
            and t.table_name = c.table_name
        where c.table_catalog = current_database() and t.table_type in {kinds}
            and (c.data_type in {TEXT_TYPES} or c.data_type like 'VARCHAR%' or c.data_type like '%[]'
                or c.data_type like 'STRUCT%' or c.data_type like 'MAP%')
        order by c.table_schema, c.table_name, c.ordinal_position
        """
    ).fetchall()
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        tables.setdefault((schema, table), []).append(column)
    return tables


def _column_text(column: str) -> str:
    return f"cast({ident(column)} as varchar)"


def scan_warehouse(con: duckdb.DuckDBPyConnection, values: Sequence[str]) -> list[Finding]:
    """Every (table, column) of the warehouse holding any search form of `values`, with row counts."""
    forms = search_forms(values)
    if not forms:
        return []
    findings: list[Finding] = []
    for (schema, table), columns in text_columns(con).items():
        counts = ", ".join(
            f"count(*) filter (where {contains_condition(_column_text(c), forms)})" for c in columns
        )
        row = con.execute(f"select {counts} from {ident(schema)}.{ident(table)}").fetchone()
        findings += [
            Finding(f"duckdb {schema}.{table}.{column}", count)
            for column, count in zip(columns, row, strict=True)
            if count
        ]
    return findings


def scrub_warehouse(
    con: duckdb.DuckDBPyConnection, values: Sequence[str], *, keep: Iterable[tuple[str, str]] = ()
) -> dict[str, int]:
    """Delete every row of every table holding any search form of `values` (except the audit tables and
    `keep`); return rows deleted per table. Catches what targeted deletes cannot know about: incremental
    models' history, reverse-ETL rejections, tables added later."""
    forms = search_forms(values)
    skip = AUDIT_TABLES | set(keep)
    deleted: dict[str, int] = {}
    if not forms:
        return deleted
    for (schema, table), columns in text_columns(con).items():
        if (schema, table) in skip:
            continue
        condition = " or ".join(contains_condition(_column_text(c), forms) for c in columns)
        count = con.execute(f"delete from {ident(schema)}.{ident(table)} where {condition}").fetchone()[0]
        if count:
            deleted[f"{schema}.{table}"] = count
    return deleted


def delete_record_links(con: duckdb.DuckDBPyConnection, identifiers: Sequence[tuple[str, str]]) -> int:
    """Delete the per-record links (`int_record_links`) of every record carrying one of `identifiers`.

    The links hold node ids, not text, so `scrub_warehouse` cannot find them, and they must go before the
    scrub erases the identifier rows that say which records they belong to. Left behind, a node id the
    erased identifiers gave up, once given to a new identifier, would link it to their old partners.
    """
    if not identifiers or not all(
        table_exists(con, "main", t) for t in ("int_record_links", "int_identifiers_unioned")
    ):
        return 0
    pairs = ", ".join("(?, ?)" for _ in identifiers)
    return con.execute(
        "delete from main.int_record_links as links where exists ("
        " select 1 from main.int_identifiers_unioned as ids"
        " where ids.source = links.source and ids.record_id = links.record_id"
        f" and (ids.identifier_type, ids.identifier_value) in (select * from (values {pairs})))",
        [part for pair in identifiers for part in pair],
    ).fetchone()[0]
