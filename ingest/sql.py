"""Small helpers for building the loaders' SQL safely.

Values that come from users (file paths, CSV headers, mapping column names) only ever enter SQL as string
literals built here, never as bare identifiers, so no header can break out of its quotes.
"""

from __future__ import annotations


def literal(value: str) -> str:
    """A SQL string literal for `value` (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def json_pointer(key: str) -> str:
    """The RFC 6901 JSON pointer of a top-level `key` (works for keys with spaces, dots or slashes)."""
    return "/" + key.replace("~", "~0").replace("/", "~1")


def quoted_value(expr: str, max_chars: int = 80) -> str:
    """SQL expression rendering `expr` as `'value'` for a reason message, shortened when long."""
    shortened = (
        f"case when length({expr}) > {max_chars} then left({expr}, {max_chars}) || '…' else {expr} end"
    )
    return f"'''' || {shortened} || ''''"
