"""Google Ads Customer Match through OfflineUserDataJobs (REST).

Per batch: `offlineUserDataJobs:create` for the user list, `:addOperations` with hashed identifiers
(partial failure enabled), then `:run`. One job per batch makes each batch's acknowledgement final.
Identifiers are normalised and SHA-256 hashed here (email trimmed and lower-cased, phone E.164): raw
identifiers never leave the machine. The hashes are kept as the removal handle for later removals.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

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
from reverse_etl.destinations.identifiers import google_identifiers, hashed_by_action


class GoogleAdsSettings(DestinationSettings):
    type: Literal["google_ads"] = "google_ads"
    developer_token: SecretStr
    access_token: SecretStr  # OAuth2 access token (refreshing it is the caller's job for now)
    customer_id: str = Field(pattern=r"^\d{3}-?\d{3}-?\d{4}$")
    user_list_id: str = Field(pattern=r"^\d+$")
    login_customer_id: str | None = None
    api_version: str = "v21"
    base_url: str = "https://googleads.googleapis.com"
    email_field: str = "email"
    phone_field: str = "phone"
    phone_region: str = "US"  # region assumed for phone numbers written without a country code
    rate_limit: float | None = None
    timeout: float = 60.0


def _operation_index(error: dict[str, Any]) -> int | None:
    for element in (error.get("location") or {}).get("fieldPathElements") or []:
        if element.get("fieldName") == "operations" and isinstance(element.get("index"), int):
            return element["index"]
    return None


class GoogleAdsDestination(Destination):
    type_name: ClassVar[str] = "google_ads"
    settings_model = GoogleAdsSettings
    capabilities = Capabilities(
        modes=frozenset({"insert", "upsert", "mirror"}),
        max_batch=10_000,
        rate_limit=5.0,
        burst=5,
        identifiers=("email", "phone"),
        requires_purpose=True,
    )
    secret_fields = ("developer_token", "access_token")
    settings: GoogleAdsSettings

    @property
    def customer(self) -> str:
        return self.settings.customer_id.replace("-", "")

    def rate_limit_key(self) -> str:
        return f"google_ads:{self.settings.base_url}:{self.customer}"

    def prepare(self) -> None:
        headers = {
            "Authorization": f"Bearer {self.settings.access_token.get_secret_value()}",
            "developer-token": self.settings.developer_token.get_secret_value(),
        }
        if self.settings.login_customer_id:
            headers["login-customer-id"] = self.settings.login_customer_id.replace("-", "")
        self._http = HttpSender(
            "google_ads", self.settings.base_url, timeout=self.settings.timeout, headers=headers
        )
        self._http.limiter = self.limiter

    def write(self, batch: Batch) -> BatchResult:
        result = BatchResult()
        removes, creates = hashed_by_action(
            batch.records,
            self.settings,
            google_identifiers,
            ("hashedEmail", "hashedPhoneNumber"),
            result.rejected,
        )
        if not removes and not creates:
            return result
        version = self.settings.api_version
        job = self._http.request(
            "POST",
            f"/{version}/customers/{self.customer}/offlineUserDataJobs:create",
            json={
                "job": {
                    "type": "CUSTOMER_MATCH_USER_LIST",
                    "customerMatchUserListMetadata": {
                        "userList": f"customers/{self.customer}/userLists/{self.settings.user_list_id}"
                    },
                }
            },
        ).json()["resourceName"]
        for kind, items in (("remove", removes), ("create", creates)):
            if items:
                self._add_operations(version, job, kind, items, result)
        self._http.request("POST", f"/{version}/{job}:run", json={})
        for record, ids in creates:
            if record.key not in result.rejected:
                result.handles[record.key] = ids
        return result

    def _add_operations(
        self,
        version: str,
        job: str,
        kind: str,
        items: list[tuple[Record, dict[str, str]]],
        result: BatchResult,
    ) -> None:
        operations = [
            {kind: {"userIdentifiers": [{name: value} for name, value in sorted(ids.items())]}}
            for _, ids in items
        ]
        body = self._http.request(
            "POST",
            f"/{version}/{job}:addOperations",
            json={"operations": operations, "enablePartialFailure": True},
        ).json()
        failure = body.get("partialFailureError") or {}
        for detail in failure.get("details") or []:
            for error in detail.get("errors") or []:
                index = _operation_index(error)
                if index is not None and 0 <= index < len(items):
                    result.rejected[items[index][0].key] = str(
                        error.get("message") or "rejected by Google Ads"
                    )

    def close(self, *, completed: bool) -> None:
        if hasattr(self, "_http"):
            self._http.close()
