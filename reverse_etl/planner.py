"""The diff planner: source model rows vs. the last state delivered -> adds, changes and removes.

The diff runs set-based in DuckDB: every source row is hashed (DuckDB's 64-bit `hash` of the mapped
fields and of the mapping itself; eight times faster than md5 of the row as JSON), then joined against
`sync_state`. Should a DuckDB upgrade change its hash function, the next run re-sends every row once,
which is harmless because destination writes are idempotent. The plan is written to a Parquet file so the
batches can stream from it without holding the warehouse open while destinations are slow.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from reverse_etl.config import SyncSpec
from reverse_etl.destinations.base import Column
from reverse_etl.errors import SyncError
from reverse_etl.masking import mask_fields, mask_value
from reverse_etl.sql import ident, literal, plan_rows, relation, split_relation
from reverse_etl.state import table_exists

CONSENT_TABLE = ("main", "customer_consent")
# The global suppression list (privacy marts): applies to every sync, with or without a purpose.
SUPPRESSION_TABLE = ("main", "suppression_list")
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class SourceShape:
    """The resolved source: relation, key column and mapped columns (destination name -> model column)."""

    schema: str
    table: str
    key_column: str
    key_type: str
    mapping: tuple[tuple[str, str, str], ...]  # (destination field, model column, DuckDB type)
    column_names: frozenset[str] = frozenset()  # every column of the source

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(Column(dest, dtype) for dest, _, dtype in self.mapping)


@dataclass
class Plan:
    """What a run will send: counts per kind and a masked sample of each."""

    sync_name: str
    adds: int = 0
    changes: int = 0
    removes: int = 0
    # Part of `removes`: customers whose consent for the purpose is not granted, or who are suppressed.
    consent_removes: int = 0
    sample: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.adds + self.changes + self.removes


def format_plan(plan: Plan) -> str:
    """A human-readable plan with a masked sample, for `cdp sync --dry-run`."""
    lines = [
        f"{plan.sync_name}: {plan.total} to send - {plan.adds} add, {plan.changes} change, "
        f"{plan.removes} remove"
        + (f" ({plan.consent_removes} for missing consent or suppression)" if plan.consent_removes else "")
    ]
    lines += [f"  warning: {w}" for w in plan.warnings]
    for row in plan.sample:
        fields = ", ".join(f"{k}={v}" for k, v in row["fields"].items())
        lines.append(f"  {row['change']:<6} {row['key']}" + (f"  {fields}" if fields else ""))
    return "\n".join(lines)


def resolve_source(conn: duckdb.DuckDBPyConnection, spec: SyncSpec) -> SourceShape:
    """Check the source model, its key and mapped columns exist; return their names and types."""
    schema, table = split_relation(spec.source)
    rows = conn.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? and database_name = current_database() "
        "order by column_index",
        [schema, table],
    ).fetchall()
    if not rows:
        raise SyncError(
            f"sync '{spec.name}': source {schema}.{table} does not exist in the warehouse "
            "(build the project first, or fix `source`)"
        )
    types = dict(rows)
    if spec.primary_key not in types:
        raise SyncError(
            f"sync '{spec.name}': primary_key {spec.primary_key!r} is not a column of {schema}.{table} "
            f"(columns: {', '.join(types)})"
        )
    if spec.fields is None:
        mapping = tuple((col, col, types[col]) for col in types)
    else:
        missing = {dest: col for dest, col in spec.fields.items() if col not in types}
        if missing:
            dest, col = next(iter(missing.items()))
            raise SyncError(
                f"sync '{spec.name}': fields.{dest}: {col!r} is not a column of {schema}.{table} "
                f"(columns: {', '.join(types)})"
            )
        mapping = tuple((dest, col, types[col]) for dest, col in spec.fields.items())
    return SourceShape(schema, table, spec.primary_key, types[spec.primary_key], mapping, frozenset(types))


def _check_keys(conn: duckdb.DuckDBPyConnection, spec: SyncSpec, shape: SourceShape) -> None:
    key = ident(shape.key_column)
    nulls, duplicates = conn.execute(
        f"select count(*) filter (where {key} is null), count({key}) - count(distinct {key}) "
        f"from {relation(shape.schema, shape.table)}"
    ).fetchone()
    if nulls or duplicates:
        raise SyncError(
            f"sync '{spec.name}': primary_key {shape.key_column!r} of {shape.schema}.{shape.table} must be "
            f"unique and not null, found {nulls} null and {duplicates} duplicate value(s); nothing was sent"
        )


def _consent_condition(
    conn: duckdb.DuckDBPyConnection, spec: SyncSpec, shape: SourceShape, warnings: list[str]
) -> str:
    """SQL for whether a source row may be sent under the sync's purpose (always true without a purpose)."""
    if spec.purpose is None:
        return "true"
    if not table_exists(conn, *CONSENT_TABLE):
        message = (
            f"consent data is missing (no table {'.'.join(CONSENT_TABLE)}): "
            "sending without consent filtering "
            f"for purpose {spec.purpose!r}"
        )
        if spec.require_consent:
            raise SyncError(f"sync '{spec.name}': {message}; refusing because require_consent is set")
        warnings.append(message)
        return "true"
    if "customer_id" not in shape.column_names:
        raise SyncError(
            f"sync '{spec.name}': purpose {spec.purpose!r} needs a customer_id column in "
            f"{shape.schema}.{shape.table} "
            "to check consent"
        )
    consent = relation(*CONSENT_TABLE)
    _check_purpose_tracked(conn, spec, consent)
    return (
        f"src.{ident('customer_id')} in (select customer_id from {consent} "
        f"where purpose = {literal(spec.purpose)} and status = 'granted')"
    )


def _check_purpose_tracked(conn: duckdb.DuckDBPyConnection, spec: SyncSpec, consent: str) -> None:
    """Refuse a purpose the warehouse does not track: `customer_consent` has a row per customer and tracked
    purpose (the dbt var `consent_purposes`), so a purpose absent from a table that has rows is a typo or a
    purpose added to the var without a rebuild. Filtering by it would withhold every customer."""
    rows = conn.execute(f"select distinct purpose from {consent} where purpose is not null").fetchall()
    tracked = sorted(row[0] for row in rows)
    if tracked and spec.purpose not in tracked:
        raise SyncError(
            f"sync '{spec.name}': purpose {spec.purpose!r} is not tracked by the warehouse "
            f"({'.'.join(CONSENT_TABLE)} holds {', '.join(tracked)}); fix the sync's purpose, or add it to "
            "the var consent_purposes in dbt_project.yml and rebuild; nothing was sent"
        )


def _unchanged(
    conn: duckdb.DuckDBPyConnection,
    spec: SyncSpec,
    src_rel: str,
    key: str,
    signature: str,
    packed: str,
    permitted: str,
    state_sql: str,
) -> bool:
    """Fast path for a rerun with nothing to send: compare order-independent fingerprints.

    XOR of hash(key, row hash) plus the row count over the permitted source rows and over the delivered
    state are equal exactly when both hold the same (key, hash) pairs, up to a 2^-64 chance (the same odds
    the 64-bit row hash already accepts). This avoids the full join, which dominates a no-change rerun.
    Only a state equal to the source qualifies, so insert/upsert syncs whose state kept departed rows,
    and syncs with pending rejections, always take the full plan.
    """
    state_fp = conn.execute(
        f"select count(*), bit_xor(hash(record_key, row_hash)) from ({state_sql})"
    ).fetchone()
    if state_fp[0] == 0:
        # Nothing delivered yet (a first sync): no rerun to skip, so the source is not hashed twice.
        return False
    row_hash = f"hash({literal(signature)}, struct_pack({packed}))"
    source_fp = conn.execute(
        f"select count(*), bit_xor(hash(cast(src.{key} as varchar), {row_hash})) "
        f"from {src_rel} as src where {permitted}"
    ).fetchone()
    return source_fp == state_fp


def _suppression_condition(conn: duckdb.DuckDBPyConnection, shape: SourceShape) -> str:
    """SQL for whether a source row is clear of the suppression list (always true without the list).

    A row is suppressed when its `customer_id` is on the list, or when any of its text columns named like
    an email or a phone holds a suppressed value (compared trimmed and lower-cased: the list holds
    normalised values)."""
    if not table_exists(conn, *SUPPRESSION_TABLE):
        return "true"
    suppressed = relation(*SUPPRESSION_TABLE)
    checks = []
    if "customer_id" in shape.column_names:
        checks.append(
            f"src.{ident('customer_id')} in "
            f"(select customer_id from {suppressed} where customer_id is not null)"
        )
    for column, dtype in _column_types(conn, shape).items():
        kind = "email" if "email" in column.lower() else "phone" if "phone" in column.lower() else None
        if kind is not None and dtype == "VARCHAR":
            checks.append(
                f"lower(trim(src.{ident(column)})) in (select identifier_value from {suppressed} "
                f"where identifier_type = {literal(kind)} and identifier_value is not null)"
            )
    if not checks:
        return "true"
    return "not (" + " or ".join(f"coalesce({check}, false)" for check in checks) + ")"


def _column_types(conn: duckdb.DuckDBPyConnection, shape: SourceShape) -> dict[str, str]:
    rows = conn.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? and database_name = current_database()",
        [shape.schema, shape.table],
    ).fetchall()
    return dict(rows)


def build_plan(
    conn: duckdb.DuckDBPyConnection, spec: SyncSpec, *, full_resync: bool, plan_path: Path | None
) -> tuple[Plan, SourceShape]:
    """Diff the source against the delivered state; write the rows to send to `plan_path` (if given).

    The plan's rows (read through `plan_rows`) have `seq` (delivery order), `change_kind`
    (add/change/remove), `consent_removal`, `record_key`, `row_hash`, `key_value`, `removal_handle` and one
    column per destination field.
    """
    shape = resolve_source(conn, spec)
    warnings: list[str] = []
    consented = _consent_condition(conn, spec, shape, warnings)
    permitted = f"({consented}) and ({_suppression_condition(conn, shape)})"

    src_rel = relation(shape.schema, shape.table)
    key = ident(shape.key_column)
    # The mapping is part of the hash so renaming a destination field re-sends the rows.
    signature = json.dumps([[dest, col, dtype] for dest, col, dtype in shape.mapping])
    packed = ", ".join(f"{ident(dest)} := src.{ident(col)}" for dest, col, _ in shape.mapping)
    field_cols = ", ".join(f"src.{ident(col)} as {ident(dest)}" for dest, col, _ in shape.mapping)
    if table_exists(conn, "main", "sync_state"):
        state_sql = (
            "select record_key, row_hash, removal_handle from main.sync_state "
            f"where sync_name = {literal(spec.name)}"
        )
    else:
        state_sql = (
            "select null::varchar as record_key, null::ubigint as row_hash, null::varchar as removal_handle "
            "where false"
        )
    if spec.mode == "insert":
        changed = "false"  # insert never updates what it already sent
    elif full_resync:
        changed = "true"
    else:
        changed = "state.row_hash <> source_rows.row_hash"
    mirror = "true" if spec.mode == "mirror" else "false"
    fields = ", ".join(f"source_rows.{ident(dest)}" for dest, _, _ in shape.mapping)
    field_names = ", ".join(ident(dest) for dest, _, _ in shape.mapping)

    # One full outer join classifies every key: in the source only (add), in both with another hash
    # (change), in the state only (remove, mirror mode), or present but without consent (remove).
    query = f"""
        with source_rows as (
            select
                cast(src.{key} as varchar) as record_key,
                hash({literal(signature)}, struct_pack({packed})) as row_hash,
                ({permitted}) as is_permitted,
                src.{key} as key_value,
                {field_cols}
            from {src_rel} as src
        ),
        state as ({state_sql}),
        classified as (
            select
                case
                    when source_rows.record_key is null and state.record_key is null then 'add'
                    when source_rows.record_key is null then case when {mirror} then 'remove' end
                    when not source_rows.is_permitted
                        then case when state.record_key is not null then 'remove' end
                    when state.record_key is null then 'add'
                    when {changed} then 'change'
                end as change_kind,
                source_rows.record_key is not null and not source_rows.is_permitted as consent_removal,
                coalesce(source_rows.record_key, state.record_key) as record_key,
                source_rows.row_hash,
                source_rows.key_value,
                state.removal_handle,
                {fields}
            from source_rows
            full outer join state on state.record_key = source_rows.record_key
        )
        select *
        from classified
        where change_kind is not null
    """
    if not full_resync and _unchanged(conn, spec, src_rel, key, signature, packed, permitted, state_sql):
        return Plan(sync_name=spec.name, warnings=warnings), shape

    # Written straight to Parquet (no temp table): the plan is read back only for counts and a sample.
    # `seq` is each row's position in the file (`plan_rows`).
    target = plan_path or Path(tempfile.mkstemp(prefix="tessera-plan-", suffix=".parquet")[1])
    try:
        conn.execute(f"copy ({query}) to {literal(str(target))} (format parquet)")
        plan_rel = plan_rows(literal(str(target)))
        counts = dict(conn.execute(f"select change_kind, count(*) from {plan_rel} group by 1").fetchall())
        if counts:
            # Checked only when something is to be sent: duplicated or null keys always show up as
            # changes unless every copy equals what was delivered, and then sending nothing is right.
            _check_keys(conn, spec, shape)
        consent_removes = conn.execute(f"select count(*) from {plan_rel} where consent_removal").fetchone()[0]
        sample_rows = conn.execute(
            f"select change_kind, record_key, {field_names} from {plan_rel} "
            f"qualify row_number() over (partition by change_kind order by seq) <= {SAMPLE_SIZE} order by seq"
        ).fetchall()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if plan_path is None:
        target.unlink(missing_ok=True)
    names = [dest for dest, _, _ in shape.mapping]
    sample = [
        {
            "change": row[0],
            "key": mask_value(row[1]) if "@" in row[1] else row[1],
            "fields": mask_fields(dict(zip(names, row[2:], strict=True))) if row[0] != "remove" else {},
        }
        for row in sample_rows
    ]
    plan = Plan(
        sync_name=spec.name,
        adds=counts.get("add", 0),
        changes=counts.get("change", 0),
        removes=counts.get("remove", 0),
        consent_removes=consent_removes,
        sample=sample,
        warnings=warnings,
    )
    return plan, shape
