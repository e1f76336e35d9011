"""Mailchimp audience members: batch subscribe (500 per call) and archive on removal.

`POST /3.0/lists/{list_id}` with `members[]` and `update_existing`, Basic auth `anystring:<api key>`, the
datacenter taken from the key's suffix (`...-us6` -> `https://us6.api.mailchimp.com`). Per-member errors
come back in `errors[]`. A member's id is the MD5 of the lower-cased email; removals archive it with
`DELETE /3.0/lists/{list_id}/members/{id}`.
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
    json_value,
)
from reverse_etl.destinations.http import HttpSender
from reverse_etl.destinations.identifiers import mailchimp_subscriber_hash, normalised_email

_ALREADY_MEMBER = "ERROR_CONTACT_EXISTS"


class MailchimpSettings(DestinationSettings):
    type: Literal["mailchimp"] = "mailchimp"
    api_key: SecretStr
    list_id: str = Field(min_length=1)
    base_url: str | None = None  # https://<dc>.api.mailchimp.com from the key by default
    email_field: str = "email"
    status_if_new: Literal["subscribed", "pending", "transactional", "unsubscribed"] = "subscribed"
    rate_limit: float | None = None
    timeout: float = 30.0


class MailchimpDestination(Destination):
    type_name: ClassVar[str] = "mailchimp"
    settings_model = MailchimpSettings
    capabilities = Capabilities(
        modes=frozenset({"insert", "upsert", "mirror"}),
        max_batch=500,
        rate_limit=10.0,
        burst=10,
        identifiers=("email",),
    )
    secret_fields = ("api_key",)
    settings: MailchimpSettings

    @property
    def base_url(self) -> str:
        if self.settings.base_url:
            return self.settings.base_url
        key = self.settings.api_key.get_secret_value()
        datacenter = key.rpartition("-")[2] if "-" in key else "us1"
        return f"https://{datacenter}.api.mailchimp.com"

    def rate_limit_key(self) -> str:
        return f"mailchimp:{self.base_url}"

    def prepare(self) -> None:
        self._http = HttpSender(
            "mailchimp",
            self.base_url,
            timeout=self.settings.timeout,
            auth=("anystring", self.settings.api_key.get_secret_value()),
        )
        self._http.limiter = self.limiter

    def write(self, batch: Batch) -> BatchResult:
        result = BatchResult()
        upserts = [r for r in batch.records if r.action != "remove"]
        if upserts:
            self._subscribe(upserts, result)
        for record in batch.records:
            if record.action == "remove":
                member = record.fields.get("subscriber_hash")
                if not member:
                    result.rejected[record.key] = "no Mailchimp member id was recorded when it was added"
                    continue
                # 404: already archived or deleted, which is what a removal wants.
                self._http.request(
                    "DELETE", f"/3.0/lists/{self.settings.list_id}/members/{member}", ok_statuses=(404,)
                )
        return result

    def _subscribe(self, records: list[Any], result: BatchResult) -> None:
        members = []
        key_by_email: dict[str, str] = {}
        for record in records:
            email = normalised_email(record.fields.get(self.settings.email_field))
            if email is None:
                result.rejected[record.key] = f"no valid {self.settings.email_field} for the Mailchimp member"
                continue
            if email in key_by_email:
                result.rejected[record.key] = "another record in the batch has the same email"
                continue
            key_by_email[email] = record.key
            merge_fields = {
                name: json_value(value)
                for name, value in record.fields.items()
                if name != self.settings.email_field and value is not None
            }
            members.append(
                {
                    "email_address": email,
                    "status_if_new": self.settings.status_if_new,
                    "merge_fields": merge_fields,
                }
            )
        if not members:
            return
        response = self._http.request(
            "POST",
            f"/3.0/lists/{self.settings.list_id}",
            json={"members": members, "update_existing": self.context.mode != "insert"},
        )
        body = response.json()
        for error in body.get("errors") or []:
            email = str(error.get("email_address", "")).lower()
            if email in key_by_email and error.get("error_code") != _ALREADY_MEMBER:
                result.rejected[key_by_email[email]] = (
                    f"{error.get('error_code', 'ERROR')}: {error.get('error', '')}"
                )
        for email, key in key_by_email.items():
            if key not in result.rejected:
                result.handles[key] = {"subscriber_hash": mailchimp_subscriber_hash(email)}

    def close(self, *, completed: bool) -> None:
        if hasattr(self, "_http"):
            self._http.close()
