"""One asset per raw table, each materialized by its source folder's loader (`ingest.load_source`).

A folder that lands two tables (Zendesk `support/`: tickets and users) is one multi-asset, so one load
fills both. Each loader asset validates what it just landed with the raw Great Expectations suites and
reports them as blocking asset checks: a failure stops dbt, and so the syncs, from running on bad input.
"""

from collections.abc import Iterator

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

import ingest
from ingest.report import LoadReport
from ingest.schema import RAW_SCHEMA, RAW_TABLES
from orchestration.assets.groups import DEFAULT_OWNERS, INGEST
from orchestration.checks.raw import RAW_SUITES, raw_check_name, raw_check_result
from orchestration.project import dbt_project
from orchestration.resources import WAREHOUSE_POOL, TesseraWarehouse
from privacy import purge_tombstoned

#: Source folder (`ingest.SOURCE_NAMES`) -> the raw tables its loader fills.
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "events": ("segment_events",),
    "shopify": ("shopify_orders",),
    "hubspot": ("hubspot_contacts",),
    "pos": ("pos_sales",),
    "esp": ("esp_events",),
    "support": ("zendesk_tickets", "zendesk_users"),
    "nps": ("nps_responses",),
    "consent": ("consent_events",),
    "custom": ("custom_records",),
}

_FOLDER_DESCRIPTIONS: dict[str, str] = {
    "events": "Segment Spec messages from `events/*.jsonl`",
    "shopify": "Shopify Admin orders exports from `shopify/*.json`",
    "hubspot": "HubSpot contacts exports from `hubspot/*.csv`",
    "pos": "point-of-sale line items from `pos/*.csv`",
    "esp": "email engagement events (SendGrid webhook shape) from `esp/*.jsonl`",
    "support": "Zendesk exports from `support/*.json`",
    "nps": "NPS survey responses from `nps/*.jsonl`",
    "consent": "consent grants and revocations from `consent/*.jsonl`",
    "custom": "custom sources from `custom/<name>.*` with their YAML mappings",
}


def raw_asset_key(table: str) -> AssetKey:
    """`raw/<table>`: the same key the dbt translator gives the dbt source, so lineage is one graph."""
    return AssetKey([RAW_SCHEMA, table])


def source_for_table(table: str) -> str:
    """The source folder whose loader fills `table`."""
    for source, tables in SOURCE_TABLES.items():
        if table in tables:
            return source
    raise KeyError(f"no loader fills raw table {table!r}")


def _spec(source: str, table: str) -> AssetSpec:
    return AssetSpec(
        key=raw_asset_key(table),
        description=(
            f"`raw.{table}`: {_FOLDER_DESCRIPTIONS[source]}, landed as text with load metadata. Loading is "
            "idempotent (files already in `raw._manifest` are skipped); bad rows go to `raw._quarantine`."
        ),
        group_name=INGEST,
        owners=[DEFAULT_OWNERS[INGEST]],
        kinds={"python", "duckdb"},
        tags={"tessera/source": source},
        metadata={"source_folder": f"{source}/", "raw_table": f"raw.{table}"},
        skippable=True,
    )


def _check_specs(tables: tuple[str, ...]) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            raw_check_name(table),
            asset=raw_asset_key(table),
            blocking=True,
            description=f"Great Expectations suite `{RAW_SUITES[table]}` on the rows of the latest load.",
        )
        for table in tables
    ]


def _table_metadata(report: LoadReport, source: str) -> dict[str, object]:
    stats = report.sources.get(source)
    quarantined = [f for f in report.files if f.status == "quarantined"]
    metadata: dict[str, object] = {
        "load_id": report.load_id,
        "files_seen": stats.files_seen if stats else 0,
        "files_loaded": stats.files_loaded if stats else 0,
        "files_skipped": stats.files_skipped if stats else 0,
        "files_quarantined": stats.files_quarantined if stats else 0,
        "rows_landed_by_folder": stats.rows_landed if stats else 0,
        "rows_quarantined_by_folder": stats.rows_quarantined if stats else 0,
    }
    if quarantined:
        metadata["quarantined_files"] = MetadataValue.md(
            "\n".join(f"- `{f.file_path}`: {f.message}" for f in quarantined)
        )
    return metadata


def _loader_asset(source: str) -> AssetsDefinition:
    tables = SOURCE_TABLES[source]

    @multi_asset(
        name=f"load_{source}",
        specs=[_spec(source, table) for table in tables],
        check_specs=_check_specs(tables),
        pool=WAREHOUSE_POOL,
        description=f"Load {_FOLDER_DESCRIPTIONS[source]} into DuckDB schema `raw`.",
    )
    def _load(
        context: AssetExecutionContext, warehouse: TesseraWarehouse
    ) -> Iterator[MaterializeResult | AssetCheckResult]:
        report = ingest.load_source(warehouse.data, warehouse.db, source)
        for warning in report.warnings:
            context.log.warning(warning)
        # As `cdp load` does: rows of forgotten people delivered again are deleted on arrival.
        purged = sum(purge_tombstoned(warehouse.db).values())
        if purged:
            context.log.info(f"privacy: {purged:,} re-delivered row(s) of forgotten people deleted")
        metadata = {**_table_metadata(report, source), "privacy_rows_purged": purged}
        with warehouse.read_only() as con:
            for table in tables:
                rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
                yield MaterializeResult(
                    asset_key=raw_asset_key(table), metadata={**metadata, "table_row_count": rows}
                )
            for table in tables:
                yield raw_check_result(con, table, dbt_project.project_dir)

    return _load


LOADER_ASSETS: list[AssetsDefinition] = [_loader_asset(source) for source in SOURCE_TABLES]


def _assert_every_raw_table_has_a_loader() -> None:
    covered = {t for tables in SOURCE_TABLES.values() for t in tables}
    missing = set(RAW_TABLES) - covered
    if missing or set(SOURCE_TABLES) != set(ingest.SOURCE_NAMES):
        raise RuntimeError(
            f"orchestration/assets/ingest.py SOURCE_TABLES is out of date: raw tables without a loader asset "
            f"{sorted(missing)}; loader folders {sorted(ingest.SOURCE_NAMES)} vs {sorted(SOURCE_TABLES)}"
        )


_assert_every_raw_table_has_a_loader()
