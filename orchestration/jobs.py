"""Jobs: the whole graph, load + build without syncs, and one job per sync.

Every job carries the run tag `tessera/warehouse=duckdb`, limited to one run at a time in
`orchestration/dagster.yaml`, and every step that opens DuckDB is in the `tessera_warehouse` pool.
"""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.assets.activation import sync_asset_key
from orchestration.assets.groups import ACTIVATION
from orchestration.resources import WAREHOUSE_RUN_TAG

FULL_BUILD = "full_build"
LOAD_AND_BUILD = "load_and_build"

LOAD_AND_BUILD_SELECTION = AssetSelection.all() - AssetSelection.groups(ACTIVATION)

full_build_job = define_asset_job(
    FULL_BUILD,
    selection=AssetSelection.all(),
    description="Every asset: load new files, dbt build (models and tests), all quality checks, every sync.",
    tags=WAREHOUSE_RUN_TAG,
)

load_and_build_job = define_asset_job(
    LOAD_AND_BUILD,
    selection=LOAD_AND_BUILD_SELECTION,
    description=(
        "Load new files and build the dbt project incrementally (incremental models only process new rows), "
        "with its checks; no syncs."
    ),
    tags=WAREHOUSE_RUN_TAG,
)


def sync_job_name(sync_name: str) -> str:
    return f"sync__{sync_name}"


def sync_job(sync_name: str) -> UnresolvedAssetJobDefinition:
    """A job running one sync (its upstream checks must have passed in the build that produced its input)."""
    return define_asset_job(
        sync_job_name(sync_name),
        selection=AssetSelection.assets(sync_asset_key(sync_name)),
        description=f"Run the sync {sync_name} from the last build.",
        tags=WAREHOUSE_RUN_TAG,
    )
