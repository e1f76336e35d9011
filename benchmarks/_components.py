"""Connected components on the run's own identity graph: the dbt materialization against scipy.

The edge list is the input of `int_identity_components_initial` as the full build computed it: the
guarded co-occurrence edges plus a self-edge per usable identifier. Timing reuses
`benchmarks/connected_components.py` (each side in a fresh process; DuckDB's side is the model's execute
time as dbt reports it, scipy's includes building the sparse matrix), and both results are checked to
be the same partition. The children's peak memory is left out: a spawned child's `ru_maxrss` starts
at the parent's resident size when it was forked, so here it would mostly measure the benchmark itself.
"""

from __future__ import annotations

from pathlib import Path

import connected_components as cc_bench
import duckdb
import numpy as np

#: The model whose input graph is benchmarked, and the edges it reads.
CC_MODEL = "int_identity_components_initial"
EDGES_SQL = f"""
    select node_a, node_b from int_identity_edges_guarded
    union all
    select node_id, node_id from {CC_MODEL}
"""


def export_edges(db_path: Path, workdir: Path) -> np.ndarray:
    """Write the identity graph's edges to `workdir/bench.duckdb` (table `edges`) and `edges.npy`."""
    workdir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        got = con.execute(EDGES_SQL).fetchnumpy()
    edges = np.column_stack([got["node_a"].astype(np.int64), got["node_b"].astype(np.int64)])
    np.save(workdir / "edges.npy", edges)
    with duckdb.connect(str(workdir / "bench.duckdb")) as con:
        columns = {"node_a": edges[:, 0].copy(), "node_b": edges[:, 1].copy()}  # noqa: F841 - scanned by name
        con.execute("create or replace table edges as select node_a, node_b from columns")
    return edges


def time_components(workdir: Path, edges: np.ndarray, threads: int, memory_limit: str) -> dict[str, object]:
    """Run the materialization and scipy on the exported edges; raise AssertionError if they disagree."""
    ours = cc_bench._in_child(cc_bench._run_duckdb, workdir, threads, memory_limit)
    theirs = cc_bench._in_child(cc_bench._run_scipy, workdir / "edges.npy")
    expected = np.load(workdir / "scipy_components.npy")
    with duckdb.connect(str(workdir / "bench.duckdb"), read_only=True) as con:
        got = con.execute("select node_id, component_id from components order by node_id").fetchnumpy()
    present = np.unique(edges)
    same = np.array_equal(got["node_id"], present) and np.array_equal(got["component_id"], expected[present])
    if not same:
        raise AssertionError("the connected_components materialization and scipy disagree on the run's graph")
    return {
        "edges": len(edges),
        "nodes": len(present),
        "components": len(np.unique(expected[present])),
        "largest_component": int(np.bincount(expected[present]).max()),
        "rounds": ours.rounds,
        "cc_s": ours.seconds,
        "cc_cpu_s": ours.cpu_seconds,
        "scipy_cc_s": theirs.seconds,
        "scipy_cc_cpu_s": theirs.cpu_seconds,
    }


def component_labels(workdir: Path) -> np.ndarray:
    """scipy's labels from `time_components`: for node id i, the smallest node id of its component."""
    return np.load(workdir / "scipy_components.npy")
