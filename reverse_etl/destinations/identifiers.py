"""Identifier normalisation and hashing for ad platforms: raw identifiers never leave the machine.

Google Ads Customer Match: email trimmed and lower-cased, phone in E.164 (`+14155550123`), SHA-256 hex.
Meta Custom Audiences: email trimmed and lower-cased, phone as digits with country code (`14155550123`),
SHA-256 hex.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Protocol

import phonenumbers

if TYPE_CHECKING:
    from reverse_etl.destinations.base import Record


class MatchFieldSettings(Protocol):
    """Where an ad destination finds the email and phone in a record, and how to read national phones."""

    email_field: str
    phone_field: str
    phone_region: str


#: (record, its hashed identifiers) pairs.
Hashed = list[tuple["Record", dict[str, str]]]


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalised_email(value: object) -> str | None:
    """Trimmed, lower-cased email, or None when it cannot be an address."""
    if value is None:
        return None
    email = str(value).strip().lower()
    local, at, domain = email.partition("@")
    return email if at and local and "." in domain and " " not in email else None


def e164_phone(value: object, default_region: str = "US") -> str | None:
    """Phone in E.164, or None when it is not a valid number."""
    if value is None or not str(value).strip():
        return None
    try:
        number = phonenumbers.parse(str(value), default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def google_identifiers(email: object, phone: object, region: str) -> dict[str, str]:
    """Hashed identifiers by Google's Customer Match rules: {'hashedEmail': ..., 'hashedPhoneNumber': ...}."""
    out: dict[str, str] = {}
    if (e := normalised_email(email)) is not None:
        out["hashedEmail"] = sha256_hex(e)
    if (p := e164_phone(phone, region)) is not None:
        out["hashedPhoneNumber"] = sha256_hex(p)
    return out


def meta_identifiers(email: object, phone: object, region: str) -> dict[str, str]:
    """Hashed identifiers by Meta's rules: {'EMAIL': ..., 'PHONE': ...} (phone digits with country code)."""
    out: dict[str, str] = {}
    if (e := normalised_email(email)) is not None:
        out["EMAIL"] = sha256_hex(e)
    if (p := e164_phone(phone, region)) is not None:
        out["PHONE"] = sha256_hex(p.lstrip("+"))
    return out


def mailchimp_subscriber_hash(email: str) -> str:
    """Mailchimp's member id: MD5 of the lower-cased email."""
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()


def hashed_by_action(
    records: Sequence[Record],
    settings: MatchFieldSettings,
    hash_identifiers: Callable[[object, object, str], dict[str, str]],
    handle_keys: Collection[str],
    rejected: dict[str, str],
) -> tuple[Hashed, Hashed]:
    """Split records into (removals, additions), each with the hashed identifiers to send.

    Additions are hashed from the record's email and phone; removals reuse the hashes kept as their removal
    handle (the raw identifiers may be gone by then). A record with nothing to match on is put in `rejected`.
    """
    removes: Hashed = []
    adds: Hashed = []
    for record in records:
        if record.action == "remove":
            ids = {k: v for k, v in record.fields.items() if k in handle_keys}
            target = removes
        else:
            ids = hash_identifiers(
                record.fields.get(settings.email_field),
                record.fields.get(settings.phone_field),
                settings.phone_region,
            )
            target = adds
        if not ids:
            rejected[record.key] = "no valid email or phone to match on"
            continue
        target.append((record, ids))
    return removes, adds
