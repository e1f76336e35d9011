"""Every source lands its records with the right columns, metadata and row numbers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import jsonl, load, manifest, quarantine, rows, write

from ingest.schema import RAW_TABLES

SEGMENT = [
    {
        "messageId": "m-1",
        "type": "identify",
        "userId": "u-1",
        "anonymousId": "a-1",
        "traits": {"email": "Ann@Example.com", "first_name": "Ann"},
        "context": {"device": {"id": "dev-1"}, "ip": "1.2.3.4"},
        "timestamp": "2024-03-01T10:00:00Z",
        "sentAt": "2024-03-01T10:00:01+01:00",
        "receivedAt": "2024-03-01 10:00:02",
    },
    {
        "messageId": "m-2",
        "type": "track",
        "event": "Order Completed",
        "anonymousId": "a-1",
        "properties": {"order_id": "o-1", "total": 20.5, "products": [{"sku": "s1"}]},
        "timestamp": "2024-03-01T10:05:00Z",
    },
    {
        "messageId": "m-3",
        "type": "alias",
        "userId": "u-1",
        "previousId": "a-1",
        "timestamp": "2024-03-01T10:06:00Z",
    },
    {
        "messageId": "m-4",
        "type": "group",
        "userId": "u-1",
        "groupId": "g-1",
        "sentAt": "2024-03-01T10:07:00Z",
    },
]


def test_segment_events_land_with_fields_metadata_and_line_numbers(data_dir: Path, db_path: Path) -> None:
    write(data_dir / "events" / "part-1.jsonl", jsonl(SEGMENT[:2]) + "\n" + jsonl(SEGMENT[2:]))
    report = load(data_dir, db_path)

    got = rows(
        db_path,
        "select message_id, type, event, user_id, anonymous_id, previous_id, group_id, device_id, timestamp, "
        "sent_at, received_at, traits->>'email', properties->>'order_id', _file, _row_number, _load_id, "
        "_record->>'messageId', _loaded_at is not null from raw.segment_events order by _row_number",
    )
    assert got == [
        ("m-1", "identify", None, "u-1", "a-1", None, None, "dev-1", "2024-03-01T10:00:00Z",
         "2024-03-01T10:00:01+01:00", "2024-03-01 10:00:02", "Ann@Example.com", None,
         "events/part-1.jsonl", 1, report.load_id, "m-1", True),
        ("m-2", "track", "Order Completed", None, "a-1", None, None, None, "2024-03-01T10:05:00Z",
         None, None, None, "o-1", "events/part-1.jsonl", 2, report.load_id, "m-2", True),
        # line 3 is blank, so the next record is line 4
        ("m-3", "alias", None, "u-1", None, "a-1", None, None, "2024-03-01T10:06:00Z",
         None, None, None, None, "events/part-1.jsonl", 4, report.load_id, "m-3", True),
        ("m-4", "group", None, "u-1", None, None, "g-1", None, None,
         "2024-03-01T10:07:00Z", None, None, None, "events/part-1.jsonl", 5, report.load_id, "m-4", True),
    ]  # fmt: skip
    stats = report.sources["events"]
    assert (stats.files_loaded, stats.rows_read, stats.rows_landed, stats.rows_quarantined) == (1, 4, 4, 0)


def test_page_and_screen_names_land_in_their_column(data_dir: Path, db_path: Path) -> None:
    page = {
        "messageId": "p-1",
        "type": "page",
        "name": "Pricing",
        "userId": "u-1",
        "timestamp": "2024-03-01T10:00:00Z",
    }
    screen = {**page, "messageId": "p-2", "type": "screen", "name": 42}
    write(data_dir / "events" / "part-1.jsonl", jsonl([page, screen, SEGMENT[1]]))
    load(data_dir, db_path)
    got = rows(db_path, "select message_id, name from raw.segment_events order by _row_number")
    assert got == [("p-1", "Pricing"), ("p-2", "42"), ("m-2", None)]


def test_an_older_warehouse_gains_the_name_column_filled_from_the_record(
    data_dir: Path, db_path: Path
) -> None:
    write(
        data_dir / "events" / "part-1.jsonl",
        jsonl([{**SEGMENT[0], "type": "page", "name": "Home"}, SEGMENT[1]]),
    )
    load(data_dir, db_path)
    with duckdb.connect(str(db_path)) as con:  # as a version before the column existed left it
        con.execute("alter table raw.segment_events drop column name")
    write(data_dir / "events" / "part-2.jsonl", jsonl([{**SEGMENT[0], "messageId": "m-9", "name": "Cart"}]))
    report = load(data_dir, db_path)
    assert report.sources["events"].files_loaded == 1
    got = rows(db_path, "select message_id, name from raw.segment_events order by _file, _row_number")
    assert got == [("m-1", "Home"), ("m-2", None), ("m-9", "Cart")]


def test_segment_rules_quarantine_each_bad_message_with_its_field(data_dir: Path, db_path: Path) -> None:
    good = {"messageId": "ok", "type": "page", "userId": "u", "timestamp": "2024-01-01T00:00:00Z"}
    write(
        data_dir / "events" / "bad.jsonl",
        jsonl(
            [
                good,
                {**good, "messageId": None},
                {**good, "type": "click"},
                {k: v for k, v in good.items() if k != "userId"},
                {**good, "timestamp": "last tuesday"},
                {**good, "type": "track"},
                {**good, "type": "alias"},
            ]
        ),
    )
    load(data_dir, db_path)
    assert [(r[0], r[2]) for r in quarantine(db_path, "events/bad.jsonl")] == [
        (2, "missing required field 'messageId'"),
        (3, "field 'type': 'click' is not one of identify, track, page, screen, alias, group"),
        (4, "missing required field 'userId' or 'anonymousId'"),
        (5, "field 'timestamp': 'last tuesday' is not a timestamp"),
        (6, "missing required field 'event' (required when type is 'track')"),
        (7, "missing required field 'previousId' (required when type is 'alias')"),
    ]
    assert manifest(db_path, "events/bad.jsonl")[0][:4] == ("loaded", 7, 1, 6)


def test_shopify_orders_land_one_row_per_order(data_dir: Path, db_path: Path) -> None:
    orders = [
        {
            "id": 450789469,
            "email": "bob@example.com",
            "phone": None,
            "created_at": "2024-02-01T09:00:00-05:00",
            "updated_at": "2024-02-02T09:00:00-05:00",
            "currency": "USD",
            "total_price": "199.65",
            "financial_status": "paid",
            "cancelled_at": None,
            "customer": {"id": 207119551, "email": "bob@example.com", "phone": "+15555550100",
                         "first_name": "Bob", "last_name": "Norman"},
            "line_items": [{"sku": "IPOD", "quantity": 1, "price": "199.00"}],
            "billing_address": {"city": "Ottawa", "country_code": "CA"},
        },
        {"id": 2, "created_at": "2024-02-03 10:00:00", "total_price": 5, "currency": "EUR"},
        {"id": "abc", "created_at": "2024-02-03 10:00:00", "total_price": "1"},
        {"id": 4, "created_at": "2024-02-03 10:00:00", "total_price": "free"},
    ]  # fmt: skip
    write(data_dir / "shopify" / "orders.json", json.dumps({"orders": orders}, indent=2))
    load(data_dir, db_path)
    got = rows(
        db_path,
        "select id, email, created_at, total_price, customer_id, customer_first_name, customer_phone, "
        "line_items->>'$[0].sku', billing_address->>'city', _row_number "
        "from raw.shopify_orders order by _row_number",
    )
    assert got == [
        ("450789469", "bob@example.com", "2024-02-01T09:00:00-05:00", "199.65", "207119551", "Bob",
         "+15555550100", "IPOD", "Ottawa", 1),
        ("2", None, "2024-02-03 10:00:00", "5", None, None, None, None, None, 2),
    ]  # fmt: skip
    assert [(r[0], r[2]) for r in quarantine(db_path, "shopify/orders.json")] == [
        (3, "field 'id': 'abc' is not an integer"),
        (4, "field 'total_price': 'free' is not a number"),
    ]


def test_hubspot_contacts_keep_extra_columns_in_record(data_dir: Path, db_path: Path) -> None:
    write(
        data_dir / "hubspot" / "contacts.csv",
        "Record ID,First Name,Last Name,Email,Phone Number,Create Date,Lifecycle Stage,Favourite Colour\n"
        "101,Ann,Lee,ann@example.com,+44 20 7946 0000,2024-01-05 10:00:00,customer,teal\n"
        '102,"Smith, Jr",,b@example.com,,2024-01-06T10:00:00Z,lead,\n'
        ",No,Id,x@example.com,,,,\n",
    )
    load(data_dir, db_path)
    got = rows(
        db_path,
        "select record_id, first_name, last_name, email, phone_number, create_date, lifecycle_stage, "
        "_record->>'Favourite Colour', _row_number from raw.hubspot_contacts order by _row_number",
    )
    assert got == [
        (
            "101",
            "Ann",
            "Lee",
            "ann@example.com",
            "+44 20 7946 0000",
            "2024-01-05 10:00:00",
            "customer",
            "teal",
            2,
        ),
        ("102", "Smith, Jr", None, "b@example.com", None, "2024-01-06T10:00:00Z", "lead", None, 3),
    ]
    assert quarantine(db_path, "hubspot/contacts.csv") == [
        (4, ",No,Id,x@example.com,,,,", "missing required field 'Record ID'")
    ]


def test_pos_sales_land_and_bad_rows_name_the_field(data_dir: Path, db_path: Path) -> None:
    header = "transaction_id,store_id,occurred_at,loyalty_id,email,phone,sku,quantity,unit_price,currency\n"
    write(
        data_dir / "pos" / "2024-03.csv",
        header + "t-1,s-9,2024-03-01T12:00:00Z,L-7,,,SKU-1,2,9.99,EUR\n"
        "t-2,s-9,2024-03-01T12:01:00Z,,c@example.com,,SKU-2,two,1.00,EUR\n",
    )
    load(data_dir, db_path)
    got = rows(
        db_path,
        "select transaction_id, store_id, loyalty_id, email, sku, quantity, unit_price, _row_number "
        "from raw.pos_sales",
    )
    assert got == [("t-1", "s-9", "L-7", None, "SKU-1", "2", "9.99", 2)]
    assert quarantine(db_path, "pos/2024-03.csv") == [
        (
            3,
            "t-2,s-9,2024-03-01T12:01:00Z,,c@example.com,,SKU-2,two,1.00,EUR",
            "field 'quantity': 'two' is not an integer",
        )
    ]


def test_esp_events_keep_category_lists_as_json_text(data_dir: Path, db_path: Path) -> None:
    write(
        data_dir / "esp" / "events.jsonl",
        jsonl(
            [
                {"email": "a@x.com", "timestamp": 1709280000, "event": "open", "sg_event_id": "e1",
                 "sg_message_id": "m1", "category": ["promo", "spring"]},
                {"email": "a@x.com", "timestamp": "1709280001", "event": "click", "sg_event_id": "e2",
                 "category": "promo"},
                {"email": "a@x.com", "timestamp": "yesterday", "event": "click", "sg_event_id": "e3"},
            ]
        ),
    )  # fmt: skip
    load(data_dir, db_path)
    got = rows(
        db_path,
        "select sg_event_id, sg_message_id, timestamp, event, category from raw.esp_events order by 1",
    )
    assert got == [
        ("e1", "m1", "1709280000", "open", '["promo","spring"]'),
        ("e2", None, "1709280001", "click", "promo"),
    ]
    assert [r[2] for r in quarantine(db_path, "esp/events.jsonl")] == [
        "field 'timestamp': 'yesterday' is not a number"
    ]


def test_zendesk_document_lands_tickets_and_users(data_dir: Path, db_path: Path) -> None:
    document = {
        "tickets": [
            {"id": 1, "requester_id": 10, "created_at": "2024-01-01T00:00:00Z", "status": "solved",
             "subject": "Hi", "satisfaction_rating": {"score": "good"}},
            {"id": 2, "requester_id": 10, "created_at": "soon"},
        ],
        "users": [{"id": 10, "email": "u@x.com", "phone": "+15550000000", "name": "U"},
                  {"email": "noid@x.com"}],
    }  # fmt: skip
    write(data_dir / "support" / "export.json", json.dumps(document))
    load(data_dir, db_path)
    assert rows(db_path, "select id, requester_id, status, subject, satisfaction_score, _row_number "
                "from raw.zendesk_tickets") == [("1", "10", "solved", "Hi", "good", 1)]  # fmt: skip
    assert rows(db_path, "select id, email, phone, name, _row_number from raw.zendesk_users") == [
        ("10", "u@x.com", "+15550000000", "U", 1)
    ]
    assert [(r[0], r[2]) for r in quarantine(db_path, "support/export.json")] == [
        (2, "tickets: field 'created_at': 'soon' is not a timestamp"),
        (2, "users: missing required field 'id'"),
    ]
    assert manifest(db_path, "support/export.json")[0][:4] == ("loaded", 4, 2, 2)


def test_nps_scores_must_be_integers_from_0_to_10(data_dir: Path, db_path: Path) -> None:
    base = {"email": "n@x.com", "comment": "ok", "created_at": "2024-05-01T08:00:00+02:00"}
    write(
        data_dir / "nps" / "r.jsonl",
        jsonl(
            [
                {**base, "id": "r1", "score": 9},
                {**base, "id": "r2", "score": 11},
                {**base, "id": "r3", "score": "x"},
            ]
        ),
    )
    load(data_dir, db_path)
    assert rows(db_path, "select id, email, score, comment, created_at from raw.nps_responses") == [
        ("r1", "n@x.com", "9", "ok", "2024-05-01T08:00:00+02:00")
    ]
    assert [r[2] for r in quarantine(db_path, "nps/r.jsonl")] == [
        "field 'score': '11' is not an integer from 0 to 10",
        "field 'score': 'x' is not an integer from 0 to 10",
    ]


def test_consent_events_need_subject_purpose_status_and_time(data_dir: Path, db_path: Path) -> None:
    base = {
        "purpose": "email_marketing",
        "status": "granted",
        "occurred_at": "2024-01-01 00:00:00",
        "source": "web",
    }
    write(
        data_dir / "consent" / "c.jsonl",
        jsonl([{**base, "email": "c@x.com"}, {**base, "user_id": "u9", "status": "maybe"}, base]),
    )
    load(data_dir, db_path)
    assert rows(
        db_path, "select email, user_id, purpose, status, occurred_at, source from raw.consent_events"
    ) == [("c@x.com", None, "email_marketing", "granted", "2024-01-01 00:00:00", "web")]
    assert [r[2] for r in quarantine(db_path, "consent/c.jsonl")] == [
        "field 'status': 'maybe' is not one of granted, revoked",
        "missing required field 'email' or 'user_id'",
    ]


@pytest.mark.parametrize(
    ("folder", "name", "content", "table"),
    [
        ("events", "e.jsonl.gz", jsonl([SEGMENT[0]]), "segment_events"),
        ("shopify", "o.json.gz",
         json.dumps({"orders": [{"id": 1, "created_at": "2024-01-01", "total_price": 1}]}), "shopify_orders"),
        ("hubspot", "h.csv.gz", "Record ID,Email\n7,a@x.com\n", "hubspot_contacts"),
        ("pos", "p.csv.gz", "transaction_id,occurred_at,quantity,unit_price\nt,2024-01-01 00:00:00,1,2\n",
         "pos_sales"),
        ("esp", "e.jsonl.gz", jsonl([{"sg_event_id": "1", "email": "a", "timestamp": 1, "event": "open"}]),
         "esp_events"),
        ("support", "z.json.gz", json.dumps({"users": [{"id": 1}]}), "zendesk_users"),
        ("nps", "n.jsonl.gz", jsonl([{"id": 1, "score": 3, "created_at": "2024-01-01T00:00:00Z"}]),
         "nps_responses"),
        ("consent", "c.jsonl.gz", jsonl([{"user_id": 1, "purpose": "analytics", "status": "revoked",
                                          "occurred_at": "2024-01-01T00:00:00Z"}]), "consent_events"),
    ],
)  # fmt: skip
def test_gzip_works_for_every_format(
    data_dir: Path, db_path: Path, folder: str, name: str, content: str, table: str
) -> None:
    write(data_dir / folder / name, content, gz=True)
    report = load(data_dir, db_path)
    assert report.sources[folder].rows_landed == 1, report.warnings
    first_row = 2 if name.endswith(".csv.gz") else 1  # a CSV's header is line 1
    assert rows(db_path, f"select _file, _row_number from raw.{table}") == [(f"{folder}/{name}", first_row)]


def test_every_raw_table_exists_even_without_files(data_dir: Path, db_path: Path) -> None:
    load(data_dir, db_path)
    tables = {
        r[0]
        for r in rows(db_path, "select table_name from information_schema.tables where table_schema='raw'")
    }
    assert set(RAW_TABLES) | {"_manifest", "_quarantine"} <= tables


@pytest.mark.parametrize("gz", [False, True])
def test_json_documents_load_under_a_small_memory_limit(
    data_dir: Path, db_path: Path, gz: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DuckDB reserves about twice the largest object it is told to accept: that must follow the file's size.
    monkeypatch.setenv("TESSERA_MEMORY_LIMIT", "256MB")
    tickets = [{"id": n, "requester_id": n, "created_at": "2024-01-01T00:00:00Z"} for n in range(1, 2001)]
    write(data_dir / "support" / ("z.json.gz" if gz else "z.json"), json.dumps({"tickets": tickets}), gz=gz)
    report = load(data_dir, db_path)
    assert report.sources["support"].files_loaded == 1, report.warnings
    assert report.sources["support"].rows_landed == 2000
