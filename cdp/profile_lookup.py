"""Find a customer by any identifier (`cdp profile IDENTIFIER`).

The identifier may be a customer id (also one merged away: the lookup follows it to the survivor), an email
in any case or spacing, a phone in any format (read with `phonenumbers`, default region US), a user id, or
any other identifier value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import phonenumbers

from cdp.identity_eval import open_warehouse

DEFAULT_PHONE_REGION = "US"
RECENT_MERGES = 10
#: Mirrors identity_type_priority in dbt: the strongest match wins when a value is ambiguous.
TYPE_PRIORITY = {
    "user_id": 1,
    "crm_id": 2,
    "shopify_customer_id": 2,
    "loyalty_id": 2,
    "zendesk_user_id": 2,
    "email": 3,
    "phone": 4,
    "device_id": 5,
    "anonymous_id": 6,
}


@dataclass(frozen=True)
class IdentifierView:
    """One identifier of the customer, with the sources that carry it."""

    identifier_type: str
    identifier_value: str
    sources: list[str]
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    record_count: int


@dataclass(frozen=True)
class MergeView:
    """A merge or split that involved the customer."""

    event_type: str
    surviving_customer_id: str
    merged_customer_id: str
    merged_at: datetime
    linking_edge: str | None


@dataclass(frozen=True)
class CustomerProfileView:
    """The customer an identifier resolves to, what matched, its profile, identifiers and recent merges."""

    customer_id: str
    matched_type: str
    matched_value: str
    profile: dict[str, Any] = field(default_factory=dict)
    identifiers: list[IdentifierView] = field(default_factory=list)
    merges: list[MergeView] = field(default_factory=list)


def candidate_values(identifier: str, region: str = DEFAULT_PHONE_REGION) -> list[tuple[str | None, str]]:
    """(identifier_type or None for any type, normalised value) pairs to look up, most specific first."""
    raw = identifier.strip()
    candidates: list[tuple[str | None, str]] = []
    if "@" in raw:
        candidates.append(("email", raw.replace(" ", "").lower()))
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        candidates.append(("phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)))
    candidates.append((None, raw))
    if raw.lower() != raw:
        candidates.append((None, raw.lower()))
    return candidates


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    query = "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?"
    return con.execute(query, [name]).fetchone()[0] > 0


def _resolve_customer_id(con: duckdb.DuckDBPyConnection, customer_id: str) -> str | None:
    """The live customer id for `customer_id`, following merges of a retired id to its survivor."""
    has_merges = _table_exists(con, "identity_merges")
    for _ in range(100):  # a merge chain is short; the bound only guards against a corrupt cycle
        live = con.execute(
            "select 1 from main.customer_identifiers where customer_id = ? limit 1", [customer_id]
        ).fetchone()
        if live:
            return customer_id
        if not has_merges:
            return None
        survivor = con.execute(
            "select surviving_customer_id from main.identity_merges "
            "where merged_customer_id = ? and event_type = 'merge' order by merged_at desc limit 1",
            [customer_id],
        ).fetchone()
        if survivor is None:
            return None
        customer_id = survivor[0]
    return None


def _match(con: duckdb.DuckDBPyConnection, identifier: str) -> tuple[str, str, str] | None:
    """(customer_id, matched type, matched value) for the identifier, or None."""
    resolved = _resolve_customer_id(con, identifier.strip())
    if resolved is not None:
        return resolved, "customer_id", identifier.strip()
    for identifier_type, value in candidate_values(identifier):
        rows = con.execute(
            "select customer_id, identifier_type, identifier_value from main.customer_identifiers "
            "where identifier_value = ? and (? is null or identifier_type = ?)",
            [value, identifier_type, identifier_type],
        ).fetchall()
        if rows:
            return min(rows, key=lambda row: (TYPE_PRIORITY.get(row[1], 99), row[1], row[0]))
    return None


def find_customer(db_path: Path, identifier: str) -> CustomerProfileView | None:
    """The customer `identifier` resolves to in the warehouse at `db_path`, or None if nothing matches."""
    con = open_warehouse(db_path)
    try:
        match = _match(con, identifier)
        if match is None:
            return None
        customer_id, matched_type, matched_value = match
        profile: dict[str, Any] = {}
        if _table_exists(con, "customer_profiles"):
            cursor = con.execute("select * from main.customer_profiles where customer_id = ?", [customer_id])
            row = cursor.fetchone()
            if row is not None:
                profile = dict(zip([d[0] for d in cursor.description], row, strict=True))
        identifiers = [
            IdentifierView(
                identifier_type=t,
                identifier_value=v,
                sources=[s for s in (sources or "").split(",") if s],
                first_seen_at=first,
                last_seen_at=last,
                record_count=int(count or 0),
            )
            for t, v, sources, first, last, count in con.execute(
                "select identifier_type, identifier_value, sources, first_seen_at, last_seen_at, "
                "record_count "
                "from main.customer_identifiers where customer_id = ? "
                "order by identifier_type, last_seen_at desc, identifier_value",
                [customer_id],
            ).fetchall()
        ]
        merges: list[MergeView] = []
        if _table_exists(con, "identity_merges"):
            merges = [
                MergeView(
                    event_type=event_type,
                    surviving_customer_id=surviving,
                    merged_customer_id=merged,
                    merged_at=merged_at,
                    linking_edge=" - ".join(f"{t}={v}" for t, v in ((ta, va), (tb, vb)) if t) or None,
                )
                for event_type, surviving, merged, merged_at, ta, va, tb, vb in con.execute(
                    "select event_type, surviving_customer_id, merged_customer_id, merged_at, "
                    "linking_identifier_type_a, linking_identifier_value_a, "
                    "linking_identifier_type_b, linking_identifier_value_b "
                    "from main.identity_merges where ? in (surviving_customer_id, merged_customer_id) "
                    "order by merged_at desc, merged_customer_id limit ?",
                    [customer_id, RECENT_MERGES],
                ).fetchall()
            ]
        return CustomerProfileView(
            customer_id=customer_id,
            matched_type=matched_type,
            matched_value=matched_value,
            profile=profile,
            identifiers=identifiers,
            merges=merges,
        )
    finally:
        con.close()


def format_profile(view: CustomerProfileView) -> str:
    """Human-readable profile for the CLI."""
    lines = [f"customer {view.customer_id}  (matched {view.matched_type}={view.matched_value})"]
    for key in ("first_name", "last_name", "primary_email", "primary_phone", "first_seen_at", "last_seen_at"):
        if view.profile.get(key) is not None:
            lines.append(f"  {key}: {view.profile[key]}")
    lines.append(f"identifiers ({len(view.identifiers)}):")
    lines.extend(
        f"  {i.identifier_type:<20} {i.identifier_value:<40} {','.join(i.sources):<24} "
        f"{i.first_seen_at} .. {i.last_seen_at} ({i.record_count} records)"
        for i in view.identifiers
    )
    if view.merges:
        lines.append("recent merges:")
        lines.extend(
            f"  {m.merged_at} {m.event_type}: {m.merged_customer_id} -> {m.surviving_customer_id}"
            + (f" via {m.linking_edge}" if m.linking_edge else "")
            for m in view.merges
        )
    return "\n".join(lines)
