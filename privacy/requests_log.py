"""The privacy request log: `privacy_requests` (one row per request) and `privacy_request_steps`.

A request is logged under a salted hash of the identifier it was made for, never the identifier, so the
log proves what was done without keeping the data. Step details must be masked before they get here.
"""

from __future__ import annotations

import getpass
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from privacy.tombstones import subject_hash
from privacy.warehouse import ensure_privacy_tables


@dataclass(frozen=True)
class StepRecord:
    """One logged step of a request."""

    step: str
    target: str
    status: str
    attempts: int = 1
    detail: str | None = None


def requester() -> str:
    """Who is running the request: `TESSERA_PRIVACY_REQUESTED_BY`, else the operating-system user."""
    explicit = os.environ.get("TESSERA_PRIVACY_REQUESTED_BY")
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def start_request(
    con: duckdb.DuckDBPyConnection, request_type: str, identifier: str, requested_by: str | None = None
) -> str:
    """Log a new request as `running`; return its id."""
    ensure_privacy_tables(con)
    request_id = datetime.now(UTC).strftime("pr_%Y%m%dT%H%M%S_") + uuid.uuid4().hex[:8]
    con.execute(
        "insert into main.privacy_requests values (?, ?, ?, ?, current_timestamp, null, 'running', null)",
        [request_id, request_type, subject_hash(con, identifier), requested_by or requester()],
    )
    return request_id


def log_step(con: duckdb.DuckDBPyConnection, request_id: str, step: StepRecord) -> None:
    """Append a step's outcome."""
    con.execute(
        "insert into main.privacy_request_steps values (?, ?, ?, ?, ?, ?, current_timestamp)",
        [request_id, step.step, step.target, step.status, step.attempts, step.detail],
    )


def finish_request(con: duckdb.DuckDBPyConnection, request_id: str, status: str, summary: str) -> None:
    """Close a request with its final status (`done`, `incomplete` or `failed`) and a masked summary."""
    con.execute(
        "update main.privacy_requests set status = ?, summary = ?, finished_at = current_timestamp "
        "where request_id = ?",
        [status, summary, request_id],
    )


def request_steps(con: duckdb.DuckDBPyConnection, request_id: str) -> list[StepRecord]:
    """The steps logged for a request, in order."""
    rows = con.execute(
        "select step, target, status, attempts, detail from main.privacy_request_steps "
        "where request_id = ? order by finished_at, step, target",
        [request_id],
    ).fetchall()
    return [StepRecord(*row) for row in rows]
