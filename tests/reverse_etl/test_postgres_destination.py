"""Postgres destination against the real server: table creation, every mode, batch splitting."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from retl_helpers import CUSTOMER_TYPES, PG_DSN, customers, pg_rows

from reverse_etl import run_syncs, sync_rejections
from reverse_etl.destinations.postgres import PostgresDestination


def pg_sync(schema: str, mode: str, **extra):
    return {
        "name": f"to_pg_{mode}",
        "source": "audience",
        "mode": mode,
        "primary_key": "customer_id",
        "batch_size": 6,
        "destination": {"type": "postgres", "dsn": PG_DSN, "table": f"{schema}.vip_{mode}"},
        **extra,
    }


def table(schema: str, mode: str) -> dict[str, tuple]:
    rows = pg_rows(f'select customer_id, email, first_name, ltv from "{schema}".vip_{mode} order by 1')
    return {r[0]: r[1:] for r in rows}


def test_mirror_creates_the_table_and_tracks_the_source(pg_schema, warehouse, write_config):
    warehouse.set_rows("audience", customers(15), CUSTOMER_TYPES)
    config = write_config([pg_sync(pg_schema, "mirror")])
    (result,) = run_syncs(warehouse.path, config)
    assert (result.status, result.rows_added) == ("success", 15), result.error
    types = dict(
        pg_rows(
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{pg_schema}' and table_name = 'vip_mirror'"
        )
    )
    assert types == {"customer_id": "text", "email": "text", "first_name": "text", "ltv": "numeric"}
    assert table(pg_schema, "mirror")["c00002"] == ("user2@example.com", "Name2", Decimal("20.00"))

    new = customers(10, start=5) + customers(2, start=50)
    new[0]["ltv"] = 999
    warehouse.set_rows("audience", new, CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, config)
    assert (result.rows_added, result.rows_changed, result.rows_removed) == (2, 1, 5)
    got = table(pg_schema, "mirror")
    assert set(got) == {r["customer_id"] for r in new}
    assert got["c00005"][2] == Decimal("999.00")
    (again,) = run_syncs(warehouse.path, config)
    assert again.plan.total == 0


def test_batches_ramp_up_while_the_next_one_is_prepared(pg_schema, warehouse, write_config, monkeypatch):
    monkeypatch.setattr(
        PostgresDestination, "capabilities", replace(PostgresDestination.capabilities, first_batch=2)
    )
    warehouse.set_rows("audience", customers(15), CUSTOMER_TYPES)
    events = []
    config = write_config([pg_sync(pg_schema, "mirror")])
    (result,) = run_syncs(warehouse.path, config, progress=events.append)
    assert (result.status, result.rows_added) == ("success", 15), result.error
    assert [e.rows_done for e in events] == [0, 2, 6, 12, 15]  # batches of 2, 4, 6 (the batch size), 3
    assert set(table(pg_schema, "mirror")) == {c["customer_id"] for c in customers(15)}


def test_upsert_insert_and_update_modes(pg_schema, warehouse, write_config):
    warehouse.set_rows("audience", customers(4), CUSTOMER_TYPES)
    syncs = [pg_sync(pg_schema, m) for m in ("upsert", "insert")]
    config = write_config(syncs)
    run_syncs(warehouse.path, config)
    changed = customers(3, start=1)
    changed[0]["first_name"] = "Changed"
    warehouse.set_rows("audience", changed, CUSTOMER_TYPES)
    upsert, insert = run_syncs(warehouse.path, config)
    assert upsert.status == insert.status == "success"
    up, ins = table(pg_schema, "upsert"), table(pg_schema, "insert")
    assert set(up) == set(ins) == {f"c0000{i}" for i in range(4)}
    assert up["c00001"][1] == "Changed" and ins["c00001"][1] == "Name1"

    # update: only rows already in the table change; the others are rejected, not created.
    pg_rows(f'create table "{pg_schema}".vip_update (customer_id text primary key, first_name text)')
    pg_rows(f"insert into \"{pg_schema}\".vip_update values ('c00001', 'Old')")
    update_config = write_config([pg_sync(pg_schema, "update", fields={"first_name": "first_name"})], "u.yml")
    (update,) = run_syncs(warehouse.path, update_config)
    assert (update.status, update.rows_failed) == ("partial", 2)
    assert pg_rows(f'select * from "{pg_schema}".vip_update') == [("c00001", "Changed")]
    rejected = {r.record_key: r.reason for r in sync_rejections(warehouse.path, "to_pg_update")}
    assert rejected == dict.fromkeys(("c00002", "c00003"), "no existing record with this key to update")


def test_bad_rows_are_isolated_by_splitting_and_retried_next_run(pg_schema, warehouse, write_config):
    # A constraint in the destination refuses two rows; the whole-batch error is split down to them.
    pg_rows(
        f'create table "{pg_schema}".vip_upsert (customer_id text primary key, email text, first_name text, '
        "ltv numeric check (ltv < 100))"
    )
    rows = customers(12)
    warehouse.set_rows("audience", rows, CUSTOMER_TYPES)
    config = write_config([pg_sync(pg_schema, "upsert")])
    (result,) = run_syncs(warehouse.path, config)
    assert (result.status, result.rows_added, result.rows_failed) == ("partial", 10, 2)
    rejections = sync_rejections(warehouse.path, "to_pg_upsert")
    assert {r.record_key for r in rejections} == {"c00010", "c00011"}
    assert all("check constraint" in r.reason for r in rejections)
    assert set(table(pg_schema, "upsert")) == {f"c{i:05d}" for i in range(10)}
    assert warehouse.runs("to_pg_upsert")[-1]["rows_failed"] == 2

    # Fix the destination: the next run retries exactly the rejected records and resolves them.
    pg_rows(f'alter table "{pg_schema}".vip_upsert drop constraint vip_upsert_ltv_check')
    (retry,) = run_syncs(warehouse.path, config)
    assert (retry.plan.total, retry.rows_added, retry.status) == (2, 2, "success")
    assert sync_rejections(warehouse.path, "to_pg_upsert") == []
    assert len(table(pg_schema, "upsert")) == 12


def test_resend_after_a_lost_checkpoint_merges_instead_of_duplicating(pg_schema, warehouse, write_config):
    # A crash between the destination's commit and the checkpoint: the rows are in Postgres but the
    # state says they were never delivered, so the rerun's direct COPY conflicts and falls back to MERGE.
    warehouse.set_rows("audience", customers(20), CUSTOMER_TYPES)
    config = write_config([pg_sync(pg_schema, "mirror")])
    run_syncs(warehouse.path, config)
    warehouse.execute("delete from main.sync_state where record_key >= 'c00010'")
    changed = customers(20)
    changed[15]["first_name"] = "Changed"
    warehouse.set_rows("audience", changed, CUSTOMER_TYPES)
    (rerun,) = run_syncs(warehouse.path, config)
    assert (rerun.status, rerun.rows_added) == ("success", 10)
    got = table(pg_schema, "mirror")
    assert len(got) == 20 and got["c00015"][1] == "Changed"
    assert pg_rows(f'select count(*) from "{pg_schema}".vip_mirror')[0][0] == 20
