"""One asset per sync of `syncs.yml`, downstream of the dbt model it reads.

Each sync also depends on `customer_identifiers` and `customer_profiles`: every synced record comes from
them, and their blocking Great Expectations checks must pass before anything leaves the warehouse.
"""

from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.assets.groups import ACTIVATION, DEFAULT_OWNERS
from orchestration.checks.identity import GUARDED_ASSETS
from orchestration.resources import WAREHOUSE_POOL, TesseraWarehouse
from reverse_etl import SyncSpec, load_sync_config, run_syncs


def sync_asset_key(name: str) -> AssetKey:
    return AssetKey(["activation", name])


def source_model_key(spec: SyncSpec) -> AssetKey:
    """The dbt model asset a sync reads (`main.high_value` and `high_value` are both `high_value`)."""
    return AssetKey([spec.source.split(".")[-1]])


def load_sync_specs(syncs_file: Path) -> list[SyncSpec]:
    """The syncs of the file, or none when the file does not exist (a fresh project has no syncs yet)."""
    if not syncs_file.exists():
        return []
    return list(load_sync_config(syncs_file).syncs)


def _sync_asset(spec: SyncSpec, known_keys: set[AssetKey]) -> AssetsDefinition:
    deps = [source_model_key(spec), *(key for key in GUARDED_ASSETS if key in known_keys)]

    @asset(
        key=sync_asset_key(spec.name),
        deps=list(dict.fromkeys(deps)),
        group_name=ACTIVATION,
        owners=[DEFAULT_OWNERS[ACTIVATION]],
        kinds={"python", spec.destination_type},
        pool=WAREHOUSE_POOL,
        description=spec.description
        or f"Sync `{spec.source}` to the {spec.destination_type} destination ({spec.mode}, key "
        f"`{spec.primary_key}`); only rows that changed since the last acknowledged run are sent.",
        metadata={"source_model": spec.source, "destination": spec.destination_type, "mode": spec.mode},
        tags={"tessera/destination": spec.destination_type},
    )
    def _sync(context: AssetExecutionContext, warehouse: TesseraWarehouse) -> MaterializeResult:
        [result] = run_syncs(warehouse.db, warehouse.syncs, [spec.name])
        for warning in result.warnings:
            context.log.warning(warning)
        if result.status == "failed":
            raise Failure(
                description=f"sync {spec.name} failed: {result.error}",
                metadata={"run_id": result.run_id or "none"},
            )
        return MaterializeResult(
            metadata={
                "status": result.status,
                "sync_run_id": result.run_id or "none",
                "rows_added": result.rows_added,
                "rows_changed": result.rows_changed,
                "rows_removed": result.rows_removed,
                "rows_rejected": result.rows_failed,
                "seconds": MetadataValue.float(round(result.seconds, 3)),
            }
        )

    return _sync


def sync_assets(specs: list[SyncSpec], known_keys: set[AssetKey]) -> list[AssetsDefinition]:
    """One asset per sync."""
    return [_sync_asset(spec, known_keys) for spec in specs]
