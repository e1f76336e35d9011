"""`cdp profile IDENTIFIER`: the golden record with its sources, the traits, audiences and recent timeline.

The CLI first resolves the identifier to a customer (`cdp.profile_lookup.find_customer`), then prints
`profile_details` for that customer id under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from cdp.console import CdpError

#: Golden-record attributes in display order; each has `<column>_source` and `<column>_updated_at`.
GOLDEN_ATTRIBUTES = (
    "first_name",
    "last_name",
    "primary_email",
    "primary_phone",
    "address_line1",
    "city",
    "postal_code",
    "country_code",
)
LIST_ATTRIBUTES = ("full_name", "all_emails", "all_phones")
RECENT_EVENTS = 20


@dataclass(frozen=True)
class AttributeValue:
    """One golden-record attribute and where its value came from."""

    name: str
    value: Any
    source: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Membership:
    """An audience the customer is in (or was in, when `exited_at` is set)."""

    segment_name: str
    entered_at: datetime
    exited_at: datetime | None
    is_holdout: bool


@dataclass(frozen=True)
class TimelineEvent:
    """One event of the customer's timeline."""

    occurred_at: datetime
    source: str
    event_type: str
    channel: str | None
    properties: str | None


@dataclass
class ProfileDetails:
    """Everything the warehouse knows about one customer, ready to print."""

    customer_id: str
    attributes: list[AttributeValue] = field(default_factory=list)
    lists: dict[str, Any] = field(default_factory=dict)
    traits: dict[str, Any] = field(default_factory=dict)
    audiences: list[Membership] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)


def connect_warehouse(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, or a plain one when this process already holds it open.

    DuckDB refuses a second connection with another configuration inside one process, and dbt run
    in-process keeps its own open, so the read-only wish yields to the existing connection.
    """
    if not Path(db_path).is_file():
        raise CdpError(f"{db_path}: no warehouse; run `cdp run` or `cdp build` first")
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.ConnectionException:
        return duckdb.connect(str(db_path))


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    query = "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?"
    return con.execute(query, [name]).fetchone()[0] > 0


def _traits_row(con: duckdb.DuckDBPyConnection, customer_id: str) -> dict[str, Any] | None:
    if not _has_table(con, "customer_traits"):
        raise CdpError("the warehouse has no customer_traits; run `cdp build` first")
    cursor = con.execute("select * from main.customer_traits where customer_id = ?", [customer_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def profile_details(db_path: Path, customer_id: str, recent_events: int = RECENT_EVENTS) -> ProfileDetails:
    """The golden record (value, source, time per attribute), traits, audiences (current first, then past)
    and the `recent_events` latest timeline events of `customer_id`. Raises CdpError for an unknown id."""
    with connect_warehouse(db_path) as con:
        row = _traits_row(con, customer_id)
        if row is None:
            raise CdpError(f"no profile for customer {customer_id!r}")
        details = ProfileDetails(customer_id=customer_id)
        used = {"customer_id"}
        for name in GOLDEN_ATTRIBUTES:
            details.attributes.append(
                AttributeValue(name, row.get(name), row.get(f"{name}_source"), row.get(f"{name}_updated_at"))
            )
            used |= {name, f"{name}_source", f"{name}_updated_at"}
        details.lists = {name: row.get(name) for name in LIST_ATTRIBUTES}
        used |= set(LIST_ATTRIBUTES)
        details.traits = {k: v for k, v in row.items() if k not in used}
        if _has_table(con, "segment_memberships"):
            rows = con.execute(
                "select segment_name, entered_at, exited_at, is_holdout from main.segment_memberships"
                " where customer_id = ? order by exited_at is not null, entered_at desc, segment_name",
                [customer_id],
            ).fetchall()
            details.audiences = [Membership(*r) for r in rows]
        if _has_table(con, "fct_customer_events"):
            rows = con.execute(
                "select occurred_at, source, event_type, channel, properties from main.fct_customer_events"
                " where customer_id = ? order by occurred_at desc, event_id desc limit ?",
                [customer_id, int(recent_events)],
            ).fetchall()
            details.timeline = [TimelineEvent(*r) for r in rows]
    return details
