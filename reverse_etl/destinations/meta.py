"""Meta Custom Audiences: `POST /{audience_id}/users` to add, `DELETE` to remove, 10,000 rows per call.

The payload is `{"schema": ["EMAIL", "PHONE"], "data": [[sha256, sha256], ...]}` with identifiers
normalised by Meta's rules (email trimmed and lower-cased; phone digits with country code) and SHA-256
hashed here: raw identifiers never leave the machine. Invalid rows come back in `num_invalid_entries`
and `invalid_entry_samples`, keyed by the value sent.
"""

from __future__ import annotations

import json
from typing import ClassVar, Literal

from pydantic import Field, SecretStr

from reverse_etl.destinations.base import (
    Batch,
    BatchResult,
    Capabilities,
    Destination,
    DestinationSettings,
    Record,
)
from reverse_etl.destinations.http import HttpSender
from reverse_etl.destinations.identifiers import hashed_by_action, meta_identifiers
from reverse_etl.errors import BatchRejected, DestinationError, TransientError

SCHEMA = ("EMAIL", "PHONE")
# Graph API throttling codes: app, user, page, custom-audience-specific and ad-account limits.
_THROTTLING_CODES = {4, 17, 32, 613, 80003}


class MetaSettings(DestinationSettings):
    type: Literal["meta"] = "meta"
    access_token: SecretStr
    audience_id: str = Field(pattern=r"^\d+$")
    api_version: str = "v21.0"
    base_url: str = "https://graph.facebook.com"
    email_field: str = "email"
    phone_field: str = "phone"
    phone_region: str = "US"
    rate_limit: float | None = None
    timeout: float = 60.0


class MetaDestination(Destination):
    type_name: ClassVar[str] = "meta"
    settings_model = MetaSettings
    capabilities = Capabilities(
        modes=frozenset({"insert", "upsert", "mirror"}),
        max_batch=10_000,
        rate_limit=5.0,
        burst=5,
        identifiers=("email", "phone"),
        requires_purpose=True,
    )
    secret_fields = ("access_token",)
    settings: MetaSettings

    def rate_limit_key(self) -> str:
        return f"meta:{self.settings.base_url}:{self.settings.audience_id}"

    def prepare(self) -> None:
        self._http = HttpSender("meta", self.settings.base_url, timeout=self.settings.timeout)
        self._http.limiter = self.limiter

    def write(self, batch: Batch) -> BatchResult:
        result = BatchResult()
        removes, adds = hashed_by_action(
            batch.records, self.settings, meta_identifiers, SCHEMA, result.rejected
        )
        for method, items in (("DELETE", removes), ("POST", adds)):
            if items:
                self._send(method, items, result)
        for record, ids in adds:
            if record.key not in result.rejected:
                result.handles[record.key] = ids
        return result

    @staticmethod
    def _raise_graph_error(error: dict) -> None:
        """The Graph API answers 400 for most errors; its error code says which kind it is."""
        code, message = error.get("code"), str(error.get("message") or "error")
        if code == 190 or error.get("type") == "OAuthException":
            raise DestinationError(f"meta: access token rejected ({message})")
        if code in _THROTTLING_CODES:
            raise TransientError(f"meta: throttled (code {code})")
        raise BatchRejected(f"meta: {message} (code {code})")

    def _send(self, method: str, items: list[tuple[Record, dict[str, str]]], result: BatchResult) -> None:
        payload = {
            "schema": list(SCHEMA),
            "data": [[ids.get(name, "") for name in SCHEMA] for _, ids in items],
        }
        response = self._http.request(
            method,
            f"/{self.settings.api_version}/{self.settings.audience_id}/users",
            data={
                "payload": json.dumps(payload),
                "access_token": self.settings.access_token.get_secret_value(),
            },
            ok_statuses=(400,),
        )
        body = response.json()
        if response.status_code == 400:
            self._raise_graph_error(body.get("error") or {})
        invalid = int(body.get("num_invalid_entries") or 0)
        if not invalid:
            return
        samples = body.get("invalid_entry_samples") or {}
        key_by_value = {value: record.key for record, ids in items for value in ids.values()}
        attributed = 0
        for value, reason in samples.items():
            if value in key_by_value and key_by_value[value] not in result.rejected:
                result.rejected[key_by_value[value]] = f"invalid entry: {reason}"
                attributed += 1
        if attributed < invalid:
            # Meta only samples invalid rows; split until each invalid row is pinned on its record.
            raise BatchRejected(f"Meta reported {invalid} invalid entries, {attributed} identifiable")
