"""The one small interface every destination implements, and the records it receives.

A destination declares its capabilities (modes, largest batch, rate limit, identifiers it accepts), checks
its connection, prepares itself for the model's columns and writes batches. `write` must be idempotent per
key (a batch may be sent again after a crash) and returns which records it rejected; every other record of
the batch is acknowledged.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from reverse_etl.ratelimit import TokenBucket

Mode = Literal["insert", "update", "upsert", "mirror"]
Action = Literal["insert", "update", "upsert", "remove"]


@dataclass(frozen=True)
class Capabilities:
    """What a destination supports; the config is validated against it before anything runs."""

    modes: frozenset[str]
    max_batch: int
    rate_limit: float | None = None  # requests per second, None when unlimited
    burst: int = 1
    identifiers: tuple[str, ...] = ()  # destination fields that identify a person, if it needs some
    requires_purpose: bool = False
    # Rows of the first batch, for a destination that prepares the next batch while the current one loads:
    # batches then double in size up to the batch size (`reverse_etl.batches`). None: every batch is full.
    first_batch: int | None = None


@dataclass(frozen=True)
class Column:
    """A destination column: its name as sent and the DuckDB type of the model column behind it."""

    name: str
    duckdb_type: str


@dataclass(frozen=True)
class Record:
    """One change to deliver: `key` is the primary key as text, `key_value` its native value.

    For a removal, `fields` holds the removal handle the destination returned when it acknowledged the
    record (empty if it returned none).
    """

    action: Action
    key: str
    key_value: Any
    fields: dict[str, Any]


class Batch:
    """Records of one run delivered together; `number` counts from 1 within the run.

    A batch read from the plan keeps its `source` (a slice of the plan file) and loads `records` only
    when asked, so bulk destinations can load the slice directly. Halves of a split batch carry
    explicit records and no source.
    """

    def __init__(self, number: int, records: list[Record] | None = None, *, source: Any = None) -> None:
        if records is None and source is None:
            raise ValueError("a batch needs records or a source")
        self.number = number
        self.source = source
        self._records = records

    @property
    def records(self) -> list[Record]:
        if self._records is None:
            self._records = self.source.records()
        return self._records

    def __len__(self) -> int:
        return len(self._records) if self._records is not None else len(self.source)


@dataclass
class BatchResult:
    """Per-record outcome of a write: the rejected keys with the destination's reason, all others accepted."""

    rejected: dict[str, str] = field(default_factory=dict)
    # What the destination needs to remove the record later (e.g. hashed identifiers), kept in sync_state
    # because a removed record's fields are no longer in the source.
    handles: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncContext:
    """What a destination knows about the sync it serves."""

    sync_name: str
    source: str
    mode: Mode
    primary_key: str
    columns: tuple[Column, ...]  # mapped fields, in order (the key column is not among them unless mapped)
    run_id: str = ""
    config_dir: Path = Path(".")
    purpose: str | None = None


class DestinationSettings(BaseModel):
    """Base of every destination's settings model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")
    type: str
    batch_size_limit: int | None = None  # lowers the declared maximum, e.g. for a stricter account


class Destination(ABC):
    """Base class: subclasses set `type_name`, `settings_model`, `capabilities` and implement `write`."""

    type_name: ClassVar[str]
    settings_model: ClassVar[type[DestinationSettings]]
    capabilities: ClassVar[Capabilities]
    secret_fields: ClassVar[tuple[str, ...]] = ()
    # True when prepare/close must run even with nothing to send (e.g. to recover a crashed run's journal).
    recover_when_idle: ClassVar[bool] = False

    def __init__(self, settings: DestinationSettings, context: SyncContext) -> None:
        self.settings = settings
        self.context = context
        self.limiter: TokenBucket | None = None

    def rate_limit(self) -> float | None:
        """Requests per second allowed: the settings' `rate_limit` when given, else the declared one."""
        return getattr(self.settings, "rate_limit", None) or self.capabilities.rate_limit

    def rate_limit_key(self) -> str:
        """Destinations sharing this key share one token bucket (same account / endpoint)."""
        return self.type_name

    def check(self) -> None:  # noqa: B027 - optional hook
        """Raise DestinationError if the destination cannot be reached or used; default: nothing to check."""

    def prepare(self) -> None:  # noqa: B027 - optional hook
        """Get ready for this sync's columns (create a table, recover a journal); called once per run."""

    @abstractmethod
    def write(self, batch: Batch) -> BatchResult:
        """Deliver a batch idempotently; raise TransientError, BatchRejected or DestinationError."""

    def close(self, *, completed: bool) -> None:  # noqa: B027 - optional hook
        """Release resources; `completed` is True when every batch of the run was delivered."""


def json_value(value: Any) -> Any:
    """Convert a warehouse value into something JSON can carry (dates as ISO text, decimals as numbers)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def dumps(payload: Any) -> str:
    """Compact, deterministic JSON of a payload that may hold warehouse values."""
    return json.dumps(payload, default=json_value, separators=(",", ":"), ensure_ascii=False)


def fields_json(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields with every value JSON-ready."""
    return {name: json_value(value) for name, value in fields.items()}


def required_field(record: Record, names: Sequence[str]) -> str | None:
    """The first non-empty value among `names` in the record's fields, as text."""
    for name in names:
        value = record.fields.get(name)
        if value not in (None, ""):
            return str(value)
    return None
