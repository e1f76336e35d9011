"""Check audiences before they build: parse each one's compiled SQL with sqlglot and its YAML meta.

Rules (each problem names the file, the line and the fix):
- the SQL is one query, with no DML or DDL anywhere (insert, update, delete, merge, create, drop...);
- it reads only mart models (models/marts/...), never raw tables, staging or intermediate models, files;
- its result has a `customer_id` column (stars are followed through CTEs and, with a warehouse, tables);
- meta names an owner, a known consent purpose (or none) and a holdout_pct between 0 and 100.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from cdp.project_vars import consent_purposes
from cdp.segments_manifest import AudienceNode, ProjectManifest
from cdp.segments_profile import connect_warehouse

MART_HINT = "customer_traits, customer_profiles, fct_orders, fct_customer_events or customer_identifiers"
_DML = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Drop, exp.Create, exp.Alter, exp.TruncateTable)
_DML_WORDS = re.compile(r"\b(insert|update|delete|merge|drop|create|alter|truncate|copy|attach)\b", re.I)

ColumnLookup = Callable[[str | None, str], list[str] | None]


@dataclass(frozen=True)
class AudienceProblem:
    """A rule an audience breaks, where, and how to fix it."""

    audience: str
    file: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: audience {self.audience} {self.message}. Fix: {self.fix}"


def _line_of(text: str, pattern: re.Pattern[str] | str, default: int = 1) -> int:
    regex = re.compile(pattern, re.I) if isinstance(pattern, str) else pattern
    for number, line in enumerate(text.splitlines(), start=1):
        if regex.search(line.split("--")[0]):
            return number
    return default


def _final_select_line(raw_code: str) -> int:
    final_cte = _line_of(raw_code, r"^\s*final\s+as\s*\(", default=0)
    if final_cte:
        return final_cte + 1
    lines = raw_code.splitlines()
    selects = [i for i, line in enumerate(lines, start=1) if re.match(r"^\s*select\b", line, re.I)]
    return selects[-1] if selects else 1


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _cte_queries(tree: exp.Expression) -> dict[str, exp.Expression]:
    return {cte.alias_or_name.lower(): cte.this for cte in tree.find_all(exp.CTE)}


def _first_select(query: exp.Expression) -> exp.Select | None:
    while isinstance(query, exp.SetOperation | exp.Subquery):
        query = query.this if isinstance(query, exp.Subquery) else query.left
    return query if isinstance(query, exp.Select) else None


def _output_columns(
    query: exp.Expression, ctes: dict[str, exp.Expression], lookup: ColumnLookup, depth: int = 0
) -> set[str] | None:
    """Lower-cased output columns of `query`; None when a star cannot be resolved."""
    select = _first_select(query)
    if select is None or depth > 20:
        return None
    sources: dict[str, exp.Expression] = {}
    from_clause = select.args.get("from") or select.args.get("from_")
    relations = [from_clause.this] if from_clause is not None else []
    relations += [join.this for join in select.args.get("joins") or []]
    for relation in relations:
        sources[relation.alias_or_name.lower()] = relation
    columns: set[str] = set()
    for projection in select.expressions:
        star_table: str | None = None
        if isinstance(projection, exp.Star):
            star_table = "*"
        elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
            star_table = projection.table.lower()
        if star_table is None:
            columns.add(projection.alias_or_name.lower())
            continue
        targets = list(sources.values()) if star_table == "*" else [sources.get(star_table)]
        for relation in targets:
            resolved = _relation_columns(relation, ctes, lookup, depth)
            if resolved is None:
                return None
            columns |= resolved
    return columns


def _relation_columns(
    relation: exp.Expression | None, ctes: dict[str, exp.Expression], lookup: ColumnLookup, depth: int
) -> set[str] | None:
    if isinstance(relation, exp.Subquery):
        return _output_columns(relation.this, ctes, lookup, depth + 1)
    if isinstance(relation, exp.Table):
        name = relation.name.lower()
        if not relation.args.get("db") and name in ctes:
            return _output_columns(ctes[name], ctes, lookup, depth + 1)
        found = lookup(relation.db or None, relation.name)
        return {c.lower() for c in found} if found is not None else None
    return None


def _dialect(adapter_type: str) -> str:
    return {"spark": "spark", "databricks": "databricks", "postgres": "postgres"}.get(adapter_type, "duckdb")


def check_audience(
    audience: AudienceNode, manifest: ProjectManifest, lookup: ColumnLookup
) -> list[AudienceProblem]:
    """The problems of one audience's compiled SQL (see the module docstring)."""
    file, raw = audience.file_path, audience.raw_code
    problems: list[AudienceProblem] = []

    def problem(line: int, message: str, fix: str) -> None:
        problems.append(AudienceProblem(audience.name, file, line, message, fix))

    sql = audience.compiled_code or ""
    try:
        statements = [s for s in sqlglot.parse(sql, read=_dialect(manifest.adapter_type)) if s is not None]
    except sqlglot.errors.ParseError as error:
        detail = error.errors[0] if error.errors else {}
        problem(
            1,
            f"has SQL sqlglot cannot parse ({detail.get('description', error)} at compiled line "
            f"{detail.get('line', '?')})",
            "write a single select statement",
        )
        return problems
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        kinds = ", ".join(type(s).__name__.lower() for s in statements) or "nothing"
        problem(
            _line_of(raw, _DML_WORDS),
            f"must be exactly one select query, found: {kinds}",
            "keep one select (CTEs allowed) and no other statements",
        )
        if not statements or not isinstance(statements[0], exp.Query):
            return problems
    tree = statements[0]
    for node in tree.find_all(*_DML):
        word = type(node).__name__.lower()
        problem(
            _line_of(raw, _DML_WORDS),
            f"contains a {word} statement (DML/DDL is not allowed)",
            "an audience only selects; remove the statement (the build maintains the table and its history)",
        )
        break
    marts = manifest.mart_relations()
    ctes = _cte_names(tree)
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            problem(
                _line_of(raw, re.escape(table.this.sql().split("(")[0]) if table.this else r"from"),
                f"reads {table.sql()}, which is not a mart model",
                f"read from marts only, e.g. {{{{ ref('customer_traits') }}}} ({MART_HINT})",
            )
            continue
        name, schema = table.name.lower(), (table.db or "").lower() or None
        if schema is None and name in ctes:
            continue
        if (schema, name) in marts or (schema is None and any(k[1] == name for k in marts)):
            continue
        what = manifest.describe_relation(schema, name)
        problem(
            _line_of(raw, rf"\b{re.escape(name)}\b"),
            f"reads {what}; audiences may read only marts",
            f"select from a mart instead, e.g. {{{{ ref('customer_traits') }}}} ({MART_HINT}); "
            "if the data is not in a mart yet, add it to one",
        )
    columns = _output_columns(tree, _cte_queries(tree), lookup)
    if columns is not None and "customer_id" not in columns:
        returned = ", ".join(sorted(columns))
        problem(
            _final_select_line(raw),
            f"returns no customer_id column (it returns {returned})",
            "select customer_id in the final select (from customer_traits or another mart)",
        )
    return problems


def check_meta(
    audience: AudienceNode, project_dir: Path, *, purposes: tuple[str, ...] | None = None
) -> list[AudienceProblem]:
    """Problems with an audience's YAML entry: description, owner, consent purpose, holdout.

    `purposes`: the project's consent purposes, when the caller has read them once for every audience
    (default: read from the project's dbt_project.yml)."""
    yml = (audience.patch_path or "").split("://", 1)[-1] or audience.file_path
    line = 1
    yml_path = Path(project_dir) / yml
    problems: list[AudienceProblem] = []
    entry = f"YAML entry (`- name: {audience.name}` with `config: meta:`)"

    def problem(message: str, fix: str) -> None:
        problems.append(AudienceProblem(audience.name, yml, line, message, fix))

    if audience.patch_path and yml_path.exists():
        line = _line_of(yml_path.read_text(), rf"-\s*name:\s*{re.escape(audience.name)}\s*$")
    if audience.materialized != "audience":
        problem(
            f"is materialized as {audience.materialized}, so its membership history is not kept",
            f"set `materialized: audience` under config in its {entry}",
        )
    if not audience.description.strip():
        problem("has no description", f"add a description to its {entry}")
    if not audience.owner:
        problem("has no meta.owner", f"add `owner: <team>` under meta in its {entry}")
    purpose = audience.meta.get("consent_purpose")
    purposes = purposes or consent_purposes(project_dir)
    if purpose is None:
        problem(
            "has no meta.consent_purpose",
            f"add `consent_purpose:` one of {', '.join(purposes)}, or none for suppression lists",
        )
    elif purpose not in (*purposes, "none", ""):
        problem(f"has unknown meta.consent_purpose {purpose!r}", f"use one of {', '.join(purposes)} or none")
    holdout = audience.holdout_pct
    if holdout is not None and (not isinstance(holdout, int | float) or not 0 <= holdout < 100):
        problem(f"has meta.holdout_pct {holdout!r}", "set a number of percent from 0 up to 100, e.g. 10")
    return problems


def warehouse_columns(db_path: Path | None) -> ColumnLookup:
    """A column lookup reading the warehouse's catalog (read-only); unknown tables give None."""
    cache: dict[tuple[str | None, str], list[str] | None] = {}
    con = None
    if db_path is not None and Path(db_path).exists():
        try:
            con = connect_warehouse(db_path)
        except duckdb.Error:
            con = None  # held by a build in another process: stars into tables stay unresolved

    def lookup(schema: str | None, table: str) -> list[str] | None:
        key = (schema, table.lower())
        if key not in cache:
            rows = []
            if con is not None:
                rows = con.execute(
                    "select column_name from information_schema.columns where lower(table_name) = ?"
                    " and (? is null or lower(table_schema) = ?) order by ordinal_position",
                    [table.lower(), schema and schema.lower(), schema and schema.lower()],
                ).fetchall()
            cache[key] = [r[0] for r in rows] or None
        return cache[key]

    return lookup
