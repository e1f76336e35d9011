"""Audiences for analysts and the CLI: validate, list, show and transpile them (`cdp segments ...`).

An audience is a SQL model in `dbt_project/models/marts/audiences/` materialized as `audience`; on every
build it refreshes its table and records `segment_memberships` / `segment_sizes` (see docs/segments.md).
`validate_audiences` checks them with sqlglot before the build; `cdp build` calls it first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from cdp.console import CdpError
from cdp.project_vars import consent_purposes
from cdp.segments_manifest import AudienceNode, ProjectManifest, compiled_manifest, project_manifest
from cdp.segments_profile import ProfileDetails, connect_warehouse, profile_details
from cdp.segments_validation import AudienceProblem, check_audience, check_meta, warehouse_columns

#: Dialect names `cdp segments sql --dialect` accepts besides any other sqlglot dialect.
COMMON_DIALECTS = ("snowflake", "bigquery", "postgres", "spark", "databricks", "redshift", "duckdb", "trino")


@dataclass(frozen=True)
class SegmentSummary:
    """One audience in `cdp segments list`."""

    name: str
    owner: str | None
    description: str
    consent_purpose: str | None
    holdout_pct: float | None
    size: int | None
    change: int | None
    entered: int | None
    exited: int | None
    built_at: datetime | None


@dataclass(frozen=True)
class SizePoint:
    """The audience after one build."""

    built_at: datetime
    size: int
    holdout_size: int
    entered: int
    exited: int


@dataclass
class SegmentDetail:
    """`cdp segments show NAME`: the definition, its history and a sample of members."""

    summary: SegmentSummary
    file_path: str
    sql: str
    size_history: list[SizePoint] = field(default_factory=list)
    sample_columns: list[str] = field(default_factory=list)
    sample_rows: list[tuple[Any, ...]] = field(default_factory=list)


def validate_audiences(
    project_dir: Path,
    db_path: Path | None,
    *,
    manifest: ProjectManifest | None = None,
    dbt_vars: Mapping[str, Any] | None = None,
) -> list[AudienceProblem]:
    """Problems of every audience of the project, from its freshly compiled SQL and YAML meta.

    `db_path` (optional, opened read-only) lets `select *` from a mart table be checked for customer_id;
    pass `manifest` to reuse one already compiled. `dbt_vars` are the build's own (`cdp build --vars`): the
    audiences compile with them, and their `consent_purposes` replaces the project's. An empty list means
    every audience may build.
    """
    manifest = manifest or compiled_manifest(project_dir, dbt_vars=dbt_vars)
    lookup = warehouse_columns(db_path)
    purposes = consent_purposes(Path(project_dir), dbt_vars)
    problems: list[AudienceProblem] = []
    for audience in sorted(manifest.audiences.values(), key=lambda a: a.name):
        problems += check_audience(audience, manifest, lookup)
        problems += check_meta(audience, Path(project_dir), purposes=purposes)
    return problems


def require_valid_audiences(
    project_dir: Path,
    db_path: Path | None,
    *,
    manifest: ProjectManifest | None = None,
    dbt_vars: Mapping[str, Any] | None = None,
) -> None:
    """Raise CdpError when an audience breaks a rule; the message carries every problem, one per line
    (the first line alone is a usable one-line reason). `cdp build` calls this before `dbt build`."""
    problems = validate_audiences(project_dir, db_path, manifest=manifest, dbt_vars=dbt_vars)
    if problems:
        count = f"{len(problems)} audience problem{'s' if len(problems) > 1 else ''}"
        raise CdpError(f"{count}: " + "\n".join(str(p) for p in problems))


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    query = "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?"
    return con.execute(query, [name]).fetchone()[0] > 0


def _size_history(con: duckdb.DuckDBPyConnection, name: str, limit: int | None = None) -> list[SizePoint]:
    if not _has_table(con, "segment_sizes"):
        return []
    rows = con.execute(
        "select built_at, size, holdout_size, entered, exited from main.segment_sizes"
        " where segment_name = ? order by built_at desc, invocation_id desc"
        + (f" limit {int(limit)}" if limit else ""),
        [name],
    ).fetchall()
    return [SizePoint(*row) for row in rows]


def _summary(audience: AudienceNode, history: list[SizePoint]) -> SegmentSummary:
    latest = history[0] if history else None
    previous = history[1] if len(history) > 1 else None
    return SegmentSummary(
        name=audience.name,
        owner=audience.owner,
        description=audience.description,
        consent_purpose=audience.consent_purpose,
        holdout_pct=audience.holdout_pct,
        size=latest.size if latest else None,
        change=latest.size - previous.size if latest and previous else None,
        entered=latest.entered if latest else None,
        exited=latest.exited if latest else None,
        built_at=latest.built_at if latest else None,
    )


def list_segments(db_path: Path, project_dir: Path) -> list[SegmentSummary]:
    """Every audience of the project: its size after the last build and the change since the build before."""
    manifest = project_manifest(project_dir)
    with connect_warehouse(db_path) as con:
        return [
            _summary(audience, _size_history(con, audience.name, limit=2))
            for audience in sorted(manifest.audiences.values(), key=lambda a: a.name)
        ]


def _audience(manifest: ProjectManifest, name: str) -> AudienceNode:
    if name not in manifest.audiences:
        known = ", ".join(sorted(manifest.audiences)) or "none"
        raise CdpError(f"unknown segment {name!r}; known segments: {known}")
    return manifest.audiences[name]


def show_segment(db_path: Path, project_dir: Path, name: str, sample: int = 10) -> SegmentDetail:
    """An audience's definition (its SQL file), size after every build (newest first) and sample members."""
    audience = _audience(project_manifest(project_dir), name)
    with connect_warehouse(db_path) as con:
        history = _size_history(con, name)
        detail = SegmentDetail(
            summary=_summary(audience, history),
            file_path=audience.file_path,
            sql=audience.raw_code,
            size_history=history,
        )
        if _has_table(con, name) and sample > 0:
            cursor = con.execute(f'select * from main."{name}" order by customer_id limit {int(sample)}')
            detail.sample_columns = [c[0] for c in cursor.description]
            detail.sample_rows = cursor.fetchall()
    return detail


def _strip_catalog(node: exp.Expression) -> exp.Expression:
    # The compiled SQL names the scratch DuckDB file as catalog; another engine has its own.
    if isinstance(node, exp.Table) and node.args.get("catalog"):
        node.set("catalog", None)
    return node


def segment_sql(project_dir: Path, name: str, dialect: str) -> str:
    """The audience's compiled SQL transpiled by sqlglot to `dialect` (snowflake, bigquery, postgres...)."""
    try:
        sqlglot.Dialect.get_or_raise(dialect)
    except ValueError as error:
        choices = ", ".join(COMMON_DIALECTS)
        raise CdpError(
            f"unknown dialect {dialect!r}; try one of {choices} (any sqlglot dialect works)"
        ) from error
    manifest = compiled_manifest(project_dir, select=name)
    audience = _audience(manifest, name)
    if not audience.compiled_code:
        raise CdpError(f"dbt compiled no SQL for segment {name!r}")
    tree = sqlglot.parse_one(audience.compiled_code, read="duckdb").transform(_strip_catalog)
    return tree.sql(dialect=dialect, pretty=True)


__all__ = [
    "AudienceProblem",
    "ProfileDetails",
    "SegmentDetail",
    "SegmentSummary",
    "SizePoint",
    "list_segments",
    "profile_details",
    "require_valid_audiences",
    "segment_sql",
    "show_segment",
    "validate_audiences",
]
