"""Fixtures of the privacy tests: the sample warehouse built once per session (each test module works on
its own copy), a throwaway Postgres schema and Redis key prefix."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from privacy_helpers import PG_DSN, REDIS_URL, SAMPLE_DIR, build, checkpoint
from project_copy import copy_dbt_project

import ingest


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(warehouse, dbt project copy): `data/sample` loaded and built once per session. Copy the file
    before changing it."""
    root = tmp_path_factory.mktemp("privacy_base")
    project = copy_dbt_project(root / "dbt_project")
    db_path = root / "warehouse.duckdb"
    ingest.load_folder(SAMPLE_DIR, db_path)
    build(project, db_path)
    checkpoint(db_path)
    return db_path, project


@pytest.fixture(scope="module")
def module_warehouse(built_sample: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's own copy of the built sample warehouse."""
    path = tmp_path_factory.mktemp("privacy_module") / "warehouse.duckdb"
    checkpoint(built_sample[0])
    shutil.copy2(built_sample[0], path)
    return path


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    """A Postgres schema name nobody else uses, dropped afterwards."""
    schema = f"privacy_test_{uuid.uuid4().hex[:10]}"
    try:
        yield schema
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'drop schema if exists "{schema}" cascade')


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix nobody else uses; its keys are deleted afterwards."""
    prefix = f"privacy_test:{uuid.uuid4().hex[:10]}:"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
