"""Measuring: wall and CPU time of a span, peak memory, and the machine and commit a run happened on.

CPU seconds are recorded next to wall seconds because the benchmark machine is often shared: wall time
grows with other people's load, CPU time much less so.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Span:
    """Wall and CPU seconds of one measured piece of work (filled in when its `with` block ends)."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@contextmanager
def measured() -> Iterator[Span]:
    """Time the `with` block: `with measured() as span: ...; span.seconds`."""
    span = Span()
    started, started_cpu = time.perf_counter(), cpu_seconds()
    try:
        yield span
    finally:
        span.seconds = time.perf_counter() - started
        span.cpu_seconds = cpu_seconds() - started_cpu


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory so far of this process and of its largest finished child, in MB (Linux KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "children": round(children, 1), "peak": round(max(own, children), 1)}


def machine() -> dict[str, object]:
    """Cores, memory, CPU model and the versions that matter for the figures."""
    import duckdb
    from dbt.version import __version__ as dbt_version

    return {
        "host": platform.node(),
        "cores": os.cpu_count(),
        "ram_gb": round(_meminfo_kb("MemTotal") / 1024 / 1024, 1),
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt": dbt_version,
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git_commit(repo: Path) -> dict[str, object]:
    """The commit the code was at and whether the tree had uncommitted changes (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def utc_now() -> str:
    """Current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _meminfo_kb(key: str) -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(key + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
