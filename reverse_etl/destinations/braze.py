"""Braze user attributes through `POST /users/track`, at most 75 attribute objects per request.

Bearer REST API key; the REST endpoint of the instance is `base_url` (e.g. https://rest.iad-01.braze.com).
Non-fatal per-object errors come back in `errors[]` with the object's `index`. Mode `update` sets
`_update_existing_only` so Braze ignores users it does not know.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, SecretStr

from reverse_etl.destinations.base import (
    Batch,
    BatchResult,
    Capabilities,
    Destination,
    DestinationSettings,
    fields_json,
)
from reverse_etl.destinations.http import HttpSender
from reverse_etl.errors import BatchRejected


class BrazeSettings(DestinationSettings):
    type: Literal["braze"] = "braze"
    api_key: SecretStr
    base_url: str = Field(pattern=r"^https?://")
    external_id_field: str | None = None  # destination field holding the external_id; the sync key by default
    rate_limit: float | None = None
    timeout: float = 30.0


class BrazeDestination(Destination):
    type_name: ClassVar[str] = "braze"
    settings_model = BrazeSettings
    # 3,000 requests per 3 seconds per workspace for /users/track.
    capabilities = Capabilities(
        modes=frozenset({"update", "upsert"}), max_batch=75, rate_limit=1000.0, burst=100
    )
    secret_fields = ("api_key",)
    settings: BrazeSettings

    def rate_limit_key(self) -> str:
        return f"braze:{self.settings.base_url}"

    def prepare(self) -> None:
        self._http = HttpSender(
            "braze",
            self.settings.base_url,
            timeout=self.settings.timeout,
            headers={"Authorization": f"Bearer {self.settings.api_key.get_secret_value()}"},
        )
        self._http.limiter = self.limiter

    def write(self, batch: Batch) -> BatchResult:
        rejected: dict[str, str] = {}
        attributes = []
        keys = []
        for record in batch.records:
            fields = fields_json(record.fields)
            external_id = (
                fields.pop(self.settings.external_id_field, None) if self.settings.external_id_field else None
            )
            external_id = external_id if external_id not in (None, "") else record.key
            attributes.append(
                {
                    "external_id": str(external_id),
                    "_update_existing_only": self.context.mode == "update",
                    **fields,
                }
            )
            keys.append(record.key)
        response = self._http.request("POST", "/users/track", json={"attributes": attributes})
        body = response.json() if response.content else {}
        for error in body.get("errors") or []:
            index = error.get("index")
            if (
                error.get("input_array", "attributes") == "attributes"
                and isinstance(index, int)
                and 0 <= index < len(keys)
            ):
                rejected[keys[index]] = str(error.get("type") or "rejected by Braze")
            else:
                raise BatchRejected(f"Braze reported an error without an attributes index: {error}")
        return BatchResult(rejected)

    def close(self, *, completed: bool) -> None:
        if hasattr(self, "_http"):
            self._http.close()
