"""The dbt project's vars as its `dbt_project.yml` sets them, for Python that must agree with the models.

dbt reads a var from `--vars` first, then from `vars:` under the project's name, then from global `vars:`.
The Dagster assets pass no `--vars`, so `dbt_project.yml` is what their builds use; `cdp build --vars` passes
its vars here too, so its checks agree with its build.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

#: The purposes the var `consent_purposes` lists in dbt_project.yml as shipped.
DEFAULT_CONSENT_PURPOSES: tuple[str, ...] = ("email_marketing", "sms_marketing", "ads_targeting", "analytics")


def project_var(project_dir: Path, name: str) -> Any | None:
    """The var `name` in `<project_dir>/dbt_project.yml` (project-scoped, else global); None when unset or
    the file is missing or not YAML."""
    try:
        project = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    variables = project.get("vars") if isinstance(project, dict) else None
    if not isinstance(variables, dict):
        return None
    scoped = variables.get(project.get("name"))
    if isinstance(scoped, dict) and name in scoped:
        return scoped[name]
    return variables.get(name)


def consent_purposes(project_dir: Path, dbt_vars: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The consent purposes the project tracks (the var `consent_purposes`, from a build's `dbt_vars` first,
    as dbt reads `--vars`); the defaults when it does not set a list of names."""
    name = "consent_purposes"
    value = dbt_vars[name] if dbt_vars and name in dbt_vars else project_var(project_dir, name)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return DEFAULT_CONSENT_PURPOSES
