"""The runner: independence of syncs, dry runs, consent, progress, the run log."""

from __future__ import annotations

import threading
import time

import pytest
from retl_helpers import CUSTOMER_TYPES, customers
from werkzeug import Request, Response

from reverse_etl import SyncConfigError, format_plan, run_syncs, sync_status


def file_sync(name: str, **extra):
    return {
        "name": name,
        "source": "audience",
        "mode": "mirror",
        "primary_key": "customer_id",
        "destination": {"type": "file", "path": "exports/{sync}.jsonl"},
        **extra,
    }


def test_dry_run_plans_and_changes_nothing(tmp_path, warehouse, write_config):
    warehouse.set_rows("audience", customers(6), CUSTOMER_TYPES)
    config = write_config([file_sync("a")])
    (plan_only,) = run_syncs(warehouse.path, config, dry_run=True)
    assert plan_only.status == "dry_run" and plan_only.plan.adds == 6
    assert "6 to send - 6 add, 0 change, 0 remove" in format_plan(plan_only.plan)
    assert "u***@example.com" in format_plan(plan_only.plan)
    assert not (tmp_path / "exports").exists()
    assert sync_status(warehouse.path) == []  # no run logged, no state table created
    assert warehouse.execute("select count(*) from duckdb_tables() where table_name like 'sync_%'") == [(0,)]


def test_run_log_and_unchanged_rerun(warehouse, write_config):
    warehouse.set_rows("audience", customers(5), CUSTOMER_TYPES)
    config = write_config([file_sync("a")])
    run_syncs(warehouse.path, config)
    run_syncs(warehouse.path, config)
    first, second = warehouse.runs("a")
    assert (first["status"], first["rows_planned"], first["rows_added"]) == ("success", 5, 5)
    assert (second["status"], second["rows_planned"], second["rows_added"], second["rows_changed"]) == (
        "success",
        0,
        0,
        0,
    )
    assert second["finished_at"] >= second["started_at"]
    assert [r.sync_name for r in sync_status(warehouse.path)] == ["a", "a"]


def test_progress_events(warehouse, write_config):
    warehouse.set_rows("audience", customers(10), CUSTOMER_TYPES)
    events = []
    run_syncs(warehouse.path, write_config([file_sync("a", batch_size=4)]), progress=events.append)
    assert [(e.batch_number, e.rows_done, e.rows_planned) for e in events] == [
        (0, 0, 10),
        (1, 4, 10),
        (2, 8, 10),
        (3, 10, 10),
    ]


def test_failing_or_slow_destination_does_not_hold_back_others(
    httpserver, warehouse, write_config, monkeypatch, fast_policy
):
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(10)
        return Response("{}", status=200)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    httpserver.expect_request("/down").respond_with_data("down", status=500)
    monkeypatch.setenv("RETL_WEBHOOK_SECRET", "s")
    hook = {"type": "webhook", "secret": "${RETL_WEBHOOK_SECRET}"}
    config = write_config(
        [
            file_sync("slow_hook", destination={**hook, "url": httpserver.url_for("/slow")}),
            file_sync("down_hook", destination={**hook, "url": httpserver.url_for("/down")}),
            file_sync("to_file"),
        ]
    )
    warehouse.set_rows("audience", customers(3), CUSTOMER_TYPES)
    done: dict[str, float] = {}
    started = time.monotonic()

    def progress(event):
        if event.rows_done == event.rows_planned and event.batch_number:
            done[event.sync_name] = time.monotonic() - started
            if event.sync_name == "to_file":
                release.set()  # the file sync finished while the slow webhook was still waiting

    results = {
        r.sync_name: r for r in run_syncs(warehouse.path, config, progress=progress, policy=fast_policy)
    }
    assert results["to_file"].status == "success"
    assert results["down_hook"].status == "failed" and "HTTP 500" in results["down_hook"].error
    assert results["slow_hook"].status == "success"
    assert done["to_file"] < done["slow_hook"]


def test_consent_filters_and_removes_customers_without_consent(warehouse, write_config):
    warehouse.set_rows("audience", customers(4), CUSTOMER_TYPES)
    config = write_config([file_sync("emails", purpose="email_marketing", mode="upsert")])
    # No consent table yet: the sync runs and says so.
    (result,) = run_syncs(warehouse.path, config)
    assert result.rows_added == 4 and any("consent data is missing" in w for w in result.warnings)
    warehouse.execute(
        "create table main.customer_consent as select * from (values "
        "('c00000', 'email_marketing', 'granted'), ('c00001', 'email_marketing', 'revoked'), "
        "('c00002', 'sms_marketing', 'granted'), ('c00003', 'email_marketing', 'granted')) "
        "t(customer_id, purpose, status)"
    )
    (result,) = run_syncs(warehouse.path, config)
    # Even in upsert mode, customers without consent are removed from the destination.
    assert (result.rows_removed, result.plan.consent_removes, result.warnings) == (2, 2, [])
    assert warehouse.state_keys("emails") == {"c00000", "c00003"}


def test_require_consent_refuses_without_consent_data(warehouse, write_config):
    warehouse.set_rows("audience", customers(1), CUSTOMER_TYPES)
    config = write_config([file_sync("strict", purpose="ads_targeting", require_consent=True)])
    (result,) = run_syncs(warehouse.path, config)
    assert result.status == "failed" and "require_consent" in result.error


def test_killed_run_is_marked_interrupted(warehouse, write_config):
    warehouse.set_rows("audience", customers(1), CUSTOMER_TYPES)
    config = write_config([file_sync("a")])
    run_syncs(warehouse.path, config)
    warehouse.execute("update main.sync_runs set status = 'running', finished_at = null")
    run_syncs(warehouse.path, config)
    first, second = warehouse.runs("a")
    assert first["status"] == "interrupted" and second["status"] == "success"


def test_missing_source_fails_that_sync_only(warehouse, write_config):
    warehouse.set_rows("audience", customers(1), CUSTOMER_TYPES)
    config = write_config([file_sync("ok"), file_sync("broken", source="no_such_model")])
    ok, broken = run_syncs(warehouse.path, config)
    assert ok.status == "success"
    assert broken.status == "failed" and "main.no_such_model does not exist" in broken.error
    with pytest.raises(SyncConfigError):
        run_syncs(warehouse.path, config, ["unknown"])
