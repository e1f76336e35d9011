"""The definitions load and form one graph: loaders -> dbt -> syncs, grouped by layer, with checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetKey, Definitions
from orch_helpers import make_dagster_home, write_syncs_file

from cdp.settings import Settings
from ingest.schema import RAW_TABLES
from orchestration.assets.groups import LAYERS
from orchestration.checks.limits import identity_type_limits
from orchestration.definitions import build_definitions, defs
from orchestration.project import dbt_project
from orchestration.resources import WAREHOUSE_POOL


@pytest.fixture(scope="module")
def fixture_defs(tmp_path_factory: pytest.TempPathFactory) -> Definitions:
    folder = tmp_path_factory.mktemp("defs")
    settings = Settings(
        db_path=folder / "w.duckdb", data_dir=folder / "in", syncs_file=write_syncs_file(folder)
    )
    return build_definitions(settings)


def test_module_definitions_load() -> None:
    Definitions.validate_loadable(defs)
    assert defs.resolve_asset_graph().get_all_asset_keys()


def test_one_loader_asset_per_raw_table_and_dbt_sources_map_to_them(fixture_defs: Definitions) -> None:
    graph = fixture_defs.resolve_asset_graph()
    for table in RAW_TABLES:
        node = graph.get(AssetKey(["raw", table]))
        assert node.group_name == "ingest"
        assert not node.is_external, f"raw/{table} must be materialized by its loader, not a stub"
    # Staging models depend on the loader assets themselves: one connected graph.
    assert AssetKey(["raw", "shopify_orders"]) in graph.get(AssetKey(["stg_shopify__orders"])).parent_keys
    assert AssetKey(["raw", "zendesk_users"]) in graph.get(AssetKey(["stg_zendesk__users"])).parent_keys
    external = [k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).is_external]
    assert external == []


def test_every_asset_has_layer_group_owner_description_and_kinds(fixture_defs: Definitions) -> None:
    graph = fixture_defs.resolve_asset_graph()
    groups = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        groups.add(node.group_name)
        assert node.owners, key
        assert node.description, key
        assert node.kinds, key
    assert groups == set(LAYERS)
    assert graph.get(AssetKey(["customer_identifiers"])).group_name == "identity"
    assert graph.get(AssetKey(["customer_profiles"])).group_name == "marts"


def test_sync_assets_depend_on_their_model_and_the_guarded_assets(fixture_defs: Definitions) -> None:
    graph = fixture_defs.resolve_asset_graph()
    parents = graph.get(AssetKey(["activation", "traits_to_file"])).parent_keys
    assert parents == {
        AssetKey(["customer_traits"]),
        AssetKey(["customer_identifiers"]),
        AssetKey(["customer_profiles"]),
    }
    assert graph.get(AssetKey(["activation", "profiles_to_file"])).group_name == "activation"


def test_quality_checks_guarding_activation_are_blocking(fixture_defs: Definitions) -> None:
    graph = fixture_defs.resolve_asset_graph()
    checks = {key.to_user_string(): graph.get_check_spec(key) for key in graph.asset_check_keys}
    for table in RAW_TABLES:
        assert checks[f"raw/{table}:ge_raw_{table}"].blocking
    assert checks["customer_identifiers:ge_identity_quality"].blocking
    assert checks["customer_profiles:ge_profiles_quality"].blocking
    audiences = [name for name in checks if name.endswith(":ge_audience_size")]
    audience_models = [
        n["name"]
        for n in _manifest()["nodes"].values()
        if n["resource_type"] == "model" and n["fqn"][1:3] == ["marts", "audiences"]
    ]
    assert len(audiences) == len(audience_models)
    assert all(checks[name].blocking for name in audiences)
    # dbt tests are asset checks too.
    assert "stg_shopify__orders:unique_stg_shopify__orders_order_id" in checks


def test_every_step_that_opens_duckdb_is_in_the_warehouse_pool(fixture_defs: Definitions) -> None:
    job = fixture_defs.resolve_implicit_global_asset_job_def()
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    assert pools and all(pool == WAREHOUSE_POOL for pool in pools.values()), pools


def test_instance_yaml_limits_warehouse_runs_to_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster import DagsterInstance

    monkeypatch.setenv("DAGSTER_HOME", str(make_dagster_home(tmp_path / "home")))
    with DagsterInstance.get() as instance:
        config = instance.get_concurrency_config()
    assert config.pool_config.default_pool_limit == 1
    assert {
        "key": "tessera/warehouse",
        "value": "duckdb",
        "limit": 1,
    } in config.run_queue_config.tag_concurrency_limits
    job = defs.resolve_job_def("full_build")
    assert job.tags["tessera/warehouse"] == "duckdb"


def test_identity_limits_come_from_the_dbt_project() -> None:
    limits = identity_type_limits(dbt_project.project_dir)
    assert limits["user_id"] == 1
    assert set(limits) >= {"email", "phone", "anonymous_id", "device_id"}


def _manifest() -> dict:
    import json

    return json.loads(dbt_project.manifest_path.read_text())
