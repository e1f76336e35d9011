"""Fixtures shared by every test folder (at the repository root so no test folder shadows a package)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import psycopg
import pytest

#: The machine's Postgres (trust auth); tests work in databases of their own.
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def _throwaway_database(prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.skip(f"Postgres not reachable at {PG_ADMIN_DSN}: {error}")
    with admin:
        admin.execute(f'create database "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def throwaway_pg_database() -> Callable[[str], AbstractContextManager[str]]:
    """`with throwaway_pg_database("prefix") as name:` a new Postgres database, dropped on exit."""
    return _throwaway_database
