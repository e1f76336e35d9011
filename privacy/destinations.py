"""A person in the sync destinations: erase them from every destination they were delivered to, and
look for them in the destinations that can be read back (Postgres, Redis, files).

Which destinations hold the person comes from `sync_state`: every record a destination acknowledged,
keyed by the sync's primary key (a customer id, an email...). Erasing sends the destination the same
`remove` record a sync sends when a row leaves its source, so it works for every destination type
(row delete, Redis keys, API delete, audience removal), with the sync's retry policy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psycopg
import redis

from privacy.raw_records import MIN_CONTAINS_LENGTH
from privacy.scan import Finding, search_forms
from privacy.warehouse import table_exists
from reverse_etl.config import SyncConfig, SyncSpec
from reverse_etl.destinations.base import Batch, Record, SyncContext
from reverse_etl.masking import mask_text
from reverse_etl.registry import destination_class
from reverse_etl.retry import RetryPolicy, call_with_retries
from reverse_etl.sql import ident, relation, split_relation

log = logging.getLogger(__name__)


@dataclass
class DestinationErasure:
    """What erasing the person from one sync's destination did."""

    sync_name: str
    destination_type: str
    records: int
    status: str  # confirmed | failed | skipped
    attempts: int = 0
    error: str | None = None


@dataclass
class DestinationScan:
    """Destinations searched for the person, those found holding them, and those that cannot be read."""

    checked: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)


def delivered_records(
    con: duckdb.DuckDBPyConnection, keys: Sequence[str]
) -> dict[str, list[tuple[str, str | None, object]]]:
    """sync name -> (record key, removal handle, delivered at) for records whose key is one of `keys`."""
    if not keys or not table_exists(con, "main", "sync_state"):
        return {}
    rows = con.execute(
        "select sync_name, record_key, removal_handle, delivered_at from main.sync_state "
        "where list_contains(?, record_key) order by sync_name, record_key",
        [list(keys)],
    ).fetchall()
    found: dict[str, list[tuple[str, str | None, object]]] = {}
    for sync_name, key, handle, delivered_at in rows:
        found.setdefault(sync_name, []).append((key, handle, delivered_at))
    return found


def _destination(config: SyncConfig, spec: SyncSpec, run_id: str):
    settings = spec.destination
    if "keep_hash_on_remove" in type(settings).model_fields:
        # A sync may keep a Redis hash on audience exit; erasure never does.
        settings = settings.model_copy(update={"keep_hash_on_remove": False})
    context = SyncContext(
        sync_name=spec.name,
        source=spec.source,
        mode=spec.mode,
        primary_key=spec.primary_key,
        columns=(),
        run_id=run_id,
        config_dir=config.path.parent,
        purpose=spec.purpose,
    )
    return destination_class(spec.destination_type)(settings, context)


def _erase_one(
    config: SyncConfig,
    spec: SyncSpec,
    records: list[tuple[str, str | None, object]],
    run_id: str,
    policy: RetryPolicy,
) -> DestinationErasure:
    outcome = DestinationErasure(spec.name, spec.destination_type, len(records), "failed")
    removals = [
        Record("remove", key, key, json.loads(handle) if handle else {}) for key, handle, _ in records
    ]
    destination = _destination(config, spec, run_id)
    completed = False
    try:
        destination.check()
        destination.prepare()

        def attempt():
            outcome.attempts += 1
            return destination.write(Batch(1, removals))

        result = call_with_retries(attempt, policy)
        if result.rejected:
            outcome.error = mask_text("; ".join(f"{k}: {r}" for k, r in result.rejected.items()))
        else:
            outcome.status = "confirmed"
            completed = True
    except Exception as exc:  # every destination is tried; a failure is recorded, not raised
        outcome.error = mask_text(str(exc) or type(exc).__name__)
    finally:
        try:
            destination.close(completed=completed)
        except Exception as exc:
            outcome.status, outcome.error = "failed", mask_text(f"closing the destination: {exc}")
    return outcome


def erase_from_destinations(
    con: duckdb.DuckDBPyConnection,
    config: SyncConfig | None,
    keys: Sequence[str],
    run_id: str,
    policy: RetryPolicy | None = None,
) -> list[DestinationErasure]:
    """Send a removal of the person's records to every destination that acknowledged them; forget the
    delivery state of the confirmed ones. Unconfirmed ones keep their state so a rerun can retry."""
    delivered = delivered_records(con, keys)
    specs = {spec.name: spec for spec in (config.syncs if config else ())}
    outcomes: list[DestinationErasure] = []
    for sync_name, records in delivered.items():
        spec = specs.get(sync_name)
        if spec is None:
            missing = "sync not in the sync configuration: pass --config with the file that defines it"
            outcomes.append(DestinationErasure(sync_name, "unknown", len(records), "skipped", error=missing))
            continue
        outcome = _erase_one(config, spec, records, run_id, policy or RetryPolicy())
        outcomes.append(outcome)
        if outcome.status != "confirmed":
            log.warning("erasure from %s not confirmed: %s", sync_name, outcome.error)
        if outcome.status == "confirmed":
            con.execute(
                "delete from main.sync_state where sync_name = ? and list_contains(?, record_key)",
                [sync_name, [key for key, _, _ in records]],
            )
    if table_exists(con, "main", "sync_rejections"):
        con.execute("delete from main.sync_rejections where list_contains(?, record_key)", [list(keys)])
    return outcomes


# -- reading destinations back ------------------------------------------------------------------------


def _matches(text: str, forms: Sequence[str]) -> bool:
    lowered = text.lower()
    return any((f in lowered) if len(f) >= MIN_CONTAINS_LENGTH else lowered == f for f in forms)


def _scan_postgres(spec: SyncSpec, forms: Sequence[str]) -> Finding | None:
    schema, table = split_relation(spec.destination.table, default_schema="public")
    with psycopg.connect(spec.destination.dsn, connect_timeout=10, autocommit=True) as conn:
        exists = conn.execute(
            "select to_regclass(%s)", [f"{ident(schema, 'postgres')}.{ident(table, 'postgres')}"]
        )
        if exists.fetchone()[0] is None:
            return None
        rows = conn.execute(f"select t::text from {relation(schema, table, 'postgres')} t").fetchall()
    count = sum(1 for (text,) in rows if _matches(text, forms))
    return Finding(f"postgres {schema}.{table}", count) if count else None


def _scan_redis(spec: SyncSpec, forms: Sequence[str]) -> Finding | None:
    client = redis.Redis.from_url(spec.destination.url, socket_timeout=10, decode_responses=True)
    prefix = spec.destination.key_prefix
    count = 0
    try:
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            kind = client.type(key)
            if kind == "hash":
                parts = [key, *client.hgetall(key).keys(), *client.hgetall(key).values()]
            elif kind == "set":
                parts = [key, *client.smembers(key)]
            elif kind == "string":
                parts = [key, client.get(key) or ""]
            else:
                parts = [key]
            count += sum(1 for part in parts if _matches(part, forms))
    finally:
        client.close()
    return Finding(f"redis {prefix}*", count) if count else None


def _scan_file(config: SyncConfig, spec: SyncSpec, forms: Sequence[str]) -> Finding | None:
    path = Path(spec.destination.path.replace("{sync}", spec.name))
    path = path if path.is_absolute() else config.path.parent / path
    count = 0
    for candidate in (path, path.with_name(path.name + ".journal")):
        if candidate.exists():
            count += sum(
                1 for line in candidate.read_text(encoding="utf-8").splitlines() if _matches(line, forms)
            )
    return Finding(f"file {path}", count) if count else None


def scan_destinations(config: SyncConfig | None, values: Sequence[str]) -> DestinationScan:
    """Search every readable destination of the config for the values' search forms."""
    scan = DestinationScan()
    forms = [f.lower() for f in search_forms(values)]
    for spec in config.syncs if config else ():
        label = f"{spec.name} ({spec.destination_type})"
        try:
            if spec.destination_type == "postgres":
                finding = _scan_postgres(spec, forms)
            elif spec.destination_type == "redis":
                finding = _scan_redis(spec, forms)
            elif spec.destination_type == "file":
                finding = _scan_file(config, spec, forms)
            else:
                scan.not_checked.append(f"{label}: cannot be read back")
                continue
        except (psycopg.Error, redis.RedisError, OSError) as exc:
            scan.not_checked.append(f"{label}: {mask_text(str(exc))}")
            continue
        scan.checked.append(label)
        if finding is not None:
            scan.findings.append(finding)
    return scan
