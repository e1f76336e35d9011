"""Run a Great Expectations suite kept as a JSON file against a DuckDB query.

Suites are GE 1.x `ExpectationSuite` documents in `orchestration/checks/suites/<name>.json`. Their
`meta.tessera.query` is the SQL whose result is validated (pulled into pandas and validated through an
ephemeral GE context with a dataframe datasource: this works offline and needs no GE project folder).
Values written `{"$PARAMETER": "name"}` are filled at run time (limits from the dbt project, the previous
audience size).

An expectation's GE `severity` decides what a failure means: `critical` fails the Dagster check with ERROR
severity (blocking downstream), `warning` and `info` only with WARN. An expectation on a column the query
does not return is reported as skipped, by name, rather than passed.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

SUITES_DIR = Path(__file__).resolve().parent / "suites"
_UNEXPECTED_SHOWN = 5


@dataclass
class SuiteOutcome:
    """What one suite found: failures split by severity, skipped expectations, and the row count."""

    suite: str
    rows: int
    evaluated: int = 0
    critical_failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.critical_failures and not self.warnings

    @property
    def blocking_failure(self) -> bool:
        return bool(self.critical_failures)


def suite_path(name: str) -> Path:
    return SUITES_DIR / f"{name}.json"


def load_suite_document(name: str) -> dict[str, Any]:
    """The suite file as a dict; raises FileNotFoundError naming the path."""
    path = suite_path(name)
    if not path.exists():
        raise FileNotFoundError(f"{path}: Great Expectations suite file not found")
    return json.loads(path.read_text(encoding="utf-8"))


def suite_query(name: str, **placeholders: str) -> str:
    """`meta.tessera.query` of the suite, with `{placeholders}` (relation names, never user input) filled."""
    document = load_suite_document(name)
    try:
        query = document["meta"]["tessera"]["query"]
    except KeyError:
        raise ValueError(f"{suite_path(name)}: meta.tessera.query is missing") from None
    return query.format(**placeholders) if placeholders else query


@cache
def _ge_batch_definition() -> Any:
    # GE is slow to import and to build a context; one ephemeral context per process serves every check.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("tessera_warehouse")
    asset = datasource.add_dataframe_asset("query_result")
    return asset.add_batch_definition_whole_dataframe("whole_result")


def _describe(config: Any, result: dict[str, Any]) -> str:
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    text = f"{config.type}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    if "unexpected_count" in result:
        shown = result.get("partial_unexpected_list", [])[:_UNEXPECTED_SHOWN]
        text += f": {result['unexpected_count']} unexpected, e.g. {shown}"
    elif "observed_value" in result:
        text += f": observed {result['observed_value']!r}"
    return text


def _columns_named(kwargs: dict[str, Any]) -> list[str]:
    names = [kwargs["column"]] if "column" in kwargs else []
    return names + list(kwargs.get("column_list", []))


def run_suite(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    parameters: dict[str, Any] | None = None,
    placeholders: dict[str, str] | None = None,
) -> SuiteOutcome:
    """Validate the result of the suite's query with the suite's expectations."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    document = load_suite_document(name)
    frame = con.execute(suite_query(name, **(placeholders or {}))).df()
    outcome = SuiteOutcome(suite=name, rows=len(frame))
    kept = []
    for expectation in document.get("expectations", []):
        missing = [c for c in _columns_named(expectation.get("kwargs", {})) if c not in frame.columns]
        if missing:
            outcome.skipped.append(f"{expectation['type']}: column {', '.join(missing)} not in the result")
        else:
            kept.append(expectation)
    suite = ExpectationSuite(name=document["name"], expectations=kept, meta=document.get("meta"))
    if not kept:
        return outcome
    batch = _ge_batch_definition().get_batch(batch_parameters={"dataframe": frame})
    validation = batch.validate(suite, expectation_parameters=parameters or {})
    for result in validation.results:
        outcome.evaluated += 1
        if result.success:
            continue
        config = result.expectation_config
        if result.exception_info and result.exception_info.get("raised_exception"):
            message = f"{config.type} raised: {result.exception_info.get('exception_message')}"
        else:
            message = _describe(config, result.result or {})
        severity = str(getattr(config.severity, "value", config.severity))
        (outcome.critical_failures if severity == "critical" else outcome.warnings).append(message)
    return outcome
