"""The diff planner: applying a plan to the delivered state gives the source, whatever the change."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reverse_etl.batches import planned_batches
from reverse_etl.config import SyncSpec
from reverse_etl.destinations.file import FileSettings
from reverse_etl.errors import SyncError
from reverse_etl.planner import build_plan, format_plan
from reverse_etl.state import checkpoint_batch, ensure_state_tables

Row = dict[str, Any]


def spec(mode: str = "mirror", fields: dict[str, str] | None = None, name: str = "s") -> SyncSpec:
    return SyncSpec(
        name=name,
        source="src",
        mode=mode,
        primary_key="id",
        destination=FileSettings(type="file"),
        fields=fields,
    )


def load(conn: duckdb.DuckDBPyConnection, rows: dict[str, Row]) -> None:
    conn.execute("create or replace table main.src (id varchar, a integer, b varchar)")
    if rows:
        conn.executemany(
            "insert into main.src values (?, ?, ?)", [[k, r["a"], r["b"]] for k, r in rows.items()]
        )


def apply_plan(
    conn: duckdb.DuckDBPyConnection,
    sync: SyncSpec,
    dest: dict[str, Row],
    path: Path,
    *,
    full_resync: bool = False,
) -> int:
    """Plan, apply every record to `dest` as a destination would, checkpoint; return the rows planned."""
    plan, _ = build_plan(conn, sync, full_resync=full_resync, plan_path=path)
    for batch in planned_batches(path, sync.mode, 7, plan.total):
        for record in batch.records:
            if record.action == "remove":
                dest.pop(record.key, None)
            elif record.action == "insert":
                dest.setdefault(record.key, {k: record.fields[k] for k in ("a", "b")})
            else:
                dest[record.key] = {k: record.fields[k] for k in ("a", "b")}
        seq_range = (batch.source.lo, batch.source.hi)
        checkpoint_batch(
            conn, sync_name=sync.name, run_id="r", plan_path=path, seq_range=seq_range, rejected={}
        )
    path.unlink(missing_ok=True)
    return plan.total


rows_strategy = st.dictionaries(
    keys=st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    values=st.fixed_dictionaries(
        {
            "a": st.one_of(st.none(), st.integers(-3, 3)),
            "b": st.one_of(st.none(), st.sampled_from(["", "x", "y", "é"])),
        }
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=rows_strategy, after=rows_strategy)
def test_mirror_plan_applied_to_before_gives_after(tmp_path, before, after):
    conn = duckdb.connect()
    ensure_state_tables(conn)
    conn.execute("create table if not exists main.sync_runs_dummy (x int)")
    sync = spec("mirror")
    dest: dict[str, Row] = {}
    load(conn, before)
    apply_plan(conn, sync, dest, tmp_path / "p1.parquet")
    assert dest == before
    load(conn, after)
    planned = apply_plan(conn, sync, dest, tmp_path / "p2.parquet")
    assert dest == after
    changed = {k for k in after if k not in before or before[k] != after[k]} | (before.keys() - after.keys())
    assert planned == len(changed)
    assert apply_plan(conn, sync, dest, tmp_path / "p3.parquet") == 0  # nothing left to send
    conn.close()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=rows_strategy, after=rows_strategy)
def test_upsert_and_insert_plans_keep_rows_that_left(tmp_path, before, after):
    for mode in ("upsert", "insert"):
        conn = duckdb.connect()
        ensure_state_tables(conn)
        sync = spec(mode)
        dest: dict[str, Row] = {}
        load(conn, before)
        apply_plan(conn, sync, dest, tmp_path / "p1.parquet")
        load(conn, after)
        apply_plan(conn, sync, dest, tmp_path / "p2.parquet")
        expected = dict(before) | after if mode == "upsert" else after | dict(before)
        assert dest == expected
        conn.close()


def test_plan_counts_sample_masking_and_full_resync(tmp_path):
    conn = duckdb.connect()
    ensure_state_tables(conn)
    conn.execute(
        "create table main.src as select 'k' || i as id, 'p' || i || '@mail.com' as email from range(3) t(i)"
    )
    sync = spec("mirror", fields={"email": "email"})
    dest: dict[str, Row] = {}
    plan, _ = build_plan(conn, sync, full_resync=False, plan_path=None)
    assert (plan.adds, plan.changes, plan.removes) == (3, 0, 0)
    text = format_plan(plan)
    assert "3 to send" in text and "p***@mail.com" in text and "p0@mail.com" not in text
    # Deliver, then a full resync re-sends everything although nothing changed.
    path = tmp_path / "p.parquet"
    build_plan(conn, sync, full_resync=False, plan_path=path)
    checkpoint_batch(conn, sync_name="s", run_id="r", plan_path=path, seq_range=(1, 3), rejected={})
    assert build_plan(conn, sync, full_resync=False, plan_path=None)[0].total == 0
    resync, _ = build_plan(conn, sync, full_resync=True, plan_path=None)
    assert (resync.adds, resync.changes) == (0, 3)
    del dest


def test_null_and_empty_string_are_different_changes(tmp_path):
    conn = duckdb.connect()
    ensure_state_tables(conn)
    dest: dict[str, Row] = {}
    load(conn, {"k": {"a": 1, "b": None}})
    apply_plan(conn, spec(), dest, tmp_path / "p.parquet")
    load(conn, {"k": {"a": 1, "b": ""}})
    assert apply_plan(conn, spec(), dest, tmp_path / "p.parquet") == 1
    assert dest == {"k": {"a": 1, "b": ""}}


def test_duplicate_or_null_keys_stop_the_sync():
    conn = duckdb.connect()
    conn.execute(
        "create table main.src as select * from "
        "(values ('a', 1, 'x'), ('a', 2, 'y'), (null, 3, 'z')) t(id, a, b)"
    )
    with pytest.raises(SyncError, match=r"unique and not null, found 1 null and 1 duplicate"):
        build_plan(conn, spec(), full_resync=False, plan_path=None)


def test_missing_source_and_columns_are_named():
    conn = duckdb.connect()
    with pytest.raises(SyncError, match=r"source main.src does not exist"):
        build_plan(conn, spec(), full_resync=False, plan_path=None)
    load(conn, {})
    with pytest.raises(SyncError, match=r"fields.email: 'mail' is not a column of main.src"):
        build_plan(conn, spec(fields={"email": "mail"}), full_resync=False, plan_path=None)


@pytest.mark.parametrize(
    ("total", "batch_size", "first_batch", "sizes"),
    [
        (10, 4, None, [4, 4, 2]),
        (30, 8, 1, [1, 2, 4, 8, 8, 7]),
        (5, 8, 2, [2, 3]),
        (3, 2, 5, [2, 1]),
        (0, 4, 1, []),
    ],
)
def test_batches_ramp_up_from_the_first_batch(total, batch_size, first_batch, sizes):
    batches = list(planned_batches(Path("p.parquet"), "mirror", batch_size, total, first_batch=first_batch))
    slices = [(b.source.lo, b.source.hi) for b in batches]
    assert [hi - lo + 1 for lo, hi in slices] == sizes
    assert [b.number for b in batches] == list(range(1, len(sizes) + 1))
    # Contiguous, gap-free, and what a prefetching destination is told comes next is the next batch.
    assert all(a[1] + 1 == b[0] for a, b in pairwise(slices))
    following = [b.source.following() for b in batches]
    assert [(f.lo, f.hi) if f else None for f in following] == [*slices[1:], None][: len(batches)]
