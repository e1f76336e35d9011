"""Webhook destination against a local server that verifies the contract in CONTRACTS.md."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from retl_helpers import CUSTOMER_TYPES, customers
from werkzeug import Request, Response

from reverse_etl import run_syncs, sync_rejections

SECRET = "whsec-test-secret"


class WebhookReceiver:
    """Verifies signature and payload, applies records to `rows`, and misbehaves on request."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.fail_first: list[Response] = []  # answers to give before behaving
        self.bad_keys: set[str] = set()  # a batch containing one of these is refused with 400
        self.reject_keys: dict[str, str] = {}  # accepted batch, but these records are rejected

    def __call__(self, request: Request) -> Response:
        body = request.get_data()
        timestamp = request.headers.get("X-Tessera-Timestamp", "")
        expected = (
            "sha256="
            + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, request.headers.get("X-Tessera-Signature", "")):
            return Response("bad signature", status=401)
        if abs(time.time() - int(timestamp)) > 300:
            return Response("stale timestamp", status=401)
        payload = json.loads(body)
        assert set(payload) == {"sync", "run_id", "batch", "records"}
        self.requests.append(payload)
        if self.fail_first:
            return self.fail_first.pop(0)
        keys = {r["key"] for r in payload["records"]}
        if keys & self.bad_keys:
            return Response(json.dumps({"error": "invalid record"}), status=400)
        rejected = []
        for record in payload["records"]:
            assert record["action"] in ("upsert", "remove")
            if record["key"] in self.reject_keys:
                rejected.append({"key": record["key"], "reason": self.reject_keys[record["key"]]})
            elif record["action"] == "remove":
                self.rows.pop(record["key"], None)
            else:
                self.rows[record["key"]] = record["fields"]
        return Response(json.dumps({"rejected": rejected}), status=200, content_type="application/json")


@pytest.fixture
def receiver(httpserver):
    handler = WebhookReceiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    return handler


@pytest.fixture
def webhook_config(httpserver, write_config, monkeypatch):
    monkeypatch.setenv("RETL_WEBHOOK_SECRET", SECRET)
    return write_config(
        [
            {
                "name": "hook",
                "source": "audience",
                "mode": "mirror",
                "primary_key": "customer_id",
                "batch_size": 4,
                "fields": {"email": "email", "name": "first_name"},
                "destination": {
                    "type": "webhook",
                    "url": httpserver.url_for("/hook"),
                    "secret": "${RETL_WEBHOOK_SECRET}",
                },
            }
        ]
    )


def test_signed_batches_mirror_the_source(receiver, webhook_config, warehouse, fast_policy):
    warehouse.set_rows("audience", customers(10), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert result.status == "success", result.error
    assert [r["batch"] for r in receiver.requests] == [1, 2, 3]
    assert receiver.requests[0]["sync"] == "hook" and receiver.requests[0]["run_id"] == result.run_id
    assert receiver.rows["c00001"] == {"email": "user1@example.com", "name": "Name1"}
    warehouse.set_rows("audience", customers(8, start=2), CUSTOMER_TYPES)
    run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert set(receiver.rows) == {f"c{i:05d}" for i in range(2, 10)}
    assert receiver.requests[-1]["records"][0]["action"] == "remove"


def test_rejected_records_are_logged_and_retried_next_run(receiver, webhook_config, warehouse, fast_policy):
    receiver.reject_keys = {"c00002": "email domain blocked"}
    warehouse.set_rows("audience", customers(5), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert (result.status, result.rows_added, result.rows_failed) == ("partial", 4, 1)
    (rejection,) = sync_rejections(warehouse.path, "hook")
    assert (rejection.record_key, rejection.reason, rejection.run_id) == (
        "c00002",
        "email domain blocked",
        result.run_id,
    )
    receiver.reject_keys = {}
    (retry,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert (retry.plan.total, retry.status) == (1, "success")
    assert [r["key"] for r in receiver.requests[-1]["records"]] == ["c00002"]
    assert sync_rejections(warehouse.path, "hook") == []
    assert len(sync_rejections(warehouse.path, "hook", include_resolved=True)) == 1


def test_429_honours_retry_after(receiver, webhook_config, warehouse):
    receiver.fail_first = [Response("slow down", status=429, headers={"Retry-After": "1"})]
    warehouse.set_rows("audience", customers(2), CUSTOMER_TYPES)
    started = time.monotonic()
    (result,) = run_syncs(warehouse.path, webhook_config)
    assert result.status == "success"
    assert time.monotonic() - started >= 1.0  # waited as told, with the real default policy
    assert len(receiver.requests) == 2 and len(receiver.rows) == 2


def test_5xx_is_retried_with_backoff(receiver, webhook_config, warehouse, fast_policy):
    receiver.fail_first = [Response("oops", status=502), Response("oops", status=503)]
    warehouse.set_rows("audience", customers(3), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert result.status == "success" and len(receiver.rows) == 3
    assert len(fast_policy.slept) == 2


def test_4xx_splits_the_batch_down_to_the_bad_record(receiver, webhook_config, warehouse, fast_policy):
    receiver.bad_keys = {"c00006"}
    warehouse.set_rows("audience", customers(8), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert (result.status, result.rows_added, result.rows_failed) == ("partial", 7, 1)
    assert set(receiver.rows) == {f"c{i:05d}" for i in range(8)} - {"c00006"}
    (rejection,) = sync_rejections(warehouse.path, "hook")
    assert rejection.record_key == "c00006" and "HTTP 400" in rejection.reason


def test_persistent_5xx_fails_the_sync_without_losing_records(
    receiver, webhook_config, warehouse, fast_policy
):
    receiver.fail_first = [Response("down", status=500)] * 5
    warehouse.set_rows("audience", customers(2), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert result.status == "failed" and "HTTP 500" in result.error
    assert warehouse.state_keys("hook") == set()  # nothing acknowledged, so nothing marked delivered
    (rerun,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert (rerun.status, rerun.rows_added) == ("success", 2)


def test_wrong_secret_fails_clearly(receiver, webhook_config, warehouse, fast_policy, monkeypatch):
    monkeypatch.setenv("RETL_WEBHOOK_SECRET", "not-the-secret")
    warehouse.set_rows("audience", customers(1), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, webhook_config, policy=fast_policy)
    assert result.status == "failed" and "HTTP 401" in result.error
    assert "not-the-secret" not in result.error
