"""Land the raw tables on Postgres: copy DuckDB's `raw` schema with `COPY ... FROM STDIN`.

DuckDB stays the loading engine (manifest, quarantine and validation live there); Postgres receives the
landed rows. Each raw table is brought up to date by load: rows of load ids Postgres does not hold yet
are copied. If Postgres holds a load id DuckDB does not (the DuckDB file was rebuilt), the table is
replaced whole, so the Postgres table always equals DuckDB's. Each table commits in one transaction.

The connection comes from the standard libpq environment variables (`PGHOST`, `PGPORT`, `PGUSER`,
`PGPASSWORD`, `PGDATABASE`), defaulting to the local server and database `test` like dbt's profile.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from ingest.schema import RAW_SCHEMA, RAW_TABLES, RawTable
from ingest.targets.common import LandedTable, load_ids_in_duckdb

#: DuckDB raw column types -> Postgres types. JSON stays `json` (text kept as sent); the staging macros'
#: Postgres versions cast to jsonb where they read into it.
POSTGRES_TYPES: dict[str, str] = {
    "VARCHAR": "text",
    "JSON": "json",
    "BIGINT": "bigint",
    "TIMESTAMP": "timestamp",
}
#: Bytes per write to the COPY stream.
_CHUNK = 1 << 20


def postgres_conninfo(environ: Mapping[str, str] | None = None) -> str:
    """A libpq connection string from the PG* variables, with the same defaults as dbt's profile."""
    env = os.environ if environ is None else environ
    parts = {
        "host": env.get("PGHOST", "127.0.0.1"),
        "port": env.get("PGPORT", "5432"),
        "user": env.get("PGUSER", "postgres"),
        "dbname": env.get("PGDATABASE", "test"),
    }
    if env.get("PGPASSWORD"):
        parts["password"] = env["PGPASSWORD"]
    return psycopg.conninfo.make_conninfo(**parts)


def land_on_postgres(
    duck: duckdb.DuckDBPyConnection, conninfo: str | None = None, *, schema: str = RAW_SCHEMA
) -> list[LandedTable]:
    """Bring every raw table of `schema` on Postgres up to date with DuckDB's `raw`; return what moved.

    Raises psycopg.OperationalError when Postgres cannot be reached.
    """
    landed = []
    with (
        psycopg.connect(conninfo or postgres_conninfo()) as pg,
        tempfile.TemporaryDirectory(prefix="tessera-pg-") as scratch,
    ):
        pg.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        pg.commit()
        for table in RAW_TABLES.values():
            landed.append(_land_table(duck, pg, table, schema, Path(scratch)))
    return landed


def _land_table(
    duck: duckdb.DuckDBPyConnection, pg: psycopg.Connection, table: RawTable, schema: str, scratch: Path
) -> LandedTable:
    target = sql.Identifier(schema, table.name)
    in_duckdb = load_ids_in_duckdb(duck, table)
    with pg.transaction():
        pg.execute(sql.SQL("create table if not exists {} ({})").format(target, _column_defs(table)))
        outdated = _add_missing_columns(pg, table, schema)
        on_postgres = {
            row[0] for row in pg.execute(sql.SQL("select distinct _load_id from {}").format(target))
        }
        # A table that lacked columns holds its rows without them: it is copied again whole.
        replaced = outdated or bool(on_postgres - in_duckdb)
        if replaced:
            pg.execute(sql.SQL("truncate {}").format(target))
            on_postgres = set()
        missing = sorted(in_duckdb - on_postgres)
        rows = _copy_loads(duck, pg, table, target, missing, scratch) if missing else 0
    return LandedTable(table.name, rows, len(missing), replaced)


def _add_missing_columns(pg: psycopg.Connection, table: RawTable, schema: str) -> bool:
    """Add the columns a table created by an older version lacks; True when there were any."""
    present = {
        row[0]
        for row in pg.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
            [schema, table.name],
        ).fetchall()
    }
    missing = [(name, duck_type) for name, duck_type in table.all_columns.items() if name not in present]
    for name, duck_type in missing:
        pg.execute(
            sql.SQL("alter table {} add column {} {}").format(
                sql.Identifier(schema, table.name), sql.Identifier(name), sql.SQL(POSTGRES_TYPES[duck_type])
            )
        )
    return bool(missing)


def _column_defs(table: RawTable) -> sql.Composed:
    return sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(POSTGRES_TYPES[duck_type]))
        for name, duck_type in table.all_columns.items()
    )


def _copy_loads(
    duck: duckdb.DuckDBPyConnection,
    pg: psycopg.Connection,
    table: RawTable,
    target: sql.Identifier,
    load_ids: list[str],
    scratch: Path,
) -> int:
    """Copy the rows of `load_ids` through a CSV file DuckDB writes (fast, native, NULL-exact)."""
    columns = list(table.all_columns)
    csv_path = scratch / f"{table.name}.csv"
    select = ", ".join(f'"{c}"' for c in columns)
    # DuckDB writes NULL as an empty field and an empty string as "": exactly Postgres' CSV reading.
    duck.execute(
        f"copy (select {select} from {table.qualified_name} where _load_id in (select unnest(?::varchar[]))) "
        f"to '{_sql_path(csv_path)}' (format csv, header false)",
        [load_ids],
    )
    copy_sql = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
        target, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with pg.cursor() as cursor:
        with cursor.copy(copy_sql) as copy, csv_path.open("rb") as source:
            while chunk := source.read(_CHUNK):
                copy.write(chunk)
        return cursor.rowcount


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
