"""Redis destination: a hash per customer and a set per audience.

`{prefix}customer:{key}` holds the record's fields; `{prefix}audience:{audience}` holds the keys of the
audience's members. A removal takes the key out of the set (membership removal on exit) and deletes the
hash unless `keep_hash_on_remove`. Each batch is one MULTI/EXEC transaction.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import redis
from pydantic import Field

from reverse_etl.destinations.base import (
    Batch,
    BatchResult,
    Capabilities,
    Destination,
    DestinationSettings,
    json_value,
)
from reverse_etl.errors import DestinationError, TransientError


class RedisSettings(DestinationSettings):
    type: Literal["redis"] = "redis"
    url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = Field(default="tessera:", description="prefix of every key written")
    audience: str | None = None  # set name; the sync's source by default
    keep_hash_on_remove: bool = False


def _text(value: object) -> str:
    converted = json_value(value)
    return str(converted).lower() if isinstance(converted, bool) else str(converted)


class RedisDestination(Destination):
    type_name: ClassVar[str] = "redis"
    settings_model = RedisSettings
    capabilities = Capabilities(modes=frozenset({"insert", "update", "upsert", "mirror"}), max_batch=10_000)
    settings: RedisSettings
    _client: redis.Redis | None = None

    def hash_key(self, key: str) -> str:
        return f"{self.settings.key_prefix}customer:{key}"

    @property
    def set_key(self) -> str:
        return f"{self.settings.key_prefix}audience:{self.settings.audience or self.context.source}"

    def check(self) -> None:
        self._client = redis.Redis.from_url(self.settings.url, socket_timeout=10)
        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise DestinationError(f"cannot reach Redis: {exc}") from None

    def write(self, batch: Batch) -> BatchResult:
        assert self._client is not None
        try:
            return self._write(batch)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise TransientError(f"Redis: {exc}") from None
        except redis.RedisError as exc:
            raise DestinationError(f"Redis: {exc}") from None

    def _write(self, batch: Batch) -> BatchResult:
        client = self._client
        assert client is not None
        rejected: dict[str, str] = {}
        conditional = [r for r in batch.records if r.action in ("insert", "update")]
        exists: dict[str, bool] = {}
        if conditional:
            check = client.pipeline(transaction=False)
            for record in conditional:
                check.exists(self.hash_key(record.key))
            exists = {r.key: bool(n) for r, n in zip(conditional, check.execute(), strict=True)}
        pipe = client.pipeline(transaction=True)
        for record in batch.records:
            hkey = self.hash_key(record.key)
            if record.action == "remove":
                pipe.srem(self.set_key, record.key)
                if not self.settings.keep_hash_on_remove:
                    pipe.delete(hkey)
                continue
            if record.action == "update" and not exists[record.key]:
                rejected[record.key] = "no existing record with this key to update"
                continue
            if record.action == "insert" and exists[record.key]:
                pipe.sadd(self.set_key, record.key)
                continue
            mapping = {name: _text(value) for name, value in record.fields.items() if value is not None}
            pipe.delete(hkey)  # a field that became null must disappear, not keep its old value
            if mapping:
                pipe.hset(hkey, mapping=mapping)
            pipe.sadd(self.set_key, record.key)
        pipe.execute()
        return BatchResult(rejected)

    def close(self, *, completed: bool) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
