"""The I/O floor of the load: DuckDB reading every input file once with its native scanners, landing nothing.

Per format, the least work that still touches every record: JSON Lines are split into lines and every line
is parsed as JSON (the loader validates each one too), CSV files are parsed into all-text columns and every
value is hashed, JSON documents are read whole and parsed. No validation, manifest, quarantine or writes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from _measure import measured

_LINES = "columns={'line': 'VARCHAR'}, delim='\x1f', quote='', escape='', header=false, auto_detect=false"


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _scan_sql(path: Path) -> str | None:
    """A query returning one row count for `path`, or None for files the loader does not read as data."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        return (
            f"select count(try(json_type(line))) from read_csv({_literal(path)}, {_LINES}) "
            "where trim(line) <> ''"
        )
    if name.endswith(".csv"):
        return (
            f"select count(*) + 0 * sum(hash(t)) from read_csv({_literal(path)}, all_varchar=true, "
            "header=true, ignore_errors=true) as t"
        )
    if name.endswith(".json"):
        return (
            f"select sum(coalesce(json_array_length(content, '$.' || key), 0)) "
            f"from read_text({_literal(path)}), unnest(json_keys(content)) as k(key)"
        )
    return None


def raw_scan(data_dir: Path, threads: int) -> dict[str, object]:
    """Scan every data file of `data_dir` (source folders only) and return seconds, records, bytes."""
    files = sorted(p for p in data_dir.glob("*/**/*") if p.is_file() and _scan_sql(p) is not None)
    records = 0
    con = duckdb.connect()
    con.execute(f"set threads = {int(threads)}")
    con.execute("set enable_progress_bar = false")
    with measured() as span:
        for path in files:
            records += int(con.execute(_scan_sql(path)).fetchone()[0] or 0)
    con.close()
    return {
        "seconds": span.seconds,
        "cpu_seconds": span.cpu_seconds,
        "files": len(files),
        "records": records,
        "bytes": sum(p.stat().st_size for p in files),
    }
