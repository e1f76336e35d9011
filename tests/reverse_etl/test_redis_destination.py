"""Redis destination against the real server: a hash per customer, a set per audience."""

from __future__ import annotations

import redis
from retl_helpers import CUSTOMER_TYPES, REDIS_URL, customers

from reverse_etl import run_syncs


def redis_sync(prefix: str, mode: str, **extra):
    return {
        "name": f"to_redis_{mode}",
        "source": "audience",
        "mode": mode,
        "primary_key": "customer_id",
        "batch_size": 5,
        "destination": {"type": "redis", "url": REDIS_URL, "key_prefix": f"{prefix}{mode}:"},
        **extra,
    }


def members(client, prefix, mode):
    return {m.decode() for m in client.smembers(f"{prefix}{mode}:audience:audience")}


def profile(client, prefix, mode, key):
    return {k.decode(): v.decode() for k, v in client.hgetall(f"{prefix}{mode}:customer:{key}").items()}


def test_mirror_hashes_and_membership(redis_prefix, warehouse, write_config):
    client = redis.Redis.from_url(REDIS_URL)
    warehouse.set_rows("audience", customers(8), CUSTOMER_TYPES)
    config = write_config([redis_sync(redis_prefix, "mirror", fields={"email": "email", "ltv": "ltv"})])
    (result,) = run_syncs(warehouse.path, config)
    assert result.status == "success", result.error
    assert members(client, redis_prefix, "mirror") == {f"c{i:05d}" for i in range(8)}
    assert profile(client, redis_prefix, "mirror", "c00002") == {"email": "user2@example.com", "ltv": "20.0"}

    new = customers(6, start=2)
    new[0]["email"] = None  # a field becoming null disappears from the hash
    warehouse.set_rows("audience", new, CUSTOMER_TYPES)
    (result,) = run_syncs(warehouse.path, config)
    assert (result.rows_changed, result.rows_removed) == (1, 2)
    assert members(client, redis_prefix, "mirror") == {f"c{i:05d}" for i in range(2, 8)}
    assert profile(client, redis_prefix, "mirror", "c00002") == {"ltv": "20.0"}
    assert not client.exists(f"{redis_prefix}mirror:customer:c00000")
    client.close()


def test_upsert_insert_update(redis_prefix, warehouse, write_config):
    client = redis.Redis.from_url(REDIS_URL)
    client.hset(f"{redis_prefix}update:customer:c00001", mapping={"first_name": "Old"})
    warehouse.set_rows("audience", customers(3), CUSTOMER_TYPES)
    fields = {"first_name": "first_name"}
    config = write_config(
        [redis_sync(redis_prefix, m, fields=fields) for m in ("upsert", "insert", "update")]
    )
    run_syncs(warehouse.path, config)
    changed = customers(2, start=1)
    changed[0]["first_name"] = "Changed"
    warehouse.set_rows("audience", changed, CUSTOMER_TYPES)
    _, _, update = run_syncs(warehouse.path, config)
    assert (
        members(client, redis_prefix, "upsert")
        == members(client, redis_prefix, "insert")
        == {
            "c00000",
            "c00001",
            "c00002",
        }
    )
    assert profile(client, redis_prefix, "upsert", "c00001") == {"first_name": "Changed"}
    assert profile(client, redis_prefix, "insert", "c00001") == {"first_name": "Name1"}
    # update only touched the customer that existed; the others were rejected.
    assert profile(client, redis_prefix, "update", "c00001") == {"first_name": "Changed"}
    assert not client.exists(f"{redis_prefix}update:customer:c00002")
    assert update.status == "partial" and update.rows_failed == 1  # c00002 again (c00000 left the source)
    client.close()
