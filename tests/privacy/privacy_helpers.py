"""Helpers of the privacy tests: a built sample warehouse, a Postgres schema and a Redis prefix of their
own, and a sync file writing to them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from cdp.settings import REPO_ROOT

if str(REPO_ROOT) not in sys.path:  # until `privacy` is in pyproject's package list
    sys.path.insert(0, str(REPO_ROOT))

SAMPLE_DIR = REPO_ROOT / "data" / "sample"
PROJECT_DIR = REPO_ROOT / "dbt_project"
PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def build(project_dir: Path, db_path: Path) -> None:
    """`dbt build` of the whole project, as `cdp build` runs it."""
    from cdp.build import build_project

    build_project(project_dir=project_dir, db_path=db_path)


def checkpoint(db_path: Path) -> None:
    """Write the warehouse's WAL into the file (dbt run in-process may still hold it open), so a plain
    file copy is complete."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("force checkpoint")


def query(db_path: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of `sql` on the warehouse."""
    with duckdb.connect(str(db_path)) as con:
        return con.execute(sql, params or []).fetchall()


@dataclass(frozen=True)
class Person:
    """A customer of the sample and their identifiers."""

    customer_id: str
    identifiers: tuple[tuple[str, str], ...]

    @property
    def email(self) -> str:
        return next(v for t, v in self.identifiers if t == "email")

    @property
    def values(self) -> list[str]:
        return [self.customer_id, *(v for _, v in self.identifiers)]


def person(db_path: Path, customer_id: str) -> Person:
    rows = query(
        db_path,
        "select identifier_type, identifier_value from customer_identifiers "
        "where customer_id = ? order by 1, 2",
        [customer_id],
    )
    return Person(customer_id, tuple(rows))


def richest_customer(db_path: Path, condition: str = "true") -> Person:
    """The customer with an email and identifiers in the most sources (ties: smallest id)."""
    (customer_id,) = query(
        db_path,
        f"""
        select customer_id from customer_identifiers
        where customer_id in (select customer_id from customer_identifiers where identifier_type = 'email')
            and {condition}
        group by customer_id
        order by count(distinct identifier_type) desc, count(*) desc, customer_id
        limit 1
        """,
    )[0]
    return person(db_path, customer_id)


def sync_file(
    path: Path, pg_schema: str, redis_prefix: str, *, purpose: str | None = "email_marketing"
) -> Path:
    """A syncs file: customer profiles to Postgres, Redis (both under `purpose`) and a JSONL file."""
    extra = {"purpose": purpose} if purpose else {}
    syncs = [
        {
            "name": "people_to_postgres",
            "source": "customer_profiles",
            "mode": "upsert",
            "primary_key": "customer_id",
            **extra,
            "fields": {"email": "primary_email", "phone": "primary_phone", "first_name": "first_name"},
            "destination": {"type": "postgres", "dsn": PG_DSN, "table": f"{pg_schema}.people"},
        },
        {
            "name": "people_to_redis",
            "source": "customer_profiles",
            "mode": "upsert",
            "primary_key": "customer_id",
            **extra,
            "fields": {"email": "primary_email", "phone": "primary_phone"},
            "destination": {"type": "redis", "url": REDIS_URL, "key_prefix": redis_prefix},
        },
        {
            "name": "people_to_file",
            "source": "customer_profiles",
            "mode": "insert",
            "primary_key": "customer_id",
            "fields": {"email": "primary_email", "last_name": "last_name"},
            "destination": {"type": "file", "path": "exports/people.jsonl"},
        },
    ]
    path.write_text(yaml.safe_dump({"syncs": syncs}, sort_keys=False), encoding="utf-8")
    return path
