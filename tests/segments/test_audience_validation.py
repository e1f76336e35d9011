"""Audience validation: sqlglot reads each compiled audience and names the file, the line and the fix for
reading raw or staging data, missing customer_id, DML and incomplete meta; the build fails the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from audience_warehouse import Warehouse

from cdp.console import CdpError
from cdp.segments import AudienceProblem, require_valid_audiences, validate_audiences
from cdp.segments_manifest import compiled_manifest

META = """\
version: 2
models:
{entries}
"""
ENTRY = """\
  - name: {name}
    description: A test audience.
    config:
      materialized: audience
      meta: {{owner: test-team, consent_purpose: none}}
"""

BAD_AUDIENCES = {
    "reads_raw": """\
with

orders as (
    select * from {{ source('shopify', 'shopify_orders') }}
),

final as (
    select customer_id from orders
)

select * from final
""",
    "reads_staging": """\
with

orders as (
    select * from {{ ref('stg_shopify__orders') }}
)

select shopify_customer_id as customer_id from orders
""",
    "reads_raw_by_name": """\
select email as customer_id
from raw.esp_events
""",
    "no_customer_id": """\
with

customers as (
    select * from {{ ref('customer_traits') }}
),

final as (
    select primary_email from customers
)

select * from final
""",
    "deletes_rows": """\
delete from {{ ref('customer_traits') }}
where customer_id is null
""",
    "no_meta": """\
{{ config(materialized='table') }}
select customer_id from {{ ref('customer_traits') }}
""",
    "literal_no_id": """\
select 1 as one
""",
}


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, dict[str, list[AudienceProblem]]]:
    """The project copy with the bad audiences, and the problems found, by audience."""
    world = Warehouse.create(tmp_path_factory.mktemp("validation"))
    for name, sql in BAD_AUDIENCES.items():
        world.add_audience(name, sql)
    entries = "".join(ENTRY.format(name=name) for name in BAD_AUDIENCES if name != "no_meta")
    (folder(world) / "_bad.yml").write_text(META.format(entries=entries))
    manifest = compiled_manifest(world.project_dir)
    with pytest.raises(CdpError, match=r"^\d+ audience problems: models/marts/audiences/\w+[.]sql:\d+: "):
        require_valid_audiences(world.project_dir, world.db_path, manifest=manifest)
    problems: dict[str, list[AudienceProblem]] = {}
    for problem in validate_audiences(world.project_dir, world.db_path, manifest=manifest):
        problems.setdefault(problem.audience, []).append(problem)
    return world, problems


def folder(world: Warehouse) -> Path:
    return world.project_dir / "models" / "marts" / "audiences"


def test_prebuilt_audiences_have_no_problem(checked) -> None:
    _, problems = checked
    assert set(problems) == set(BAD_AUDIENCES)


def test_reading_a_raw_source_names_the_table_line_and_fix(checked) -> None:
    world, problems = checked
    (problem,) = problems["reads_raw"]
    assert problem.file == "models/marts/audiences/reads_raw.sql"
    assert problem.line == line_of(folder(world) / "reads_raw.sql", "source('shopify'")
    assert "raw table raw.shopify_orders (source shopify.shopify_orders)" in problem.message
    assert "ref('customer_traits')" in problem.fix
    assert str(problem).startswith("models/marts/audiences/reads_raw.sql:4: audience reads_raw reads raw")


def test_reading_staging_names_the_model(checked) -> None:
    world, problems = checked
    (problem,) = problems["reads_staging"]
    assert "staging model stg_shopify__orders; audiences may read only marts" in problem.message
    assert problem.line == line_of(folder(world) / "reads_staging.sql", "stg_shopify__orders")


def test_a_raw_table_named_in_sql_is_caught_too(checked) -> None:
    _, problems = checked
    (problem,) = problems["reads_raw_by_name"]
    assert "raw table raw.esp_events" in problem.message
    assert problem.line == 2


def test_missing_customer_id_is_found_through_the_final_cte(checked) -> None:
    world, problems = checked
    (problem,) = problems["no_customer_id"]
    assert "returns no customer_id column (it returns primary_email)" in problem.message
    assert problem.line == line_of(folder(world) / "no_customer_id.sql", "select primary_email")
    assert "select customer_id" in problem.fix


def test_dml_is_rejected(checked) -> None:
    _, problems = checked
    messages = " ".join(p.message for p in problems["deletes_rows"])
    assert "must be exactly one select query, found: delete" in messages
    assert all(p.line == 1 for p in problems["deletes_rows"])


def test_missing_yaml_meta_is_reported_on_the_sql_file(checked) -> None:
    _, problems = checked
    messages = {p.message for p in problems["no_meta"]}
    assert messages == {
        "is materialized as table, so its membership history is not kept",
        "has no description",
        "has no meta.owner",
        "has no meta.consent_purpose",
    }


def test_build_fails_with_file_and_fix_when_customer_id_is_missing(checked) -> None:
    world, _ = checked
    outcome = world.dbt("run", "--select", "literal_no_id", check=False)
    assert not outcome.success
    message = outcome.messages["literal_no_id"]
    assert "audience literal_no_id (models/marts/audiences/literal_no_id.sql)" in message
    assert "returns no customer_id column (it returns one)" in message
    assert "Fix: select customer_id" in message


def test_build_refuses_an_audience_reading_staging_with_the_line(checked) -> None:
    world, _ = checked
    outcome = world.dbt("run", "--select", "reads_staging", check=False)
    assert not outcome.success
    message = outcome.messages["reads_staging"]
    line = line_of(folder(world) / "reads_staging.sql", "stg_shopify__orders")
    assert f"audience reads_staging (models/marts/audiences/reads_staging.sql:{line})" in message
    assert "reads staging model stg_shopify__orders; audiences may read only marts. Fix:" in message
