"""Land the raw tables for Spark: Parquet files, one per raw table and load, that Spark tables read.

DuckDB stays the loading engine; each load of each raw table becomes `<raw_dir>/<table>/<load_id>.parquet`,
written by DuckDB. Files of loads DuckDB no longer holds are removed, so the folder always equals DuckDB's
`raw` schema. The dbt project registers one Spark table per folder (`raw.<table>`, `using parquet`) in its
on-run-start hook (`tessera.register_raw_tables`), so Spark's own configuration stays in profiles.yml.

Parquet types: JSON columns are written as text (Spark keeps JSON as strings; the staging macros' Spark
versions parse it with get_json_object / from_json) and TIMESTAMP columns as UTC-adjusted instants, which
Spark reads as TIMESTAMP in a UTC session.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from ingest.schema import RAW_TABLES, RawTable
from ingest.targets.common import LandedTable, load_ids_in_duckdb

#: Environment variable naming the folder of the Parquet files (must match profiles.yml and the macro).
RAW_DIR_ENV = "TESSERA_SPARK_RAW_DIR"
SPARK_DIR_ENV = "TESSERA_SPARK_DIR"
#: Row-less file giving a table with no loads its columns (Spark skips `_`- and `.`-prefixed files).
_EMPTY = "no-loads"


def spark_raw_dir() -> Path:
    """`$TESSERA_SPARK_RAW_DIR`, else `$TESSERA_SPARK_DIR/raw`, else `data/spark/raw` (as profiles.yml)."""
    if os.environ.get(RAW_DIR_ENV):
        return Path(os.environ[RAW_DIR_ENV])
    return Path(os.environ.get(SPARK_DIR_ENV, "data/spark")) / "raw"


def land_for_spark(duck: duckdb.DuckDBPyConnection, raw_dir: Path | None = None) -> list[LandedTable]:
    """Write the Parquet files of every raw load not yet under `raw_dir`; remove those DuckDB lacks."""
    raw_dir = Path(raw_dir or spark_raw_dir()).resolve()
    return [_land_table(duck, table, raw_dir / table.name) for table in RAW_TABLES.values()]


def _land_table(duck: duckdb.DuckDBPyConnection, table: RawTable, folder: Path) -> LandedTable:
    folder.mkdir(parents=True, exist_ok=True)
    _remove_partial_files(folder)
    in_duckdb = load_ids_in_duckdb(duck, table)
    on_disk = {path.stem: path for path in folder.glob("*.parquet")}
    # Files written by an older version lack the columns added since: they are written again.
    outdated = _outdated(duck, table, on_disk)
    placeholder = on_disk.pop(_EMPTY, None)
    if placeholder is not None and _EMPTY in outdated:
        placeholder.unlink()
        placeholder = None
    stale = (set(on_disk) - in_duckdb) | (outdated - {_EMPTY})
    for load_id in stale:
        on_disk.pop(load_id).unlink()
    missing = sorted(in_duckdb - set(on_disk))
    rows = sum(_write_load(duck, table, folder, load_id) for load_id in missing)
    if in_duckdb and placeholder is not None:
        placeholder.unlink()
    elif not in_duckdb and placeholder is None:
        # Spark cannot infer a schema from an empty folder: an empty file gives the table its columns.
        _write_load(duck, table, folder, None)
    return LandedTable(table.name, rows, len(missing), replaced=bool(stale))


def _outdated(duck: duckdb.DuckDBPyConnection, table: RawTable, files: dict[str, Path]) -> set[str]:
    """The loads among `files` whose Parquet file lacks a column of `table`."""
    if not files:
        return set()
    paths = {str(path): load_id for load_id, path in files.items()}
    rows = duck.execute(
        "select file_name, list(name) from parquet_schema(?::varchar[]) group by file_name", [list(paths)]
    ).fetchall()
    wanted = set(table.all_columns)
    return {paths[name] for name, columns in rows if not wanted <= set(columns)}


def _write_load(duck: duckdb.DuckDBPyConnection, table: RawTable, folder: Path, load_id: str | None) -> int:
    """Write one load's rows (or none, for `load_id=None`) to `<folder>/<load_id>.parquet` atomically."""
    name = load_id if load_id is not None else _EMPTY
    final = folder / f"{name}.parquet"
    partial = folder / f".{name}.parquet.partial"
    condition = "_load_id = $load_id" if load_id is not None else "false"
    duck.execute(
        f"copy (select {_spark_columns(table)} from {table.qualified_name} where {condition}) "
        f"to '{_sql_path(partial)}' (format parquet)",
        {"load_id": load_id} if load_id is not None else {},
    )
    # A file Spark sees is always complete; `.`-prefixed files are ignored by Spark's file listing.
    partial.replace(final)
    if load_id is None:
        return 0
    row = duck.execute(
        f"select count(*) from {table.qualified_name} where _load_id = ?", [load_id]
    ).fetchone()
    return int(row[0]) if row else 0


def _spark_columns(table: RawTable) -> str:
    casts = {"JSON": "varchar", "TIMESTAMP": "timestamptz"}
    columns = []
    for name, duck_type in table.all_columns.items():
        cast = casts.get(duck_type)
        if cast == "timestamptz":
            # Raw timestamps are UTC wall-clock values: attach UTC explicitly, whatever DuckDB's zone.
            columns.append(f'timezone(\'UTC\', "{name}") as "{name}"')
        elif cast:
            columns.append(f'cast("{name}" as {cast}) as "{name}"')
        else:
            columns.append(f'"{name}"')
    return ", ".join(columns)


def _remove_partial_files(folder: Path) -> None:
    for partial in folder.glob(".*.parquet.partial"):
        partial.unlink()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
