"""Landing DuckDB's raw loads on Postgres (COPY) and as Parquet for Spark: exact, incremental, idempotent."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingest.schema import RAW_TABLES, ensure_raw_schema
from ingest.targets import land_raw
from ingest.targets.postgres import land_on_postgres, postgres_conninfo
from ingest.targets.spark import land_for_spark

pytestmark = pytest.mark.portability

LOADED_AT = dt.datetime(2024, 6, 1, 8, 30, 15, 123456)
#: Awkward values: empty string vs NULL, quotes, commas, newlines, unicode and nested JSON.
TRICKY_TRAITS = {"name": 'O"Brien, Ann\nMarie', "tags": ["a", "b"], "score": 1.5, "emoji": "é✓"}


def add_load(con: duckdb.DuckDBPyConnection, load_id: str, count: int) -> None:
    """`count` segment events of one load; the first has an empty `event` and NULL `user_id`."""
    for i in range(count):
        con.execute(
            "insert into raw.segment_events (message_id, type, event, user_id, traits, _record, _file, "
            "_row_number, _loaded_at, _load_id) values (?, 'track', ?, ?, ?, ?, 'events/a.jsonl', ?, ?, ?)",
            [
                f"{load_id}-{i}",
                "" if i == 0 else "Order Completed",
                None if i == 0 else f"user-{i}",
                json.dumps(TRICKY_TRAITS),
                json.dumps({"messageId": f"{load_id}-{i}"}),
                i + 1,
                LOADED_AT,
                load_id,
            ],
        )


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB raw schema with two loads of segment events (other raw tables empty)."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ensure_raw_schema(con)
    add_load(con, "load-1", 3)
    add_load(con, "load-2", 2)
    yield con
    con.close()


@pytest.fixture
def pg_conninfo(throwaway_pg_database) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A throwaway Postgres database."""
    with throwaway_pg_database("tessera_land") as name:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"


def pg_rows(conninfo: str) -> list[tuple]:
    with psycopg.connect(conninfo) as con:
        return con.execute(
            "select message_id, event, user_id, traits::text, _row_number, _loaded_at, _load_id "
            "from raw.segment_events order by message_id"
        ).fetchall()


def duck_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select message_id, event, user_id, traits::varchar, _row_number, _loaded_at, _load_id "
        "from raw.segment_events order by message_id"
    ).fetchall()


def test_postgres_gets_exact_rows_and_every_raw_table(
    duck: duckdb.DuckDBPyConnection, pg_conninfo: str
) -> None:
    landed = {t.table: t for t in land_on_postgres(duck, pg_conninfo)}
    assert set(landed) == set(RAW_TABLES)
    assert (landed["segment_events"].rows, landed["segment_events"].loads) == (5, 2)
    rows = pg_rows(pg_conninfo)
    assert rows == duck_rows(duck)
    first = rows[0]
    assert first[1] == "" and first[2] is None  # empty string and NULL stay distinct
    assert json.loads(first[3]) == TRICKY_TRAITS
    assert first[5] == LOADED_AT


def test_postgres_landing_is_incremental_and_idempotent(
    duck: duckdb.DuckDBPyConnection, pg_conninfo: str
) -> None:
    land_on_postgres(duck, pg_conninfo)
    again = {t.table: t for t in land_on_postgres(duck, pg_conninfo)}
    assert again["segment_events"].rows == 0
    add_load(duck, "load-3", 4)
    third = {t.table: t for t in land_on_postgres(duck, pg_conninfo)}
    assert (third["segment_events"].rows, third["segment_events"].loads) == (4, 1)
    assert pg_rows(pg_conninfo) == duck_rows(duck)


def test_postgres_table_is_replaced_when_duckdb_was_rebuilt(
    duck: duckdb.DuckDBPyConnection, pg_conninfo: str
) -> None:
    land_on_postgres(duck, pg_conninfo)
    duck.execute("delete from raw.segment_events where _load_id = 'load-1'")
    add_load(duck, "load-9", 1)
    landed = {t.table: t for t in land_on_postgres(duck, pg_conninfo)}
    assert landed["segment_events"].replaced
    assert pg_rows(pg_conninfo) == duck_rows(duck)


def test_postgres_connection_comes_from_libpq_variables() -> None:
    info = psycopg.conninfo.conninfo_to_dict(
        postgres_conninfo({"PGHOST": "db.example", "PGPORT": "6543", "PGUSER": "cdp", "PGPASSWORD": "s3"})
    )
    assert info == {"host": "db.example", "port": "6543", "user": "cdp", "dbname": "test", "password": "s3"}
    defaults = psycopg.conninfo.conninfo_to_dict(postgres_conninfo({}))
    assert defaults == {"host": "127.0.0.1", "port": "5432", "user": "postgres", "dbname": "test"}


def parquet_rows(folder: Path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            "select message_id, event, user_id, traits, _row_number, _loaded_at, _load_id "
            f"from read_parquet('{folder}/*.parquet') order by message_id"
        ).fetchall()


def test_spark_parquet_holds_one_file_per_load_with_spark_types(
    duck: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    raw_dir = tmp_path / "raw"
    landed = {t.table: t for t in land_for_spark(duck, raw_dir)}
    assert (landed["segment_events"].rows, landed["segment_events"].loads) == (5, 2)
    folder = raw_dir / "segment_events"
    assert sorted(p.name for p in folder.iterdir()) == ["load-1.parquet", "load-2.parquet"]
    rows = parquet_rows(folder)
    assert [r[:3] for r in rows] == [r[:3] for r in duck_rows(duck)]
    assert rows[0][1] == "" and rows[0][2] is None
    assert isinstance(rows[0][3], str) and json.loads(rows[0][3]) == TRICKY_TRAITS
    # A UTC instant, so Spark reads the same wall-clock time in its UTC session.
    assert rows[0][5] == LOADED_AT.replace(tzinfo=dt.UTC)
    # A table with no loads still gets its columns, from a row-less file Spark can infer them from.
    with duckdb.connect() as con:
        columns = con.execute(f"describe select * from read_parquet('{raw_dir}/nps_responses/*.parquet')")
        names = [row[0] for row in columns.fetchall()]
    assert names == list(RAW_TABLES["nps_responses"].all_columns)


def test_spark_landing_is_incremental_and_follows_a_rebuilt_duckdb(
    duck: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    raw_dir = tmp_path / "raw"
    land_for_spark(duck, raw_dir)
    assert {t.table: t.rows for t in land_for_spark(duck, raw_dir)}["segment_events"] == 0
    duck.execute("delete from raw.segment_events where _load_id = 'load-1'")
    add_load(duck, "load-3", 1)
    landed = {t.table: t for t in land_for_spark(duck, raw_dir)}["segment_events"]
    assert (landed.rows, landed.replaced) == (1, True)
    assert sorted(p.name for p in (raw_dir / "segment_events").iterdir()) == [
        "load-2.parquet",
        "load-3.parquet",
    ]
    assert [r[0] for r in parquet_rows(raw_dir / "segment_events")] == [r[0] for r in duck_rows(duck)]


def test_land_raw_on_duckdb_moves_nothing_and_rejects_unknown_targets(tmp_path: Path) -> None:
    assert land_raw(tmp_path / "unused.duckdb", "duckdb") == []
    with pytest.raises(ValueError, match="unknown target 'oracle'"):
        land_raw(tmp_path / "unused.duckdb", "oracle")


def test_landing_refuses_a_raw_table_missing_columns(tmp_path: Path, pg_conninfo: str) -> None:
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        ensure_raw_schema(con)
        con.execute("alter table raw.nps_responses drop column comment")
        with pytest.raises(ValueError, match=r"raw.nps_responses .* lacks column\(s\) comment"):
            land_for_spark(con, tmp_path / "raw")
        with pytest.raises(ValueError, match=r"raw.nps_responses .* lacks column\(s\) comment"):
            land_on_postgres(con, pg_conninfo)


def test_tables_landed_by_an_older_version_gain_new_columns_and_are_landed_again(
    duck: duckdb.DuckDBPyConnection, pg_conninfo: str, tmp_path: Path
) -> None:
    duck.execute("update raw.segment_events set name = 'Home'")
    raw_dir = tmp_path / "raw"
    land_on_postgres(duck, pg_conninfo)
    land_for_spark(duck, raw_dir)
    # As a version without the column left them: the Postgres table and one Parquet file lack it.
    with psycopg.connect(pg_conninfo) as pg:
        pg.execute("alter table raw.segment_events drop column name")
    old_file = raw_dir / "segment_events" / "load-1.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * exclude (name) from read_parquet('{old_file}')) to '{tmp_path / 'old.parquet'}'"
        )
    (tmp_path / "old.parquet").replace(old_file)

    on_postgres = {t.table: t for t in land_on_postgres(duck, pg_conninfo)}["segment_events"]
    assert (on_postgres.rows, on_postgres.replaced) == (5, True)
    with psycopg.connect(pg_conninfo) as pg:
        assert pg.execute("select count(*), count(name) from raw.segment_events").fetchone() == (5, 5)
    for_spark = {t.table: t for t in land_for_spark(duck, raw_dir)}["segment_events"]
    assert (for_spark.rows, for_spark.loads, for_spark.replaced) == (3, 1, True)
    with duckdb.connect() as con:
        names = con.execute(f"select name from read_parquet('{raw_dir}/segment_events/*.parquet')").fetchall()
    assert names == [("Home",)] * 5
    # Up to date now: nothing moves.
    assert {t.table: t.rows for t in land_on_postgres(duck, pg_conninfo)}["segment_events"] == 0
    assert {t.table: t.rows for t in land_for_spark(duck, raw_dir)}["segment_events"] == 0
