"""Benchmark: reverse-ETL sync to Postgres vs. a raw COPY of the same rows, and a no-change rerun.

    python benchmarks/sync_postgres.py --rows 1000000

Prints rows/s of the sync and of the raw COPY, their ratio (target: the sync reaches at least 50% of
COPY's rows/s) and the time of a rerun with no changes relative to the first sync (target: under 5%).
Work files go to benchmarks/work/ (git-ignored); the Postgres schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb
import psycopg
import yaml

from reverse_etl import run_syncs

COLUMNS = (
    "customer_id varchar, email varchar, first_name varchar, last_name varchar, ltv decimal(12,2), "
    "orders integer, last_order_at timestamp, is_vip boolean"
)
PG_COLUMNS = (
    "customer_id text, email text, first_name text, last_name text, ltv numeric(12,2), orders integer, "
    "last_order_at timestamp, is_vip boolean"
)


def build_warehouse(db: Path, rows: int) -> None:
    with duckdb.connect(str(db)) as conn:
        conn.execute(
            f"""
            create or replace table main.bench_customers as
            select
                'cust_' || lpad(i::varchar, 8, '0') as customer_id,
                'user' || i || '@example.com' as email,
                'First' || (i % 1000) as first_name,
                'Last' || (i % 5000) as last_name,
                ((i * 37) % 100000) / 100.0 as ltv,
                (i % 50)::integer as orders,
                timestamp '2024-01-01' + to_seconds(i) as last_order_at,
                i % 10 = 0 as is_vip
            from range({rows}) t(i)
            """
        )


def raw_copy(db: Path, dsn: str, schema: str, batch: int) -> tuple[int, float]:
    """Read the model from DuckDB and COPY it into a plain table: the ceiling a sync is compared with."""
    started = time.perf_counter()
    with duckdb.connect(str(db), read_only=True) as duck, psycopg.connect(dsn, autocommit=True) as pg:
        pg.execute(f"create table {schema}.raw_copy ({PG_COLUMNS})")
        cursor = duck.execute("select * from main.bench_customers")
        count = 0
        with pg.cursor().copy(f"copy {schema}.raw_copy from stdin") as copy:
            while rows := cursor.fetchmany(batch):
                for row in rows:
                    copy.write_row(row)
                count += len(rows)
    return count, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument(
        "--work-dir", type=Path, default=Path(__file__).resolve().parent / "work" / "sync_postgres"
    )
    args = parser.parse_args()

    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "warehouse.duckdb"
    schema = "tessera_bench"
    config = work / "syncs.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "syncs": [
                    {
                        "name": "bench_to_postgres",
                        "source": "bench_customers",
                        "mode": "mirror",
                        "primary_key": "customer_id",
                        "batch_size": args.batch_size,
                        "destination": {"type": "postgres", "dsn": args.dsn, "table": f"{schema}.synced"},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    print(f"building a {args.rows:,}-row model ...", flush=True)
    build_warehouse(db, args.rows)
    with psycopg.connect(args.dsn, autocommit=True) as pg:
        pg.execute(f"drop schema if exists {schema} cascade")
        pg.execute(f"create schema {schema}")
    try:
        copied, copy_seconds = raw_copy(db, args.dsn, schema, args.batch_size)
        (first,) = run_syncs(db, config)
        if first.status != "success":
            print(f"sync failed: {first.error}", file=sys.stderr)
            return 1
        (rerun,) = run_syncs(db, config)
        with psycopg.connect(args.dsn) as pg:
            synced = pg.execute(f"select count(*) from {schema}.synced").fetchone()[0]
    finally:
        with psycopg.connect(args.dsn, autocommit=True) as pg:
            pg.execute(f"drop schema if exists {schema} cascade")

    copy_rate = copied / copy_seconds
    sync_rate = first.rows_added / first.seconds
    print(f"raw COPY        : {copied:>10,} rows in {copy_seconds:7.2f} s = {copy_rate:>10,.0f} rows/s")
    print(
        f"sync (mirror)   : {first.rows_added:>10,} rows in {first.seconds:7.2f} s = "
        f"{sync_rate:>10,.0f} rows/s"
    )
    print(f"sync / COPY     : {sync_rate / copy_rate:.0%} of COPY's rows/s (target >= 50%)")
    print(
        f"no-change rerun : {rerun.plan.total} rows planned in {rerun.seconds:.2f} s = "
        f"{rerun.seconds / first.seconds:.1%} of the first sync (target < 5%)"
    )
    print(f"rows in Postgres after the sync: {synced:,}")
    return 0 if synced == args.rows and rerun.plan.total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
