"""What landing on every target shares: the report row and the load ids DuckDB holds."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingest.schema import RawTable, table_columns


@dataclass(frozen=True)
class LandedTable:
    """One raw table brought up to date on a target."""

    table: str
    #: Rows written to the target by this call.
    rows: int
    #: Loads (`_load_id`s) written by this call.
    loads: int
    #: True when the target's table was emptied first because it held loads DuckDB no longer has.
    replaced: bool = False


def load_ids_in_duckdb(duck: duckdb.DuckDBPyConnection, table: RawTable) -> set[str]:
    """The distinct `_load_id`s of a DuckDB raw table.

    Raises ValueError when the DuckDB table lacks columns of `ingest/schema.py` (a warehouse created by an
    older version): the target's table would not match what staging reads.
    """
    present = table_columns(duck, table)
    missing = [name for name in table.all_columns if name not in present]
    if missing:
        raise ValueError(
            f"{table.qualified_name} in the DuckDB warehouse lacks column(s) {', '.join(missing)}; "
            "it was created by an older version: load into a fresh warehouse file"
        )
    rows = duck.execute(f"select distinct _load_id from {table.qualified_name}").fetchall()
    return {row[0] for row in rows}
