"""`syncs.yml`: typed, validated sync definitions.

Every error names the file, the sync and the key, e.g.
`syncs.yml: sync 'vip_to_crm': destination.table: field required`. Secrets are written as `${ENV_VAR}`
references and resolved from the environment; a literal secret in the file is an error.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator

from reverse_etl.destinations.base import DestinationSettings, Mode
from reverse_etl.errors import SyncConfigError
from reverse_etl.registry import destination_class, destination_types

_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
#: A consent purpose: a name of the dbt var `consent_purposes`. Which names the warehouse tracks is checked
#: when the sync is planned (`customer_consent` holds a row per customer and tracked purpose), so a purpose
#: the project adds is accepted without the sync config knowing the project.
_PURPOSE = r"^[a-z_][a-z0-9_]*$"
_RELATION = r"^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?LW#]+$")


class _SyncFields(BaseModel):
    """The generic part of a sync; `destination` is validated by the destination's own settings model."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    source: str = Field(pattern=_RELATION)
    mode: Mode
    primary_key: str = Field(min_length=1)
    batch_size: PositiveInt | None = None
    fields: dict[str, str] | None = None
    schedule: str | None = None
    purpose: str | None = Field(default=None, pattern=_PURPOSE)
    require_consent: bool = False
    description: str | None = None
    destination: dict[str, Any]

    @field_validator("fields")
    @classmethod
    def _fields_not_empty(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None and not value:
            raise ValueError("must map at least one destination field to a model column, or be omitted")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            parts = value.split()
            if len(parts) != 5 or not all(_CRON_FIELD.match(p) for p in parts):
                raise ValueError(f"{value!r} is not a 5-field cron expression such as '0 * * * *'")
        return value


@dataclass(frozen=True)
class SyncSpec:
    """One validated sync."""

    name: str
    source: str
    mode: Mode
    primary_key: str
    destination: DestinationSettings
    batch_size: int | None = None
    fields: dict[str, str] | None = None
    schedule: str | None = None
    purpose: str | None = None
    require_consent: bool = False
    description: str | None = None

    @property
    def destination_type(self) -> str:
        return self.destination.type


@dataclass(frozen=True)
class SyncConfig:
    """All syncs of a config file; `path` resolves relative destination paths."""

    path: Path
    syncs: tuple[SyncSpec, ...]

    def select(self, names: list[str] | tuple[str, ...] | None) -> list[SyncSpec]:
        """The syncs named (all when None), in file order; an unknown name is an error."""
        if not names:
            return list(self.syncs)
        known = {s.name: s for s in self.syncs}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SyncConfigError(
                f"{self.path}: no sync named {', '.join(map(repr, unknown))}; "
                f"defined: {', '.join(known) or 'none'}"
            )
        return [s for s in self.syncs if s.name in names]


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(sync)"


def _expand_env(value: Any, where: str, secret: bool) -> Any:
    """Replace `${VAR}` references by the environment's values; secrets must be references."""
    if not isinstance(value, str):
        if secret and value is not None:
            raise ValueError(f"{where}: secrets must be given as ${{ENV_VAR}}, not written in the file")
        return value
    if secret and not _ENV_REF.search(value):
        raise ValueError(f"{where}: secrets must be given as ${{ENV_VAR}}, not written in the file")

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"{where}: environment variable {name} is not set")
        return os.environ[name]

    return _ENV_REF.sub(lookup, value)


def _check_dsn_password(raw: Any, where: str) -> None:
    if isinstance(raw, str) and "://" in raw and not _ENV_REF.search(raw):
        try:
            password = urlsplit(raw).password
        except ValueError:
            password = None
        if password:
            raise ValueError(f"{where}: put the password in an environment variable, e.g. ${{PGPASSWORD}}")


def _parse_sync(raw: Any, index: int, file: Path) -> SyncSpec:
    label = f"sync '{raw.get('name')}'" if isinstance(raw, dict) and raw.get("name") else f"sync #{index + 1}"
    prefix = f"{file}: {label}"
    if not isinstance(raw, dict):
        raise SyncConfigError(f"{prefix}: each sync must be a mapping of keys, got {type(raw).__name__}")
    try:
        generic = _SyncFields.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_loc(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SyncConfigError(f"{prefix}: {problems}") from None

    dest_raw = dict(generic.destination)
    dest_type = dest_raw.get("type")
    if dest_type not in destination_types():
        raise SyncConfigError(
            f"{prefix}: destination.type: {dest_type!r} is not one of {', '.join(destination_types())}"
        )
    cls = destination_class(dest_type)
    try:
        for key, value in list(dest_raw.items()):
            where = f"destination.{key}"
            if key == "dsn":
                _check_dsn_password(value, where)
            dest_raw[key] = _expand_env(value, where, secret=key in cls.secret_fields)
    except ValueError as exc:
        raise SyncConfigError(f"{prefix}: {exc}") from None
    try:
        settings = cls.settings_model.model_validate(dest_raw)
    except ValidationError as exc:
        # Never echo input values: they may hold resolved secrets.
        problems = "; ".join(f"destination.{_loc(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SyncConfigError(f"{prefix}: {problems}") from None

    caps = cls.capabilities
    if generic.mode not in caps.modes:
        raise SyncConfigError(
            f"{prefix}: mode: {dest_type} destinations support {', '.join(sorted(caps.modes))}, "
            f"not {generic.mode!r}"
        )
    max_batch = min(caps.max_batch, settings.batch_size_limit or caps.max_batch)
    if generic.batch_size is not None and generic.batch_size > max_batch:
        raise SyncConfigError(
            f"{prefix}: batch_size: {generic.batch_size} exceeds the {dest_type} maximum of {max_batch}"
        )
    if caps.requires_purpose and generic.purpose is None:
        raise SyncConfigError(
            f"{prefix}: purpose: {dest_type} syncs target people with ads and must declare a consent purpose "
            "(usually 'ads_targeting')"
        )
    if caps.identifiers and generic.fields is not None and not set(caps.identifiers) & set(generic.fields):
        raise SyncConfigError(
            f"{prefix}: fields: {dest_type} needs at least one of the destination fields "
            f"{', '.join(caps.identifiers)} (mapping: destination field -> model column)"
        )
    return SyncSpec(
        name=generic.name,
        source=generic.source,
        mode=generic.mode,
        primary_key=generic.primary_key,
        destination=settings,
        batch_size=generic.batch_size,
        fields=generic.fields,
        schedule=generic.schedule,
        purpose=generic.purpose,
        require_consent=generic.require_consent,
        description=generic.description,
    )


def load_sync_config(path: Path) -> SyncConfig:
    """Read and validate a syncs file; raise SyncConfigError naming the file, the sync and the key."""
    path = Path(path)
    if not path.exists():
        raise SyncConfigError(f"{path}: sync configuration file not found (create it or pass --config FILE)")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SyncConfigError(f"{path}: not valid YAML: {exc}") from None
    if document is None:
        document = {"syncs": []}
    if not isinstance(document, dict) or not isinstance(document.get("syncs", []), list):
        raise SyncConfigError(f"{path}: syncs: expected a top-level key 'syncs' holding a list of syncs")
    extra = set(document) - {"syncs"}
    if extra:
        raise SyncConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(extra))}; only 'syncs'")
    specs = [_parse_sync(raw, i, path) for i, raw in enumerate(document.get("syncs") or [])]
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise SyncConfigError(f"{path}: sync '{spec.name}': name: defined more than once")
        seen.add(spec.name)
    return SyncConfig(path=path.resolve(), syncs=tuple(specs))
