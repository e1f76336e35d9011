"""Custom sources (`custom/`) -> `raw.custom_records`, driven by a YAML mapping per source.

Which mapping a data file uses (decided here, kept simple):
- `custom/<name>.<csv|json|jsonl|parquet>[.gz]` uses `custom/<name>.yml` (or `.yaml`);
- parts: `custom/<name>-part<N>.<ext>` (also `-part-<N>`, `_part<N>`) use the same `<name>.yml`;
- a folder of parts, `custom/<name>/<anything>.<ext>`, uses `custom/<name>.yml` too.
`source_name` is `<name>`, the mapping's stem. A data file with no mapping is quarantined as a whole with a
reason telling the user which YAML to add. The manifest's sha256 of a custom file covers the data file *and*
its mapping, so adding or fixing a mapping reloads a file that was quarantined for want of one.

JSON files are a top-level array of records, or an object whose `records_key` (from the mapping) holds it.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ingest import checks
from ingest.base import Field, FileContext, SourceLoader, Target
from ingest.columns import find_column
from ingest.custom_mapping import CustomMapping, MappingError, load_mapping
from ingest.errors import FileRejected
from ingest.files import DataFile
from ingest.readers import ReadResult, read_csv, read_document, read_jsonl, read_parquet
from ingest.schema import RAW_TABLES
from ingest.sql import json_pointer, literal

_PART_SUFFIX = re.compile(r"^(?P<name>.+?)[-_]part-?\d+$", re.IGNORECASE)
_NAME_COLUMNS = ("first_name", "last_name")


class CustomLoader(SourceLoader):
    """Any tabular or JSON file plus a mapping of its columns to identifiers and attributes."""

    source = "custom"
    extensions = (".csv", ".json", ".jsonl", ".parquet")

    def __init__(self) -> None:
        self._mappings: dict[Path, CustomMapping | MappingError] = {}

    def is_companion(self, file: DataFile) -> bool:
        return file.path.suffix.lower() in (".yml", ".yaml")

    def is_binary_format(self, file: DataFile) -> bool:
        return file.format_name.endswith(".parquet")

    def identity_paths(self, file: DataFile) -> tuple[Path, ...]:
        mapping = mapping_path(file)
        return (file.path, mapping) if mapping else (file.path,)

    def prepare(self, file: DataFile) -> None:
        self._mapping_for(file)

    def read(self, con: duckdb.DuckDBPyConnection, ctx: FileContext) -> ReadResult:
        path, fmt = ctx.file.path, ctx.file.format_name
        if fmt.endswith(".csv"):
            return read_csv(con, path)
        if fmt.endswith(".jsonl"):
            return read_jsonl(con, path)
        if fmt.endswith(".json"):
            key = self._mapping_for(ctx.file).records_key
            return read_document(con, path, [key] if key else [], top_level_array=key is None)
        if ctx.file.is_gzip:
            # Parquet cannot be read through gzip, so it is inflated to a temporary file first.
            with tempfile.TemporaryDirectory(prefix="tessera-") as tmp:
                plain = Path(tmp) / "data.parquet"
                with gzip.open(path, "rb") as src, plain.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                return read_parquet(con, plain)
        return read_parquet(con, path)

    def targets(self, read: ReadResult, ctx: FileContext) -> Sequence[Target]:
        mapping = self._mapping_for(ctx.file)
        name = source_name(ctx.file)
        column = self._column_resolver(read.columns, mapping, ctx)
        fields = [
            Field("source_name", kind="sql", sql=literal(name)),
            Field("record_id", column(mapping.primary_key, required=True)),
            Field("occurred_at", column(mapping.occurred_at)),
        ]
        for identifier in ("email", "phone", "user_id", "crm_id", "loyalty_id"):
            fields.append(Field(identifier, column(mapping.identifiers.get(identifier))))  # type: ignore[call-overload]
        for name_column in _NAME_COLUMNS:
            fields.append(Field(name_column, column(mapping.attributes.get(name_column))))
        others = []
        for attribute, source_column in mapping.attributes.items():
            path = column(source_column)
            if attribute not in _NAME_COLUMNS and path is not None:
                others += [literal(attribute), f"json_extract(record, {literal(path)})"]
        attributes_sql = f"json_object({', '.join(others)})" if others else "'{}'::json"
        fields.append(Field("attributes", kind="sql", sql=attributes_sql))
        rules = [checks.required("record_id", mapping.primary_key)]
        if mapping.occurred_at:
            rules.append(checks.timestamp("occurred_at", mapping.occurred_at, required=False))
        return [Target(RAW_TABLES["custom_records"], fields, rules)]

    def _column_resolver(self, header: list[str] | None, mapping: CustomMapping, ctx: FileContext):
        """Map a mapping column name to a record path; for tabular files, check it is in the header."""
        warned: set[str] = set()

        def column(name: str | None, *, required: bool = False) -> str | None:
            if name is None:
                return None
            if header is None:
                return json_pointer(name)
            actual = find_column(header, name)
            if actual is None and required:
                shown = ", ".join(f"'{h}'" for h in header[:30])
                raise FileRejected(
                    f"missing primary key column '{name}' named in the mapping (columns found: {shown})"
                )
            if actual is None:
                if name not in warned:
                    ctx.warnings.append(f"mapped column '{name}' is not in the file: lands as NULL")
                    warned.add(name)
                return None
            return json_pointer(actual)

        return column

    def _mapping_for(self, file: DataFile) -> CustomMapping:
        path = mapping_path(file)
        if path is None:
            raise FileRejected(
                f"no mapping for this custom file: add custom/{source_name(file)}.yml with at least "
                "`primary_key: <column>` (see ingest/custom_mapping.py for the format)"
            )
        if path not in self._mappings:
            try:
                self._mappings[path] = load_mapping(path, f"custom/{path.name}")
            except MappingError as exc:
                self._mappings[path] = exc
        mapping = self._mappings[path]
        if isinstance(mapping, MappingError):
            raise FileRejected(f"invalid mapping {mapping}")
        return mapping


def source_name(file: DataFile) -> str:
    """The custom source a data file belongs to (see the module docstring)."""
    custom_root = _custom_root(file)
    rel = file.path.relative_to(custom_root)
    if len(rel.parts) > 1:
        return rel.parts[0]
    match = _PART_SUFFIX.match(file.stem)
    return match.group("name") if match and not _find_yaml(custom_root, file.stem) else file.stem


def mapping_path(file: DataFile) -> Path | None:
    """The YAML mapping for a data file, or None when there is none."""
    return _find_yaml(_custom_root(file), source_name(file))


def _custom_root(file: DataFile) -> Path:
    depth = len(Path(file.rel_path).parts) - 1  # rel_path is custom/...; walk up to the custom folder
    root = file.path
    for _ in range(depth):
        root = root.parent
    return root


def _find_yaml(folder: Path, name: str) -> Path | None:
    for suffix in (".yml", ".yaml"):
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None
