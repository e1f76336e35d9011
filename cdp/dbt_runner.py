"""Run dbt in-process against the project, with a progress callback and failures named by node.

Running dbt through `dbtRunner` rather than a subprocess saves its start-up on every command and lets us
follow node events for progress bars. dbt's own console output is silenced; its full log goes to
`<project>/logs/dbt.log`. dbt's `DBT_TARGET_PATH` and `DBT_LOG_PATH` move the artifacts and the log
(relative paths are taken from the project folder), e.g. for two builds of one project at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdp.console import CdpError

TARGETS = ("duckdb", "postgres", "spark")

#: What a production build (`cdp build`, the Dagster assets, the benchmark) leaves out: dbt's unit tests check
#: the SQL against fixed inputs, not the data, so they belong to development and CI (`cdp build --unit-tests`,
#: the test suite), as dbt recommends. They were a quarter of the sample's build.
EXCLUDE_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


@dataclass(frozen=True)
class NodeProgress:
    """One dbt node started or finished: enough for a progress bar."""

    unique_id: str
    finished: bool
    index: int | None = None
    total: int | None = None


@dataclass
class NodeFailure:
    """A model, test or seed that failed, with dbt's message."""

    unique_id: str
    status: str
    message: str
    file_path: str = ""

    @property
    def name(self) -> str:
        """`model.tessera.customer_profiles` -> `customer_profiles`."""
        return self.unique_id.split(".")[-1]


@dataclass
class DbtResult:
    """What a dbt invocation did."""

    success: bool
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[NodeFailure] = field(default_factory=list)


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def dbt_target_dir(project_dir: Path) -> Path:
    """Where dbt writes the project's artifacts: `$DBT_TARGET_PATH`, else `<project>/target`."""
    return _project_path(project_dir, "DBT_TARGET_PATH", "target")


def dbt_log_dir(project_dir: Path) -> Path:
    """Where dbt writes the project's log: `$DBT_LOG_PATH`, else `<project>/logs`."""
    return _project_path(project_dir, "DBT_LOG_PATH", "logs")


def _project_path(project_dir: Path, variable: str, default: str) -> Path:
    return Path(project_dir).resolve() / (os.environ.get(variable) or default)


def dbt_env(db_path: Path, target: str = "duckdb", threads: int | None = None) -> dict[str, str]:
    """Environment variables `dbt_project/profiles.yml` reads."""
    if target not in TARGETS:
        raise CdpError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    env = {"TESSERA_DB": str(db_path.resolve()), "TESSERA_TARGET": target}
    if target == "spark" and not os.environ.get("TESSERA_SPARK_DIR"):
        # Absolute, so the loader's Parquet files and dbt's Spark session agree whatever the working folder.
        from cdp.settings import REPO_ROOT

        env["TESSERA_SPARK_DIR"] = str(REPO_ROOT / "data" / "spark")
    if threads:
        env["TESSERA_DBT_THREADS"] = str(threads)
    return env


def parse_vars(text: str) -> dict[str, Any]:
    """The dbt vars of a `--vars` option: a YAML or JSON mapping (`'{as_of: now}'`), as dbt reads it.

    Raises CdpError naming the option when the text is not a mapping, so a typo stops before dbt starts.
    """
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CdpError(f"--vars is not YAML or JSON: {str(exc).splitlines()[0]}") from exc
    if not isinstance(value, dict):
        raise CdpError(f"--vars must map var names to values, e.g. '{{as_of: now}}'; got {text!r}")
    return value


def vars_args(dbt_vars: Mapping[str, Any] | None) -> list[str]:
    """dbt's `--vars` arguments for `dbt_vars` (none when there are none)."""
    return ["--vars", json.dumps(dict(dbt_vars), default=str)] if dbt_vars else []


def run_dbt(
    args: Sequence[str],
    *,
    project_dir: Path,
    db_path: Path,
    target: str = "duckdb",
    threads: int | None = None,
    on_node: Callable[[NodeProgress], None] | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
) -> DbtResult:
    """Invoke `dbt <args>` for the Tessera project and return per-status counts and failures.

    `target_path` / `log_path` move dbt's artifacts and log out of the project (default: `dbt_target_dir`
    and `dbt_log_dir`), for work that must not disturb the project's own (a scratch compile).

    Raises CdpError when dbt cannot start at all (bad project, unreachable database, compile error).
    """
    from dbt.cli.main import dbtRunner  # imported lazily: dbt takes a second to import

    def callback(event) -> None:  # type: ignore[no-untyped-def]
        if on_node is None:
            return
        name = event.info.name
        if name == "LogStartLine":
            data = event.data
            on_node(NodeProgress(data.node_info.unique_id, False, data.index, data.total))
        elif name == "NodeFinished":
            on_node(NodeProgress(event.data.node_info.unique_id, True))

    project_dir = project_dir.resolve()
    full_args = [
        *args,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--log-path", str(log_path or dbt_log_dir(project_dir)),
        "--target-path", str(target_path or dbt_target_dir(project_dir)),
        "--log-level", "none",
        "--log-level-file", "debug",
    ]  # fmt: skip
    with _env(dbt_env(db_path, target, threads)):
        try:
            outcome = dbtRunner(callbacks=[callback]).invoke(full_args)
        finally:
            if target == "duckdb":
                _release_duckdb()
    if outcome.exception is not None:
        # dbt's first line is the kind of error ("Parsing Error"); the next ones say what and where.
        detail = " ".join(line.strip() for line in str(outcome.exception).strip().splitlines()[:4])
        raise CdpError(f"dbt could not run: {detail}")
    return _summarise(outcome)


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the life of the process.

    dbt-duckdb caches one database instance per process; left open, it holds the file's lock with dbt's
    configuration, so later connections in this process (a read-only lookup, the loader, the syncs) fail
    with "different configuration". `close_all_connections` only forgets the instance, hence the close.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager._ENV = None


def _summarise(outcome) -> DbtResult:  # type: ignore[no-untyped-def]
    result = DbtResult(success=bool(outcome.success))
    for node_result in getattr(outcome.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        result.counts[status] = result.counts.get(status, 0) + 1
        if status in ("error", "fail", "runtime error"):
            message = " ".join((node_result.message or "").split())
            node = node_result.node
            result.failures.append(
                NodeFailure(node.unique_id, status, message, getattr(node, "original_file_path", ""))
            )
    return result
