"""benchmarks/dbt_log_profile.py: the split of a build's time read from dbt's debug log.

A log in dbt 1.11's file format (the lines the profile reads, with the escape code dbt puts first) checks
the arithmetic; the smoke increment (test_increment_again.py) checks it on a real log.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_scripts import load_bench_script

profiler = load_bench_script("dbt_log_profile")

NODE = "model.tessera.stg_orders"
TEST = "test.tessera.unique_stg_orders_order_id.1a2b3c"


def _line(stamp: str, text: str, thread: str = "Thread-1 (") -> str:
    return f"\x1b[0m{stamp} [debug] [{thread}]: {text}"


def _invocation(hour: str) -> list[str]:
    """One dbt invocation, 10 s of wall time: a model (select 2.0 s, delete 0.5 s, commit 0.25 s over
    4.0 s of node time), a catalog query of dbt's own between them (0.05 s), and the test (0.75 s of SQL
    over 1.0 s)."""
    return [
        _line(f"{hour}:00:00.000000", "Running with dbt=1.11.16", "MainThread"),
        _line(f"{hour}:00:01.000000", f"Began running node {NODE}"),
        _line(f"{hour}:00:01.100000", f'On {NODE}: /* {{"app": "dbt", "node_id": "{NODE}"}} */'),
        "",
        "    create temporary table",
        '      "stg_orders__dbt_tmp"',
        "    as (select 1 as order_id)",
        _line(f"{hour}:00:03.100000", "SQL status: OK in 2.000 seconds"),
        _line(f"{hour}:00:03.200000", f'On {NODE}: /* {{"app": "dbt", "node_id": "{NODE}"}} */'),
        "delete from main.stg_orders",
        "    where (order_id) in (select (order_id) from stg_orders__dbt_tmp)",
        _line(f"{hour}:00:03.700000", "SQL status: OK in 0.500 seconds"),
        _line(f"{hour}:00:03.800000", f"On {NODE}: COMMIT"),
        _line(f"{hour}:00:04.050000", "SQL status: OK in 0.250 seconds"),
        _line(f"{hour}:00:04.060000", f"On {NODE}: Close"),
        _line(f"{hour}:00:05.000000", f"Finished running node {NODE}"),
        _line(
            f"{hour}:00:05.500000",
            "On list_warehouse_main: select table_name from information_schema.tables",
        ),
        _line(f"{hour}:00:05.550000", "SQL status: OK in 0.050 seconds"),
        _line(f"{hour}:00:06.000000", f"Began running node {TEST}"),
        _line(f"{hour}:00:06.100000", f'On {TEST}: /* {{"node_id": "{TEST}"}} */'),
        "select order_id from main.stg_orders group by order_id having count(*) > 1",
        _line(f"{hour}:00:06.850000", "SQL status: OK in 0.750 seconds"),
        _line(f"{hour}:00:07.000000", f"Finished running node {TEST}"),
        _line(f"{hour}:00:10.000000", "Command `dbt build` succeeded", "MainThread"),
    ]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "dbt.log"
    path.write_text("\n".join(_invocation("10") + _invocation("11")) + "\n", encoding="utf-8")
    return path


def test_the_wall_time_splits_into_sql_and_dbt_inside_and_outside_the_nodes(log: Path) -> None:
    profile = profiler.profile_log(log)
    assert profile.invocations == 2
    assert profile.wall_s == pytest.approx(20.0)
    assert profile.node_wall_s == pytest.approx(10.0)
    assert profile.sql_s() == pytest.approx(7.0)
    assert profile.sql_s(in_nodes=False) == pytest.approx(0.1)
    assert dict(profile.nodes) == {"model": 2, "test": 2}
    assert profile.by_kind() == {
        "select": (2, pytest.approx(4.0)),
        "delete": (2, pytest.approx(1.0)),
        "commit": (2, pytest.approx(0.5)),
        "test": (2, pytest.approx(1.5)),
        "between nodes": (2, pytest.approx(0.1)),
    }
    assert profile.slowest(1) == [(NODE, "select", pytest.approx(4.0))]


def test_only_the_last_invocations_are_read_when_asked(log: Path) -> None:
    profile = profiler.profile_log(log, last_invocations=1)
    assert profile.invocations == 1 and profile.wall_s == pytest.approx(10.0)
    assert profile.sql_s() == pytest.approx(3.5)
    with pytest.raises(ValueError, match="2 dbt invocation"):
        profiler.profile_log(log, last_invocations=3)


def test_invocations_dbt_rolled_over_are_read_from_the_older_files(tmp_path: Path) -> None:
    """dbt rolls dbt.log over at 10 MB, in the middle of an invocation: the older part is in dbt.log.1."""
    first, second, third = _invocation("09"), _invocation("10"), _invocation("11")
    (tmp_path / "dbt.log.2").write_text("\n".join(first) + "\n", encoding="utf-8")
    (tmp_path / "dbt.log.1").write_text("\n".join(second[:5]) + "\n", encoding="utf-8")
    (tmp_path / "dbt.log").write_text("\n".join(second[5:] + third) + "\n", encoding="utf-8")
    profile = profiler.profile_log(tmp_path / "dbt.log", last_invocations=2)
    assert profile.invocations == 2 and profile.wall_s == pytest.approx(20.0)
    assert profile.sql_s() == pytest.approx(7.0)
    assert profiler.profile_log(tmp_path / "dbt.log", last_invocations=3).wall_s == pytest.approx(30.0)
    with pytest.raises(ValueError, match="3 dbt invocation"):
        profiler.profile_log(tmp_path / "dbt.log", last_invocations=4)


def test_a_build_past_midnight_keeps_its_wall_time(tmp_path: Path) -> None:
    lines = _invocation("23")
    lines[-1] = _line("00:00:05.000000", "Command `dbt build` succeeded", "MainThread")
    path = tmp_path / "dbt.log"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert profiler.profile_log(path).wall_s == pytest.approx(3605.0)  # 23:00:00 to 00:00:05


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ('/* {"app": "dbt"} */\n\n  create temporary table "x__dbt_tmp" as (select 1)', "select"),
        ("create table main.x as (select 1)", "create table"),
        ("create or replace table main.x as select 1", "create table"),
        ("delete from main.x where id in (select id from y)", "delete"),
        ('insert into main.x ("id") (select "id" from y)', "insert"),
        ("COMMIT", "commit"),
        ("BEGIN", "other"),
        ('alter table main.x rename to "y"', "other"),
    ],
)
def test_statement_kinds(sql: str, kind: str) -> None:
    assert profiler.statement_kind("model.tessera.x", sql) == kind
    assert profiler.statement_kind("test.tessera.x", sql) == "test"
    assert profiler.statement_kind("master", sql) == "between nodes"


def test_a_file_without_dbt_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "other.log"
    path.write_text("nothing from dbt here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no dbt invocation"):
        profiler.profile_log(path)


def test_the_command_prints_the_split(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiler.main([str(log), "--top", "1"])
    lines = {line.split("  ")[0]: line.split()[-1] for line in capsys.readouterr().out.splitlines() if line}
    assert lines["SQL: select"] == "4.0"
    assert lines["dbt inside the nodes"] == "3.0"  # 10 s of node time less 7 s of their SQL
    assert lines["dbt outside the nodes"] == "9.9"  # 20 s of wall time less the nodes and 0.1 s between


def test_the_command_names_a_missing_log(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"missing\.log"):
        profiler.main([str(tmp_path / "missing.log")])
