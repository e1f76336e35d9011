"""A destination that cannot be reached during forget: the failure is recorded per destination, the
delivery state is kept, and forgetting again (by customer id, once the person no longer resolves)
finishes the job. No dbt build: forget runs with rebuild=False on a copy of the session's build."""

from __future__ import annotations

from pathlib import Path

import psycopg
import yaml
from privacy_helpers import PG_DSN, query, richest_customer, sync_file

from privacy import forget_person
from reverse_etl import run_syncs
from reverse_etl.retry import RetryPolicy


def test_unreachable_destination_is_recorded_and_retried(
    module_warehouse: Path, pg_schema: str, redis_prefix: str, tmp_path: Path
) -> None:
    db_path = module_warehouse
    good = sync_file(tmp_path / "syncs.yml", pg_schema, redis_prefix, purpose=None)
    assert all(r.status == "success" for r in run_syncs(db_path, good))
    person = richest_customer(db_path)

    broken = tmp_path / "broken.yml"
    document = yaml.safe_load(good.read_text(encoding="utf-8"))
    document["syncs"][0]["destination"]["dsn"] = "postgresql://postgres@127.0.0.1:1/test"
    broken.write_text(yaml.safe_dump(document), encoding="utf-8")
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02, sleep=slept.append)

    first = forget_person(db_path, person.email, broken, rebuild=False, policy=policy)
    outcome = {d.sync_name: d for d in first.destinations}
    assert outcome["people_to_postgres"].status == "failed"
    assert "connect" in (outcome["people_to_postgres"].error or "")
    assert outcome["people_to_redis"].status == "confirmed"
    assert first.status == "incomplete"
    steps = query(
        db_path,
        "select target, status from privacy_request_steps where request_id = ? and step = 'destination'",
        [first.request_id],
    )
    assert ("people_to_postgres", "failed") in steps
    # The delivery state of the failed destination is kept for a retry; the confirmed one is gone.
    state = dict(query(db_path, "select sync_name, count(*) from sync_state where record_key = ? group by 1",
                       [person.customer_id]))  # fmt: skip
    assert state == {"people_to_postgres": 1}
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        rows = conn.execute(
            f'select count(*) from "{pg_schema}".people where customer_id = %s', [person.customer_id]
        )
        assert rows.fetchone()[0] == 1

    second = forget_person(db_path, person.customer_id, good, rebuild=False, policy=policy)
    assert not second.found  # the raw rows are gone: the id no longer resolves, the delivery state does
    assert {d.sync_name: d.status for d in second.destinations} == {"people_to_postgres": "confirmed"}
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        rows = conn.execute(
            f'select count(*) from "{pg_schema}".people where customer_id = %s', [person.customer_id]
        )
        assert rows.fetchone()[0] == 0
    assert query(db_path, "select count(*) from sync_state where record_key = ?", [person.customer_id]) == [
        (0,)
    ]
