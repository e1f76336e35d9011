"""Postgres destination (psycopg 3): COPY each batch into a temp staging table, then one MERGE.

The table is created from the model's schema when missing (key column as primary key). A batch is one
transaction, so it lands whole or not at all, and MERGE by key makes re-sending it harmless.
"""

from __future__ import annotations

import contextlib
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar, Literal

import psycopg
from pydantic import Field

from reverse_etl.destinations.base import Batch, BatchResult, Capabilities, Destination, DestinationSettings
from reverse_etl.errors import BatchRejected, DestinationError, TransientError
from reverse_etl.sql import ident, relation, split_relation

_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$", re.IGNORECASE)
_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "HUGEINT": "numeric(38,0)",
    "UBIGINT": "numeric(20,0)",
    "UINTEGER": "bigint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "JSON": "jsonb",
    "UUID": "uuid",
    "BLOB": "bytea",
}
STAGE = "_tessera_stage"


def postgres_type(duckdb_type: str) -> str:
    """The Postgres type for a DuckDB column type (text for anything without a direct equivalent)."""
    match = _DECIMAL.match(duckdb_type)
    if match:
        return f"numeric({match.group(1)},{match.group(2)})"
    return _TYPES.get(duckdb_type.upper(), "text")


class PostgresSettings(DestinationSettings):
    type: Literal["postgres"] = "postgres"
    dsn: str = Field(min_length=1)
    table: str = Field(pattern=r"^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$")
    create_table: bool = True
    connect_timeout: int = 10


class PostgresDestination(Destination):
    type_name: ClassVar[str] = "postgres"
    settings_model = PostgresSettings
    capabilities = Capabilities(
        modes=frozenset({"insert", "update", "upsert", "mirror"}), max_batch=100_000, first_batch=5_000
    )
    secret_fields = ("password",)
    settings: PostgresSettings
    _conn: psycopg.Connection | None = None
    _prefetcher: ThreadPoolExecutor | None = None
    _prefetched: tuple[tuple[int, int], Future[tuple[bool, bytes]]] | None = None

    def _connect(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            try:
                self._conn = psycopg.connect(
                    self.settings.dsn, connect_timeout=self.settings.connect_timeout, autocommit=True
                )
            except psycopg.OperationalError as exc:
                raise DestinationError(f"cannot connect to Postgres: {str(exc).strip()}") from None
            self._stage_ready = False
        return self._conn

    @property
    def _target(self) -> tuple[str, str]:
        return split_relation(self.settings.table, default_schema="public")

    @property
    def _key_column(self) -> str:
        return self.context.primary_key

    def _columns(self) -> list[tuple[str, str]]:
        """(name, postgres type) of the table: the key column first, then the mapped fields."""
        key_type = next(
            (c.duckdb_type for c in self.context.columns if c.name == self._key_column), "VARCHAR"
        )
        cols = [(self._key_column, postgres_type(key_type))]
        cols += [
            (c.name, postgres_type(c.duckdb_type)) for c in self.context.columns if c.name != self._key_column
        ]
        return cols

    def check(self) -> None:
        self._connect().execute("select 1")

    def prepare(self) -> None:
        conn = self._connect()
        schema, table = self._target
        target = relation(schema, table, "postgres")
        existing = conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = %s",
            [schema, table],
        ).fetchall()
        with conn.transaction():
            if not existing:
                if not self.settings.create_table:
                    raise DestinationError(f"table {schema}.{table} does not exist and create_table is false")
                defs = ", ".join(f"{ident(n, 'postgres')} {t}" for n, t in self._columns())
                conn.execute(f"create schema if not exists {ident(schema, 'postgres')}")
                conn.execute(
                    f"create table if not exists {target} "
                    f"({defs}, primary key ({ident(self._key_column, 'postgres')}))"
                )
            else:
                have = {name for name, _ in existing}
                missing = [(n, t) for n, t in self._columns() if n not in have]
                if missing and not self.settings.create_table:
                    raise DestinationError(
                        f"table {schema}.{table} lacks column(s) {', '.join(n for n, _ in missing)}"
                    )
                for name, pg_type in missing:
                    conn.execute(f"alter table {target} add column {ident(name, 'postgres')} {pg_type}")
        self._key_type = conn.execute(
            "select format_type(a.atttypid, a.atttypmod) from pg_attribute a "
            "where a.attrelid = %s::regclass and a.attname = %s",
            [f"{ident(schema, 'postgres')}.{ident(table, 'postgres')}", self._key_column],
        ).fetchone()[0]

    def _ensure_stage(self, conn: psycopg.Connection) -> None:
        if getattr(self, "_stage_ready", False):
            return
        target = relation(*self._target, "postgres")
        conn.execute(f"create temp table if not exists {STAGE} as select * from {target} with no data")
        conn.execute(f"alter table {STAGE} add column if not exists _tessera_action text")
        conn.execute(f"alter table {STAGE} add column if not exists _tessera_key text")
        conn.commit()
        self._stage_ready = True

    def write(self, batch: Batch) -> BatchResult:
        conn = self._connect()
        try:
            self._ensure_stage(conn)
            return self._merge(conn, batch)
        except (psycopg.OperationalError, psycopg.errors.QueryCanceled) as exc:
            self._close_quietly()
            raise TransientError(f"Postgres: {str(exc).strip()}") from None
        except (psycopg.DataError, psycopg.IntegrityError) as exc:
            conn.rollback()
            raise BatchRejected(f"Postgres: {str(exc).strip().splitlines()[0]}") from None
        except psycopg.Error as exc:
            conn.rollback()
            raise DestinationError(f"Postgres: {str(exc).strip()}") from None

    def _merge(self, conn: psycopg.Connection, batch: Batch) -> BatchResult:
        pg = "postgres"
        target = relation(*self._target, pg)
        key = ident(self._key_column, pg)
        fields = [n for n, _ in self._columns() if n != self._key_column]
        copy_cols = [self._key_column, *fields, "_tessera_action", "_tessera_key"]
        rejected: dict[str, str] = {}
        columns = ", ".join(ident(c, pg) for c in copy_cols)
        source = batch.source if hasattr(batch.source, "bulk_payload") else None
        data = b""
        if source is not None:
            # Bulk path: DuckDB writes the plan slice as CSV; Python never builds a row.
            only_adds, data = self._bulk_payload(source, fields)
            if only_adds:
                if self._copied_directly(conn, target, [self._key_column, *fields], data):
                    return BatchResult()
                data = source.csv_bytes(fields)
        with conn.transaction():
            conn.execute(f"truncate {STAGE}")
            if source is not None:
                with conn.cursor().copy(f"copy {STAGE} ({columns}) from stdin (format csv)") as copy:
                    for start in range(0, len(data), 1 << 20):
                        copy.write(data[start : start + (1 << 20)])
            else:
                with conn.cursor().copy(f"copy {STAGE} ({columns}) from stdin") as copy:
                    for record in batch.records:
                        if record.action == "remove":
                            copy.write_row((None, *([None] * len(fields)), "remove", record.key))
                        else:
                            values = record.fields
                            copy.write_row(
                                (
                                    record.key_value,
                                    *[values.get(f) for f in fields],
                                    record.action,
                                    record.key,
                                )
                            )
            on = f"t.{key} = cast(s._tessera_key as {self._key_type})"
            if self.context.mode == "update":
                missing = conn.execute(
                    f"select s._tessera_key from {STAGE} s where s._tessera_action = 'update' "
                    f"and not exists (select 1 from {target} t where {on})"
                ).fetchall()
                rejected = {row[0]: "no existing record with this key to update" for row in missing}
            sets = ", ".join(f"{ident(f, pg)} = s.{ident(f, pg)}" for f in fields) or f"{key} = t.{key}"
            insert_cols = ", ".join(ident(c, pg) for c in [self._key_column, *fields])
            insert_vals = ", ".join(f"s.{ident(c, pg)}" for c in [self._key_column, *fields])
            conn.execute(
                f"merge into {target} t using {STAGE} s on {on} "
                "when matched and s._tessera_action = 'remove' then delete "
                f"when matched and s._tessera_action in ('upsert', 'update') then update set {sets} "
                f"when not matched and s._tessera_action in ('upsert', 'insert') then insert ({insert_cols}) "
                f"values ({insert_vals})"
            )
        return BatchResult(rejected)

    def _bulk_payload(self, source: Any, fields: list[str]) -> tuple[bool, bytes]:
        """The slice's CSV, prepared in the background while the previous batch loads into Postgres."""
        pending = self._prefetched
        if pending is not None and pending[0] == (source.lo, source.hi):
            payload = pending[1].result()
        else:
            payload = source.bulk_payload(fields)
        following = source.following()
        if following is not None:
            if self._prefetcher is None:
                self._prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-prefetch")
            future = self._prefetcher.submit(following.bulk_payload, fields)
            self._prefetched = ((following.lo, following.hi), future)
        else:
            self._prefetched = None
        return payload

    def _copied_directly(
        self, conn: psycopg.Connection, target: str, columns: list[str], data: bytes
    ) -> bool:
        """Fast path for a batch of new keys only (a first sync): COPY straight into the table.

        If some keys are there after all (re-sent after a crash), the primary key refuses the COPY, the
        transaction rolls back and the caller merges instead, so the write stays idempotent.
        """
        names = ", ".join(ident(c, "postgres") for c in columns)
        try:
            with (
                conn.transaction(),
                conn.cursor().copy(f"copy {target} ({names}) from stdin (format csv)") as copy,
            ):
                for start in range(0, len(data), 1 << 20):
                    copy.write(data[start : start + (1 << 20)])
        except psycopg.errors.UniqueViolation:
            return False
        return True

    def _close_quietly(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None

    def close(self, *, completed: bool) -> None:
        if self._prefetcher is not None:
            self._prefetcher.shutdown(wait=True, cancel_futures=True)
            self._prefetcher = None
        self._close_quietly()
