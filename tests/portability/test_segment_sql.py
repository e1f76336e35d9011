"""`cdp segments sql NAME --dialect D` gives SQL that runs on D and selects the same customers.

Every audience's compiled SQL is transpiled by `cdp.segments.segment_sql` to postgres, spark and duckdb,
run on the warehouse the sample was built on in that engine, and its customers compared with the
DuckDB query's. The audiences are compiled once for the session (dbt compile per audience would cost
minutes); the transpiling itself is the real code.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from engines import PROJECT_DIR, BuiltWarehouse

import cdp.segments
from cdp.segments_manifest import ProjectManifest, compiled_manifest

# Minutes, not seconds (a full build per engine): run with `pytest -m portability tests/portability`.
pytestmark = [pytest.mark.portability, pytest.mark.slow]


@pytest.fixture(scope="module")
def audiences_manifest() -> ProjectManifest:
    """Every audience compiled once."""
    manifest = compiled_manifest(PROJECT_DIR)
    assert len(manifest.audiences) >= 5
    return manifest


@pytest.fixture
def transpile(audiences_manifest: ProjectManifest, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """`segment_sql(name, dialect)` with the session's compiled manifest."""
    monkeypatch.setattr(
        cdp.segments, "compiled_manifest", lambda project_dir, select=None: audiences_manifest
    )

    def segment_sql(name: str, dialect: str) -> str:
        return cdp.segments.segment_sql(PROJECT_DIR, name, dialect)

    yield segment_sql


def audience_customers(warehouse: BuiltWarehouse, sql: str) -> set[str]:
    """The customer ids the audience query selects on `warehouse` (consent and holdout not applied)."""
    return {str(row["customer_id"]) for row in warehouse.query(sql) if row["customer_id"] is not None}


def assert_same_audiences(
    transpile, audiences_manifest: ProjectManifest, duckdb_built: BuiltWarehouse, other: BuiltWarehouse
) -> None:
    non_empty = 0
    for name in sorted(audiences_manifest.audiences):
        expected = audience_customers(duckdb_built, transpile(name, "duckdb"))
        actual = audience_customers(other, transpile(name, other.engine))
        assert actual == expected, f"{name}: {other.engine} selects other customers than DuckDB"
        non_empty += bool(expected)
    assert non_empty >= 5, "too few audiences select anyone: the comparison proves little"


def test_transpiled_audiences_select_the_same_customers_on_postgres(
    transpile,
    audiences_manifest: ProjectManifest,
    duckdb_built: BuiltWarehouse,
    postgres_built: BuiltWarehouse,
) -> None:
    assert_same_audiences(transpile, audiences_manifest, duckdb_built, postgres_built)


def test_transpiled_audiences_select_the_same_customers_on_spark(
    transpile, audiences_manifest: ProjectManifest, duckdb_built: BuiltWarehouse, spark_built: BuiltWarehouse
) -> None:
    assert_same_audiences(transpile, audiences_manifest, duckdb_built, spark_built)
