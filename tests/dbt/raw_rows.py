"""A small raw warehouse for the staging tests: a handful of rows per source, duplicates and bad values
included, plus a batch of phone and email probes (as custom records) to compare engines on."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from ingest.schema import RAW_TABLES

LOAD_0 = dt.datetime(2024, 5, 31, 8, 0, 0)
LOAD_1 = dt.datetime(2024, 6, 1, 8, 0, 0)
LOAD_2 = dt.datetime(2024, 6, 2, 8, 0, 0)
LOAD_3 = dt.datetime(2024, 6, 3, 8, 0, 0)
PROBE_SOURCE = "probe"
STYLES = (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL)


def raw_rows() -> dict[str, list[dict[str, Any]]]:
    """Every raw table's rows, load metadata filled in as a loader would, JSON columns as text."""
    tables = _as_sent()
    tables["custom_records"] += _probes()
    filled: dict[str, list[dict[str, Any]]] = {}
    for table, rows in tables.items():
        columns = RAW_TABLES[table].all_columns
        filled[table] = []
        for number, row in enumerate(rows, start=1):
            values = {
                "_record": {k: v for k, v in row.items() if not k.startswith("_")},
                "_file": f"{table}/part-1.jsonl",
                "_row_number": number,
                "_loaded_at": LOAD_1,
                "_load_id": f"load-{(LOAD_0, LOAD_1, LOAD_2, LOAD_3).index(row.get('_loaded_at', LOAD_1))}",
                **row,
            }
            for name, sql_type in columns.items():
                if sql_type == "JSON" and isinstance(values.get(name), dict | list):
                    values[name] = json.dumps(values[name])
            filled[table].append(values)
    return filled


def insert_statements(
    placeholder: str, loaded_at: dt.datetime | None = None
) -> Iterator[tuple[str, list[Any]]]:
    """`insert` statements (with the driver's `placeholder`, `?` or `%s`) landing `raw_rows()`.

    With `loaded_at` (LOAD_0 to LOAD_3), only the rows of that load.
    """
    for table, rows in raw_rows().items():
        columns = RAW_TABLES[table].all_columns
        for row in rows:
            if loaded_at is not None and row["_loaded_at"] != loaded_at:
                continue
            names = [name for name in columns if name in row]
            quoted = ", ".join(f'"{name}"' for name in names)
            marks = ", ".join(placeholder for _ in names)
            yield f"insert into raw.{table} ({quoted}) values ({marks})", [row[n] for n in names]


def _random_valid_number(
    rng: random.Random, region: str, number_type: int
) -> phonenumbers.PhoneNumber | None:
    """A valid number of `region` like its example number with the last digits randomised.

    The example numbers themselves are runs like 2012345678, which normalise_phone rejects as placeholders.
    """
    example = phonenumbers.example_number_for_type(region, number_type)
    if example is None:
        return None
    national = phonenumbers.national_significant_number(example)
    for _ in range(200):
        tail = "".join(rng.choice("0123456789") for _ in range(len(national) - 3))
        number = phonenumbers.parse(f"+{example.country_code}{national[:3]}{tail}")
        if phonenumbers.is_valid_number(number):
            return number
    return None


def _probes() -> list[dict[str, Any]]:
    """Phones and emails in many shapes, valid and not, deterministic for a given seed."""
    rng = random.Random(20240601)
    phones: list[str] = ["555-5555", "1234567890", "0000000000", "n/a", "+44 (0)20 7946 0958 ext. 4", ""]
    for region in ("US", "CA", "GB", "DE", "FR", "NL", "ES", "IT", "AU", "IE", "BR", "JP", "IN", "SG"):
        for number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            number = _random_valid_number(rng, region, number_type)
            if number is None:
                continue
            for style in STYLES:
                text = phonenumbers.format_number(number, style)
                phones.append(text)
                phones.append(text.replace(" ", rng.choice(["-", ".", ""])))
            phones.append("00" + phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:])
    emails = [
        " Alice@Example.COM",
        "o'brien@example.ie",
        "bad@",
        "two@@example.com",
        "a b@example.com",
        "user@xn--bcher-kva.example",
        "UPPER.CASE+tag@Sub.Example.Org ",
        "no-tld@localhost",
        "",
    ]
    count = max(len(phones), len(emails))
    return [
        {
            "source_name": PROBE_SOURCE,
            "record_id": f"p{i:04d}",
            "phone": phones[i] if i < len(phones) else None,
            "email": emails[i] if i < len(emails) else None,
        }
        for i in range(count)
    ]


def _as_sent() -> dict[str, list[dict[str, Any]]]:
    """Rows per raw table as a loader would land them (before load metadata is filled in)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["segment_events"] = [
        # m-1 arrives twice; the copy received first wins although it was loaded later.
        {
            "message_id": "m-1",
            "type": "track",
            "event": "Late Copy",
            "anonymous_id": "anon-1",
            "timestamp": "2024-03-10T12:00:00+02:00",
            "received_at": "2024-03-10T10:00:09Z",
            "context": {"traits": {"email": " Alice@Example.COM ", "phone": "(415) 555-2671"}},
        },
        {
            "message_id": "m-1",
            "type": "track",
            "event": "Order Completed",
            "anonymous_id": "anon-1",
            "timestamp": "2024-03-10T12:00:00+02:00",
            "received_at": "2024-03-10T10:00:01Z",
            "context": {"traits": {"email": " Alice@Example.COM ", "phone": "(415) 555-2671"}},
            "_loaded_at": LOAD_2,
            "_file": "events/part-2.jsonl",
        },
        {
            "message_id": "m-2",
            "type": "identify",
            "user_id": " u-42 ",
            "anonymous_id": "anon-1",
            "timestamp": "2024-03-10 09:00:00",
            "traits": {
                "email": "not-an-email",
                "phone": "555-5555",
                "firstName": "Alice",
                "lastName": "Smith",
            },
            "context": {"app": {"name": "Tessera"}},
            "device_id": "dev-9",
        },
        {
            "message_id": "m-3",
            "type": "page",
            "anonymous_id": "anon-2",
            "name": "Pricing",
            "sent_at": "2024-03-11T00:30:00-05:00",
            "context": {"page": {"path": "/pricing"}},
            "properties": {"path": "/pricing"},
        },
        # m-4 was first sent with its id padded, alone in an early load; a retry with a clean id, loaded
        # after a build has staged the second load, loses to it: an incremental build must find the padded
        # copy by its cleaned id (no other record of its load is touched to bring it along).
        {
            "message_id": " m-4 ",
            "type": "page",
            "anonymous_id": "anon-2",
            "name": "Home",
            "timestamp": "2024-03-11T08:00:00Z",
            "received_at": "2024-03-11T08:00:01Z",
            "_loaded_at": LOAD_0,
            "_file": "events/part-0.jsonl",
        },
        {
            "message_id": "m-4",
            "type": "page",
            "anonymous_id": "anon-2",
            "name": "Home (retry)",
            "timestamp": "2024-03-11T08:00:00Z",
            "received_at": "2024-03-11T08:00:09Z",
            "_loaded_at": LOAD_3,
            "_file": "events/part-3.jsonl",
        },
    ]
    order_1001 = {
        "id": "1001",
        "email": "",
        "phone": "000-000-0000",
        "created_at": "2024-01-01T10:00:00-05:00",
        "currency": "usd",
        "customer_id": "123456.0",
        "customer_email": "Bob@Example.com",
        "customer_phone": "+1 212 555 0187",
        "customer_first_name": "Bob",
        "billing_address": {
            "address1": "1 Main St",
            "city": "Springfield",
            "zip": "01101",
            "country_code": "us",
        },
    }
    rows["shopify_orders"] = [
        # 1001: the version updated last wins, even though it was loaded first.
        {
            **order_1001,
            "updated_at": "2024-01-03T00:00:00-05:00",
            "total_price": "49.5",
            "financial_status": "refunded",
            "cancelled_at": "2024-01-03T00:00:00-05:00",
            "line_items": [
                {
                    "id": 9001,
                    "sku": "SKU-A",
                    "product_id": 77,
                    "title": "Mug",
                    "quantity": 2,
                    "price": "12.25",
                },
                {"sku": "SKU-B", "name": "Tea", "quantity": 1, "price": "25.00"},
            ],
        },
        {
            **order_1001,
            "updated_at": "2024-01-02T00:00:00Z",
            "total_price": "49.50",
            "financial_status": "paid",
            "line_items": [{"id": 9001, "sku": "SKU-A", "quantity": 1, "price": "12.25"}],
            "_loaded_at": LOAD_2,
        },
        # 1002: same updated_at twice, the later load wins (and its line is gone in the later version).
        {
            "id": "1002",
            "email": "carol@example.com",
            "created_at": "2024-02-01T00:00:00Z",
            "updated_at": "2024-02-01T00:00:00Z",
            "total_price": "10",
            "financial_status": "pending",
            "line_items": [{"id": 9101, "sku": "SKU-C", "quantity": 1, "price": "10.00"}],
        },
        {
            "id": "1002",
            "email": "carol@example.com",
            "created_at": "2024-02-01T00:00:00Z",
            "updated_at": "2024-02-01T00:00:00Z",
            "total_price": "10",
            "financial_status": "paid",
            "line_items": [],
            "_loaded_at": LOAD_2,
        },
    ]
    rows["hubspot_contacts"] = [
        {
            "record_id": "501",
            "email": "old@example.com",
            "first_name": "Dan",
            "create_date": "2023-05-12 14:03",
            "lifecycle_stage": "Lead",
        },
        {
            "record_id": "501.0",
            "email": "New@Example.com",
            "phone_number": "+44 (0)20 7946 0958",
            "first_name": "Dan",
            "last_name": "",
            "create_date": "2023-05-12 14:03",
            "lifecycle_stage": "Marketing Qualified Lead",
            "_loaded_at": LOAD_2,
        },
        {
            "record_id": " 502 ",
            "email": "n/a",
            "phone_number": "1234567890",
            "lifecycle_stage": "customer",
        },
    ]
    rows["pos_sales"] = [
        {
            "transaction_id": "T1",
            "store_id": "S1",
            "occurred_at": "2024-04-01T15:00:00+01:00",
            "loyalty_id": " L-77 ",
            "email": "",
            "sku": "A",
            "quantity": "1",
            "unit_price": "3.50",
            "currency": "eur",
        },
        {
            "transaction_id": "T1",
            "store_id": "S1",
            "occurred_at": "2024-04-01T15:00:00+01:00",
            "loyalty_id": " L-77 ",
            "sku": "B",
            "quantity": "2",
            "unit_price": "1.25",
            "currency": "eur",
        },
        # The same file re-sent with a corrected quantity: same line ids, the later load wins.
        {
            "transaction_id": "T1",
            "store_id": "S1",
            "occurred_at": "2024-04-01T15:00:00+01:00",
            "loyalty_id": " L-77 ",
            "sku": "A",
            "quantity": "3",
            "unit_price": "3.50",
            "currency": "eur",
            "_loaded_at": LOAD_2,
            "_row_number": 1,
        },
        {
            "transaction_id": "T1",
            "store_id": "S1",
            "occurred_at": "2024-04-01T15:00:00+01:00",
            "loyalty_id": " L-77 ",
            "sku": "B",
            "quantity": "2",
            "unit_price": "1.25",
            "currency": "eur",
            "_loaded_at": LOAD_2,
            "_row_number": 2,
        },
        {
            "transaction_id": "T2",
            "store_id": "S2",
            "occurred_at": "2024-04-02T09:00:00Z",
            "phone": "212.555.0142",
            "sku": "C",
            "quantity": "1",
            "unit_price": "9.99",
            "currency": "USD",
        },
    ]
    rows["esp_events"] = [
        {
            "sg_event_id": "e-1",
            "sg_message_id": "msg-1",
            "email": "ALICE@example.com",
            "timestamp": "1700000000",
            "event": "open",
            "category": '["promo"]',
        },
        {
            "sg_event_id": "e-1",
            "sg_message_id": "msg-1",
            "email": "ALICE@example.com",
            "timestamp": "1700000000",
            "event": "open",
            "_loaded_at": LOAD_2,
        },
        {
            "sg_event_id": "e-2",
            "sg_message_id": "msg-1",
            "email": "bounce@",
            "timestamp": "1700000100.5",
            "event": "Bounce",
        },
    ]
    rows["zendesk_tickets"] = [
        {
            "id": "77.0",
            "requester_id": "9001.0",
            "created_at": "2024-05-01T08:00:00Z",
            "updated_at": "2024-05-02T08:00:00Z",
            "status": "Solved",
            "satisfaction_score": "good",
        },
        {
            "id": "77",
            "requester_id": "9001",
            "created_at": "2024-05-01T08:00:00Z",
            "updated_at": "2024-05-01T09:00:00Z",
            "status": "open",
            "_loaded_at": LOAD_2,
        },
    ]
    rows["zendesk_users"] = [
        {
            "id": "9001.0",
            "email": "erin@example.com",
            "phone": "+1 (646) 555-0199 ext. 7",
            "name": "Erin Ng",
            "created_at": "2024-01-01T00:00:00Z",
        },
    ]
    rows["nps_responses"] = [
        {
            "id": "n1",
            "email": "frank@example.com",
            "score": "9",
            "comment": "",
            "created_at": "2024-05-05T10:00:00Z",
        },
        {
            "id": "n1",
            "email": "frank@example.com",
            "score": "10",
            "comment": "great",
            "created_at": "2024-05-05T10:00:00Z",
            "_loaded_at": LOAD_2,
        },
    ]
    consent = {
        "email": "Alice@Example.com",
        "purpose": "email_marketing",
        "status": "granted",
        "occurred_at": "2024-01-01T00:00:00Z",
        "source": "checkout",
    }
    rows["consent_events"] = [
        consent,
        {**consent, "_loaded_at": LOAD_2},
        {**consent, "status": "revoked", "occurred_at": "2024-02-01T00:00:00Z"},
        {
            "user_id": "u-42",
            "purpose": "analytics",
            "status": "granted",
            "occurred_at": "2024-01-01T00:00:00Z",
        },
    ]
    rows["custom_records"] = [
        {
            "source_name": "loyalty_app",
            "record_id": "r1",
            "email": "gina@example.com",
            "loyalty_id": "L-1",
            "attributes": {"tier": "gold"},
        },
        {
            "source_name": "loyalty_app",
            "record_id": "r1",
            "email": "gina@example.org",
            "loyalty_id": "L-1",
            "attributes": {"tier": "platinum"},
            "_loaded_at": LOAD_2,
        },
        {"source_name": "webinar", "record_id": "r1", "phone": "+33 1 42 68 53 00"},
    ]
    return rows
