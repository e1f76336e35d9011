"""`cdp profile`: one customer's identifiers, merges, golden record, traits, audiences and timeline.

Personal values (emails, phones, names, addresses) are masked unless `--show-pii` is given: terminal
output ends up in logs and screenshots (docs/privacy.md).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from cdp.console import CdpError, console
from cdp.settings import Settings

#: Identifier types whose values identify a person directly; the other ids are pseudonymous.
PERSONAL_IDENTIFIER_TYPES = frozenset({"email", "phone"})


def shown_identifier(identifier_type: str, value: Any, show_pii: bool) -> str:
    """An identifier's value as printed: emails and phones masked unless `show_pii`."""
    from reverse_etl.masking import mask_value

    if value is None:
        return ""
    personal = identifier_type in PERSONAL_IDENTIFIER_TYPES
    return mask_value(value) if personal and not show_pii else str(value)


def print_profile(settings: Settings, identifier: str, *, show_pii: bool = False) -> None:
    """Find the customer behind `identifier` and print what Tessera knows about them."""
    from cdp.profile_lookup import find_customer
    from cdp.segments_profile import profile_details
    from cdp.segments_render import print_profile_details

    if not settings.db_path.is_file():
        raise CdpError(f"warehouse {settings.db_path} not found: run `cdp run` first")
    view = find_customer(settings.db_path, identifier)
    if view is None:
        shown = identifier if show_pii else "the identifier given"
        raise CdpError(f"no customer found for {shown} (try an email, a phone, a user id or a customer id)")

    matched = shown_identifier(view.matched_type, view.matched_value, show_pii)
    console.print(f"[bold]customer {view.customer_id}[/]  matched {view.matched_type} {matched}")

    identifiers = Table(title=f"identifiers ({len(view.identifiers)})", title_justify="left")
    values = [shown_identifier(i.identifier_type, i.identifier_value, show_pii) for i in view.identifiers]
    for column in ("type", "value", "sources", "first seen", "last seen", "records"):
        # A value is what the user came to read: on a narrow terminal the other columns wrap, it never does.
        min_width = min(max(map(len, values), default=0), 60) if column == "value" else None
        identifiers.add_column(
            column, justify="right" if column == "records" else "left", min_width=min_width
        )
    for i, value in zip(view.identifiers, values, strict=True):
        identifiers.add_row(
            i.identifier_type,
            value,
            ", ".join(i.sources),
            f"{i.first_seen_at:%Y-%m-%d}" if i.first_seen_at else "",
            f"{i.last_seen_at:%Y-%m-%d}" if i.last_seen_at else "",
            f"{i.record_count:,}",
        )
    console.print(identifiers)

    if view.merges:
        merges = Table(title="recent merges and splits", title_justify="left")
        for column in ("when", "event", "merged id", "surviving id"):
            merges.add_column(column)
        for m in view.merges:
            merges.add_row(
                f"{m.merged_at:%Y-%m-%d %H:%M}", m.event_type, m.merged_customer_id, m.surviving_customer_id
            )
        console.print(merges)

    print_profile_details(profile_details(settings.db_path, view.customer_id), show_pii=show_pii)
