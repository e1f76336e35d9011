"""Independent readers for the generated files: what a loader could land, and the identifiers on it.

Written from the contract, not from the generator, so the tests catch a generator that drifts from it.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import phonenumbers

SOURCES = ("events", "shopify", "hubspot", "pos", "esp", "support", "nps", "consent", "custom")


def read_text(path: Path) -> str:
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    return path.read_text(encoding="utf-8")


def email(value) -> str | None:
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    local, at, domain = v.partition("@")
    return v if at and local and "." in domain and " " not in v else None


def phone(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parses(ts) -> bool:
    if not isinstance(ts, str):
        return False
    try:
        datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _ids(pairs) -> list[tuple[str, str]]:
    return [(k, v) for k, v in pairs if v]


def _segment(msg: dict):
    if not isinstance(msg, dict) or not msg.get("messageId"):
        return None
    if msg.get("type") not in ("identify", "track", "page", "screen", "alias", "group"):
        return None
    if not (msg.get("userId") or msg.get("anonymousId")) or not parses(msg.get("timestamp")):
        return None
    if msg["type"] == "track" and not msg.get("event"):
        return None
    traits = {**((msg.get("context") or {}).get("traits") or {}), **(msg.get("traits") or {})}
    device = (msg.get("context") or {}).get("device") or {}
    return _ids(
        [
            ("user_id", msg.get("userId")),
            ("anonymous_id", msg.get("anonymousId")),
            ("device_id", device.get("id")),
            ("email", email(traits.get("email"))),
            ("phone", phone(traits.get("phone"))),
            ("user_id", msg.get("previousId") if msg["type"] == "alias" else None),
        ]
    )


def _jsonl(path: Path) -> Iterator[dict | None]:
    for line in read_text(path).splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            yield None


def records(data_dir: Path, source: str) -> Iterator[tuple[str, list[tuple[str, str]] | None]]:
    """(file, identifiers) per record; identifiers None when the record could not land."""
    for path in sorted((data_dir / source).iterdir()):
        if path.name.endswith(".yml"):
            continue
        name = f"{source}/{path.name}"
        if source in ("events", "esp", "nps", "consent"):
            for obj in _jsonl(path):
                yield name, _JSONL[source](obj) if isinstance(obj, dict) else None
        elif source == "shopify":
            for order in json.loads(read_text(path))["orders"]:
                yield name, _shopify(order)
        elif source == "support":
            doc = json.loads(read_text(path))
            for user in doc["users"]:
                yield (
                    name,
                    _ids(
                        [
                            ("zendesk_user_id", str(user["id"]) if "id" in user else None),
                            ("email", email(user.get("email"))),
                            ("phone", phone(user.get("phone"))),
                        ]
                    )
                    if "id" in user
                    else None,
                )
            for ticket in doc["tickets"]:
                yield (
                    name,
                    [("zendesk_user_id", str(ticket["requester_id"]))]
                    if parses(ticket.get("created_at"))
                    else None,
                )
        else:
            yield from ((name, ids) for ids in _csv(path, source))


def _shopify(order: dict):
    if not isinstance(order.get("id"), int) or not parses(order.get("created_at")):
        return None
    try:
        float(order["total_price"])
    except ValueError:
        return None
    customer = order.get("customer") or {}
    return _ids(
        [
            ("email", email(order.get("email"))),
            ("phone", phone(order.get("phone"))),
            ("shopify_customer_id", str(customer["id"]) if customer.get("id") else None),
            ("email", email(customer.get("email"))),
            ("phone", phone(customer.get("phone"))),
        ]
    )


def _csv(path: Path, source: str):
    rows = csv.reader(read_text(path).splitlines())
    header = next(rows)
    for row in rows:
        if len(row) != len(header):
            yield None
            continue
        r = dict(zip(header, row, strict=True))
        if source == "hubspot":
            yield (
                _ids(
                    [
                        ("crm_id", r["Record ID"]),
                        ("email", email(r["Email"])),
                        ("phone", phone(r["Phone Number"])),
                    ]
                )
                if r["Record ID"]
                else None
            )
        elif source == "pos":
            ok = (
                r["quantity"].isdigit()
                and _number(r["unit_price"])
                and parses(r["occurred_at"].replace(" ", "T"))
            )
            yield (
                _ids(
                    [
                        ("loyalty_id", r["loyalty_id"]),
                        ("email", email(r["email"])),
                        ("phone", phone(r["phone"])),
                    ]
                )
                if ok
                else None
            )
        else:
            yield (
                _ids(
                    [
                        ("loyalty_id", r["member_id"]),
                        ("email", email(r["email_address"])),
                        ("phone", phone(r["mobile"])),
                        ("user_id", r["app_user_id"]),
                    ]
                )
                if r["member_id"]
                else None
            )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_JSONL = {
    "events": _segment,
    "esp": lambda r: (
        [("email", email(r["email"]))]
        if r.get("sg_event_id") and isinstance(r.get("timestamp"), int) and email(r.get("email"))
        else None
    ),
    "nps": lambda r: (
        [("email", email(r["email"]))]
        if r.get("id")
        and isinstance(r.get("score"), int)
        and parses(r.get("created_at"))
        and email(r.get("email"))
        else None
    ),
    "consent": lambda r: (
        _ids([("email", email(r.get("email"))), ("user_id", r.get("user_id"))])
        if r.get("purpose") and parses(r.get("occurred_at")) and (r.get("email") or r.get("user_id"))
        else None
    ),
}
