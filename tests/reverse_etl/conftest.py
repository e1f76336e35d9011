"""Fixtures for reverse-ETL tests: a small warehouse, sync configs, and isolated Postgres / Redis spaces."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from retl_helpers import PG_DSN, REDIS_URL, Warehouse

from reverse_etl.retry import RetryPolicy


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse.duckdb")


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a syncs file from a list of sync mappings and return its path."""

    def write(syncs: list[dict[str, Any]], name: str = "syncs.yml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"syncs": syncs}, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def fast_policy() -> RetryPolicy:
    """Retries without real waiting; the delays asked for are recorded in `policy.slept`."""
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05, sleep=slept.append)
    policy.slept = slept  # type: ignore[attr-defined]
    return policy


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh Postgres schema, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"Postgres at {PG_DSN} is unreachable: {exc}")
    schema = f"retl_test_{uuid.uuid4().hex[:10]}"
    conn.execute(f'create schema "{schema}"')
    try:
        yield schema
    finally:
        conn.execute(f'drop schema if exists "{schema}" cascade')
        conn.close()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix; every key under it is deleted afterwards."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"retl_test:{uuid.uuid4().hex[:10]}:"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
        client.close()
