"""The `cdp` commands' contract: progress, summaries, idempotent loads and one-line failures."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cdp.cli import app
from cdp.settings import REPO_ROOT

runner = CliRunner()


def _write_events(folder: Path, count: int) -> None:
    events = folder / "events"
    events.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "messageId": f"m{i}",
                "type": "track",
                "event": "Product Viewed",
                "anonymousId": f"a{i % 7}",
                "timestamp": "2026-10-01T12:00:00Z",
            }
        )
        for i in range(count)
    ]
    lines.append('{"messageId": "broken", ')  # one malformed line, quarantined
    (events / "part-1.jsonl").write_text("\n".join(lines) + "\n")


def test_load_missing_folder_fails_with_one_line_reason(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["load", "--db", str(tmp_path / "w.duckdb"), "--data-dir", str(tmp_path / "nope")]
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_load_refuses_a_file_that_is_not_a_duckdb_database(tmp_path: Path) -> None:
    bogus = tmp_path / "warehouse.duckdb"
    bogus.write_text("this is not a database\n" * 100)
    data = tmp_path / "in"
    _write_events(data, 3)
    result = runner.invoke(app, ["load", "--db", str(bogus), "--data-dir", str(data)])
    assert result.exit_code == 1
    assert f"cannot use warehouse {bogus}" in " ".join(result.output.split())


def test_load_twice_lands_nothing_new_and_reports_skips(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "in"
    _write_events(data, 20)

    first = runner.invoke(app, ["load", "--db", str(db), "--data-dir", str(data)])
    assert first.exit_code == 0, first.output
    assert "raw._quarantine" in first.output  # the malformed line is reported, not dropped
    second = runner.invoke(app, ["load", "--db", str(db), "--data-dir", str(data)])
    assert second.exit_code == 0, second.output

    with duckdb.connect(str(db), read_only=True) as con:
        landed = con.execute("select count(*) from raw.segment_events").fetchone()[0]
        quarantined = con.execute("select count(*) from raw._quarantine").fetchone()[0]
        skipped = con.execute(
            "select count(*) from raw._manifest where status = 'loaded' and file_path = 'events/part-1.jsonl'"
        ).fetchone()[0]
    assert (landed, quarantined, skipped) == (20, 1, 1)
    events_row = next(line for line in second.output.splitlines() if line.strip("│ ").startswith("events"))
    cells = [c.strip() for c in events_row.strip("│").split("│")]
    assert cells[:4] == ["events", "1", "0", "1"]  # 1 file seen, 0 new, 1 skipped


def test_load_rehash_finds_an_edit_that_kept_size_and_modification_time(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "in"
    _write_events(data, 5)
    part = data / "events" / "part-1.jsonl"
    os.utime(part, (1_700_000_000, 1_700_000_000))
    assert runner.invoke(app, ["load", "--db", str(db), "--data-dir", str(data)]).exit_code == 0
    part.write_text(
        part.read_text().replace('"messageId": "m', '"messageId": "n')
    )  # same size, other message ids
    os.utime(part, (1_700_000_000, 1_700_000_000))

    plain = runner.invoke(app, ["load", "--db", str(db), "--data-dir", str(data)])
    rehashed = runner.invoke(app, ["load", "--db", str(db), "--data-dir", str(data), "--rehash"])

    assert plain.exit_code == 0 and rehashed.exit_code == 0, rehashed.output
    with duckdb.connect(str(db), read_only=True) as con:
        versions = con.execute(
            "select count(*) from raw._manifest where file_path = 'events/part-1.jsonl'"
        ).fetchone()[0]
        landed = con.execute("select count(*) from raw.segment_events").fetchone()[0]
    assert (versions, landed) == (2, 10)


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    """A one-model dbt project sharing Tessera's profiles, whose model fails at run time."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "dbt_project" / "profiles.yml", project / "profiles.yml")
    (project / "dbt_project.yml").write_text(
        "name: broken\nversion: '1.0.0'\nconfig-version: 2\nprofile: tessera\n"
    )
    (project / "models" / "fine.sql").write_text("select 1 as id\n")
    (project / "models" / "orders_joined.sql").write_text(
        "select * from {{ ref('fine') }} join missing_table using (id)\n"
    )
    return project


def test_build_failure_names_the_failing_model(tmp_path: Path, broken_project: Path) -> None:
    result = runner.invoke(
        app, ["build", "--db", str(tmp_path / "w.duckdb"), "--project-dir", str(broken_project)]
    )
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "dbt build failed in orders_joined" in flat
    assert "missing_table" in flat


@pytest.mark.parametrize(("env", "concurrency"), [({}, 1), ({"TESSERA_DBT_THREADS": "3"}, 3)])
def test_build_runs_one_model_at_a_time_unless_told(
    tmp_path: Path, broken_project: Path, env: dict[str, str], concurrency: int
) -> None:
    (broken_project / "models" / "orders_joined.sql").unlink()
    logs = tmp_path / "logs"
    result = runner.invoke(
        app,
        ["build", "--db", str(tmp_path / "w.duckdb"), "--project-dir", str(broken_project)],
        # Its own dbt folders: the worker's would then hold this project's manifest, not Tessera's.
        env={**env, "DBT_LOG_PATH": str(logs), "DBT_TARGET_PATH": str(tmp_path / "target")},
    )
    assert result.exit_code == 0, result.output
    log = (logs / "dbt.log").read_text()
    assert f"Concurrency: {concurrency} threads" in log


def test_build_rejects_an_unknown_target(tmp_path: Path, broken_project: Path) -> None:
    result = runner.invoke(
        app,
        [
            "build",
            "--db",
            str(tmp_path / "w.duckdb"),
            "--project-dir",
            str(broken_project),
            "--target",
            "oracle",
        ],
    )
    assert result.exit_code == 1
    assert "unknown target 'oracle'" in result.output


def test_build_passes_vars_to_dbt(tmp_path: Path, broken_project: Path) -> None:
    models = broken_project / "models"
    (models / "orders_joined.sql").unlink()
    (models / "fine.sql").write_text('select \'{{ var("greeting", "none") }}\' as greeting\n')
    db = tmp_path / "w.duckdb"
    result = runner.invoke(
        app,
        ["build", "--db", str(db), "--project-dir", str(broken_project), "--vars", "{greeting: hello}"],
        env={"DBT_LOG_PATH": str(tmp_path / "logs"), "DBT_TARGET_PATH": str(tmp_path / "target")},
    )
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select greeting from main.fine").fetchall() == [("hello",)]


@pytest.mark.parametrize(
    ("text", "message"),
    [("[as_of, now]", "--vars must map var names to values"), ("{as_of: [now", "--vars is not YAML or JSON")],
)
def test_build_refuses_vars_that_are_not_a_mapping(
    tmp_path: Path, broken_project: Path, text: str, message: str
) -> None:
    args = ["build", "--db", str(tmp_path / "w.duckdb"), "--project-dir", str(broken_project), "--vars", text]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "w.duckdb").exists()  # refused before dbt started


def test_run_passes_vars_to_the_build(tmp_path: Path, broken_project: Path) -> None:
    models = broken_project / "models"
    (models / "orders_joined.sql").unlink()
    (models / "fine.sql").write_text('select \'{{ var("greeting", "none") }}\' as greeting\n')
    data = tmp_path / "data"
    (data / "nps").mkdir(parents=True)
    (data / "nps" / "responses.jsonl").write_text(
        '{"id": "n1", "email": "ann@mail.com", "score": 9, "created_at": "2026-01-01T00:00:00Z"}\n'
    )
    db = tmp_path / "w.duckdb"
    args = ["run", "--db", str(db), "--data-dir", str(data), "--project-dir", str(broken_project)]
    result = runner.invoke(
        app,
        [*args, "--no-sync", "--vars", "{greeting: hello}"],
        env={"DBT_LOG_PATH": str(tmp_path / "logs"), "DBT_TARGET_PATH": str(tmp_path / "target")},
    )
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.nps_responses").fetchone() == (1,)
        assert con.execute("select greeting from main.fine").fetchall() == [("hello",)]


def test_run_refuses_vars_that_are_not_a_mapping_before_loading(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["run", "--db", str(db), "--vars", "[as_of, now]"])
    assert result.exit_code == 1
    assert "--vars must map var names to values" in " ".join(result.output.split())
    assert not db.exists()


def test_demo_data_writes_the_contract_layout(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo-data", "--out", str(out), "--customers", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    for folder in ("events", "shopify", "hubspot", "pos", "esp", "support", "nps", "consent", "custom"):
        assert any((out / folder).iterdir()), folder
    assert (out / "truth.csv").read_text().startswith("identifier_type,identifier_value,person_id")


@pytest.fixture
def pg_database(throwaway_pg_database) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A throwaway Postgres database, dropped afterwards."""
    with throwaway_pg_database("tessera_cli") as name:
        yield name


def test_load_lands_raw_tables_on_postgres(tmp_path: Path, pg_database: str) -> None:
    import psycopg

    data = tmp_path / "in"
    _write_events(data, 12)
    env = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres", "PGDATABASE": pg_database}
    args = ["load", "--db", str(tmp_path / "w.duckdb"), "--data-dir", str(data), "--target", "postgres"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "raw tables on postgres" in result.output
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={pg_database}") as conn:
        assert conn.execute("select count(*) from raw.segment_events").fetchone() == (12,)


def test_load_onto_an_unreachable_postgres_fails_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "in"
    _write_events(data, 2)
    env = {"PGHOST": "127.0.0.1", "PGPORT": "1", "PGUSER": "postgres", "PGDATABASE": "test"}
    args = ["load", "--db", str(tmp_path / "w.duckdb"), "--data-dir", str(data), "--target", "postgres"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "cannot land raw tables on postgres" in " ".join(result.output.split())
