"""POS phones written nationally are read for their store's country (var `pos_store_countries`).

POS exports carry no country. A London till's `07911 123456` is a UK mobile, but read for the default
country (US) it is no number at all, and the customer's phone is lost to identity. Staging and
`privacy_raw_identifiers` (how `cdp privacy forget` finds raw rows) must read it the same way.
"""

from __future__ import annotations

from typing import Any

import pytest
from identity_warehouse import Warehouse

STORES = {"pos_store_countries": {"LDN-1": "GB", "BER-1": "de"}}
#: (transaction, store, phone as typed, E.164 with the mapping)
LINES = [
    ("T1", "LDN-1", "07911 123456", "+447911123456"),
    ("T2", " LDN-1 ", "07911 123457", "+447911123457"),  # the store id is trimmed, as staging trims it
    ("T3", "BER-1", "030 9018 2745", "+493090182745"),
    ("T4", "LDN-1", "+1 (212) 555-0142", "+12125550142"),  # international: the same anywhere
    ("T5", "LDN-1", "1 212 555 0143", "+12125550143"),  # no UK number: read for the default country
    ("T6", "NYC-1", "(212) 555-0144", "+12125550144"),  # an unmapped store: the default country
    ("T7", "NYC-1", "07911 123458", None),  # a UK number at an unmapped store is not a US number
]
SELECT = "stg_pos__sale_lines privacy_raw_identifiers"


def _pos_row(transaction_id: str, store_id: str, phone: str) -> dict[str, Any]:
    return {
        "transaction_id": transaction_id,
        "store_id": store_id,
        "occurred_at": "2026-03-01T12:00:00Z",
        "phone": phone,
        "sku": "SKU-1",
        "quantity": "1",
        "unit_price": "5.00",
        "currency": "GBP",
    }


def _phones(world: Warehouse) -> dict[str, dict[str, str | None]]:
    staged = dict(world.query("select transaction_id, phone from main.stg_pos__sale_lines"))
    found = dict(
        world.query(
            "select raw.transaction_id, ids.identifier_value from main.privacy_raw_identifiers as ids"
            " inner join raw.pos_sales as raw on raw._file = ids._file and raw._load_id = ids._load_id"
            " and raw._row_number = ids._row_number"
            " where ids.raw_table = 'pos_sales' and ids.identifier_type = 'phone'"
        )
    )
    return {"staged": staged, "privacy": found}


@pytest.fixture(scope="module")
def world(new_warehouse) -> Warehouse:
    world = new_warehouse("pos_countries")
    world.insert("pos_sales", [_pos_row(t, store, phone) for t, store, phone, _ in LINES])
    return world


def test_without_a_mapping_national_numbers_use_the_default_country(world: Warehouse) -> None:
    world.build(select=SELECT, full_refresh=True)
    phones = _phones(world)
    assert phones["staged"]["T1"] is None
    assert phones["staged"]["T6"] == "+12125550144"


def test_mapped_stores_read_national_numbers_for_their_country(world: Warehouse) -> None:
    world.build(dbt_vars=STORES, select=SELECT, full_refresh=True)
    phones = _phones(world)
    assert phones["staged"] == {t: expected for t, _, _, expected in LINES}
    # privacy_raw_identifiers lists only the values that normalise.
    assert phones["privacy"] == {t: expected for t, _, _, expected in LINES if expected}


def test_an_unknown_country_fails_the_build_naming_store_and_country(world: Warehouse) -> None:
    with pytest.raises(AssertionError) as failure:
        world.build(dbt_vars={"pos_store_countries": {"LDN-1": "UK"}}, select=SELECT)
    message = str(failure.value)
    assert "var pos_store_countries: store 'LDN-1' has country 'UK', not one of" in message
    assert "GB" in message.rsplit("not one of", 1)[1]
