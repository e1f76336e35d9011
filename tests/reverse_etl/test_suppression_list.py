"""The global suppression list (`main.suppression_list`, built by the privacy marts) gates every sync,
whatever its purpose and mode: suppressed customers are not sent, and removed if they were."""

from __future__ import annotations

from retl_helpers import CUSTOMER_TYPES, customers

from reverse_etl import format_plan, run_syncs

SUPPRESSION_DDL = (
    "create or replace table main.suppression_list ("
    "suppression_id varchar, identifier_type varchar, identifier_value varchar, identifier_hash varchar, "
    "customer_id varchar, reason varchar)"
)


def _sync(mode: str, **extra):
    return {
        "name": f"export_{mode}",
        "source": "audience",
        "mode": mode,
        "primary_key": "customer_id",
        "destination": {"type": "file", "path": "exports/{sync}.jsonl"},
        **extra,
    }


def test_suppressed_customers_are_never_sent(warehouse, write_config):
    warehouse.set_rows("audience", customers(5), CUSTOMER_TYPES)
    warehouse.execute(SUPPRESSION_DDL)
    warehouse.execute(
        "insert into main.suppression_list values "
        "('1', 'email', 'user1@example.com', 'h1', null, 'manual'), "  # matched by the email column
        "('2', 'email', 'elsewhere@example.com', 'h2', 'c00003', 'hard_bounce'), "  # matched by customer id
        "('3', 'email', null, 'h3', null, 'erased')"  # a tombstone: matches nothing
    )
    config = write_config([_sync("upsert")])
    (result,) = run_syncs(warehouse.path, config)
    assert result.status == "success"
    assert warehouse.state_keys("export_upsert") == {"c00000", "c00002", "c00004"}


def test_suppression_removes_delivered_customers_in_every_mode(warehouse, write_config, tmp_path):
    warehouse.set_rows("audience", customers(4), CUSTOMER_TYPES)
    syncs = [_sync(mode) for mode in ("insert", "upsert", "mirror")]
    config = write_config(syncs)
    assert all(r.rows_added == 4 for r in run_syncs(warehouse.path, config))

    warehouse.execute(SUPPRESSION_DDL)
    warehouse.execute(
        "insert into main.suppression_list values "
        "('1', 'email', 'user2@example.com', 'h', null, 'spam_complaint')"
    )
    # The list holds normalised values; the source's are compared trimmed and lower-cased.
    warehouse.execute("update main.audience set email = ' User2@Example.com' where customer_id = 'c00002'")
    dry = run_syncs(warehouse.path, config, dry_run=True)
    assert all("1 for missing consent or suppression" in format_plan(r.plan) for r in dry)

    results = run_syncs(warehouse.path, config)
    for result in results:
        assert (result.status, result.rows_removed, result.plan.consent_removes) == ("success", 1, 1)
        assert warehouse.state_keys(result.sync_name) == {"c00000", "c00001", "c00003"}
        exported = (tmp_path / "exports" / f"{result.sync_name}.jsonl").read_text(encoding="utf-8")
        assert "c00002" not in exported and "c00001" in exported


def test_without_suppression_list_nothing_changes(warehouse, write_config):
    warehouse.set_rows("audience", customers(3), CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, write_config([_sync("mirror")]))
    assert (result.rows_added, result.plan.consent_removes) == (3, 0)
