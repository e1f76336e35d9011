"""The benchmark's headline figures, the issue's targets, and the table printed at the end of a run."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

#: The scale the absolute targets (end to end, memory) are set for.
TARGET_CUSTOMERS = 1_000_000


@dataclass(frozen=True)
class Target:
    """A bound on one figure: `at_most` or `at_least`; `scaled` targets only apply at TARGET_CUSTOMERS."""

    key: str
    label: str
    bound: float
    at_most: bool
    scaled: bool = False
    unit: str = ""

    def text(self) -> str:
        sign = "<=" if self.at_most else ">="
        where = " at 1M" if self.scaled else ""
        return f"{sign} {self.bound:g}{self.unit}{where}"

    def verdict(self, value: float | None, customers: int) -> bool | None:
        """True / False against the bound; None when it does not apply (no value, or a scaled target
        at another scale)."""
        if value is None or (self.scaled and customers != TARGET_CUSTOMERS):
            return None
        return value <= self.bound if self.at_most else value >= self.bound


TARGETS = (
    Target("end_to_end_s", "end to end (load + build + sync)", 600, True, scaled=True, unit=" s"),
    Target("peak_rss_mb", "peak RSS", 6144, True, scaled=True, unit=" MB"),
    Target("cc_ratio_vs_scipy", "connected components / scipy", 3, True, unit="x"),
    Target("incremental_ratio", "incremental (1% new) / full build", 0.10, True),
    Target("sync_ratio_vs_copy", "sync rows/s / raw COPY rows/s", 0.5, False),
)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, None when either is missing or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def verdicts(result: dict) -> dict[str, bool | None]:
    """Every target's verdict for a result dict (see run.py for its keys)."""
    return {t.key: t.verdict(result.get(t.key), result["customers"]) for t in TARGETS}


def _fmt(value: object, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _ok(verdict: bool | None) -> str:
    return {True: "[green]ok[/]", False: "[red]MISS[/]", None: "[dim]n/a[/]"}[verdict]


def results_table(result: dict) -> Table:
    """Figure, value, target, ok? for a finished run, followed by where the time went."""
    table = Table(
        title=f"Tessera benchmark: {result['customers']:,} customers, {result['date']}",
        title_justify="left",
    )
    for column, justify in (("figure", "left"), ("value", "right"), ("target", "right"), ("ok?", "center")):
        table.add_column(column, justify=justify)
    targets = {t.key: t for t in TARGETS}
    checks = verdicts(result)

    def row(label: str, value: object, key: str | None = None, digits: int = 2) -> None:
        target = targets.get(key) if key else None
        bound, verdict = (target.text(), _ok(checks[target.key])) if target else ("", "")
        table.add_row(label, _fmt(value, digits), bound, verdict)

    inputs = result["inputs"]
    row("input records (events)", f"{inputs['records']:,} ({inputs['records_by_source'].get('events', 0):,})")
    row("end to end, s", result["end_to_end_s"], "end_to_end_s", 1)
    row("peak RSS, MB", result["peak_rss_mb"], "peak_rss_mb", 0)
    for stage, seconds in result["stage_s"].items():
        cpu = result["stage_cpu_s"].get(stage)
        row(f"  stage {stage}, s (CPU s)", f"{seconds:,.1f} ({cpu:,.1f})" if cpu is not None else seconds)
    row("load / raw DuckDB scan", result["load_ratio_vs_scan"], digits=1)
    cc = result["cc"]
    row(f"connected components, s ({cc['edges']:,} edges)", result["cc_s"], digits=2)
    row("scipy connected components, s", result["scipy_cc_s"], digits=2)
    row("  ratio to scipy", result["cc_ratio_vs_scipy"], "cc_ratio_vs_scipy", 1)
    cte = result["recursive_cte"]
    if result["recursive_cte_s"] is not None:
        row(f"recursive CTE, s ({cte['edges']:,} edges, {cte['fraction']:.3g} of graph)",
            result["recursive_cte_s"])  # fmt: skip
    else:
        row("recursive CTE", f"failed down to {cte['failed'][-1]['edges']:,} edges")
    for failure in cte["failed"][:3]:
        row(f"  recursive CTE at {failure['edges']:,} edges", failure["reason"])
    row("full load + build, s", result["full_build_s"], digits=1)
    row("incremental load + build (1% new), s", result["incremental_s"], digits=1)
    row("  incremental / full", result["incremental_ratio"], "incremental_ratio", 3)
    row("  incremental / full, in CPU seconds", result["incremental_cpu_ratio"], digits=3)
    if result.get("sync_skipped"):
        row("sync", f"skipped: {result['sync_skipped']}")
    else:
        sync = result["sync"]
        samples = len(sync["seconds_samples"])
        row(f"sync rows/s ({sync['rows']:,} rows of {sync['audience']}, median of {samples})",
            result["sync_rows_per_s"], digits=0)  # fmt: skip
        row(f"raw COPY rows/s (median of {samples})", result["copy_rows_per_s"], digits=0)
        row("  sync / COPY", result["sync_ratio_vs_copy"], "sync_ratio_vs_copy", 2)
        row("COPY by write_row from a cursor, rows/s", result["copy"]["write_row"]["rows_per_s"], digits=0)
        row("  sync / write_row COPY", result["sync_ratio_vs_write_row_copy"], digits=2)
    return table


def slowest_nodes_table(result: dict, limit: int = 12) -> Table:
    """The dbt nodes that took longest in the full build, with their stage."""
    table = Table(title="slowest dbt nodes (full build)", title_justify="left")
    for column, justify in (("node", "left"), ("stage", "left"), ("s", "right")):
        table.add_column(column, justify=justify)
    for node in result["slowest_nodes"][:limit]:
        table.add_row(node["node"], node["stage"], f"{node['seconds']:.2f}")
    return table


def print_results(result: dict, console: Console | None = None) -> None:
    """Print the results table and the slowest nodes."""
    console = console or Console()
    console.print(results_table(result))
    console.print(slowest_nodes_table(result))
