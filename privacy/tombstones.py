"""Tombstones: salted SHA-256 hashes of a forgotten person's identifiers.

A tombstone is `sha256("<salt>:<identifier type>:<normalised value>")` in hex, the same expression the
staging macro `not_tombstoned` computes in SQL, so staging drops any reloaded row carrying the identifier.
The warehouse keeps no identifier in clear text: a hash can only be matched by someone who already knows
the value (and the salt).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import duckdb

from privacy.warehouse import ensure_privacy_tables, tombstone_salt


def identifier_hash(salt: str, identifier_type: str, value: str) -> str:
    """The tombstone hash of one normalised identifier."""
    return hashlib.sha256(f"{salt}:{identifier_type}:{value}".encode()).hexdigest()


def add_tombstones(
    con: duckdb.DuckDBPyConnection, request_id: str, identifiers: Iterable[tuple[str, str]]
) -> int:
    """Record tombstones for `(identifier_type, value)` pairs; return how many were new."""
    ensure_privacy_tables(con)
    salt = tombstone_salt(con)
    rows = sorted({(identifier_hash(salt, t, v), t) for t, v in identifiers})
    if not rows:
        return 0
    before = con.execute("select count(*) from privacy.tombstones").fetchone()[0]
    con.executemany(
        "insert into privacy.tombstones values (?, ?, ?, current_timestamp) on conflict do nothing",
        [(h, t, request_id) for h, t in rows],
    )
    return con.execute("select count(*) from privacy.tombstones").fetchone()[0] - before


def is_tombstoned(con: duckdb.DuckDBPyConnection, identifier_type: str, value: str) -> bool:
    """Whether a normalised identifier has been forgotten."""
    ensure_privacy_tables(con)
    digest = identifier_hash(tombstone_salt(con), identifier_type, value)
    row = con.execute(
        "select count(*) from privacy.tombstones where identifier_hash = ?", [digest]
    ).fetchone()
    return bool(row[0])


def subject_hash(con: duckdb.DuckDBPyConnection, identifier: str) -> str:
    """Salted hash of the identifier a request was made for, to audit requests without keeping it."""
    return identifier_hash(tombstone_salt(con), "request", identifier.strip().lower())
