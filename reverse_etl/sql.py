"""SQL fragments the sync modules share: identifiers and literals rendered through sqlglot (names from
syncs.yml are never spliced raw into SQL) and the relation a plan file is read through."""

from __future__ import annotations

from sqlglot import exp


def ident(name: str, dialect: str = "duckdb") -> str:
    """A quoted identifier (`"my col"`), safe for any name."""
    return exp.to_identifier(name, quoted=True).sql(dialect)


def relation(schema: str, name: str, dialect: str = "duckdb") -> str:
    """A quoted `schema.table` reference."""
    return exp.table_(name, db=schema, quoted=True).sql(dialect)


def literal(value: str, dialect: str = "duckdb") -> str:
    """A quoted string literal."""
    return exp.Literal.string(value).sql(dialect)


def split_relation(name: str, default_schema: str = "main") -> tuple[str, str]:
    """`schema.table` or `table` -> (schema, table)."""
    schema, _, table = name.rpartition(".")
    return (schema or default_schema, table)


def plan_rows(path_sql: str) -> str:
    """The rows of a plan file (`path_sql`: a string literal or a `?` parameter) with their `seq` first.

    A row's `seq` is its position in the file, 1..N without gaps: DuckDB numbers the rows as it reads
    them, so the planner writes no numbering column (a `row_number()` window, which runs on one thread,
    cost a fifth of a 130k-row plan's writing).
    """
    return (
        f"(select file_row_number + 1 as seq, * exclude (file_row_number) "
        f"from read_parquet({path_sql}, file_row_number = true))"
    )
