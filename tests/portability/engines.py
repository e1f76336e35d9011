"""Build the real dbt project on one engine and read its tables back as comparable Python rows.

Every engine gets the same raw data: the committed sample is loaded into a DuckDB file once, then landed
on Postgres (a throwaway database) or as Parquet for Spark with `ingest.targets`, exactly as
`cdp load --target ...` does. dbt runs in-process with its target and log folders in the test's temp dir.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner

from cdp.settings import REPO_ROOT

PROJECT_DIR = REPO_ROOT / "dbt_project"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"

Row = dict[str, Any]


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block (dbt's profile reads them)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass(frozen=True)
class DbtOutcome:
    """Which nodes of a dbt invocation did not succeed (name -> status and message)."""

    failures: dict[str, str]
    nodes: int


def run_dbt(work_dir: Path, env: Mapping[str, str], *args: str) -> DbtOutcome:
    """`dbt <args>` on the real project with `env`; raises when dbt itself crashes."""
    flags = [
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--quiet",
    ]  # fmt: skip
    with environment(env):
        result = dbtRunner().invoke([*args, *flags])
    if result.exception is not None:
        raise AssertionError(f"dbt {' '.join(args)} crashed: {result.exception}")
    results = list(getattr(result.result, "results", None) or [])
    failures = {
        r.node.name: f"{r.status}: {' '.join(str(r.message or '').split())[:500]}"
        for r in results
        if str(getattr(r.status, "value", r.status)) not in ("success", "pass")
    }
    return DbtOutcome(failures=failures, nodes=len(results))


@dataclass(frozen=True)
class BuiltWarehouse:
    """A warehouse the project was built on, and how to read its tables."""

    engine: str
    #: `sql -> rows as dicts`, for the engine's own SQL.
    query: Callable[[str], list[Row]]
    #: The schema holding the marts.
    schema: str
    outcome: DbtOutcome

    def table(self, name: str) -> list[Row]:
        """Every row of mart `name`, values normalised for comparison across engines."""
        return [normalised(row) for row in self.query(f"select * from {self.schema}.{name}")]


def normalised(row: Row) -> Row:
    """Values made comparable across engines and drivers.

    JSON text and JSON objects both become canonical JSON text; decimals and floats become floats rounded
    to 6 places (engines differ in the scale of computed decimals); aware timestamps become naive UTC.
    """
    return {name.lower(): _value(value) for name, value in row.items()}


def _value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, Decimal | float):
        return round(float(value), 6)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def without(rows: list[Row], *columns: str) -> list[Row]:
    """Rows without `columns`, sorted so row order never matters."""
    kept = [{k: v for k, v in row.items() if k not in columns} for row in rows]
    return sorted(kept, key=lambda row: json.dumps(row, sort_keys=True, default=str))
