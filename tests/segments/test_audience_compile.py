"""The audience check's scratch compile: it keeps its folder so dbt re-parses only the files that changed,
picks up an audience added since, and falls back to a temporary folder while another compile holds it."""

from __future__ import annotations

import fcntl

import pytest
from audience_warehouse import Warehouse

from cdp.dbt_runner import dbt_target_dir
from cdp.segments_manifest import compiled_manifest

NEW_AUDIENCE = """\
with

traits as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select customer_id from traits where orders_count > 7
)

select * from final
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return Warehouse.create(tmp_path_factory.mktemp("compile"))


def kept_log(world: Warehouse) -> str:
    return (dbt_target_dir(world.project_dir) / "audience-compile" / "logs" / "dbt.log").read_text()


def test_a_second_compile_parses_only_what_changed(world: Warehouse) -> None:
    first = compiled_manifest(world.project_dir)
    assert "high_value" in first.audiences
    assert "orders_over_seven" not in first.audiences
    log_before = kept_log(world)
    world.add_audience("orders_over_seven", NEW_AUDIENCE)

    second = compiled_manifest(world.project_dir)

    assert "orders_over_seven" in second.audiences
    assert "customer_traits" in (second.audiences["orders_over_seven"].compiled_code or "")
    this_run = kept_log(world)[len(log_before) :]
    assert "Partial parsing enabled: 0 files deleted, 1 files added" in this_run
    assert "Unable to do partial parsing" not in this_run


def test_a_held_folder_sends_the_compile_to_a_temporary_one(world: Warehouse) -> None:
    compiled_manifest(world.project_dir)  # the kept folder exists, with its lock file
    log_before = kept_log(world)
    lock_path = dbt_target_dir(world.project_dir) / "audience-compile" / ".lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        manifest = compiled_manifest(world.project_dir)
    assert "high_value" in manifest.audiences
    assert kept_log(world) == log_before
