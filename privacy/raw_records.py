"""A person's raw rows: found through the `privacy_raw_identifiers` view, read for export, deleted on forget.

A raw row is identified by (`_file`, `_load_id`, `_row_number`) within its raw table. The view normalises
identifiers exactly as staging does, so a row is found whatever form the source sent the value in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from ingest.schema import QUARANTINE_TABLE, RAW_TABLES
from privacy.warehouse import open_warehouse, table_exists
from reverse_etl.sql import literal

INDEX_VIEW = ("main", "privacy_raw_identifiers")
# Shorter values (a zendesk id "42") would match unrelated text; they are matched only as whole values.
MIN_CONTAINS_LENGTH = 6
# Tokens of quarantined text that could be identifiers (emails, E.164 phones, ids, uuids).
TOKEN_PATTERN = r"[A-Za-z0-9._%+@\-]{4,}"
IDENTIFIER_TYPES = (
    "email", "phone", "user_id", "anonymous_id", "device_id", "crm_id", "shopify_customer_id",
    "loyalty_id", "zendesk_user_id",
)  # fmt: skip


class PrivacyIndexMissing(RuntimeError):
    """The warehouse has no `privacy_raw_identifiers` view (the project was never built)."""


def _load_identifiers(con: duckdb.DuckDBPyConnection, identifiers: Iterable[tuple[str, str]]) -> None:
    con.execute(
        "create or replace temp table _privacy_subject_ids "
        "(identifier_type varchar, identifier_value varchar)"
    )
    rows = sorted(set(identifiers))
    if rows:
        con.executemany("insert into _privacy_subject_ids values (?, ?)", rows)


def _mark_rows(con: duckdb.DuckDBPyConnection, identifiers: Iterable[tuple[str, str]]) -> None:
    """Fill temp table `_privacy_subject_rows` with the raw rows carrying any of the identifiers."""
    if not table_exists(con, *INDEX_VIEW):
        raise PrivacyIndexMissing(
            "the warehouse has no privacy_raw_identifiers view: build the project first (`cdp build`)"
        )
    _load_identifiers(con, identifiers)
    con.execute(
        "create or replace temp table _privacy_subject_rows as "
        "select distinct p.raw_table, p._file, p._load_id, p._row_number "
        "from main.privacy_raw_identifiers p "
        "join _privacy_subject_ids s using (identifier_type, identifier_value)"
    )


def _row_match(table: str) -> str:
    return (
        "exists (select 1 from _privacy_subject_rows r "
        f"where r.raw_table = '{table}' and r._file = t._file and r._load_id = t._load_id "
        "and r._row_number = t._row_number)"
    )


def raw_records(
    con: duckdb.DuckDBPyConnection, identifiers: Iterable[tuple[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    """Every raw row carrying any of the identifiers, per raw table: the record as sent and its origin."""
    _mark_rows(con, identifiers)
    found: dict[str, list[dict[str, Any]]] = {}
    for name in RAW_TABLES:
        if not table_exists(con, "raw", name):
            continue
        rows = con.execute(
            f"select _file, _row_number, _loaded_at, _load_id, cast(_record as varchar) from raw.{name} t "
            f"where {_row_match(name)} order by _file, _row_number"
        ).fetchall()
        if rows:
            found[name] = [
                {
                    "file": file,
                    "row_number": row_number,
                    "loaded_at": loaded_at.isoformat() if loaded_at else None,
                    "load_id": load_id,
                    "record": json.loads(record) if record else None,
                }
                for file, row_number, loaded_at, load_id, record in rows
            ]
    return found


def delete_raw_rows(con: duckdb.DuckDBPyConnection, identifiers: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Delete every raw row carrying any of the identifiers; return rows deleted per raw table."""
    _mark_rows(con, identifiers)
    deleted: dict[str, int] = {}
    for name in RAW_TABLES:
        if not table_exists(con, "raw", name):
            continue
        count = con.execute(f"delete from raw.{name} t where {_row_match(name)}").fetchone()[0]
        if count:
            deleted[name] = count
    return deleted


def contains_condition(column_sql: str, needles: Sequence[str]) -> str:
    """SQL: the lower-cased text of `column_sql` equals a short needle or contains a long one."""
    lowered = sorted({n.lower() for n in needles if n})
    short = [n for n in lowered if len(n) < MIN_CONTAINS_LENGTH]
    long_ = [n for n in lowered if len(n) >= MIN_CONTAINS_LENGTH]
    parts = []
    if short:
        parts.append(f"lower({column_sql}) in ({', '.join(literal(n) for n in short)})")
    if long_:
        # One regular expression scans the text once, however many values are searched.
        pattern = "|".join(re.escape(n) for n in long_)
        parts.append(f"regexp_matches(lower({column_sql}), {literal(pattern)})")
    return "(" + " or ".join(parts) + ")" if parts else "false"


def delete_quarantined(con: duckdb.DuckDBPyConnection, needles: Sequence[str]) -> int:
    """Delete quarantined rows whose text holds any of the values (quarantine keeps rows as raw text)."""
    if not table_exists(con, "raw", QUARANTINE_TABLE.name) or not needles:
        return 0
    condition = contains_condition("raw_text", needles)
    return con.execute(f"delete from {QUARANTINE_TABLE.qualified_name} where {condition}").fetchone()[0]


def delete_tombstoned_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Delete raw rows carrying any tombstoned identifier, and quarantined rows holding a tombstoned
    email; return rows deleted per table. Run after every load so files delivered again after a forget
    do not even land (staging would filter them out, but the raw layer would still hold them)."""
    if not table_exists(con, "privacy", "tombstones") or not table_exists(con, *INDEX_VIEW):
        return {}
    if not con.execute("select count(*) from privacy.tombstones").fetchone()[0]:
        return {}
    con.execute(
        "create or replace temp table _privacy_subject_rows as "
        "select distinct p.raw_table, p._file, p._load_id, p._row_number "
        "from main.privacy_raw_identifiers p "
        "where sha256((select max(salt) from privacy.tombstone_salt) || ':' || p.identifier_type || ':' "
        "|| p.identifier_value) in (select identifier_hash from privacy.tombstones)"
    )
    deleted: dict[str, int] = {}
    for name in RAW_TABLES:
        if table_exists(con, "raw", name):
            count = con.execute(f"delete from raw.{name} t where {_row_match(name)}").fetchone()[0]
            if count:
                deleted[name] = count
    if table_exists(con, "raw", QUARANTINE_TABLE.name):
        # Quarantined rows are unparsed text: every token that could be an identifier is hashed under
        # every identifier type (as sent and lower-cased) and compared with the tombstones.
        count = con.execute(
            f"""
            delete from {QUARANTINE_TABLE.qualified_name} q
            where exists (
                select 1
                from unnest(regexp_extract_all(q.raw_text, '{TOKEN_PATTERN}')) as found(token)
                cross join unnest(?) as kinds(identifier_type)
                cross join unnest([found.token, lower(found.token)]) as forms(value)
                where sha256((select max(salt) from privacy.tombstone_salt) || ':' || kinds.identifier_type
                    || ':' || forms.value) in (select identifier_hash from privacy.tombstones)
            )
            """,
            [list(IDENTIFIER_TYPES)],
        ).fetchone()[0]
        if count:
            deleted[QUARANTINE_TABLE.name] = count
    return deleted


def purge_tombstoned(db_path: Path) -> dict[str, int]:
    """`delete_tombstoned_rows` on the warehouse at `db_path` (for `cdp load` to call after landing)."""
    if not Path(db_path).is_file():
        return {}
    con = open_warehouse(Path(db_path))
    try:
        return delete_tombstoned_rows(con)
    finally:
        con.close()
