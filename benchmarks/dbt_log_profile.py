"""Where a dbt build's time went, from dbt's debug log: SQL by statement kind, dbt's own time, slowest SQL.

    python benchmarks/dbt_log_profile.py dbt_project/logs/dbt.log --last-invocations 4

`run.py` and `increment_again.py` run one dbt invocation per layer (four), so `--last-invocations 4` is the
latest build: a run.py increment, or the build increment_again.py just timed. dbt writes every statement it
sends (`On <node>: <sql>`) and its time (`SQL status: OK in <s> seconds`), and when each node begins and
finishes running. From those it splits the build's wall time into:

- SQL by kind: `select` (an incremental model's `create temporary table ... as`), `create table` (a model
  built whole), `delete` (an upsert's delete of the rows it replaces), `insert`, `commit` (DuckDB
  checkpoints), `test` (every statement of a data test), `other` (begin, watermarks, catalog, renames);
- `between nodes`: statements dbt sends on connections of its own (`master`, `list_<schema>`): catalog
  queries and hooks;
- dbt inside the nodes: each node's wall time less its SQL;
- dbt outside the nodes: each invocation's wall time less its nodes' and the SQL between them (start,
  parse, graph, writing JSON).

The log must be written at dbt's default `debug` level for files; with one dbt thread (the default on
DuckDB) every statement's time belongs to the node named before it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

_STAMP = re.compile(r"^(?:\x1b\[0m)?(\d\d:\d\d:\d\d\.\d+) \[")
_INVOCATION = re.compile(r"\]: Running with dbt=")
_STATEMENT = re.compile(r"\]: On ([\w.]+): (.*)$")
_STATUS = re.compile(r"\]: SQL status: .* in ([0-9.]+) seconds")
_NODE = re.compile(r"\]: (Began|Finished) running node ([\w.]+)")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
KINDS = ("select", "create table", "delete", "insert", "commit", "test", "other", "between nodes")
_NODE_TYPES = ("model.", "test.", "unit_test.", "seed.", "snapshot.", "operation.")


@dataclass
class Statement:
    """One SQL statement dbt sent and the seconds it took."""

    node: str
    kind: str
    seconds: float


@dataclass
class Profile:
    """The parsed part of a log: its invocations' and nodes' wall time, and every timed statement."""

    invocations: int = 0
    wall_s: float = 0.0
    node_wall_s: float = 0.0
    nodes: Counter = field(default_factory=Counter)  # resource type ('model', 'test', ...) -> nodes run
    statements: list[Statement] = field(default_factory=list)

    def sql_s(self, in_nodes: bool = True) -> float:
        """Seconds of SQL the nodes sent (or, `in_nodes=False`, dbt sent between them)."""
        return sum(s.seconds for s in self.statements if (s.kind != "between nodes") == in_nodes)

    def by_kind(self) -> dict[str, tuple[int, float]]:
        """Statement kind -> (statements, seconds), in KINDS order, kinds with none left out."""
        counts: Counter = Counter()
        seconds: Counter = Counter()
        for statement in self.statements:
            counts[statement.kind] += 1
            seconds[statement.kind] += statement.seconds
        return {kind: (counts[kind], seconds[kind]) for kind in KINDS if counts[kind]}

    def slowest(self, top: int) -> list[tuple[str, str, float]]:
        """The `top` largest (node, kind, seconds) sums: one node's statements of one kind added up."""
        totals: Counter = Counter()
        for statement in self.statements:
            totals[(statement.node, statement.kind)] += statement.seconds
        return [(node, kind, seconds) for (node, kind), seconds in totals.most_common(top)]


def statement_kind(node: str, sql: str) -> str:
    """The kind (KINDS) of `sql`, sent on the connection named `node` (a node's unique id, or dbt's own)."""
    if not node.startswith(_NODE_TYPES):
        return "between nodes"
    if node.startswith("test."):
        return "test"
    text = _COMMENT.sub("", sql).strip().lower()
    if text.startswith(("create temporary table", "create temp table")):
        return "select"
    if re.match(r"create\s+(or\s+replace\s+)?table\b", text):
        return "create table"
    for kind in ("delete", "insert", "commit"):
        if text.startswith(kind):
            return kind
    return "other"


def _seconds(stamp: str) -> float:
    moment = datetime.strptime(stamp, "%H:%M:%S.%f")
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _invocation_starts(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _INVOCATION.search(line)]


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def _log_lines(path: Path, invocations: int | None) -> list[str]:
    """The lines of `path`, after those of as many of its rolled-over files as it takes to hold the last
    `invocations` whole. dbt rolls `dbt.log` over at 10 MB (`dbt.log.1` the newest, then `.2`...), often in
    the middle of an invocation; a test worker's log fills 10 MB in a few builds."""
    lines = _read_lines(path)
    older = 1
    while invocations is not None and len(_invocation_starts(lines)) < invocations:
        rolled = path.with_name(f"{path.name}.{older}")
        if not rolled.exists():
            break
        lines = _read_lines(rolled) + lines
        older += 1
    return lines


def profile_log(path: Path, last_invocations: int | None = None) -> Profile:
    """Parse `path`, or only its last `last_invocations` dbt invocations (reading the files dbt rolled it
    over into when it holds fewer); ValueError if the log holds fewer."""
    lines = _log_lines(path, last_invocations)
    starts = _invocation_starts(lines)
    if last_invocations is not None:
        if len(starts) < last_invocations:
            raise ValueError(f"{path}: {len(starts)} dbt invocation(s), not the {last_invocations} asked for")
        starts = starts[-last_invocations:]
    if not starts:
        raise ValueError(f"{path}: no dbt invocation ('Running with dbt=') in the log")
    profile = Profile(invocations=len(starts))
    for first, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        _add_invocation(profile, lines[first:end])
    return profile


def _add_invocation(profile: Profile, lines: list[str]) -> None:
    """Add one invocation's lines (the first is its 'Running with dbt=') to `profile`."""
    stamps = [_seconds(m.group(1)) for line in lines if (m := _STAMP.match(line))]
    # A build that runs past midnight: times of day wrap around.
    profile.wall_s += (stamps[-1] - stamps[0]) % 86_400 if stamps else 0.0
    began: dict[str, float] = {}
    node: str | None = None
    sql: list[str] = []
    collecting = False
    now = 0.0
    for line in lines:
        stamp = _STAMP.match(line)
        if not stamp:
            # A statement's later lines carry no time stamp; the start of the SQL is enough for its kind.
            if collecting and len(sql) < 50:
                sql.append(line)
            continue
        now, collecting = _seconds(stamp.group(1)), False
        if moment := _NODE.search(line):
            state, unique_id = moment.groups()
            if state == "Began":
                began[unique_id] = now
            elif unique_id in began:
                profile.node_wall_s += (now - began.pop(unique_id)) % 86_400
                profile.nodes[unique_id.split(".", 1)[0]] += 1
        elif statement := _STATEMENT.search(line):
            node, sql, collecting = statement.group(1), [statement.group(2)], True
        elif (status := _STATUS.search(line)) and node is not None:
            kind = statement_kind(node, "\n".join(sql))
            profile.statements.append(Statement(node, kind, float(status.group(1))))
            node, sql = None, []


def print_profile(profile: Profile, top: int) -> None:
    """The split of the build's wall time, then its `top` largest statements by node and kind."""
    sql = profile.sql_s()
    nodes = ", ".join(f"{count} {kind}s" for kind, count in sorted(profile.nodes.items()))
    print(f"{profile.invocations} dbt invocation(s), {profile.wall_s:.1f} s wall; nodes: {nodes or 'none'}")
    print(f"{'part':34s} {'statements':>10s} {'s':>8s}")
    for kind, (count, seconds) in profile.by_kind().items():
        print(f"{'SQL: ' + kind:34s} {count:>10d} {seconds:>8.1f}")
    outside = profile.wall_s - profile.node_wall_s - profile.sql_s(in_nodes=False)
    print(f"{'dbt inside the nodes':34s} {'':>10s} {profile.node_wall_s - sql:>8.1f}")
    print(f"{'dbt outside the nodes':34s} {'':>10s} {outside:>8.1f}")
    print(f"\nlargest SQL by node and kind (top {top}):")
    for node, kind, seconds in profile.slowest(top):
        print(f"  {node:70s} {kind:12s} {seconds:7.2f}")


def main(argv: list[str] | None = None) -> Profile:
    """Command line (module docstring); returns the profile it printed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, help="dbt's debug log (dbt.log in the log path)")
    parser.add_argument("--last-invocations", type=int, help="only the last N dbt invocations (default: all)")
    parser.add_argument("--top", type=int, default=25, help="largest statements to list (default 25)")
    args = parser.parse_args(argv)
    try:
        profile = profile_log(args.log, args.last_invocations)
    except (OSError, ValueError) as exc:
        sys.exit(f"dbt_log_profile: {exc}")
    print_profile(profile, args.top)
    return profile


if __name__ == "__main__":
    main()
