"""The comparison every engine's test makes against DuckDB: the same customers, identifiers and members."""

from __future__ import annotations

from engines import BuiltWarehouse, Row, without

#: Columns set from the build's clock (when a customer entered a segment), not from the data.
BUILD_TIME_COLUMNS = {"segment_memberships": ("entered_at", "exited_at")}
COMPARED_TABLES = ("customer_identifiers", "customer_profiles", "segment_memberships")


def comparable_rows(warehouse: BuiltWarehouse, table: str) -> list[Row]:
    """The table's rows without build-time columns, in a fixed order."""
    return without(warehouse.table(table), *BUILD_TIME_COLUMNS.get(table, ()))


def assert_same_table(expected: BuiltWarehouse, actual: BuiltWarehouse, table: str) -> None:
    """`actual`'s table holds exactly `expected`'s rows (order aside), with a readable difference."""
    want, got = comparable_rows(expected, table), comparable_rows(actual, table)
    assert want, f"{table} is empty on {expected.engine}: nothing compared"
    assert got, f"{table} is empty on {actual.engine}"
    assert set(want[0]) == set(got[0]), f"{table}: columns differ: {sorted(set(want[0]) ^ set(got[0]))}"
    missing = [row for row in want if row not in got]
    extra = [row for row in got if row not in want]
    assert not missing and not extra, (
        f"{table} on {actual.engine} differs from {expected.engine}: {len(missing)} rows missing, "
        f"{len(extra)} unexpected; {differing_columns(missing, extra)}"
    )
    assert len(want) == len(got)


def differing_columns(missing: list[Row], extra: list[Row]) -> str:
    """For rows that differ, which columns differ (rows paired by their first column), with one example."""
    if not missing or not extra:
        return f"first missing: {missing[:1]}, first unexpected: {extra[:1]}"
    key = next(iter(missing[0]))
    by_key = {row[key]: row for row in extra}
    columns: dict[str, tuple[object, object]] = {}
    for row in missing:
        other = by_key.get(row[key])
        for name, value in row.items():
            if other is not None and other.get(name) != value:
                columns.setdefault(name, (value, other.get(name)))
    return "columns differing (expected, actual): " + ", ".join(f"{k} {v}" for k, v in columns.items())
