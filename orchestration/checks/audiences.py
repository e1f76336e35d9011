"""One blocking check per audience model: members unique, and size within a bound of the last good build.

The bound is `meta.tessera.max_relative_change` of `suites/audience.json` (0.5: the size may halve or grow by
half), plus `absolute_slack` members so tiny audiences may move; an audience model overrides the ratio with
`meta: {max_size_change: 0.2}` in its YAML. The previous size is the one recorded by this check's last
*passing* evaluation in the Dagster instance, so a bad build never becomes the baseline. The first build has
no baseline and only checks the members.
"""

import math
from collections.abc import Mapping
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetKey,
    DagsterInstance,
    asset_check,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from orchestration.checks.ge_runner import load_suite_document, run_suite
from orchestration.checks.results import check_result
from orchestration.resources import WAREHOUSE_POOL, TesseraWarehouse

AUDIENCE_CHECK_NAME = "ge_audience_size"
SUITE = "audience"


def audience_nodes(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The dbt models under `models/marts/audiences/`, sorted by name."""
    nodes = [
        node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model" and list(node.get("fqn", []))[1:3] == ["marts", "audiences"]
    ]
    return sorted(nodes, key=lambda node: node["name"])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def size_bounds(previous: int | None, max_relative_change: float, slack: int) -> tuple[int, int | None]:
    """(min, max) members allowed this build; (0, None) when there is no previous size."""
    if previous is None:
        return 0, None
    low = max(0, math.floor(previous * (1 - max_relative_change)) - slack)
    high = math.ceil(previous * (1 + max_relative_change)) + slack
    return low, high


def previous_audience_size(instance: DagsterInstance, check_key: AssetCheckKey) -> int | None:
    """The size recorded by the last passing evaluation of this check, if any."""
    records = instance.event_log_storage.get_asset_check_execution_history(
        check_key, limit=1, status={AssetCheckExecutionRecordStatus.SUCCEEDED}
    )
    for record in records:
        evaluation = record.evaluation
        value = evaluation.metadata.get("audience_size") if evaluation else None
        if value is not None:
            return int(value.value)
    return None


def _audience_check(node: dict[str, Any]) -> AssetChecksDefinition:
    name = node["name"]
    relation = f"{_quoted(node['schema'])}.{_quoted(node.get('alias') or name)}"
    meta = {**(node.get("meta") or {}), **(node.get("config", {}).get("meta") or {})}
    settings = load_suite_document(SUITE)["meta"]["tessera"]
    ratio = float(meta.get("max_size_change", settings["max_relative_change"]))
    slack = int(settings["absolute_slack"])
    asset_key = AssetKey([name])

    @asset_check(
        asset=asset_key,
        name=AUDIENCE_CHECK_NAME,
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=(
            f"Great Expectations suite audience on `{name}`: customer_id present and unique; size within "
            f"{ratio:.0%} (+{slack}) of the last passing build, to stop a broken join from emptying a CRM."
        ),
    )
    def _check(context: AssetCheckExecutionContext, warehouse: TesseraWarehouse) -> AssetCheckResult:
        previous = previous_audience_size(context.instance, AssetCheckKey(asset_key, AUDIENCE_CHECK_NAME))
        low, high = size_bounds(previous, ratio, slack)
        with warehouse.read_only() as con:
            outcome = run_suite(
                con,
                SUITE,
                parameters={"min_size": low, "max_size": high},
                placeholders={"relation": relation},
            )
        return check_result(
            [outcome],
            extra_metadata={
                "audience_size": outcome.rows,
                "previous_size": previous if previous is not None else "none (first build)",
                "allowed_range": f"{low}..{high if high is not None else 'unbounded'}",
                "max_relative_change": ratio,
            },
        )

    return _check


def audience_checks(manifest: Mapping[str, Any]) -> list[AssetChecksDefinition]:
    """A size check for every audience model of the manifest."""
    return [_audience_check(node) for node in audience_nodes(manifest)]
