"""A throw-away dbt project for testing the `connected_components` materialization.

The project copies the repo's `dbt_project/macros/identity` macros, writes one model per edge table and
runs dbt in-process, collecting the materialization's log line ("converged after N rounds") per model.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from dbt.cli.main import dbtRunner
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

REPO_ROOT = Path(__file__).resolve().parents[2]
IDENTITY_MACROS = REPO_ROOT / "dbt_project" / "macros" / "identity"
ROUNDS_LINE = re.compile(r"connected_components (?P<relation>\S+): converged after (?P<rounds>\d+) rounds")

PROJECT_YML = """\
name: cc_test
version: "0.1.0"
config-version: 2
profile: cc_test
model-paths: ["models"]
macro-paths: ["macros"]
"""

DUCKDB_PROFILE = """\
cc_test:
  target: duckdb
  outputs:
    duckdb:
      type: duckdb
      path: "{path}"
      threads: 1
"""

POSTGRES_PROFILE = """\
cc_test:
  target: postgres
  outputs:
    postgres:
      type: postgres
      host: 127.0.0.1
      port: 5432
      user: postgres
      password: ""
      dbname: test
      schema: "{schema}"
      threads: 1
"""


@dataclass
class DbtRun:
    """What one `dbt run` did: overall success, per-model status and message, and logged round counts."""

    success: bool
    statuses: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)


def write_project(project_dir: Path, profile_yml: str, models: Mapping[str, str]) -> None:
    """Write a dbt project with the identity macros and one model file per entry of `models`."""
    (project_dir / "models").mkdir(parents=True)
    shutil.copytree(IDENTITY_MACROS, project_dir / "macros" / "identity")
    (project_dir / "dbt_project.yml").write_text(PROJECT_YML)
    (project_dir / "profiles.yml").write_text(profile_yml)
    for name, sql in models.items():
        (project_dir / "models" / f"{name}.sql").write_text(sql)


def cc_model(edge_table: str, max_iterations: int = 60) -> str:
    """SQL of a model materialized as connected components over the edges in `edge_table`."""
    return (
        f"{{{{ config(materialized='connected_components', max_iterations={max_iterations}) }}}}\n"
        f"select node_a, node_b from {edge_table}\n"
    )


def run_dbt(project_dir: Path, *args: str) -> DbtRun:
    """Run `dbt run` in-process on the project, with target and log paths inside it."""
    rounds: dict[str, int] = {}

    def collect_rounds(event) -> None:
        if event.info.name == "JinjaLogInfo":
            match = ROUNDS_LINE.search(event.info.msg)
            if match:
                model = match["relation"].split(".")[-1].strip('"')
                rounds[model] = int(match["rounds"])

    result = dbtRunner(callbacks=[collect_rounds]).invoke(
        [
            "run",
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target-path",
            str(project_dir / "target"),
            "--log-path",
            str(project_dir / "logs"),
            "--quiet",
            *args,
        ]
    )
    run = DbtRun(success=result.success, rounds=rounds)
    for node_result in getattr(result.result, "results", None) or []:
        run.statuses[node_result.node.name] = str(node_result.status)
        run.messages[node_result.node.name] = node_result.message or ""
    return run


def expected_components(edges: np.ndarray) -> dict[int, int]:
    """node id -> smallest node id of its component, computed with scipy on the same edges."""
    if len(edges) == 0:
        return {}
    node_ids, index = np.unique(edges.ravel(), return_inverse=True)
    index = index.reshape(edges.shape)
    size = len(node_ids)
    graph = coo_matrix((np.ones(len(edges)), (index[:, 0], index[:, 1])), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, node_ids)
    return dict(zip(node_ids.tolist(), smallest[labels].tolist(), strict=True))
