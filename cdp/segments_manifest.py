"""Audiences as dbt sees them: the project's manifest (compiled when needed) and its audience nodes.

An audience is a model under `models/marts/audiences/` (or any model materialized as `audience`). The
manifest gives its file, YAML meta, dependencies and compiled SQL; `compiled_manifest` runs `dbt compile` on
a scratch DuckDB file so the warehouse is never opened or locked.
"""

from __future__ import annotations

import fcntl
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdp.console import CdpError

AUDIENCES_DIR = "models/marts/audiences/"
MARTS_DIR = "models/marts/"


@dataclass(frozen=True)
class AudienceNode:
    """One audience model from the manifest."""

    name: str
    unique_id: str
    file_path: str
    raw_code: str
    compiled_code: str | None
    meta: dict[str, Any]
    description: str
    depends_on: list[str]
    relation_name: str | None
    patch_path: str | None = None
    materialized: str | None = None

    @property
    def owner(self) -> str | None:
        """The `meta.owner` of the audience."""
        return self.meta.get("owner")

    @property
    def consent_purpose(self) -> str | None:
        """The consent purpose the audience requires, None for suppression lists."""
        purpose = self.meta.get("consent_purpose")
        return None if purpose in (None, "", "none") else str(purpose)

    @property
    def holdout_pct(self) -> float | None:
        """The holdout percentage, None when the audience has no holdout."""
        return self.meta.get("holdout_pct")


@dataclass
class ProjectManifest:
    """The parts of dbt's manifest the audience tools use."""

    nodes: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    adapter_type: str
    audiences: dict[str, AudienceNode] = field(default_factory=dict)

    def mart_relations(self) -> dict[tuple[str, str], str]:
        """(schema, table) of every mart model, lower-cased, to its model name."""
        relations = {}
        for node in self.nodes.values():
            if node.get("resource_type") == "model" and node["original_file_path"].startswith(MARTS_DIR):
                key = (node["schema"].lower(), (node.get("alias") or node["name"]).lower())
                relations[key] = node["name"]
        return relations

    def describe_relation(self, schema: str | None, table: str) -> str:
        """What a (schema, table) read by an audience is: 'staging model stg_x', 'raw table raw.y'..."""
        table = table.lower()
        for node in self.nodes.values():
            if node.get("resource_type") != "model":
                continue
            name = (node.get("alias") or node["name"]).lower()
            if name == table and (schema is None or node["schema"].lower() == schema.lower()):
                parts = node["original_file_path"].split("/")
                layer = parts[1] if len(parts) > 2 else "project"
                return f"{layer} model {node['name']}"
        for source in self.sources.values():
            name = (source.get("identifier") or source["name"]).lower()
            if name == table and (schema is None or source["schema"].lower() == schema.lower()):
                declared = f"{source['source_name']}.{source['name']}"
                return f"raw table {source['schema']}.{name} (source {declared})"
        return f"table {schema + '.' if schema else ''}{table}, which is not a mart model"


def _audience_of(node: dict[str, Any]) -> AudienceNode:
    config = node.get("config") or {}
    meta = {**(node.get("meta") or {}), **(config.get("meta") or {})}
    return AudienceNode(
        name=node["name"],
        unique_id=node["unique_id"],
        file_path=node["original_file_path"],
        raw_code=node.get("raw_code") or "",
        compiled_code=node.get("compiled_code"),
        meta=meta,
        description=node.get("description") or "",
        depends_on=list((node.get("depends_on") or {}).get("nodes") or []),
        relation_name=node.get("relation_name"),
        patch_path=node.get("patch_path"),
        materialized=config.get("materialized"),
    )


def is_audience(node: dict[str, Any]) -> bool:
    """True for models in the audiences folder or materialized as audiences."""
    if node.get("resource_type") != "model":
        return False
    materialized = (node.get("config") or {}).get("materialized")
    return node["original_file_path"].startswith(AUDIENCES_DIR) or materialized == "audience"


def read_manifest(manifest_path: Path) -> ProjectManifest:
    """Load `manifest.json` written by dbt parse/compile."""
    if not manifest_path.exists():
        raise CdpError(f"{manifest_path}: no dbt manifest; run `cdp build` or `dbt compile` first")
    data = json.loads(manifest_path.read_text())
    manifest = ProjectManifest(
        nodes={k: v for k, v in data["nodes"].items() if v.get("package_name") == _project_name(data)},
        sources=data.get("sources", {}),
        adapter_type=data.get("metadata", {}).get("adapter_type") or "duckdb",
    )
    manifest.audiences = {
        node["name"]: _audience_of(node) for node in manifest.nodes.values() if is_audience(node)
    }
    return manifest


def _project_name(data: dict[str, Any]) -> str:
    return data.get("metadata", {}).get("project_name") or "tessera"


def compiled_manifest(
    project_dir: Path, select: str | None = None, dbt_vars: Mapping[str, Any] | None = None
) -> ProjectManifest:
    """Compile the audiences (or `select`) of the project, with `dbt_vars` if given, and return the manifest.

    dbt runs in-process against a scratch DuckDB file, its target and logs beside it, so this works while
    another process holds the warehouse. The scratch folder is kept (`<target>/audience-compile`): dbt
    re-parses only the files that changed since the last compile there, where a new folder each time
    would parse the whole project (17 s of the sample's 59 s `cdp run`). A compile that finds the folder
    in use by another process falls back to a temporary folder.
    """
    from cdp.dbt_runner import dbt_target_dir

    kept = dbt_target_dir(project_dir) / "audience-compile"
    try:
        kept.mkdir(parents=True, exist_ok=True)
        lock = open(kept / ".lock", "w")  # noqa: SIM115 - held until the compile is done
    except OSError:
        lock = None
    if lock is not None:
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pass  # another compile holds the kept folder
            else:
                return _compile_in(kept, project_dir, select, dbt_vars)
    with tempfile.TemporaryDirectory(prefix="tessera-compile-") as tmp:
        return _compile_in(Path(tmp), project_dir, select, dbt_vars)


def _compile_in(
    scratch: Path, project_dir: Path, select: str | None, dbt_vars: Mapping[str, Any] | None
) -> ProjectManifest:
    from cdp.dbt_runner import run_dbt, vars_args

    manifest_path = scratch / "target" / "manifest.json"
    manifest_path.unlink(missing_ok=True)
    result = run_dbt(
        ["compile", "--select", select or f"path:{AUDIENCES_DIR.rstrip('/')}", *vars_args(dbt_vars)],
        project_dir=Path(project_dir),
        db_path=scratch / "compile.duckdb",
        target_path=scratch / "target",
        log_path=scratch / "logs",
    )
    if result.failures:
        first = result.failures[0]
        raise CdpError(f"dbt could not compile {first.file_path or first.name}: {first.message}")
    if not manifest_path.exists():
        raise CdpError(f"dbt could not compile the audiences; see {scratch / 'logs'}")
    return read_manifest(manifest_path)


def project_manifest(project_dir: Path) -> ProjectManifest:
    """The manifest of the last dbt run in the project (`target/manifest.json`), else a fresh compile."""
    from cdp.dbt_runner import dbt_target_dir

    manifest_path = dbt_target_dir(project_dir) / "manifest.json"
    if manifest_path.exists():
        return read_manifest(manifest_path)
    return compiled_manifest(project_dir)
