"""Every folder of the input layout, readable by standard parsers, with the contract's field names."""

from __future__ import annotations

import csv
import json

import yaml
from demo_data_readers import SOURCES, parses, read_text, records


def test_every_source_folder_has_files(generated):
    out, summary = generated
    for source in SOURCES:
        assert any((out / source).iterdir()), source
        assert summary.records[source] > 0
    assert (out / "truth.csv").exists()


def test_jsonl_lines_and_documents_parse(generated):
    out, _ = generated
    for source in ("events", "esp", "nps", "consent"):
        lines = [line for p in (out / source).iterdir() for line in read_text(p).splitlines()]
        good = 0
        for line in lines:
            try:
                json.loads(line)
                good += 1
            except json.JSONDecodeError:
                pass
        assert good / len(lines) > 0.97, source  # small files: one forced broken row each
    for path in (out / "shopify").iterdir():
        assert json.loads(read_text(path))["orders"]
    for path in (out / "support").iterdir():
        doc = json.loads(read_text(path))
        assert doc["tickets"] and doc["users"]


def test_contract_field_names(generated):
    out, _ = generated
    events = [
        json.loads(line)
        for line in read_text(out / "events/part-0001.jsonl").splitlines()[:3000]
        if line.endswith("}")
    ]
    types = {e.get("type") for e in events}
    assert {"identify", "track", "page", "screen", "alias"} <= types
    assert {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"} <= {
        e.get("event") for e in events
    }
    for event in events:
        if "messageId" in event and "timestamp" in event:
            assert {"sentAt", "receivedAt", "context"} <= event.keys()
    completed = next(e for e in events if e.get("event") == "Order Completed")
    assert {"order_id", "products", "revenue", "total", "currency"} <= completed["properties"].keys()
    assert any("device" in e.get("context", {}) for e in events)
    assert any(e.get("type") == "alias" and e.get("previousId") for e in events)

    order = json.loads(read_text(out / "shopify/orders-0001.json"))["orders"][0]
    assert {
        "id",
        "email",
        "phone",
        "created_at",
        "currency",
        "total_price",
        "financial_status",
        "cancelled_at",
        "customer",
        "line_items",
        "billing_address",
    } <= order.keys()
    header = next(csv.reader(read_text(out / "hubspot/contacts-0001.csv").splitlines()))
    assert {
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Create Date",
        "Lifecycle Stage",
    } <= set(header)
    header = next(csv.reader(read_text(out / "pos/sales-0001.csv").splitlines()))
    assert header[:10] == [
        "transaction_id",
        "store_id",
        "occurred_at",
        "loyalty_id",
        "email",
        "phone",
        "sku",
        "quantity",
        "unit_price",
        "currency",
    ]
    esp = json.loads(read_text(out / "esp/events-0001.jsonl").splitlines()[0])
    assert {"email", "timestamp", "event", "sg_event_id", "sg_message_id", "category"} <= esp.keys()
    doc = json.loads(read_text(out / "support/export-0001.json"))
    assert {"id", "requester_id", "created_at", "status", "satisfaction_rating"} <= doc["tickets"][0].keys()
    assert {"id", "email", "phone", "name"} <= doc["users"][0].keys()
    nps = json.loads(read_text(out / "nps/responses-0001.jsonl").splitlines()[0])
    assert {"id", "email", "score", "comment", "created_at"} <= nps.keys()
    consent = [
        json.loads(line)
        for line in read_text(out / "consent/changes-0001.jsonl").splitlines()[:200]
        if line.endswith("}")
    ]
    assert {c.get("purpose") for c in consent} - {None} == {
        "email_marketing",
        "sms_marketing",
        "ads_targeting",
        "analytics",
    }
    assert {c.get("status") for c in consent} >= {"granted", "revoked"}


def test_custom_source_has_a_mapping_naming_real_columns(generated):
    out, _ = generated
    mapping = yaml.safe_load((out / "custom/loyalty_app.yml").read_text())
    header = next(csv.reader(read_text(out / "custom/loyalty_app.csv").splitlines()))
    columns = [
        mapping["primary_key"],
        mapping["occurred_at"],
        *mapping["identifiers"].values(),
        *mapping["attributes"].values(),
    ]
    assert set(columns) <= set(header)
    assert set(mapping["identifiers"]) <= {"email", "phone", "user_id", "crm_id", "loyalty_id"}


def test_malformed_rows_exist_in_every_format_and_are_rare(generated):
    out, _ = generated
    for source in SOURCES:
        verdicts = [ids is not None for _, ids in records(out, source)]
        bad = verdicts.count(False)
        assert bad >= 1, source
        assert bad / len(verdicts) < 0.05, source


def test_summary_counts_match_the_files(generated):
    out, summary = generated
    for source in SOURCES:
        assert sum(1 for _ in records(out, source)) == summary.records[source], source
    assert sum(summary.files.values()) == sum(summary.records.values())
    with (out / "truth.csv").open() as handle:
        assert sum(1 for _ in handle) - 1 == summary.truth_rows


def test_timestamps_stay_inside_the_window(generated):
    out, _ = generated
    start, end = "2024-11-01", "2026-11-01"
    for path in (out / "events").iterdir():
        for line in read_text(path).splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            for key in ("timestamp", "sentAt", "receivedAt"):
                value = event.get(key, start)
                if parses(value):  # the deliberately unparseable ones are not timestamps
                    assert start <= value < end, (key, value)
    for path in (out / "esp").iterdir():
        for line in read_text(path).splitlines():
            if line.endswith("}"):
                stamp = json.loads(line).get("timestamp")
                assert not isinstance(stamp, int) or 1_730_419_200 <= stamp < 1_793_491_200
