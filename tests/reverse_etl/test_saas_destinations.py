"""HubSpot, Mailchimp, Braze, Google Ads and Meta against local servers enforcing each API's contract."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from retl_helpers import customers
from saas_contracts import Braze, GoogleAds, HubSpot, Mailchimp, Meta

from reverse_etl import run_syncs, sync_rejections

TYPES = {"customer_id": "VARCHAR", "email": "VARCHAR", "phone": "VARCHAR", "first_name": "VARCHAR"}


def people(n: int, start: int = 0):
    rows = customers(n, start)
    for i, row in enumerate(rows, start):
        row["email"] = f"  User{i}@Example.com "  # untidy on purpose: normalisation is the destination's job
        row["phone"] = f"(415) 555-{i:04d}"
    return rows


def sync(name, mode, destination, fields, **extra):
    return {
        "name": name,
        "source": "audience",
        "mode": mode,
        "primary_key": "customer_id",
        "fields": fields,
        "destination": destination,
        **extra,
    }


@pytest.fixture
def serve(httpserver):
    def attach(server):
        httpserver.expect_request(__import__("re").compile(".*")).respond_with_handler(server)
        return httpserver.url_for("").rstrip("/")

    return attach


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# -- HubSpot ----------------------------------------------------------------------------------------


def test_hubspot_upsert_batches_throttling_and_partial_errors(
    serve, warehouse, write_config, monkeypatch, fast_policy
):
    monkeypatch.setenv("RETL_HUBSPOT_TOKEN", "pat-123")
    api = HubSpot("pat-123")
    base = serve(api)
    api.throttle_next = 1
    api.invalid = {"user7@example.com"}
    warehouse.set_rows("audience", people(230), TYPES)
    config = write_config(
        [
            sync(
                "crm",
                "upsert",
                {"type": "hubspot", "token": "${RETL_HUBSPOT_TOKEN}", "base_url": base},
                {"email": "email", "firstname": "first_name"},
            )
        ]
    )
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert (result.status, result.rows_added, result.rows_failed) == ("partial", 229, 1)
    assert api.throttled == 1 and fast_policy.slept[0] >= 1.0  # Retry-After: 1 honoured
    assert len(api.contacts) == 229
    assert api.contacts["user3@example.com"]["firstname"] == "Name3"
    (rejection,) = sync_rejections(warehouse.path, "crm")
    assert rejection.record_key == "c00007" and "VALIDATION_ERROR" in rejection.reason
    assert "user7@example.com" not in rejection.reason  # personal data masked in reasons
    # The server enforces the documented limit; our batches stayed within it.
    too_many = {"inputs": [{"idProperty": "email", "id": f"{i}@x.io", "properties": {}} for i in range(101)]}
    denied = httpx.post(
        f"{base}/crm/v3/objects/contacts/batch/upsert",
        json=too_many,
        headers={"Authorization": "Bearer pat-123"},
    )
    assert denied.status_code == 400


def test_hubspot_wrong_token_fails_the_sync(serve, warehouse, write_config, monkeypatch, fast_policy):
    monkeypatch.setenv("RETL_HUBSPOT_TOKEN", "wrong")
    base = serve(HubSpot("pat-123"))
    warehouse.set_rows("audience", people(2), TYPES)
    dest = {"type": "hubspot", "token": "${RETL_HUBSPOT_TOKEN}", "base_url": base}
    (result,) = run_syncs(
        warehouse.path, write_config([sync("crm", "upsert", dest, {"email": "email"})]), policy=fast_policy
    )
    assert result.status == "failed" and "HTTP 401" in result.error and "wrong" not in result.error
    assert warehouse.state_keys("crm") == set()


# -- Mailchimp --------------------------------------------------------------------------------------


def test_mailchimp_mirror_with_md5_member_ids(serve, warehouse, write_config, monkeypatch, fast_policy):
    monkeypatch.setenv("RETL_MC_KEY", "abc123-us6")
    api = Mailchimp("abc123-us6", "list1")
    base = serve(api)
    api.invalid = {"user4@example.com"}
    api.throttle_next = 1
    warehouse.set_rows("audience", people(12), TYPES)
    dest = {"type": "mailchimp", "api_key": "${RETL_MC_KEY}", "list_id": "list1", "base_url": base}
    config = write_config(
        [sync("news", "mirror", dest, {"email": "email", "FNAME": "first_name"}, purpose="email_marketing")]
    )
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert (result.rows_added, result.rows_failed) == (11, 1) and api.throttled == 1
    md5 = hashlib.md5(b"user3@example.com").hexdigest()
    assert api.members[md5] == {"email_address": "user3@example.com", "merge_fields": {"FNAME": "Name3"}}
    assert sync_rejections(warehouse.path, "news")[0].reason.startswith("ERROR_GENERIC")
    # Customers leave the audience: they are archived by member id.
    warehouse.set_rows("audience", people(12)[5:], TYPES)
    api.invalid = set()
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert result.status == "success" and result.rows_removed == 4  # c00004 was never added
    assert {m["email_address"] for m in api.members.values()} == {
        f"user{i}@example.com" for i in range(5, 12)
    }
    denied = httpx.post(f"{base}/3.0/lists/list1", json={"members": [{}] * 501}, auth=("x", "abc123-us6"))
    assert denied.status_code == 400


def test_mailchimp_datacenter_comes_from_the_key(monkeypatch, write_config, tmp_path):
    from reverse_etl import load_sync_config
    from reverse_etl.destinations.base import SyncContext
    from reverse_etl.destinations.mailchimp import MailchimpDestination

    monkeypatch.setenv("RETL_MC_KEY", "abc123-us6")
    dest = {"type": "mailchimp", "api_key": "${RETL_MC_KEY}", "list_id": "l"}
    (spec,) = load_sync_config(write_config([sync("news", "upsert", dest, {"email": "email"})])).syncs
    context = SyncContext("news", "audience", "upsert", "customer_id", ())
    assert MailchimpDestination(spec.destination, context).base_url == "https://us6.api.mailchimp.com"


# -- Braze ------------------------------------------------------------------------------------------


def test_braze_users_track(serve, warehouse, write_config, monkeypatch, fast_policy):
    monkeypatch.setenv("RETL_BRAZE_KEY", "braze-key")
    api = Braze("braze-key")
    base = serve(api)
    api.throttle_next = 1
    api.invalid = {"c00050"}
    warehouse.set_rows("audience", people(160), TYPES)
    dest = {"type": "braze", "api_key": "${RETL_BRAZE_KEY}", "base_url": base}
    config = write_config([sync("engage", "upsert", dest, {"first_name": "first_name"})])
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert (result.rows_added, result.rows_failed, api.throttled) == (159, 1, 1)
    assert api.users["c00001"] == {"first_name": "Name1"}
    assert sync_rejections(warehouse.path, "engage")[0].record_key == "c00050"
    sizes = [
        len(__import__("json").loads(body)["attributes"])
        for _, path, body in api.requests
        if path == "/users/track"
    ]
    assert max(sizes) == 75
    denied = httpx.post(
        f"{base}/users/track",
        json={"attributes": [{"external_id": "x"}] * 76},
        headers={"Authorization": "Bearer braze-key"},
    )
    assert denied.status_code == 400


# -- Google Ads -------------------------------------------------------------------------------------


def google_destination(base):
    return {
        "type": "google_ads",
        "developer_token": "${RETL_GADS_DEV}",
        "access_token": "${RETL_GADS_TOKEN}",
        "customer_id": "123-456-7890",
        "user_list_id": "42",
        "base_url": base,
    }


def test_google_ads_customer_match_hashes_and_removes(
    serve, warehouse, write_config, monkeypatch, fast_policy
):
    monkeypatch.setenv("RETL_GADS_DEV", "dev")
    monkeypatch.setenv("RETL_GADS_TOKEN", "tok")
    api = GoogleAds("tok", "dev", "1234567890", "42")
    base = serve(api)
    api.throttle_next = 1
    api.invalid = {sha("user2@example.com")}
    warehouse.set_rows("audience", people(6), TYPES)
    fields = {"email": "email", "phone": "phone"}
    config = write_config([sync("ads", "mirror", google_destination(base), fields, purpose="ads_targeting")])
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert (result.rows_added, result.rows_failed, api.throttled) == (5, 1, 1)
    expected = {
        (("hashedEmail", sha(f"user{i}@example.com")), ("hashedPhoneNumber", sha(f"+1415555{i:04d}")))
        for i in (0, 1, 3, 4, 5)
    }
    assert api.members == expected
    bodies = b"".join(body for _, _, body in api.requests)
    assert b"@" not in bodies and b"555" not in bodies  # raw identifiers never left the machine
    # Leaving the audience removes the stored hashes: the raw email is no longer needed (or kept).
    api.invalid = set()
    warehouse.set_rows("audience", people(6)[2:], TYPES)
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert result.status == "success" and result.rows_removed == 2 and result.rows_added == 1
    assert len(api.members) == 4
    assert not any(sha("user0@example.com") in dict(m).values() for m in api.members)


def test_google_ads_refuses_oversized_and_raw_operations(serve):
    api = GoogleAds("tok", "dev", "1234567890", "42")
    base = serve(api)
    headers = {"Authorization": "Bearer tok", "developer-token": "dev"}
    job = httpx.post(
        f"{base}/v21/customers/1234567890/offlineUserDataJobs:create",
        json={
            "job": {
                "type": "CUSTOMER_MATCH_USER_LIST",
                "customerMatchUserListMetadata": {"userList": "customers/1234567890/userLists/42"},
            }
        },
        headers=headers,
    ).json()["resourceName"]
    raw = {"operations": [{"create": {"userIdentifiers": [{"hashedEmail": "jane@example.com"}]}}]}
    assert httpx.post(f"{base}/v21/{job}:addOperations", json=raw, headers=headers).status_code == 400
    op = {"create": {"userIdentifiers": [{"hashedEmail": sha("a")}]}}
    big = {"operations": [op] * 100_001}
    assert (
        httpx.post(f"{base}/v21/{job}:addOperations", json=big, headers=headers, timeout=60).status_code
        == 400
    )
    assert httpx.post(f"{base}/v21/{job}:run", headers={"Authorization": "Bearer nope"}).status_code == 401


# -- Meta -------------------------------------------------------------------------------------------


def test_meta_custom_audience(serve, warehouse, write_config, monkeypatch, fast_policy):
    monkeypatch.setenv("RETL_META_TOKEN", "meta-token")
    api = Meta("meta-token", "987")
    base = serve(api)
    api.throttle_next = 1
    api.invalid = {sha("14155550001")}
    warehouse.set_rows("audience", people(5), TYPES)
    dest = {"type": "meta", "access_token": "${RETL_META_TOKEN}", "audience_id": "987", "base_url": base}
    config = write_config(
        [sync("fb", "mirror", dest, {"email": "email", "phone": "phone"}, purpose="ads_targeting")]
    )
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert (result.rows_added, result.rows_failed, api.throttled) == (4, 1, 1)
    assert (sha("user0@example.com"), sha("14155550000")) in api.audience and len(api.audience) == 4
    assert sync_rejections(warehouse.path, "fb")[0].record_key == "c00001"
    bodies = b"".join(body for _, _, body in api.requests)
    assert b"%40" not in bodies and b"example.com" not in bodies
    warehouse.set_rows("audience", people(5)[3:], TYPES)
    api.invalid = set()
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    # c00000 and c00002 are removed; c00001 was never added (rejected) and has left too.
    assert result.status == "success" and result.rows_removed == 2 and len(api.audience) == 2
    too_many = {"schema": ["EMAIL"], "data": [[sha("a")]] * 10_001}
    denied = httpx.post(
        f"{base}/v21.0/987/users",
        data={"payload": __import__("json").dumps(too_many), "access_token": "meta-token"},
    )
    assert denied.status_code == 400


def test_meta_bad_token_stops_the_sync(serve, warehouse, write_config, monkeypatch, fast_policy):
    monkeypatch.setenv("RETL_META_TOKEN", "expired")
    base = serve(Meta("meta-token", "987"))
    warehouse.set_rows("audience", people(3), TYPES)
    dest = {"type": "meta", "access_token": "${RETL_META_TOKEN}", "audience_id": "987", "base_url": base}
    config = write_config([sync("fb", "upsert", dest, {"email": "email"}, purpose="ads_targeting")])
    (result,) = run_syncs(warehouse.path, config, policy=fast_policy)
    assert result.status == "failed", (result, sync_rejections(warehouse.path, "fb"))
    assert "access token rejected" in result.error
    assert sync_rejections(warehouse.path, "fb") == []  # not blamed on the records
