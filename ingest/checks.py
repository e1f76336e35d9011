"""Row validation rules, each rendered as a SQL expression that yields a reason text or NULL.

Rules run set-based over a table whose columns are the raw table's columns (text, as sent). A row lands
when every rule yields NULL; otherwise the reasons, joined by "; ", go to the quarantine. Reasons name the
source's field (`messageId`, not `message_id`) and quote the offending value, e.g.
`field 'quantity': 'two' is not an integer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.sql import literal, quoted_value


@dataclass(frozen=True)
class Check:
    """One validation rule: `sql` evaluates to a reason (VARCHAR) for a bad row, NULL for a good one."""

    sql: str


def _col(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _blank(col: str) -> str:
    # Same answer as `trim(x) = ''` (only whitespace), without trim scanning the value for trailing spaces.
    return f"({col} is null or ltrim({col}) = '')"


def _missing(field: str) -> str:
    return literal(f"missing required field '{field}'")


def _bad_value(col: str, field: str, what: str) -> str:
    prefix = literal(f"field '{field}': ")
    suffix = literal(f" is not {what}")
    return f"{prefix} || {quoted_value(col)} || {suffix}"


def _typed(column: str, field: str, ok_sql: str, what: str, required: bool) -> Check:
    col = _col(column)
    when_blank = _missing(field) if required else "null"
    ok = ok_sql.format(col=col)
    return Check(
        f"case when {_blank(col)} then {when_blank} when not ({ok}) then {_bad_value(col, field, what)} end"
    )


def required(column: str, field: str) -> Check:
    """The field must be present and not blank."""
    col = _col(column)
    return Check(f"case when {_blank(col)} then {_missing(field)} end")


def any_required(columns: Sequence[str], fields: Sequence[str]) -> Check:
    """At least one of the fields must be present and not blank."""
    all_blank = " and ".join(_blank(_col(c)) for c in columns)
    names = " or ".join(f"'{f}'" for f in fields)
    return Check(f"case when {all_blank} then {literal(f'missing required field {names}')} end")


_INTEGER_OK = "regexp_full_match(trim({col}), '[+-]?[0-9]+(\\.0+)?')"
_NUMERIC_OK = "coalesce(isfinite(try_cast(trim({col}) as double)), false)"
_TIMESTAMP_OK = (
    "coalesce(try_cast(trim({col}) as timestamptz), try_cast(trim({col}) as timestamp)) is not null"
)


def integer(
    column: str, field: str, *, required: bool = True, low: int | None = None, high: int | None = None
) -> Check:
    """The field must be a whole number (optionally within [low, high])."""
    if low is None or high is None:
        return _typed(column, field, _INTEGER_OK, "an integer", required)
    in_range = f"{_INTEGER_OK} and try_cast(trim({{col}}) as double) between {low} and {high}"
    return _typed(column, field, in_range, f"an integer from {low} to {high}", required)


def numeric(column: str, field: str, *, required: bool = True) -> Check:
    """The field must be a finite number."""
    return _typed(column, field, _NUMERIC_OK, "a number", required)


def timestamp(column: str, field: str, *, required: bool = True) -> Check:
    """The field must parse as a timestamp (ISO-8601 with offset or Z, or `YYYY-MM-DD HH:MM:SS`)."""
    return _typed(column, field, _TIMESTAMP_OK, "a timestamp", required)


def any_timestamp(columns: Sequence[str], fields: Sequence[str]) -> Check:
    """At least one of the fields must be a parseable timestamp; the unparseable ones are named."""
    cols = [_col(c) for c in columns]
    all_blank = " and ".join(_blank(c) for c in cols)
    any_ok = " or ".join(f"({_TIMESTAMP_OK.format(col=c)})" for c in cols)
    first, rest = fields[0], ", ".join(f"'{f}'" for f in fields[1:])
    missing = literal(f"missing required field '{first}' (or {rest})")
    bad_parts = ", ".join(
        f"case when not {_blank(c)} then {_bad_value(c, f, 'a timestamp')} end"
        for c, f in zip(cols, fields, strict=True)
    )
    return Check(
        f"case when {all_blank} then {missing} when not ({any_ok}) then concat_ws('; ', {bad_parts}) end"
    )


def one_of(column: str, field: str, values: Sequence[str]) -> Check:
    """The field must be present and exactly one of `values`."""
    col = _col(column)
    allowed = ", ".join(literal(v) for v in values)
    what = "one of " + ", ".join(values)
    return Check(
        f"case when {_blank(col)} then {_missing(field)} "
        f"when {col} not in ({allowed}) then {_bad_value(col, field, what)} end"
    )


def required_when(column: str, field: str, condition_sql: str, condition_text: str) -> Check:
    """The field must be present when `condition_sql` (over raw columns) holds."""
    col = _col(column)
    reason = literal(f"missing required field '{field}' (required when {condition_text})")
    return Check(f"case when ({condition_sql}) and {_blank(col)} then {reason} end")
