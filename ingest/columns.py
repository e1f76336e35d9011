"""Matching a tabular file's header (CSV, Parquet) to the columns a source expects."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ingest.base import Field, FileContext
from ingest.errors import FileRejected
from ingest.sql import json_pointer


def find_column(header: Sequence[str], wanted: str) -> str | None:
    """The header name matching `wanted`: exact first, then ignoring case and surrounding spaces."""
    if wanted in header:
        return wanted
    folded = wanted.strip().casefold()
    return next((name for name in header if name.strip().casefold() == folded), None)


def header_fields(
    header: Sequence[str],
    columns: Mapping[str, str],
    required: Collection[str],
    ctx: FileContext,
    quiet: Collection[str] = (),
) -> list[Field]:
    """Fields for raw columns filled from header columns (`columns`: raw column -> header name).

    A missing required header rejects the whole file; a missing optional one lands as NULL with a warning,
    except `quiet` headers (useful extras outside the source's contract, which many exports lack).
    """
    fields, absent = [], []
    for raw_column, wanted in columns.items():
        actual = find_column(header, wanted)
        if actual is None and wanted in required:
            shown = ", ".join(f"'{h}'" for h in header[:30])
            raise FileRejected(f"missing required column '{wanted}' (columns found: {shown})")
        if actual is None and wanted not in quiet:
            absent.append(wanted)
        fields.append(Field(raw_column, json_pointer(actual) if actual is not None else None))
    if absent:
        names = ", ".join(f"'{name}'" for name in absent)
        ctx.warnings.append(f"missing optional column{'s' if len(absent) > 1 else ''} {names}: land as NULL")
    return fields
