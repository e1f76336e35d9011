"""The privacy tables of the warehouse and how to open it.

Schema `privacy` holds what dbt does not build: the tombstone salt and tombstones, and the manual
suppression entries. The request log is in `main` (`privacy_requests`, `privacy_request_steps`) next to
the reverse-ETL logs, because operators read it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import duckdb

PRIVACY_DDL = (
    "create schema if not exists privacy",
    "create table if not exists privacy.tombstone_salt "
    "(salt varchar not null, created_at timestamp not null)",
    """
    create table if not exists privacy.tombstones (
        identifier_hash varchar primary key,
        identifier_type varchar not null,
        request_id varchar not null,
        created_at timestamp not null
    )
    """,
    """
    create table if not exists privacy.manual_suppressions (
        identifier_type varchar not null,
        identifier_value varchar not null,
        reason varchar,
        added_at timestamp,
        source_file varchar
    )
    """,
    """
    create table if not exists main.privacy_requests (
        request_id varchar primary key,
        request_type varchar not null,
        subject_hash varchar not null,
        requested_by varchar not null,
        requested_at timestamp not null,
        finished_at timestamp,
        status varchar not null,
        summary varchar
    )
    """,
    """
    create table if not exists main.privacy_request_steps (
        request_id varchar not null,
        step varchar not null,
        target varchar not null,
        status varchar not null,
        attempts integer not null default 1,
        detail varchar,
        finished_at timestamp not null
    )
    """,
)


def open_warehouse(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse; read-only when asked, unless this process already holds it open
    (dbt-duckdb run in-process keeps its own connection, and DuckDB refuses a second configuration)."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: warehouse not found (run `cdp run` or `cdp build` first)")
    if read_only:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.ConnectionException:
            pass
    return duckdb.connect(str(path))


def ensure_privacy_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the privacy schema and tables when missing (idempotent)."""
    for statement in PRIVACY_DDL:
        con.execute(statement)


def tombstone_salt(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's tombstone salt, created at random on first use and never changed afterwards
    (changing it would orphan every tombstone)."""
    ensure_privacy_tables(con)
    row = con.execute("select max(salt) from privacy.tombstone_salt").fetchone()
    if row and row[0]:
        return row[0]
    salt = secrets.token_hex(16)
    con.execute("insert into privacy.tombstone_salt values (?, current_timestamp)", [salt])
    return salt


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether `schema.name` is a table or view of the open warehouse."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ? "
        "and table_catalog = current_database()",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])
