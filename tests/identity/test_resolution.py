"""Identity resolution on a hand-made world with the hard cases, built once by the real dbt project.

Each scenario uses its own people and identifiers, so one build serves every test of the module.
"""

from __future__ import annotations

import pytest
from identity_warehouse import Warehouse, hubspot_contact, pos_sale, segment_event, shopify_order

from cdp.profile_lookup import find_customer, format_profile


def _world_rows() -> dict[str, list[dict]]:
    segment = [
        # Chain: anonymous browsing -> identify (user, email) -> order (email, phone, shop customer)
        # -> CRM (phone, crm id) -> till (phone, loyalty id). One person.
        segment_event(
            "chain-1", "identify", anonymous_id="anon-chain", user_id="u-chain", email="Chain@Mail.com"
        ),
        # Star: one user seen from four browsers and two devices.
        *(
            segment_event(f"star-{i}", "identify", anonymous_id=f"anon-star-{i}", user_id="u-star")
            for i in range(4)
        ),
        segment_event("star-d1", "track", user_id="u-star", device_id="dev-star-1"),
        segment_event("star-d2", "track", user_id="u-star", device_id="dev-star-2"),
        # Family tablet: two logged-in people on one device.
        segment_event("fam-1", "identify", user_id="u-mum", email="mum@family.net", device_id="dev-family"),
        segment_event("fam-2", "identify", user_id="u-kid", email="kid@family.net", device_id="dev-family"),
        # Anonymous to known: three page views, then the person identifies.
        *(
            segment_event(
                f"ak-view-{i}", "track", anonymous_id="anon-ak", timestamp=f"2024-01-01T0{i}:00:00Z"
            )
            for i in range(3)
        ),
        segment_event(
            "ak-identify",
            "identify",
            anonymous_id="anon-ak",
            user_id="u-ak",
            email="ak@mail.com",
            timestamp="2024-01-02T00:00:00Z",
            first_name="Ada",
        ),
        # Chain conflict: two accounts joined only through a phone the second one shares in one order.
        segment_event("cf-1", "identify", user_id="u-conf-1", email="conf1@mail.com"),
        segment_event("cf-2", "identify", user_id="u-conf-2", email="conf2@mail.com"),
        # Renamed account: events under a legacy user id, then an alias to the new one on the same browser.
        segment_event("al-1", "track", user_id="u-legacy", anonymous_id="anon-al"),
        segment_event("al-2", "alias", user_id="u-new", previous_id="u-legacy", anonymous_id="anon-al"),
        segment_event("al-3", "identify", user_id="u-new", anonymous_id="anon-al", email="al@mail.com"),
    ]
    shopify = [
        shopify_order(1001, customer_id=501, email="chain@mail.com", phone="(415) 555-0101"),
        shopify_order(2001, email="conf1@mail.com", phone="+1 415 555 0199"),
        shopify_order(2002, email="conf1@mail.com", phone="+1 415 555 0199"),
        shopify_order(2003, email="conf2@mail.com", phone="+1 415 555 0199"),
    ]
    hubspot = [
        hubspot_contact("crm-chain", phone="415-555-0101", first_name="Chris"),
        # Junk bridge: two people whose only common value is a placeholder email.
        hubspot_contact("crm-junk-1", email="test@test.com", phone="+1 212 555 0111"),
        hubspot_contact("crm-junk-2", email="TEST@test.com", phone="+1 212 555 0122"),
        # CRM duplicates of one person merge through their email.
        hubspot_contact("crm-dup-1", email="dup@mail.com"),
        hubspot_contact("crm-dup-2", email="dup@mail.com", phone="+1 646 555 0133"),
    ]
    pos = [
        pos_sale("t-chain", loyalty_id="L-chain", phone="4155550101"),
        # Store email typed at the till for four different loyalty members.
        *(pos_sale(f"t-store-{i}", loyalty_id=f"L-store-{i}", email="store7@shop.example") for i in range(4)),
    ]
    return {
        "segment_events": segment,
        "shopify_orders": shopify,
        "hubspot_contacts": hubspot,
        "pos_sales": pos,
    }


@pytest.fixture(scope="module")
def world(new_warehouse) -> Warehouse:
    warehouse = new_warehouse("world")
    for table, rows in _world_rows().items():
        warehouse.insert(table, rows)
    warehouse.build()
    return warehouse


def test_chain_of_sources_is_one_customer(world: Warehouse) -> None:
    members = [
        ("anonymous_id", "anon-chain"),
        ("user_id", "u-chain"),
        ("email", "chain@mail.com"),
        ("phone", "+14155550101"),
        ("shopify_customer_id", "501"),
        ("crm_id", "crm-chain"),
        ("loyalty_id", "L-chain"),
    ]
    customers = {world.customer_of(*m) for m in members}
    assert len(customers) == 1 and None not in customers
    assert world.record_customer("pos", "t-chain-1") == customers.pop()


def test_star_of_browsers_and_devices_is_one_customer(world: Warehouse) -> None:
    star = [("anonymous_id", f"anon-star-{i}") for i in range(4)]
    star += [("device_id", "dev-star-1"), ("device_id", "dev-star-2"), ("user_id", "u-star")]
    customers = {world.customer_of(*m) for m in star}
    assert len(customers) == 1 and None not in customers


def test_junk_bridge_does_not_merge_and_is_audited(world: Warehouse) -> None:
    first, second = world.customer_of("crm_id", "crm-junk-1"), world.customer_of("crm_id", "crm-junk-2")
    assert first and second and first != second
    assert world.customer_of("email", "test@test.com") is None
    assert world.rejection("email", "test@test.com") == "blocked_value"
    rows = world.query(
        "select record_count, source_count, sources from main.identity_rejected_identifiers "
        "where identifier_value = 'test@test.com'"
    )
    assert rows == [(2, 1, "hubspot")]


def test_crm_duplicates_merge(world: Warehouse) -> None:
    assert world.customer_of("crm_id", "crm-dup-1") == world.customer_of("crm_id", "crm-dup-2")


def test_shared_family_tablet_keeps_people_apart(world: Warehouse) -> None:
    mum, kid = world.customer_of("user_id", "u-mum"), world.customer_of("user_id", "u-kid")
    assert mum and kid and mum != kid
    assert world.customer_of("email", "mum@family.net") == mum
    assert world.customer_of("email", "kid@family.net") == kid
    assert world.rejection("device_id", "dev-family") == "super_node"


def test_store_email_at_the_till_is_a_super_node(world: Warehouse) -> None:
    customers = {world.customer_of("loyalty_id", f"L-store-{i}") for i in range(4)}
    assert len(customers) == 4 and None not in customers
    assert world.rejection("email", "store7@shop.example") == "super_node"
    detail = world.query(
        "select detail from main.identity_rejected_identifiers where identifier_value = 'store7@shop.example'"
    )[0][0]
    assert "loyalty_id" in detail


def test_anonymous_events_are_attributed_to_the_known_customer(world: Warehouse) -> None:
    known = world.customer_of("user_id", "u-ak")
    assert known is not None
    assert [world.record_customer("segment", f"ak-view-{i}") for i in range(3)] == [known] * 3
    profile = world.query(
        "select first_name, primary_email, first_seen_at from main.customer_profiles where customer_id = ?",
        [known],
    )
    assert profile[0][0] == "Ada" and profile[0][1] == "ak@mail.com"
    assert str(profile[0][2]) == "2024-01-01 00:00:00"


def test_limit_drops_the_weak_link_between_two_accounts(world: Warehouse) -> None:
    first, second = world.customer_of("user_id", "u-conf-1"), world.customer_of("user_id", "u-conf-2")
    assert first and second and first != second
    # The phone is on two orders with the first account's email and one with the second's: it follows
    # the stronger support, and the other link is dropped and audited.
    assert world.customer_of("phone", "+14155550199") == first
    assert world.customer_of("email", "conf2@mail.com") == second
    dropped = world.query(
        "select identifier_value_a, identifier_value_b, rule from main.identity_rejected_edges "
        "where 'conf2@mail.com' in (identifier_value_a, identifier_value_b)"
    )
    assert dropped == [("conf2@mail.com", "+14155550199", "type_limit")]
    # The order that carried the dropped link resolves by its strongest identifier, the email.
    assert world.record_customer("shopify", "2003") == second


def test_aliased_account_is_one_person_not_a_shared_browser(world: Warehouse) -> None:
    members = [
        ("user_id", "u-legacy"),
        ("user_id", "u-new"),
        ("anonymous_id", "anon-al"),
        ("email", "al@mail.com"),
    ]
    customers = {world.customer_of(*m) for m in members}
    assert len(customers) == 1 and None not in customers
    assert world.rejection("anonymous_id", "anon-al") is None


def test_every_customer_has_a_profile_and_one_row_per_identifier(world: Warehouse) -> None:
    (customers, profiles, duplicates) = world.query(
        "select (select count(distinct customer_id) from main.customer_identifiers),"
        " (select count(*) from main.customer_profiles),"
        " (select count(*) from (select identifier_type, identifier_value from main.customer_identifiers"
        "  group by 1, 2 having count(*) > 1) as d)"
    )[0]
    assert customers == profiles and duplicates == 0


def test_user_id_limit_holds_for_every_customer(world: Warehouse) -> None:
    # An aliased old user id counts as the account it became; nothing else may share a customer.
    over = world.query(
        "select a.customer_id from main.int_identity_current_assignments as a"
        " left join main.int_identity_aliases as alias on alias.node_id = a.node_id"
        " where a.identifier_type = 'user_id'"
        " group by a.customer_id having count(distinct coalesce(alias.anchor_node_id, a.node_id)) > 1"
    )
    assert over == []
    renamed = world.customer_of("user_id", "u-new")
    assert world.query(
        "select count(*) from main.customer_identifiers"
        " where customer_id = ? and identifier_type = 'user_id'",
        [renamed],
    ) == [(2,)]


def test_profile_lookup_by_any_identifier(world: Warehouse) -> None:
    chain = world.customer_of("user_id", "u-chain")
    by_email = find_customer(world.db_path, "  CHAIN@Mail.com ")
    assert by_email is not None and by_email.customer_id == chain
    assert (by_email.matched_type, by_email.matched_value) == ("email", "chain@mail.com")
    phone = next(i for i in by_email.identifiers if i.identifier_type == "phone")
    assert phone.identifier_value == "+14155550101"
    assert phone.sources == ["hubspot", "pos", "shopify"] and phone.record_count == 3
    assert len(by_email.identifiers) == 7
    assert by_email.profile["primary_email"] == "chain@mail.com"
    by_phone = find_customer(world.db_path, "415.555.0101")
    assert by_phone is not None and (by_phone.customer_id, by_phone.matched_type) == (chain, "phone")
    by_user = find_customer(world.db_path, "u-chain")
    assert by_user is not None and (by_user.customer_id, by_user.matched_type) == (chain, "user_id")
    by_id = find_customer(world.db_path, chain)
    assert by_id is not None and by_id.matched_type == "customer_id"
    assert "u-chain" in format_profile(by_id)


def test_profile_lookup_of_unknown_or_rejected_values_finds_nothing(world: Warehouse) -> None:
    assert find_customer(world.db_path, "nobody@nowhere.com") is None
    assert find_customer(world.db_path, "test@test.com") is None
