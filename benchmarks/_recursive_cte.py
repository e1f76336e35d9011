"""The naive baseline: connected components as a plain `with recursive` label propagation in DuckDB.

Every node reaches, through `union` recursion, every node of its component, and keeps the smallest label:
the query teams write first. Its work grows with the square of component sizes, so it runs on the full
graph and then on smaller and smaller samples of whole components (sampled by scipy's component label,
so component sizes keep their distribution) until one finishes within the time budget. Each attempt runs
in a fresh process that is stopped when the budget is spent.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import numpy as np

RECURSIVE_CTE_SQL = """
with recursive
    links as (
        select node_a as node_id, node_b as neighbour_id from edges
        union
        select node_b, node_a from edges
    ),
    reached (node_id, label) as (
        select distinct node_id, node_id from links
        union
        select links.neighbour_id, reached.label
        from reached
        inner join links on links.node_id = reached.node_id
    )
select count(distinct component_id) from (
    select node_id, min(label) as component_id from reached group by node_id
)
"""
#: Each smaller attempt keeps one component in SHRINK.
SHRINK = 4
MIN_EDGES = 100


def _attempt(edges_path: str, threads: int, memory_limit: str, queue: multiprocessing.Queue) -> None:
    import duckdb

    edges = np.load(edges_path)
    con = duckdb.connect()
    con.execute(f"set threads = {int(threads)}")
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set enable_progress_bar = false")
    columns = {"node_a": edges[:, 0].copy(), "node_b": edges[:, 1].copy()}  # noqa: F841 - scanned by name
    con.execute("create table edges as select node_a, node_b from columns")
    started = time.perf_counter()
    try:
        components = con.execute(RECURSIVE_CTE_SQL).fetchone()[0]
    except duckdb.Error as exc:
        queue.put(("error", str(exc).strip().splitlines()[0]))
        return
    queue.put(("ok", time.perf_counter() - started, int(components)))


def _run_with_budget(edges_path: Path, threads: int, memory_limit: str, budget_s: float) -> tuple:
    """('ok', seconds, components) | ('error', message) | ('timeout',), from a child stopped at the budget."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_attempt, args=(str(edges_path), threads, memory_limit, queue))
    process.start()
    deadline = time.perf_counter() + budget_s + 5  # + start-up and loading the edges
    outcome: tuple = ("timeout",)
    while time.perf_counter() < deadline:
        if not queue.empty():
            outcome = queue.get()
            break
        if not process.is_alive() and queue.empty():
            outcome = ("error", f"the process died (exit code {process.exitcode})")
            break
        time.sleep(0.1)
    if process.is_alive():
        process.kill()
    process.join()
    if outcome[0] == "ok" and outcome[1] > budget_s:
        outcome = ("timeout",)
    return outcome


def recursive_cte_baseline(
    edges: np.ndarray, labels: np.ndarray, workdir: Path, threads: int, memory_limit: str, budget_s: float
) -> dict[str, object]:
    """Try the full graph, then samples of 1/4, 1/16... of its components, until one finishes in budget.

    `labels[i]` is node i's component (scipy's). Returns the size that finished (edges, nodes, seconds,
    whether its component count matched scipy's) and every size that did not, with why.
    """
    edge_labels = labels[edges[:, 0]]
    failed: list[dict[str, object]] = []
    keep_one_in = 1
    while True:
        if keep_one_in == 1:
            sample = edges
        else:
            # Multiplicative hashing spreads consecutive component ids over the residues.
            picked = (edge_labels * 2_654_435_761) % keep_one_in == 0
            sample = edges[picked]
        path = workdir / "cte_edges.npy"
        np.save(path, sample)
        outcome = _run_with_budget(path, threads, memory_limit, budget_s)
        size = {"edges": len(sample), "nodes": len(np.unique(sample)), "fraction": 1 / keep_one_in}
        if outcome[0] == "ok":
            expected = len(np.unique(labels[np.unique(sample)]))
            return {
                **size,
                "seconds": outcome[1],
                "components_match_scipy": outcome[2] == expected,
                "failed": failed,
                "budget_s": budget_s,
            }
        reason = f"over the {budget_s:g}s budget" if outcome[0] == "timeout" else outcome[1]
        failed.append({**size, "reason": reason})
        if len(sample) <= MIN_EDGES:
            return {"edges": None, "nodes": None, "fraction": None, "seconds": None, "failed": failed,
                    "components_match_scipy": None, "budget_s": budget_s}  # fmt: skip
        keep_one_in *= SHRINK
