"""`cdp run` on the committed sample, twice: what a fresh clone does, and that every step is re-runnable."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cdp.cli import app
from cdp.settings import REPO_ROOT

SAMPLE = REPO_ROOT / "data" / "sample"
runner = CliRunner()


@dataclass
class SampleRun:
    db: Path
    config: Path
    export: Path
    first_output: str
    second_output: str
    ids_after_first: set[str]


def _query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleRun]:
    work = tmp_path_factory.mktemp("sample_run")
    db, config = work / "warehouse.duckdb", work / "syncs.yml"
    # The repository's syncs.yml, writing under this test's folder instead of data/exports/.
    config.write_text((REPO_ROOT / "syncs.yml").read_text())
    env = {"TESSERA_SYNCS": str(config)}

    first = runner.invoke(app, ["run", "--db", str(db), "--data-dir", str(SAMPLE)], env=env)
    assert first.exit_code == 0, first.output
    ids = {row[0] for row in _query(db, "select customer_id from customer_profiles")}
    second = runner.invoke(app, ["run", "--db", str(db), "--data-dir", str(SAMPLE)], env=env)
    assert second.exit_code == 0, second.output
    yield SampleRun(
        db, config, work / "data" / "exports" / "high_value_to_file.csv", first.output, second.output, ids
    )


def test_profiles_are_built_one_per_customer(sample_run: SampleRun) -> None:
    ((profiles, distinct, with_email),) = _query(
        sample_run.db,
        "select count(*), count(distinct customer_id), count(primary_email) from customer_profiles",
    )
    assert profiles == distinct > 200  # 280 people in the sample; a few stay split on purpose
    assert with_email > profiles / 2


def test_the_sample_s_broken_rows_are_quarantined_not_lost(sample_run: SampleRun) -> None:
    ((quarantined,),) = _query(sample_run.db, "select count(*) from raw._quarantine")
    ((read, landed, in_manifest),) = _query(
        sample_run.db, "select sum(rows_read), sum(rows_landed), sum(rows_quarantined) from raw._manifest"
    )
    assert quarantined == in_manifest > 0
    assert read == landed + quarantined


def test_second_run_loads_nothing_keeps_ids_and_sends_nothing(sample_run: SampleRun) -> None:
    loaded_twice = _query(
        sample_run.db, "select file_path from raw._manifest group by file_path having count(*) > 1"
    )
    assert loaded_twice == []
    ids = {row[0] for row in _query(sample_run.db, "select customer_id from customer_profiles")}
    assert ids == sample_run.ids_after_first
    runs = _query(
        sample_run.db,
        "select status, rows_added, rows_changed, rows_removed from sync_runs order by started_at",
    )
    assert [r[0] for r in runs] == ["success", "success"]
    assert runs[0][1] > 0 and runs[1][1:] == (0, 0, 0)


def test_the_audience_is_synced_to_the_file_exactly(sample_run: SampleRun) -> None:
    with sample_run.export.open() as f:
        exported = {row["customer_id"] for row in csv.DictReader(f)}
    audience = {row[0] for row in _query(sample_run.db, "select customer_id from high_value")}
    # The suppression list (hard bounces, spam complaints, erasures) applies to every sync.
    suppressed = {
        row[0]
        for row in _query(
            sample_run.db,
            "select h.customer_id from high_value h join suppression_list s "
            "on s.customer_id = h.customer_id "
            "or (s.identifier_type = 'email' and s.identifier_value = lower(h.primary_email))",
        )
    }
    assert audience - suppressed
    assert exported == audience - suppressed


def test_identity_accuracy_on_the_sample(sample_run: SampleRun) -> None:
    result = runner.invoke(
        app, ["eval", "identity", "--db", str(sample_run.db), "--truth", str(SAMPLE / "truth.csv")]
    )
    assert result.exit_code == 0, result.output
    figures = dict(
        line.split()[:2] for line in result.output.splitlines() if line.startswith(("precision", "recall"))
    )
    assert float(figures["precision"]) >= 0.995
    assert float(figures["recall"]) >= 0.95


def test_profile_lookup_masks_personal_data(sample_run: SampleRun) -> None:
    ((email, customer_id),) = _query(
        sample_run.db,
        "select identifier_value, customer_id from customer_identifiers "
        "where identifier_type = 'email' order by 1 limit 1",
    )
    result = runner.invoke(app, ["profile", f"  {email.upper()} ", "--db", str(sample_run.db)])
    assert result.exit_code == 0, result.output
    assert customer_id in result.output
    assert email not in result.output and f"{email[0]}***@{email.split('@')[1]}" in result.output
    shown = runner.invoke(app, ["profile", customer_id, "--db", str(sample_run.db), "--show-pii"])
    assert email in shown.output


def test_sync_status_lists_the_runs(sample_run: SampleRun) -> None:
    result = runner.invoke(app, ["sync", "status", "--db", str(sample_run.db)])
    assert result.exit_code == 0, result.output
    assert result.output.count("high_value_to_file") == 2


def test_segments_list_shows_every_audience_with_its_size(sample_run: SampleRun) -> None:
    result = runner.invoke(app, ["segments", "list", "--db", str(sample_run.db)])
    assert result.exit_code == 0, result.output
    audiences = sorted(p.stem for p in (REPO_ROOT / "dbt_project/models/marts/audiences").glob("*.sql"))
    cells = [line.split("│") for line in result.output.splitlines() if line.startswith("│")]
    rows = {c[1].strip(): c for c in cells if c[1].strip()}  # a blank name is a wrapped continuation line
    assert sorted(rows) == audiences
    ((size,),) = _query(sample_run.db, "select count(*) from high_value")
    assert rows["high_value"][2].strip() == str(size)


def test_segment_sql_transpiles_to_other_engines(sample_run: SampleRun) -> None:
    for dialect in ("postgres", "spark", "snowflake"):
        result = runner.invoke(app, ["segments", "sql", "high_value", "--dialect", dialect])
        assert result.exit_code == 0, result.output
        assert "customer_traits" in result.output and "customer_id" in result.output
    unknown = runner.invoke(app, ["segments", "sql", "high_value", "--dialect", "cobol"])
    assert unknown.exit_code == 1


def test_profile_shows_golden_record_traits_and_audiences(sample_run: SampleRun) -> None:
    ((customer_id,),) = _query(sample_run.db, "select customer_id from high_value order by 1 limit 1")
    result = runner.invoke(app, ["profile", customer_id, "--db", str(sample_run.db)])
    assert result.exit_code == 0, result.output
    for section in ("Golden record", "Traits", "Audiences", "Recent timeline"):
        assert section in result.output
    assert "high_value" in result.output
