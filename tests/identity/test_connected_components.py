"""The `connected_components` materialization, run by dbt on DuckDB and Postgres, against scipy.

Per engine, one dbt invocation builds every model of a small project (dbt start-up dominates the run
time); each test then checks one model's table against scipy's components of the same edges.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import cc_graphs
import duckdb
import numpy as np
import pytest
from cc_project import (
    DUCKDB_PROFILE,
    POSTGRES_PROFILE,
    DbtRun,
    cc_model,
    expected_components,
    run_dbt,
    write_project,
)

CHAIN_LENGTH = 10_000


def _graphs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20261123)
    return {
        "chain": cc_graphs.chain(rng, CHAIN_LENGTH),
        "ordered_chain": cc_graphs.chain(rng, CHAIN_LENGTH, ids=np.arange(1, CHAIN_LENGTH + 1)),
        "star": cc_graphs.star(rng, 5_000),
        "junk_node": cc_graphs.clusters_joined_by_junk_node(rng, 60),
        "small_components": cc_graphs.small_components(rng, 3_000),
        "self_edges": cc_graphs.self_edges_only(rng, 200),
    }


GRAPHS = _graphs()


class BuiltWarehouse:
    """The DuckDB file the module's dbt run built, and what that run reported."""

    def __init__(self, path: Path, run: DbtRun) -> None:
        self.path = path
        self.run = run

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path)) as con:
            return con.execute(sql).fetchall()

    def components(self, model: str) -> dict[int, int]:
        rows = self.query(f"select node_id, component_id from main.{model}")
        as_dict = dict(rows)
        assert len(as_dict) == len(rows), f"{model} has more than one row for some node"
        return as_dict


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    project_dir = tmp_path_factory.mktemp("cc_project")
    db_path = project_dir / "warehouse.duckdb"
    with duckdb.connect(str(db_path)) as con:
        for name, edges in GRAPHS.items():
            columns = {"node_a": edges[:, 0].copy(), "node_b": edges[:, 1].copy()}  # noqa: F841 - scanned by DuckDB
            con.execute(f"create table edges_{name} as select node_a, node_b from columns")
        con.execute(
            "create table edges_with_null as select * from (values (1, 2), (2, null)) as t(node_a, node_b)"
        )
        # Previous builds: `star` must be replaced by the run, `too_few_rounds` must survive its failed run.
        con.execute("create table star as select 1::bigint as node_id, 1::bigint as component_id")
        con.execute("create table too_few_rounds as select 42::bigint as node_id, 42::bigint as component_id")
    models = {name: cc_model(f"edges_{name}") for name in GRAPHS}
    models["empty"] = cc_model("edges_chain where 1 = 0")
    models["too_few_rounds"] = cc_model("edges_chain", max_iterations=2)
    models["null_node"] = cc_model("edges_with_null")
    write_project(project_dir, DUCKDB_PROFILE.format(path=db_path), models)
    return BuiltWarehouse(db_path, run_dbt(project_dir))


@pytest.mark.parametrize("model", sorted(GRAPHS))
def test_components_match_scipy(warehouse: BuiltWarehouse, model: str) -> None:
    assert warehouse.run.statuses[model] == "success", warehouse.run.messages[model]
    expected = expected_components(GRAPHS[model])
    assert warehouse.components(model) == expected
    # The bound proven in the macro's docstring: the node count halves at least every two rounds.
    assert warehouse.run.rounds[model] <= 2 * np.log2(len(expected)) + 1


def test_result_columns_are_bigint(warehouse: BuiltWarehouse) -> None:
    types = warehouse.query(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'chain' order by ordinal_position"
    )
    assert types == [("node_id", "BIGINT"), ("component_id", "BIGINT")]


def test_random_chain_converges_in_few_rounds(warehouse: BuiltWarehouse) -> None:
    # Label propagation alone would need ~10,000 rounds on this chain.
    assert 1 <= warehouse.run.rounds["chain"] <= 40


@pytest.mark.parametrize("model", ["ordered_chain", "star", "junk_node"])
def test_adversarial_shapes_converge_in_few_rounds(warehouse: BuiltWarehouse, model: str) -> None:
    assert 1 <= warehouse.run.rounds[model] <= 3


def test_empty_input_gives_empty_table(warehouse: BuiltWarehouse) -> None:
    assert warehouse.run.statuses["empty"] == "success"
    assert warehouse.run.rounds["empty"] == 0
    assert warehouse.query("select count(*) from main.empty") == [(0,)]


def test_self_edges_make_singleton_components(warehouse: BuiltWarehouse) -> None:
    components = warehouse.components("self_edges")
    assert len(components) == len(np.unique(GRAPHS["self_edges"]))
    assert all(node == component for node, component in components.items())


def test_hitting_max_iterations_fails_and_keeps_previous_table(warehouse: BuiltWarehouse) -> None:
    assert warehouse.run.statuses["too_few_rounds"] == "error"
    message = warehouse.run.messages["too_few_rounds"]
    assert "too_few_rounds" in message
    assert "did not converge within max_iterations=2" in message
    assert warehouse.query("select * from main.too_few_rounds") == [(42, 42)]
    assert not warehouse.run.success


def test_null_node_id_fails_naming_model(warehouse: BuiltWarehouse) -> None:
    assert warehouse.run.statuses["null_node"] == "error"
    message = warehouse.run.messages["null_node"]
    assert "null_node" in message
    assert "1 input edge(s) have a NULL node_a or node_b" in message


def test_no_scratch_tables_left_behind(warehouse: BuiltWarehouse) -> None:
    leftovers = warehouse.query(
        "select table_name from information_schema.tables "
        "where table_name like '%\\_\\_cc\\_%' escape '\\' or table_name like '%\\_\\_dbt\\_%' escape '\\'"
    )
    assert leftovers == []


def _portable_graphs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {
        "chain": cc_graphs.chain(rng, 2_000),
        "star": cc_graphs.star(rng, 500),
        "junk_node": cc_graphs.clusters_joined_by_junk_node(rng, 20),
        "small_components": cc_graphs.small_components(rng, 300),
        "self_edges": cc_graphs.self_edges_only(rng, 50),
    }


PORTABLE_GRAPHS = _portable_graphs()


@pytest.fixture(scope="module")
def postgres_run(tmp_path_factory: pytest.TempPathFactory):
    """The same materialization built on the test Postgres, in a schema of its own dropped afterwards."""
    psycopg2 = pytest.importorskip("psycopg2")
    schema = f"cc_test_{uuid.uuid4().hex[:12]}"
    try:
        con = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    except psycopg2.OperationalError as error:
        pytest.skip(f"Postgres is not reachable: {error}")
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(f"create schema {schema}")
            for name, edges in PORTABLE_GRAPHS.items():
                cur.execute(f"create table {schema}.edges_{name} (node_a bigint, node_b bigint)")
                rows = "\n".join(f"{a}\t{b}" for a, b in edges.tolist())
                cur.copy_expert(f"copy {schema}.edges_{name} from stdin", io.StringIO(rows))
        project_dir = tmp_path_factory.mktemp("cc_project_postgres")
        models = {name: cc_model(f"{schema}.edges_{name}") for name in PORTABLE_GRAPHS}
        models["empty"] = cc_model(f"{schema}.edges_chain where 1 = 0")
        write_project(project_dir, POSTGRES_PROFILE.format(schema=schema), models)
        run = run_dbt(project_dir)

        def components(model: str) -> dict[int, int]:
            with con.cursor() as cur:
                cur.execute(f"select node_id, component_id from {schema}.{model}")
                return dict(cur.fetchall())

        with con.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = %s", (schema,))
            tables = {row[0] for row in cur.fetchall()}
        yield run, components, tables
    finally:
        with con.cursor() as cur:
            cur.execute(f"drop schema if exists {schema} cascade")
        con.close()


@pytest.mark.portability
def test_postgres_gives_the_same_components(postgres_run) -> None:
    run, components, tables = postgres_run
    for model, edges in PORTABLE_GRAPHS.items():
        assert run.statuses[model] == "success", run.messages[model]
        assert components(model) == expected_components(edges), model
    assert components("empty") == {}
    assert tables == {f"edges_{name}" for name in PORTABLE_GRAPHS} | {*PORTABLE_GRAPHS, "empty"}
