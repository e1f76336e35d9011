"""HubSpot contacts: batch upsert through the CRM v3 API, 100 contacts per call, identified by email.

`POST /crm/v3/objects/contacts/batch/upsert` with a private-app Bearer token. A 207 answer lists the
contacts that failed in `errors[].context.ids`; those become rejections, the rest are acknowledged.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import SecretStr

from reverse_etl.destinations.base import (
    Batch,
    BatchResult,
    Capabilities,
    Destination,
    DestinationSettings,
    json_value,
)
from reverse_etl.destinations.http import HttpSender
from reverse_etl.errors import BatchRejected

UPSERT_PATH = "/crm/v3/objects/contacts/batch/upsert"


class HubSpotSettings(DestinationSettings):
    type: Literal["hubspot"] = "hubspot"
    token: SecretStr
    base_url: str = "https://api.hubapi.com"
    id_property: str = "email"  # the destination field (and HubSpot property) identifying a contact
    rate_limit: float | None = None
    timeout: float = 30.0


class HubSpotDestination(Destination):
    type_name: ClassVar[str] = "hubspot"
    settings_model = HubSpotSettings
    # HubSpot private apps: 100 requests per 10 seconds by default.
    capabilities = Capabilities(
        modes=frozenset({"upsert"}), max_batch=100, rate_limit=10.0, burst=10, identifiers=("email",)
    )
    secret_fields = ("token",)
    settings: HubSpotSettings

    def rate_limit_key(self) -> str:
        return f"hubspot:{self.settings.base_url}"

    def prepare(self) -> None:
        self._http = HttpSender(
            "hubspot",
            self.settings.base_url,
            timeout=self.settings.timeout,
            headers={"Authorization": f"Bearer {self.settings.token.get_secret_value()}"},
        )
        self._http.limiter = self.limiter

    def write(self, batch: Batch) -> BatchResult:
        id_prop = self.settings.id_property
        rejected: dict[str, str] = {}
        inputs = []
        key_by_id: dict[str, str] = {}
        for record in batch.records:
            raw_id = record.fields.get(id_prop)
            contact_id = str(raw_id).strip().lower() if raw_id not in (None, "") else None
            if contact_id is None:
                rejected[record.key] = f"no {id_prop} to identify the HubSpot contact"
                continue
            if contact_id in key_by_id:
                rejected[record.key] = f"another record in the batch has the same {id_prop}"
                continue
            key_by_id[contact_id] = record.key
            # HubSpot clears a property given an empty string; null must clear it too.
            properties = {
                name: "" if value is None else str(json_value(value)) for name, value in record.fields.items()
            }
            inputs.append({"idProperty": id_prop, "id": contact_id, "properties": properties})
        if not inputs:
            return BatchResult(rejected)
        response = self._http.request("POST", UPSERT_PATH, json={"inputs": inputs})
        body = response.json() if response.content else {}
        errors = body.get("errors") or []
        unattributed = 0
        for error in errors:
            ids = (error.get("context") or {}).get("ids") or []
            reason = f"{error.get('category', 'ERROR')}: {error.get('message', 'rejected by HubSpot')}"
            matched = [key_by_id[i.lower()] for i in ids if isinstance(i, str) and i.lower() in key_by_id]
            unattributed += not matched
            for key in matched:
                rejected[key] = reason
        if unattributed:
            # An error naming no contact cannot be pinned on one: split the batch until it can.
            raise BatchRejected(f"HubSpot reported {unattributed} error(s) without contact ids")
        return BatchResult(rejected)

    def close(self, *, completed: bool) -> None:
        if hasattr(self, "_http"):
            self._http.close()
