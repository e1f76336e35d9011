"""The raw layer's tables: one definition shared by the loaders, dbt's sources and the tests.

Raw tables keep what the source sent, as text (nested parts as JSON), plus load metadata. Typed validation
happens at load time (rows that fail are quarantined), casting happens in dbt staging. See
docs/architecture.md for the meaning of each column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ingest.sql import literal

RAW_SCHEMA = "raw"

#: Columns every raw table ends with.
METADATA_COLUMNS: dict[str, str] = {
    "_record": "JSON",
    "_file": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMP",
    "_load_id": "VARCHAR",
}


@dataclass(frozen=True)
class RawTable:
    """A raw table: its name in schema `raw` and its source columns (name -> DuckDB type).

    `from_record` names source columns added after the table was first released, each with the JSON path
    of `_record` that fills it: `ensure_raw_schema` adds such a column to an older warehouse and fills it
    for the rows already there, so staging can read it for every row.
    """

    name: str
    columns: dict[str, str]
    from_record: dict[str, str] = field(default_factory=dict)

    @property
    def all_columns(self) -> dict[str, str]:
        """Source columns followed by the metadata columns."""
        return {**self.columns, **METADATA_COLUMNS}

    @property
    def qualified_name(self) -> str:
        """`raw.<name>`."""
        return f"{RAW_SCHEMA}.{self.name}"


def _text(*names: str) -> dict[str, str]:
    return dict.fromkeys(names, "VARCHAR")


RAW_TABLES: dict[str, RawTable] = {
    t.name: t
    for t in (
        RawTable(
            "segment_events",
            {
                **_text(
                    "message_id",
                    "type",
                    "event",
                    "name",
                    "user_id",
                    "anonymous_id",
                    "previous_id",
                    "group_id",
                    "device_id",
                    "timestamp",
                    "sent_at",
                    "received_at",
                ),
                "traits": "JSON",
                "context": "JSON",
                "properties": "JSON",
            },
            # Page and screen calls name themselves here; staging read it out of `_record` before.
            from_record={"name": "$.name"},
        ),
        RawTable(
            "shopify_orders",
            {
                **_text(
                    "id",
                    "email",
                    "phone",
                    "created_at",
                    "updated_at",
                    "currency",
                    "total_price",
                    "financial_status",
                    "cancelled_at",
                    "customer_id",
                    "customer_email",
                    "customer_phone",
                    "customer_first_name",
                    "customer_last_name",
                ),
                "billing_address": "JSON",
                "line_items": "JSON",
            },
        ),
        RawTable(
            "hubspot_contacts",
            _text(
                "record_id",
                "first_name",
                "last_name",
                "email",
                "phone_number",
                "create_date",
                "lifecycle_stage",
                "country",
            ),
        ),
        RawTable(
            "pos_sales",
            _text(
                "transaction_id",
                "store_id",
                "occurred_at",
                "loyalty_id",
                "email",
                "phone",
                "sku",
                "quantity",
                "unit_price",
                "currency",
            ),
        ),
        RawTable(
            "esp_events", _text("sg_event_id", "sg_message_id", "email", "timestamp", "event", "category")
        ),
        RawTable(
            "zendesk_tickets",
            _text(
                "id", "requester_id", "created_at", "updated_at", "status", "subject", "satisfaction_score"
            ),
        ),
        RawTable("zendesk_users", _text("id", "email", "phone", "name", "created_at")),
        RawTable("nps_responses", _text("id", "email", "score", "comment", "created_at")),
        RawTable("consent_events", _text("email", "user_id", "purpose", "status", "occurred_at", "source")),
        RawTable(
            "custom_records",
            {
                **_text(
                    "source_name",
                    "record_id",
                    "occurred_at",
                    "email",
                    "phone",
                    "user_id",
                    "crm_id",
                    "loyalty_id",
                    "first_name",
                    "last_name",
                ),
                "attributes": "JSON",
            },
        ),
    )
}

MANIFEST_TABLE = RawTable(
    "_manifest",
    {
        "file_path": "VARCHAR",
        "source": "VARCHAR",
        "size_bytes": "BIGINT",
        "sha256": "VARCHAR",
        "file_stamp": "VARCHAR",
        "load_id": "VARCHAR",
        "loaded_at": "TIMESTAMP",
        "status": "VARCHAR",
        "rows_read": "BIGINT",
        "rows_landed": "BIGINT",
        "rows_quarantined": "BIGINT",
        "message": "VARCHAR",
    },
)

QUARANTINE_TABLE = RawTable(
    "_quarantine",
    {
        "source": "VARCHAR",
        "file_path": "VARCHAR",
        "row_number": "BIGINT",
        "raw_text": "VARCHAR",
        "reason": "VARCHAR",
        "load_id": "VARCHAR",
        "quarantined_at": "TIMESTAMP",
    },
)


#: How DuckDB stores a column of the given type instead of its automatic choice (applies to tables created
#: from now on). JSON columns (`_record`, the record as sent and the widest column of every raw table, and the
#: nested parts such as Segment's `context`) are long, mostly distinct strings: ZSTD stores `_record` in less
#: than half the space of the automatic dictionary/FSST encoding and, for every JSON column, at a fraction of
#: its CPU cost, which each load pays at every commit; reading them back costs a little more.
DUCKDB_COMPRESSION_BY_TYPE: dict[str, str] = {"JSON": "zstd"}


def _column_sql(name: str, sql_type: str) -> str:
    compression = DUCKDB_COMPRESSION_BY_TYPE.get(sql_type)
    return f'"{name}" {sql_type}' + (f" using compression {compression}" if compression else "")


def _create_sql(table: RawTable, columns: dict[str, str]) -> str:
    cols = ", ".join(_column_sql(name, sql_type) for name, sql_type in columns.items())
    return f"create table if not exists {table.qualified_name} ({cols})"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema `raw`, every raw table, the manifest and the quarantine if they do not exist yet.

    Always creating every table (empty when a source has no files) keeps dbt's staging views valid for any
    subset of sources.
    """
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for table in RAW_TABLES.values():
        _ensure_table(con, table, table.all_columns)
    for table in (MANIFEST_TABLE, QUARANTINE_TABLE):
        _ensure_table(con, table, table.columns)


def table_columns(con: duckdb.DuckDBPyConnection, table: RawTable) -> set[str]:
    """The columns `table` has in the connection's database (empty when it does not exist)."""
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [RAW_SCHEMA, table.name],
    ).fetchall()
    return {row[0] for row in rows}


def _ensure_table(con: duckdb.DuckDBPyConnection, table: RawTable, columns: dict[str, str]) -> None:
    """Create `table` with `columns`, or give one created by an older version the columns added since."""
    present = table_columns(con, table)
    if not present:
        con.execute(_create_sql(table, columns))
        return
    missing = [name for name in columns if name not in present]
    if missing:
        _add_columns(con, table, {name: columns[name] for name in missing})


def _add_columns(con: duckdb.DuckDBPyConnection, table: RawTable, columns: dict[str, str]) -> None:
    """Add `columns` (name -> type) to an existing table, in one transaction.

    A column `from_record` declares is filled from `_record` for the rows already there (what the loader
    would have extracted); any other is NULL for them.
    """
    con.begin()
    try:
        for name, sql_type in columns.items():
            con.execute(f'alter table {table.qualified_name} add column "{name}" {sql_type}')
        filled = [name for name in columns if name in table.from_record]
        if filled:
            sets = ", ".join(
                f'"{name}" = json_extract_string(_record, {literal(table.from_record[name])})'
                for name in filled
            )
            con.execute(f"update {table.qualified_name} set {sets}")
        con.commit()
    except BaseException:
        con.rollback()
        raise
