"""Consent on warehouse syncs: a revocation (a consent event, an ESP unsubscribe) removes the person from
Postgres and Redis on the next sync in upsert mode, and the removal is logged; an ads sync without a
purpose is refused. One dbt build in this module (after the revocations land)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb
import psycopg
import pytest
import redis
from privacy_helpers import PG_DSN, REDIS_URL, build, query, sync_file

import ingest
from privacy import load_manual_suppressions
from reverse_etl import SyncConfigError, SyncResult, load_sync_config, run_syncs

GRANTED_EMAIL_MARKETING = (
    "select customer_id, identifier_value from customer_identifiers where identifier_type = 'email' "
    "and customer_id in (select customer_id from customer_consent "
    "where purpose = 'email_marketing' and status = 'granted') order by customer_id, identifier_value"
)


def _pg_keys(schema: str) -> set[str]:
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        return {row[0] for row in conn.execute(f'select customer_id from "{schema}".people').fetchall()}


def _redis_members(prefix: str) -> set[str]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return {
            key.removeprefix(f"{prefix}customer:") for key in client.scan_iter(match=f"{prefix}customer:*")
        }
    finally:
        client.close()


class Revoked(NamedTuple):
    """The module's scenario: who was revoked how, what had been delivered, the second sync's results."""

    db_path: Path
    config: Path
    by_consent: str
    by_unsubscribe: str
    delivered: dict[str, set[str]]
    second: list[SyncResult]
    suppressed: str


@pytest.fixture(scope="module")
def revoked(module_warehouse: Path, built_sample, pg_schema: str, redis_prefix: str, tmp_path_factory):
    """Sync, revoke two people's email marketing (consent event; ESP unsubscribe), rebuild, sync again."""
    db_path = module_warehouse
    work = tmp_path_factory.mktemp("consent")
    config = sync_file(work / "syncs.yml", pg_schema, redis_prefix)
    first = run_syncs(db_path, config)
    assert all(r.status == "success" for r in first), [(r.sync_name, r.error) for r in first]
    granted = query(db_path, GRANTED_EMAIL_MARKETING)
    by_consent, by_unsubscribe, suppressed = granted[0], granted[-1], granted[len(granted) // 2]
    assert len({by_consent[0], by_unsubscribe[0], suppressed[0]}) == 3
    delivered = {"postgres": _pg_keys(pg_schema), "redis": _redis_members(redis_prefix)}

    now = datetime.now(UTC).replace(microsecond=0)
    inputs = work / "inputs"
    (inputs / "consent").mkdir(parents=True)
    (inputs / "esp").mkdir()
    (inputs / "consent" / "revocations.jsonl").write_text(
        json.dumps(
            {"email": by_consent[1].upper(), "user_id": None, "purpose": "email_marketing",
             "status": "revoked", "occurred_at": now.isoformat(), "source": "preference_center"}
        ) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    (inputs / "esp" / "unsubscribes.jsonl").write_text(
        json.dumps(
            {"email": by_unsubscribe[1], "timestamp": int(now.timestamp()), "event": "unsubscribe",
             "sg_event_id": "privacy-test-unsubscribe-1", "sg_message_id": "privacy-test-message-1"}
        ) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    (inputs / "suppressions").mkdir()
    (inputs / "suppressions" / "manual.csv").write_text(
        f"identifier_type,identifier_value,reason\nemail, {suppressed[1].upper()} ,customer asked by phone\n",
        encoding="utf-8",
    )
    ingest.load_folder(inputs, db_path)
    with duckdb.connect(str(db_path)) as con:  # what `cdp load` does for the suppression folder
        assert load_manual_suppressions(inputs, con) == 1
    build(built_sample[1], db_path)
    second = run_syncs(db_path, config)
    return Revoked(db_path, config, by_consent[0], by_unsubscribe[0], delivered, second, suppressed[0])


def test_consent_mart_records_the_revocations(revoked) -> None:
    rows = dict(
        (customer, (status, source))
        for customer, status, source in query(
            revoked.db_path,
            "select customer_id, status, consent_source from customer_consent "
            "where purpose = 'email_marketing' and customer_id in (?, ?)",
            [revoked.by_consent, revoked.by_unsubscribe],
        )
    )
    assert rows == {
        revoked.by_consent: ("revoked", "preference_center"),
        revoked.by_unsubscribe: ("revoked", "esp_unsubscribe"),
    }


def test_revocation_removes_from_postgres_and_redis_on_next_sync(
    revoked, pg_schema: str, redis_prefix: str
) -> None:
    for customer in (revoked.by_consent, revoked.by_unsubscribe):
        assert customer in revoked.delivered["postgres"] and customer in revoked.delivered["redis"]
        assert customer not in _pg_keys(pg_schema)
        assert customer not in _redis_members(redis_prefix)
    # Only the revoked and the suppressed left: everyone else granted is still there.
    assert revoked.delivered["postgres"] - _pg_keys(pg_schema) == {
        revoked.by_consent, revoked.by_unsubscribe, revoked.suppressed,
    }  # fmt: skip
    results = {r.sync_name: r for r in revoked.second}
    for name in ("people_to_postgres", "people_to_redis"):
        assert results[name].status == "success", results[name].error
        assert results[name].plan.consent_removes == 3  # two revocations, one suppression
        assert results[name].rows_removed == 3


def test_removal_is_logged(revoked) -> None:
    run_ids = [r.run_id for r in revoked.second if r.sync_name == "people_to_postgres"]
    (removed,) = query(revoked.db_path, "select rows_removed from sync_runs where run_id = ?", run_ids)[0]
    assert removed == 3
    state = query(
        revoked.db_path,
        "select count(*) from sync_state where sync_name = 'people_to_postgres' and record_key = ?",
        [revoked.by_consent],
    )
    assert state == [(0,)]


def test_sync_without_purpose_is_filtered_by_suppression_only(revoked) -> None:
    """The file sync (insert mode) declares no purpose: consent does not filter it, the suppression list
    does, and removes the suppressed person already delivered."""
    exported = (revoked.config.parent / "exports" / "people.jsonl").read_text()
    assert revoked.by_consent in exported and revoked.by_unsubscribe in exported
    assert revoked.suppressed not in exported
    (result,) = [r for r in revoked.second if r.sync_name == "people_to_file"]
    assert (result.rows_removed, result.plan.consent_removes) == (1, 1)


@pytest.mark.parametrize("destination_type", ["google_ads", "meta"])
def test_ads_sync_without_purpose_is_refused(
    tmp_path: Path, destination_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GADS_TOKEN", "GADS_ACCESS", "META_TOKEN"):
        monkeypatch.setenv(name, "test-token")
    settings = {
        "google_ads": {"type": "google_ads", "customer_id": "1234567890", "user_list_id": "42",
                       "developer_token": "${GADS_TOKEN}", "access_token": "${GADS_ACCESS}"},
        "meta": {"type": "meta", "audience_id": "42", "access_token": "${META_TOKEN}"},
    }[destination_type]  # fmt: skip
    path = tmp_path / "syncs.yml"
    path.write_text(
        json.dumps({"syncs": [{"name": "vip_ads", "source": "high_value", "mode": "mirror",
                               "primary_key": "customer_id", "fields": {"email": "primary_email"},
                               "destination": settings}]}),
        encoding="utf-8",
    )  # fmt: skip
    with pytest.raises(SyncConfigError) as raised:
        load_sync_config(path)
    message = str(raised.value)
    assert "vip_ads" in message and "purpose" in message and "ads_targeting" in message
    # With a purpose the same sync is accepted.
    document = json.loads(path.read_text(encoding="utf-8"))
    document["syncs"][0]["purpose"] = "ads_targeting"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load_sync_config(path).syncs[0].purpose == "ads_targeting"


def test_manual_suppression_lands_in_the_suppression_list(revoked) -> None:
    rows = query(
        revoked.db_path,
        "select identifier_type, customer_id, suppression_source from suppression_list "
        "where reason = 'manual'",
    )
    assert rows == [("email", revoked.suppressed, "manual")]
    reasons = dict(query(revoked.db_path, "select reason, count(*) from suppression_list group by reason"))
    assert reasons["hard_bounce"] > 0 and reasons["spam_complaint"] > 0
