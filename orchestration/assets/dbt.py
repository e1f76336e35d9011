"""The dbt project as assets: staging, identity, marts and audiences, with dbt tests as asset checks.

`TesseraDbtTranslator` maps each dbt source `raw.<table>` to the loader asset `raw/<table>` and puts every
model in its layer's group, so the graph is one piece from files to syncs.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from cdp.dbt_runner import EXCLUDE_UNIT_TESTS
from orchestration.assets.groups import AUDIENCES, DEFAULT_OWNERS, IDENTITY, INGEST, MARTS, STAGING
from orchestration.project import dbt_project
from orchestration.resources import WAREHOUSE_POOL, TesseraWarehouse

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IDENTITY_MARTS = ("customer_identifiers",)


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str:
    """The asset group of a dbt node, from where it lives in the project."""
    if dbt_resource_props["resource_type"] == "source":
        return INGEST
    fqn = list(dbt_resource_props.get("fqn", []))
    folders = fqn[1:-1]
    name = dbt_resource_props["name"]
    if not folders or folders[0] in ("staging", "seeds") or dbt_resource_props["resource_type"] == "seed":
        return STAGING
    if "identity" in folders or name in _IDENTITY_MARTS or name.startswith("identity_"):
        return IDENTITY
    if folders[:2] == ["marts", "audiences"]:
        return AUDIENCES
    return MARTS


def _owner(value: object) -> str | None:
    """A dbt `meta.owner` as a Dagster owner: an email, or `team:<slug>`."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if _EMAIL.match(value) or value.startswith("team:"):
        return value
    return "team:" + re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-")


class TesseraDbtTranslator(DagsterDbtTranslator):
    """dbt sources -> the loader assets `raw/<table>`; models grouped by layer, owned per layer or meta."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return layer_of(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        meta = {
            **(dbt_resource_props.get("meta") or {}),
            **(dbt_resource_props.get("config", {}).get("meta") or {}),
        }
        owner = _owner(meta.get("owner"))
        return [owner] if owner else [DEFAULT_OWNERS[layer_of(dbt_resource_props)]]

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        description = (dbt_resource_props.get("description") or "").strip()
        return description or f"dbt {dbt_resource_props['resource_type']} `{dbt_resource_props['name']}`."


class DbtBuildConfig(Config):
    """Run config of the dbt step.

    `full_refresh` rebuilds incremental models from scratch. It is never scheduled: the identity
    assignment history is incremental, and rebuilding it would hand customers new ids.
    """

    full_refresh: bool = False


translator = TesseraDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
    name="tessera_dbt",
)
def tessera_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: TesseraWarehouse, config: DbtBuildConfig
) -> Iterator[Any]:
    """`dbt build` of the selected models: seeds, models and their data tests (reported as asset checks);
    dbt's unit tests check SQL, not data, and are left to CI (see cdp.dbt_runner.EXCLUDE_UNIT_TESTS)."""
    args = ["build", *(["--full-refresh"] if config.full_refresh else []), *EXCLUDE_UNIT_TESTS]
    with warehouse.dbt_environment():
        invocation = dbt.cli(args, context=context)
    yield from invocation.stream()
