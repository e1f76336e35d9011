"""`cdp privacy export`: one JSON document with everything Tessera holds about a person.

Golden record, every identifier, every raw record from every source (all copies and versions, as sent),
consent now and its history, audience memberships, and which syncs delivered the person and when. The
export is the one output that is not masked: it is what the person asked for. The request itself is
logged (salted hash of the identifier only).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from privacy.destinations import delivered_records
from privacy.masking import mask_value
from privacy.raw_records import raw_records
from privacy.requests_log import StepRecord, finish_request, log_step, start_request
from privacy.subject import resolve_subject
from privacy.warehouse import open_warehouse, table_exists


class SubjectNotFound(LookupError):
    """The identifier resolves to no customer."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _optional_rows(
    con: duckdb.DuckDBPyConnection, table: str, where: str, params: list[Any], order: str
) -> list[dict[str, Any]]:
    if not table_exists(con, "main", table):
        return []
    return _rows(con, f"select * from main.{table} where {where} order by {order}", params)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def person_document(
    con: duckdb.DuckDBPyConnection, customer_id: str, identifiers: list[tuple[str, str]]
) -> dict:
    """Everything held about one customer, as a JSON-ready dict."""
    profile = _optional_rows(con, "customer_profiles", "customer_id = ?", [customer_id], "customer_id")
    keys = [customer_id, *(value for _, value in identifiers)]
    deliveries = [
        {"sync_name": sync, "record_key": key, "delivered_at": delivered_at}
        for sync, records in delivered_records(con, keys).items()
        for key, _, delivered_at in records
    ]
    return {
        "customer_id": customer_id,
        "exported_at": datetime.now(UTC).isoformat(),
        "golden_record": profile[0] if profile else None,
        "identifiers": _optional_rows(
            con, "customer_identifiers", "customer_id = ?", [customer_id], "identifier_type, identifier_value"
        ),
        "records": raw_records(con, identifiers),
        "consent": {
            "current": _optional_rows(con, "customer_consent", "customer_id = ?", [customer_id], "purpose"),
            "history": _optional_rows(
                con, "int_consent_changes_unioned", "customer_id = ?", [customer_id], "occurred_at, purpose"
            ),
        },
        "suppressions": _optional_rows(con, "suppression_list", "customer_id = ?", [customer_id], "reason"),
        "audience_memberships": _optional_rows(
            con, "segment_memberships", "customer_id = ?", [customer_id], "segment_name, entered_at"
        ),
        "deliveries": deliveries,
    }


def export_person(db_path: Path, identifier: str, out: Path | None = None) -> dict:
    """Export everything held about the person `identifier` resolves to; write it to `out` when given.

    Raises SubjectNotFound when the identifier resolves to no customer.
    """
    subject = resolve_subject(Path(db_path), identifier)
    con = open_warehouse(Path(db_path))
    try:
        request_id = start_request(con, "export", identifier)
        if subject.customer_id is None:
            finish_request(con, request_id, "not_found", "identifier resolves to no customer")
            raise SubjectNotFound(f"no customer found for {mask_value(identifier)}")
        document = person_document(con, subject.customer_id, list(subject.identifiers))
        document["request_id"] = request_id
        text = json.dumps(document, default=_json_default, indent=2, ensure_ascii=False)
        if out is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(text + "\n", encoding="utf-8")
        counts = {table: len(rows) for table, rows in document["records"].items()}
        log_step(con, request_id, StepRecord("export", "warehouse", "done", detail=json.dumps(counts)))
        finish_request(con, request_id, "done", export_summary(document))
        return json.loads(text)
    finally:
        con.close()


def export_summary(document: dict) -> str:
    """Printable, masked summary of an export."""
    records = document.get("records", {})
    parts = ", ".join(f"{table} {len(rows)}" for table, rows in sorted(records.items())) or "none"
    return (
        f"export of customer {mask_value(document['customer_id'])}: "
        f"{len(document.get('identifiers', []))} identifier(s); raw records: {parts}; "
        f"{len(document['consent']['history'])} consent change(s); "
        f"{len(document.get('audience_memberships', []))} audience membership(s); "
        f"{len(document.get('deliveries', []))} delivery(ies)"
    )
