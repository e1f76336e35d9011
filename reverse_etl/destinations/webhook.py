"""Webhook destination: JSON batches signed with HMAC-SHA256 (see the webhook protocol in CONTRACTS.md).

POST `{"sync", "run_id", "batch", "records": [{"action": "upsert"|"remove", "key", "fields"}]}` with
`X-Tessera-Timestamp` and `X-Tessera-Signature: sha256=<hex HMAC(secret, timestamp + "." + body)>`.
A 2xx accepts the batch except the records listed in `{"rejected": [{"key", "reason"}]}`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import ClassVar, Literal

from pydantic import Field, SecretStr

from reverse_etl.destinations.base import (
    Batch,
    BatchResult,
    Capabilities,
    Destination,
    DestinationSettings,
    dumps,
    fields_json,
)
from reverse_etl.destinations.http import HttpSender


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Tessera-Signature` header value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookSettings(DestinationSettings):
    type: Literal["webhook"] = "webhook"
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr
    timeout: float = 30.0
    rate_limit: float = 10.0  # requests per second


class WebhookDestination(Destination):
    type_name: ClassVar[str] = "webhook"
    settings_model = WebhookSettings
    capabilities = Capabilities(
        modes=frozenset({"insert", "upsert", "mirror"}), max_batch=1_000, rate_limit=10.0
    )
    secret_fields = ("secret",)
    settings: WebhookSettings

    def rate_limit_key(self) -> str:
        return f"webhook:{self.settings.url}"

    def prepare(self) -> None:
        self._http = HttpSender("webhook", "", timeout=self.settings.timeout)
        self._http.limiter = self.limiter

    def write(self, batch: Batch) -> BatchResult:
        payload = {
            "sync": self.context.sync_name,
            "run_id": self.context.run_id,
            "batch": batch.number,
            "records": [
                {
                    "action": "remove" if r.action == "remove" else "upsert",
                    "key": r.key,
                    "fields": fields_json(r.fields),
                }
                for r in batch.records
            ],
        }
        body = dumps(payload).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Tessera-Timestamp": timestamp,
            "X-Tessera-Signature": signature(self.settings.secret.get_secret_value(), timestamp, body),
        }
        response = self._http.request("POST", self.settings.url, content=body, headers=headers)
        rejected: dict[str, str] = {}
        if response.content:
            try:
                answer = json.loads(response.content)
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                for item in answer.get("rejected") or []:
                    rejected[str(item.get("key"))] = str(item.get("reason") or "rejected by the webhook")
        return BatchResult(rejected)

    def close(self, *, completed: bool) -> None:
        if hasattr(self, "_http"):
            self._http.close()
