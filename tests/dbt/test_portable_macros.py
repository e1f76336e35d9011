"""The small cross-engine macros, compiled by dbt and run in DuckDB (session time zone not UTC)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from staging_harness import Normalisers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T10:00:00+02:00", dt.datetime(2024, 1, 1, 8, 0)),
        ("2024-01-01T10:00:00.123-05:00", dt.datetime(2024, 1, 1, 15, 0, 0, 123000)),
        ("2024-01-01T10:00:00+0200", dt.datetime(2024, 1, 1, 8, 0)),
        ("2024-01-01T10:00:00Z", dt.datetime(2024, 1, 1, 10, 0)),
        # The usual shape takes DuckDB's shortcut past the regex; so does this look-alike, which is no time.
        ("2024-01-01T10:00:00.123Z", dt.datetime(2024, 1, 1, 10, 0, 0, 123000)),
        ("2024-01-01Tab:cd:efZ", None),
        ("2024-02-30T10:00:00Z", None),
        ("2024-01-01 10:00:00 UTC", dt.datetime(2024, 1, 1, 10, 0)),
        ("2024-07-01 10:00:00 Europe/Paris", dt.datetime(2024, 7, 1, 8, 0)),
        # No offset: already UTC, whatever the session's time zone (here New York).
        ("2024-01-01 10:00:00", dt.datetime(2024, 1, 1, 10, 0)),
        ("2023-05-12 14:03", dt.datetime(2023, 5, 12, 14, 3)),
        ("2024-01-01", dt.datetime(2024, 1, 1)),
        (" 2024-01-01T10:00:00Z ", dt.datetime(2024, 1, 1, 10, 0)),
        ("2024-02-30 10:00", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_timestamp_utc(
    normalisers: Normalisers, text: str | None, expected: dt.datetime | None
) -> None:
    assert normalisers.run("parse_timestamp_utc", [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1700000000", dt.datetime(2023, 11, 14, 22, 13, 20)),
        ("1700000000.25", dt.datetime(2023, 11, 14, 22, 13, 20, 250000)),
        ("0", dt.datetime(1970, 1, 1)),
    ],
)
def test_epoch_to_timestamp(normalisers: Normalisers, text: str, expected: dt.datetime) -> None:
    assert normalisers.run("epoch_to_timestamp", [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("123", "123"), ("123.0", "123"), (" 123.00 ", "123"), ("12.5", "12.5"), ("AB-1", "AB-1"), ("  ", None)],
)
def test_normalise_id(normalisers: Normalisers, text: str, expected: str | None) -> None:
    assert normalisers.run("normalise_id", [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("49.5", Decimal("49.50")),
        (" -3 ", Decimal("-3.00")),
        (".5", Decimal("0.50")),
        ("1.005", Decimal("1.01")),
        ("12,50", None),
        ("abc", None),
        ("", None),
    ],
)
def test_to_decimal(normalisers: Normalisers, text: str, expected: Decimal | None) -> None:
    assert normalisers.run("to_decimal", [text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"), [("3", 3), ("-2", -2), ("3.0", 3), ("3.5", None), ("x", None), ("", None)]
)
def test_to_integer(normalisers: Normalisers, text: str, expected: int | None) -> None:
    assert normalisers.run("to_integer", [text]) == [expected]
