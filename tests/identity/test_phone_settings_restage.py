"""A change of the phone settings reaches the rows staged before it, and identity, without a full refresh.

The staging models that read phones stamp each row with a digest of the settings they read it with
(`_settings_signature`); when the digest changes, their next build stages every raw row again, and the
models built on them re-read those rows by their new `_staged_at`. Here a UK number written nationally
(`07911 123456`) is on a HubSpot contact, a Segment identify call and a store sale:
1. read for the default country US, it is invalid everywhere, so the contact and the visitor stay apart;
2. with `default_phone_country: GB` every copy becomes +447911123456 and the two become one customer;
3. the same settings again stage nothing;
4. back to US with the store mapped to GB (`pos_store_countries`) restages the US-read models and POS, and
   only those: the NPS responses keep their stamp.
Last, a table staged by a version without the column gains it without being staged again.
"""

from __future__ import annotations

from typing import Any

import pytest
from identity_warehouse import Warehouse, hubspot_contact, pos_sale, segment_event

UK_NATIONAL = "07911 123456"
UK_E164 = "+447911123456"
GB = {"default_phone_country": "GB"}
STORE_IN_GB = {"default_phone_country": "US", "pos_store_countries": {"store-1": "GB"}}
STAMPS = (
    "select 'segment', max(_staged_at) from main.stg_segment__events"
    " union all select 'hubspot', max(_staged_at) from main.stg_hubspot__contacts"
    " union all select 'pos', max(_staged_at) from main.stg_pos__sale_lines"
    " union all select 'nps', max(_staged_at) from main.stg_nps__responses"
)
PHONES = (
    "select 'segment', phone from main.stg_segment__events"
    " union all select 'hubspot', phone from main.stg_hubspot__contacts"
    " union all select 'pos', phone from main.stg_pos__sale_lines"
)
IDENTIFIERS = """
    select source, record_id, identifier_type, identifier_value
    from main.int_identifiers_unioned
    order by all
"""


def _state(warehouse: Warehouse) -> dict[str, Any]:
    return {
        "stamps": dict(warehouse.query(STAMPS)),
        "phones": dict(warehouse.query(PHONES)),
        "contact": warehouse.record_customer("hubspot", "h1"),
        "visitor": warehouse.record_customer("segment", "m1"),
        "identifiers": warehouse.query(IDENTIFIERS),
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    world = Warehouse.create(tmp_path_factory.mktemp("phone_settings"))
    world.insert("hubspot_contacts", [hubspot_contact("h1", email="ann@mail.com", phone=UK_NATIONAL)])
    world.insert(
        "segment_events",
        [segment_event("m1", "identify", user_id="u1", email="ann.b@mail.com", phone=UK_NATIONAL)],
    )
    world.insert("pos_sales", [pos_sale("t-1", phone=UK_NATIONAL)])
    world.insert(
        "nps_responses",
        [{"id": "n1", "email": "cat@mail.com", "score": "9", "created_at": "2024-01-05T00:00:00Z"}],
    )
    states = {}
    world.build(command="run")
    states["us"] = _state(world)
    world.build(command="run", dbt_vars=GB)
    states["gb"] = _state(world)
    world.build(command="run", dbt_vars=GB)
    states["gb_again"] = _state(world)
    world.build(command="run", dbt_vars=STORE_IN_GB)
    states["store_in_gb"] = _state(world)

    # A table staged before signatures existed: the column is added, nothing is staged again.
    world.execute("alter table main.stg_hubspot__contacts drop column _settings_signature")
    world.build(command="run", dbt_vars=STORE_IN_GB)
    states["upgraded"] = _state(world)
    states["upgraded_signatures"] = world.query(
        "select distinct _settings_signature is not null from main.stg_hubspot__contacts"
    )

    world.build(command="run", dbt_vars=STORE_IN_GB, full_refresh=True)
    states["full_refresh"] = _state(world)
    return states


def test_numbers_read_for_the_default_country_are_invalid(builds: dict[str, Any]) -> None:
    assert builds["us"]["phones"] == {"segment": None, "hubspot": None, "pos": None}
    assert builds["us"]["contact"] != builds["us"]["visitor"]


def test_a_new_default_country_restages_every_phone_and_merges_through_it(builds: dict[str, Any]) -> None:
    gb = builds["gb"]
    assert gb["phones"] == {"segment": UK_E164, "hubspot": UK_E164, "pos": UK_E164}
    assert ("hubspot", "h1", "phone", UK_E164) in gb["identifiers"]
    assert gb["contact"] == gb["visitor"]
    assert gb["stamps"]["nps"] == builds["us"]["stamps"]["nps"]  # no phone: not staged again


def test_the_same_settings_stage_nothing_again(builds: dict[str, Any]) -> None:
    assert builds["gb_again"]["stamps"] == builds["gb"]["stamps"]


def test_a_store_mapping_restages_only_what_reads_it(builds: dict[str, Any]) -> None:
    after, before = builds["store_in_gb"], builds["gb"]
    assert after["phones"] == {"segment": None, "hubspot": None, "pos": UK_E164}
    assert after["stamps"]["nps"] == before["stamps"]["nps"]
    assert all(after["stamps"][model] > before["stamps"][model] for model in ("segment", "hubspot", "pos"))
    assert after["contact"] != after["visitor"]


def test_a_table_without_signatures_gains_them_without_restaging(builds: dict[str, Any]) -> None:
    assert builds["upgraded"]["stamps"] == builds["store_in_gb"]["stamps"]
    assert builds["upgraded_signatures"] == [(True,)]


def test_the_incremental_builds_end_equal_to_a_full_refresh(builds: dict[str, Any]) -> None:
    assert builds["upgraded"]["identifiers"] == builds["full_refresh"]["identifiers"]
    assert builds["upgraded"]["phones"] == builds["full_refresh"]["phones"]
