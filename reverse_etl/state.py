"""Reverse-ETL state in the warehouse: `sync_state`, `sync_runs`, `sync_rejections` (schema `main`).

The warehouse is opened only for short transactions (planning, one checkpoint per acknowledged batch, the
run's start and end) so no write connection stays open while a destination is being waited on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from reverse_etl.sql import plan_rows

STATE_DDL = (
    """
    create table if not exists main.sync_state (
        sync_name varchar not null,
        record_key varchar not null,
        row_hash ubigint not null,
        delivered_at timestamp not null,
        removal_handle varchar
    )
    """,
    "alter table main.sync_state add column if not exists removal_handle varchar",
    """
    create table if not exists main.sync_runs (
        run_id varchar primary key,
        sync_name varchar not null,
        started_at timestamp not null,
        finished_at timestamp,
        status varchar not null,
        rows_planned bigint not null default 0,
        rows_added bigint not null default 0,
        rows_changed bigint not null default 0,
        rows_removed bigint not null default 0,
        rows_failed bigint not null default 0,
        error varchar,
        mode varchar,
        destination_type varchar,
        full_resync boolean default false,
        warnings varchar
    )
    """,
    """
    create table if not exists main.sync_rejections (
        sync_name varchar not null,
        run_id varchar not null,
        record_key varchar not null,
        reason varchar not null,
        rejected_at timestamp not null,
        resolved_at timestamp
    )
    """,
)

# One root connection per warehouse file while any sync of this process uses it; sessions take cursors
# from it (DuckDB's own instance cache races when threads connect to one file at the same moment).
_roots: dict[str, tuple[duckdb.DuckDBPyConnection, int]] = {}
_roots_lock = threading.Lock()


def _acquire(db_path: Path) -> duckdb.DuckDBPyConnection:
    key = str(Path(db_path).resolve())
    with _roots_lock:
        root, users = _roots.get(key, (None, 0))
        if root is None:
            root = duckdb.connect(key)
        _roots[key] = (root, users + 1)
        return root.cursor()


def _release(db_path: Path, cursor: duckdb.DuckDBPyConnection) -> None:
    key = str(Path(db_path).resolve())
    with _roots_lock:
        cursor.close()
        root, users = _roots[key]
        if users <= 1:
            root.close()
            del _roots[key]
        else:
            _roots[key] = (root, users - 1)


@contextmanager
def warehouse(db_path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the warehouse, closed on exit."""
    if read_only:
        if not Path(db_path).exists():
            raise FileNotFoundError(f"warehouse {db_path} does not exist; run `cdp build` first")
        conn = duckdb.connect(str(db_path), read_only=True)
        try:
            yield conn
        finally:
            conn.close()
        return
    cursor = _acquire(db_path)
    try:
        yield cursor
    finally:
        _release(db_path, cursor)


class StateSession:
    """The warehouse connection of one run, opened on demand and released while destinations are slow.

    Opening a DuckDB file costs tens of milliseconds, too much to pay per batch of a large sync, but the
    file is locked against other processes while any connection is open. The runner therefore keeps the
    connection only while batches flow quickly and releases it before waiting on a destination.
    Connections of concurrent syncs in one process share one DuckDB instance, and each sync writes only
    its own rows, so they do not conflict.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    @property
    def conn(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._conn is None:
                self._conn = _acquire(self.db_path)
            return self._conn

    def release(self) -> None:
        with self._lock:
            if self._conn is not None:
                _release(self.db_path, self._conn)
                self._conn = None


_ddl_lock = threading.Lock()


def ensure_state_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the state tables if they are missing (serialised: concurrent DDL conflicts in DuckDB)."""
    with _ddl_lock:
        for ddl in STATE_DDL:
            conn.execute(ddl)


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    # duckdb_tables()/duckdb_views() answer in microseconds where information_schema takes ~0.1 s.
    row = conn.execute(
        "select count(*) from (select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() "
        "union all select schema_name, view_name from duckdb_views() "
        "where database_name = current_database()) where schema_name = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class SyncRunRow:
    """One row of `sync_runs`."""

    run_id: str
    sync_name: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    rows_planned: int
    rows_added: int
    rows_changed: int
    rows_removed: int
    rows_failed: int
    error: str | None


@dataclass(frozen=True)
class RejectionRow:
    """One row of `sync_rejections`."""

    sync_name: str
    run_id: str
    record_key: str
    reason: str
    rejected_at: datetime
    resolved_at: datetime | None


def start_run(
    conn: duckdb.DuckDBPyConnection, run_id: str, sync_name: str, mode: str, dest: str, full: bool
) -> None:
    """Log a run as `running`; runs of this sync still `running` were killed and become `interrupted`."""
    conn.execute(
        "update main.sync_runs set status = 'interrupted', finished_at = coalesce(finished_at, now()), "
        "error = coalesce(error, "
        "'the process stopped before the run finished; its acknowledged batches were kept') "
        "where sync_name = ? and status = 'running'",
        [sync_name],
    )
    conn.execute(
        "insert into main.sync_runs "
        "(run_id, sync_name, started_at, status, mode, destination_type, full_resync) "
        "values (?, ?, now(), 'running', ?, ?, ?)",
        [run_id, sync_name, mode, dest, full],
    )


def set_planned(
    conn: duckdb.DuckDBPyConnection, run_id: str, rows_planned: int, warnings: Sequence[str]
) -> None:
    conn.execute(
        "update main.sync_runs set rows_planned = ?, warnings = ? where run_id = ?",
        [rows_planned, "; ".join(warnings) or None, run_id],
    )


def finish_run(conn: duckdb.DuckDBPyConnection, run_id: str, status: str, error: str | None) -> None:
    conn.execute(
        "update main.sync_runs set status = ?, error = ?, finished_at = now() where run_id = ?",
        [status, error, run_id],
    )


def checkpoint_batch(
    conn: duckdb.DuckDBPyConnection,
    *,
    sync_name: str,
    run_id: str,
    plan_path: Path,
    seq_range: tuple[int, int],
    rejected: dict[str, str],
    handles: dict[str, str] | None = None,
) -> dict[str, int]:
    """Commit what the destination acknowledged for one batch, in one transaction.

    Acknowledged upserts take their new row hash, acknowledged removals leave the state, rejections are
    logged (and retried next run because the state does not move), and the run's counters advance.
    `sync_state` has no primary key (DuckDB's index makes bulk upserts ~3x slower); a key is unique
    because it is always deleted before it is inserted, in the same transaction. Returns the counts of
    acknowledged adds, changes and removes.
    """
    lo, hi = seq_range
    rejected_keys = list(rejected)
    plan = plan_rows("?")
    acked = f"select * from {plan} where seq between ? and ? and not list_contains(?::varchar[], record_key)"
    conn.execute("begin transaction")
    try:
        counts = dict.fromkeys(("add", "change", "remove"), 0)
        counts |= dict(
            conn.execute(
                f"select change_kind, count(*) from ({acked}) group by 1",
                [str(plan_path), lo, hi, rejected_keys],
            ).fetchall()
        )
        conn.execute(
            "delete from main.sync_state where sync_name = ? and record_key in "
            f"(select record_key from ({acked}))",
            [sync_name, str(plan_path), lo, hi, rejected_keys],
        )
        conn.execute(
            "insert into main.sync_state (sync_name, record_key, row_hash, delivered_at) "
            f"select ?, record_key, row_hash, now() from ({acked}) where change_kind <> 'remove'",
            [sync_name, str(plan_path), lo, hi, rejected_keys],
        )
        if handles:
            conn.execute(
                "update main.sync_state set removal_handle = h.handle from "
                "(select unnest(?::varchar[]) as record_key, unnest(?::varchar[]) as handle) as h "
                "where sync_state.sync_name = ? and sync_state.record_key = h.record_key",
                [list(handles), list(handles.values()), sync_name],
            )
        conn.execute(
            "update main.sync_rejections set resolved_at = now() where sync_name = ? and resolved_at is null "
            f"and record_key in (select record_key from ({acked}))",
            [sync_name, str(plan_path), lo, hi, rejected_keys],
        )
        if rejected:
            conn.executemany(
                "insert into main.sync_rejections (sync_name, run_id, record_key, reason, rejected_at) "
                "values (?, ?, ?, ?, now())",
                [[sync_name, run_id, key, reason] for key, reason in rejected.items()],
            )
        conn.execute(
            "update main.sync_runs set rows_added = rows_added + ?, rows_changed = rows_changed + ?, "
            "rows_removed = rows_removed + ?, rows_failed = rows_failed + ? where run_id = ?",
            [counts["add"], counts["change"], counts["remove"], len(rejected), run_id],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return counts


def sync_status(db_path: Path, limit: int = 20) -> list[SyncRunRow]:
    """The latest runs, newest first (empty when no sync ever ran)."""
    with warehouse(db_path, read_only=True) as conn:
        if not table_exists(conn, "main", "sync_runs"):
            return []
        rows = conn.execute(
            "select run_id, sync_name, started_at, finished_at, status, rows_planned, "
            "rows_added, rows_changed, "
            "rows_removed, rows_failed, error from main.sync_runs "
            "order by started_at desc, run_id desc limit ?",
            [limit],
        ).fetchall()
    return [SyncRunRow(*row) for row in rows]


def sync_rejections(
    db_path: Path, name: str, limit: int = 100, *, include_resolved: bool = False
) -> list[RejectionRow]:
    """Rejected records of a sync, newest first; by default only those not delivered since."""
    with warehouse(db_path, read_only=True) as conn:
        if not table_exists(conn, "main", "sync_rejections"):
            return []
        rows = conn.execute(
            "select sync_name, run_id, record_key, reason, rejected_at, resolved_at "
            "from main.sync_rejections "
            "where sync_name = ? and (? or resolved_at is null) "
            "order by rejected_at desc, record_key limit ?",
            [name, include_resolved, limit],
        ).fetchall()
    return [RejectionRow(*row) for row in rows]
