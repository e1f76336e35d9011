"""Forget: a person delivered to Postgres, Redis and a file is erased everywhere, and reloading the same
inputs (unchanged, and delivered again under new file names) then rebuilding brings nothing back.

One dbt build in this module (after the reload); the rest works on a copy of the session's sample build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
import redis
from privacy_helpers import PG_DSN, REDIS_URL, SAMPLE_DIR, Person, build, query, richest_customer, sync_file

import ingest
from privacy import forget_person, purge_tombstoned, verify_person
from privacy.scan import scan_warehouse
from privacy.warehouse import open_warehouse
from reverse_etl import run_syncs


def _pg_keys(schema: str) -> set[str]:
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        return {row[0] for row in conn.execute(f'select customer_id from "{schema}".people').fetchall()}


def _redis_keys(prefix: str) -> set[str]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return set(client.scan_iter(match=f"{prefix}*"))
    finally:
        client.close()


def _redelivered_copy(target: Path) -> Path:
    """The sample inputs again under new file names (same content), as a source re-sending its export."""
    for path in SAMPLE_DIR.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(SAMPLE_DIR)
            destination = destination.with_name(
                destination.name if destination.suffix == ".yml" else f"redelivered-{destination.name}"
            )
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    return target


@pytest.fixture(scope="module")
def forgotten(module_warehouse: Path, built_sample, pg_schema: str, redis_prefix: str, tmp_path_factory):
    """Sync everyone, then forget the customer with the most identifiers (email marketing granted)."""
    db_path = module_warehouse
    config = sync_file(tmp_path_factory.mktemp("forget_syncs") / "syncs.yml", pg_schema, redis_prefix)
    person = richest_customer(
        db_path,
        "customer_id in (select customer_id from customer_consent "
        "where purpose = 'email_marketing' and status = 'granted')",
    )
    results = run_syncs(db_path, config)
    assert all(r.status == "success" for r in results), [(r.sync_name, r.error) for r in results]
    before = {
        "postgres": person.customer_id in _pg_keys(pg_schema),
        "redis": f"{redis_prefix}customer:{person.customer_id}" in _redis_keys(redis_prefix),
        "file": person.email in (config.parent / "exports" / "people.jsonl").read_text(),
    }
    report = forget_person(db_path, person.email, config, built_sample[1], rebuild=False)
    return db_path, config, person, before, report


def test_forget_removes_the_person_from_every_destination(
    forgotten, pg_schema: str, redis_prefix: str
) -> None:
    db_path, config, person, before, report = forgotten
    assert before == {"postgres": True, "redis": True, "file": True}
    statuses = {d.sync_name: d.status for d in report.destinations}
    assert statuses == {
        "people_to_postgres": "confirmed",
        "people_to_redis": "confirmed",
        "people_to_file": "confirmed",
    }
    assert person.customer_id not in _pg_keys(pg_schema)
    assert not any(person.customer_id in key for key in _redis_keys(redis_prefix))
    exported = (config.parent / "exports" / "people.jsonl").read_text()
    assert person.email not in exported and person.customer_id not in exported
    # Everyone else is still there.
    assert len(_pg_keys(pg_schema)) > 10
    assert query(db_path, "select count(*) from sync_state where record_key = ?", [person.customer_id]) == [
        (0,)
    ]


def test_forget_deletes_raw_rows_tombstones_and_logs_each_step(forgotten) -> None:
    db_path, _, person, _, report = forgotten
    assert report.found and report.identifiers == len(person.identifiers)
    assert sum(report.raw_rows_deleted.values()) >= 5
    assert len(report.raw_rows_deleted) >= 3  # several sources held the person
    assert report.tombstones_added == len(person.identifiers)
    (tombstones,) = query(db_path, "select count(*) from privacy.tombstones")[0]
    assert tombstones == len(person.identifiers)
    # The tombstones and the request log hold no identifier in clear text.
    con = open_warehouse(db_path, read_only=True)
    try:
        leftovers = [f.place for f in scan_warehouse(con, person.values)]
    finally:
        con.close()
    assert not [place for place in leftovers if "privacy" in place], leftovers
    steps = query(
        db_path,
        "select step, target, status from privacy_request_steps where request_id = ? order by finished_at",
        [report.request_id],
    )
    assert [s[0] for s in steps][:1] == ["resolve"]
    assert {s[0] for s in steps} >= {"resolve", "destination", "delete_raw", "tombstone", "scrub", "verify"}
    assert ("destination", "people_to_postgres", "confirmed") in steps
    (status, requested_by, subject_hash) = query(
        db_path, "select status, requested_by, subject_hash from privacy_requests where request_id = ?",
        [report.request_id],
    )[0]  # fmt: skip
    assert status == "incomplete"  # rebuild=False: the request says so
    assert requested_by and len(subject_hash) == 64 and person.email not in subject_hash


def test_forget_deletes_the_links_of_the_person_s_records(forgotten) -> None:
    """int_record_links holds node ids, not text: the scrub cannot find them; forget deletes them."""
    db_path, _, _, _, report = forgotten
    assert report.scrubbed.get("main.int_record_links", 0) > 0
    orphans = query(
        db_path,
        "select count(*) from int_record_links where node_a is not null and ("
        " node_a not in (select node_id from int_identifiers_unioned)"
        " or node_b not in (select node_id from int_identifiers_unioned))",
    )
    assert orphans == [(0,)]


PER_RECORD_MODELS = (
    "int_record_resolutions", "fct_customer_events", "int_profile_attribute_candidates",
    "int_consent_changes_unioned", "int_segment_b2b_signals", "fct_orders",
)  # fmt: skip


def test_forget_leaves_no_per_record_row_of_the_customer(forgotten) -> None:
    """Incremental builds never look for rows of customers that no longer exist: the scrub removes them."""
    db_path, _, person, _, _ = forgotten
    for model in PER_RECORD_MODELS:
        total, theirs = query(
            db_path,
            f"select count(*), count(*) filter (where customer_id = ?) from {model}",
            [person.customer_id],
        )[0]
        assert theirs == 0 and total > 0, model
    (previous,) = query(
        db_path,
        "select count(*) from int_record_resolutions where previous_customer_id = ?",
        [person.customer_id],
    )[0]
    assert previous == 0


def test_forget_output_is_masked(forgotten) -> None:
    _, _, person, _, report = forgotten
    text = report.summary()
    assert "@" in text and "***" in text
    for value in person.values:
        assert value not in text


def test_forget_reload_rebuild_verify_finds_nothing(forgotten, built_sample, tmp_path: Path) -> None:
    db_path, config, person, _, _ = forgotten
    # The same files again: the manifest skips them, nothing lands.
    again = ingest.load_folder(SAMPLE_DIR, db_path)
    assert sum(s.rows_landed for s in again.sources.values()) == 0
    # The same content under new names: it lands, and the person's rows with it.
    redelivered = ingest.load_folder(_redelivered_copy(tmp_path / "redelivered"), db_path)
    assert sum(s.rows_landed for s in redelivered.sources.values()) > 1000
    (landed,) = query(db_path, "select count(*) from raw.esp_events where lower(email) = ?", [person.email])[
        0
    ]
    (events,) = query(
        db_path,
        "select count(*) from raw.segment_events where contains(lower(_record::varchar), ?)",
        [person.email],
    )[0]
    assert landed + events > 0, "the redelivered files must carry the forgotten person"

    build(built_sample[1], db_path)

    # Staging filtered the tombstoned identifiers: nothing outside `raw` knows the person again.
    con = open_warehouse(db_path, read_only=True)
    try:
        built = [f.place for f in scan_warehouse(con, person.values) if not f.place.startswith("duckdb raw.")]
        assert built == []
        (customers,) = con.execute(
            "select count(*) from customer_identifiers where identifier_value in (select unnest(?))",
            [person.values],
        ).fetchone()
        assert customers == 0
    finally:
        con.close()

    # `cdp load` purges tombstoned rows after landing; then not even `raw` holds them.
    purged = purge_tombstoned(db_path)
    assert sum(purged.values()) > 0
    for value in [person.email, person.customer_id]:
        report = verify_person(db_path, value, config, also=person.values)
        assert report.clean, report.summary()
        assert report.values_searched >= len(person.values)
        assert {"people_to_postgres (postgres)", "people_to_redis (redis)", "people_to_file (file)"} <= set(
            report.checked
        )


def test_verify_reports_exact_places_before_forgetting(built_sample) -> None:
    """The scanner is not blind: on the untouched build it finds the same person in many places."""
    db_path = built_sample[0]
    person: Person = richest_customer(db_path)
    report = verify_person(db_path, person.email)
    assert not report.clean
    places = {f.place for f in report.findings}
    # customer_identifiers is a view: the scanner reads the table under it
    assert "duckdb main.int_identity_current_assignments.identifier_value" in places
    assert "duckdb raw.esp_events.email" in places or "duckdb raw.segment_events._record" in places
    assert person.email not in report.summary()  # masked


@pytest.mark.slow
def test_forget_with_its_own_rebuild_leaves_nothing(built_sample, tmp_path: Path) -> None:
    """What `cdp privacy forget` runs: forget, rebuild and verify in one call (one more dbt build)."""
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy2(built_sample[0], db_path)
    person = richest_customer(db_path)
    report = forget_person(db_path, person.customer_id, None, built_sample[1])
    assert report.rebuilt and report.status == "done", report.summary()
    assert report.verify is not None and report.verify.clean
    assert verify_person(db_path, person.email, also=person.values).clean
    assert query(db_path, "select status from privacy_requests where request_type = 'forget'") == [("done",)]


def test_dagster_loader_purges_redelivered_rows_of_forgotten_people(forgotten, tmp_path: Path) -> None:
    """The Dagster loader asset does what `cdp load` does after landing: re-delivered rows of a forgotten
    person are deleted on arrival."""
    from dagster import materialize

    from orchestration.assets.ingest import LOADER_ASSETS
    from orchestration.resources import TesseraWarehouse

    db_path, config, person, _, _ = forgotten
    inputs = tmp_path / "inputs"
    (inputs / "esp").mkdir(parents=True)
    for path in (SAMPLE_DIR / "esp").iterdir():
        shutil.copy2(path, inputs / "esp" / f"dagster-{path.name}")
    assert person.email in "".join(p.read_text() for p in (inputs / "esp").iterdir())
    (load_esp,) = [a for a in LOADER_ASSETS if a.node_def.name == "load_esp"]
    warehouse = TesseraWarehouse(db_path=str(db_path), data_dir=str(inputs), syncs_file=str(config))
    result = materialize([load_esp], resources={"warehouse": warehouse}, raise_on_error=False)
    assert result.success
    (materialization,) = result.asset_materializations_for_node("load_esp")
    assert materialization.metadata["files_loaded"].value == len(list((inputs / "esp").iterdir()))
    assert materialization.metadata["privacy_rows_purged"].value > 0
    (left,) = query(db_path, "select count(*) from raw.esp_events where lower(email) = ?", [person.email])[0]
    assert left == 0
