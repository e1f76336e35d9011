"""Local HTTP servers enforcing the documented contracts of the SaaS APIs Tessera syncs to.

Each one checks the auth header, the batch size limit and the payload shape, keeps the state a real
account would (contacts, members, users, audience hashes), and can be told to answer 429 with
Retry-After or to fail particular records the way the real API reports partial errors.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from werkzeug import Request, Response

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


class ContractServer:
    """Common behaviour: request log, 429 on demand, and a catch-all dispatch."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self.throttle_next = 0  # answer this many upcoming requests with 429 + Retry-After
        self.throttled = 0
        self.invalid: set[str] = set()  # identifiers (email, external id, hash) the API refuses per record

    def __call__(self, request: Request) -> Response:
        self.requests.append((request.method, request.path, request.get_data()))
        if not self.authorised(request):
            return self.unauthorised()
        if self.throttle_next:
            self.throttle_next -= 1
            self.throttled += 1
            return _json({"message": "rate limited"}, 429, {"Retry-After": "1"})
        return self.handle(request)

    def authorised(self, request: Request) -> bool:
        raise NotImplementedError

    def unauthorised(self) -> Response:
        return _json({"message": "authentication failed"}, 401)

    def handle(self, request: Request) -> Response:
        raise NotImplementedError


class HubSpot(ContractServer):
    """`POST /crm/v3/objects/contacts/batch/upsert`: Bearer token, at most 100 inputs, idProperty email."""

    MAX = 100

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.contacts: dict[str, dict[str, str]] = {}

    def authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def unauthorised(self) -> Response:
        return _json({"status": "error", "category": "INVALID_AUTHENTICATION", "message": "bad token"}, 401)

    def handle(self, request: Request) -> Response:
        if request.method != "POST" or request.path != "/crm/v3/objects/contacts/batch/upsert":
            return _json({"status": "error", "message": "not found"}, 404)
        inputs = (request.get_json(silent=True) or {}).get("inputs")
        if not isinstance(inputs, list) or not inputs:
            return _json(
                {"status": "error", "category": "VALIDATION_ERROR", "message": "inputs required"}, 400
            )
        if len(inputs) > self.MAX:
            return _json(
                {"status": "error", "category": "VALIDATION_ERROR", "message": "max 100 inputs"}, 400
            )
        errors, results = [], []
        for item in inputs:
            if item.get("idProperty") != "email" or not isinstance(item.get("id"), str):
                return _json({"status": "error", "category": "VALIDATION_ERROR", "message": "bad input"}, 400)
            if not isinstance(item.get("properties"), dict) or not all(
                isinstance(v, str) for v in item["properties"].values()
            ):
                return _json(
                    {"status": "error", "category": "VALIDATION_ERROR", "message": "bad properties"}, 400
                )
            if item["id"] in self.invalid:
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": "Property values were not valid",
                        "context": {"ids": [item["id"]]},
                    }
                )
                continue
            self.contacts.setdefault(item["id"], {}).update(item["properties"])
            results.append({"id": str(len(self.contacts)), "properties": item["properties"]})
        body = {"status": "COMPLETE", "results": results}
        if errors:
            body |= {"errors": errors, "numErrors": len(errors)}
        return _json(body, 207 if errors else 200)


class Mailchimp(ContractServer):
    """Batch subscribe `POST /3.0/lists/{id}` (max 500 members, `errors[]`), archive with DELETE by MD5 id."""

    MAX = 500

    def __init__(self, api_key: str, list_id: str) -> None:
        super().__init__()
        self.api_key = api_key
        self.list_id = list_id
        self.members: dict[str, dict[str, Any]] = {}  # subscriber hash -> member

    def authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        _, _, key = base64.b64decode(header[6:]).decode().partition(":")
        return key == self.api_key

    def handle(self, request: Request) -> Response:
        list_path = f"/3.0/lists/{self.list_id}"
        if request.method == "POST" and request.path == list_path:
            return self._batch(request.get_json(silent=True) or {})
        match = re.fullmatch(list_path + r"/members/([0-9a-f]{32})", request.path)
        if request.method == "DELETE" and match:
            if self.members.pop(match.group(1), None) is None:
                return _json({"title": "Resource Not Found", "status": 404}, 404)
            return Response(status=204)
        return _json({"title": "Resource Not Found", "status": 404}, 404)

    def _batch(self, body: dict[str, Any]) -> Response:
        members = body.get("members")
        if not isinstance(members, list) or len(members) > self.MAX:
            return _json(
                {"title": "Invalid Resource", "status": 400, "detail": "members: 1 to 500 required"}, 400
            )
        errors, created, updated = [], [], []
        for member in members:
            email = member.get("email_address")
            if not isinstance(email, str) or not (member.get("status") or member.get("status_if_new")):
                return _json({"title": "Invalid Resource", "status": 400, "detail": "bad member"}, 400)
            member_id = hashlib.md5(email.lower().encode()).hexdigest()
            if email in self.invalid:
                errors.append(
                    {"email_address": email, "error": "looks fake or invalid", "error_code": "ERROR_GENERIC"}
                )
            elif member_id in self.members and not body.get("update_existing"):
                errors.append(
                    {
                        "email_address": email,
                        "error": "already a member",
                        "error_code": "ERROR_CONTACT_EXISTS",
                    }
                )
            else:
                (updated if member_id in self.members else created).append({"id": member_id})
                self.members[member_id] = {
                    "email_address": email,
                    "merge_fields": member.get("merge_fields", {}),
                }
        return _json(
            {"new_members": created, "updated_members": updated, "errors": errors, "error_count": len(errors)}
        )


class Braze(ContractServer):
    """`POST /users/track`: Bearer key, at most 75 attributes objects, per-object errors with their index."""

    MAX = 75

    def __init__(self, api_key: str) -> None:
        super().__init__()
        self.api_key = api_key
        self.users: dict[str, dict[str, Any]] = {}

    def authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.api_key}"

    def handle(self, request: Request) -> Response:
        if request.method != "POST" or request.path != "/users/track":
            return _json({"message": "not found"}, 404)
        attributes = (request.get_json(silent=True) or {}).get("attributes")
        if not isinstance(attributes, list) or len(attributes) > self.MAX:
            return _json({"message": "Too many attributes objects (max 75)"}, 400)
        errors = []
        for index, obj in enumerate(attributes):
            external_id = obj.get("external_id")
            if not isinstance(external_id, str):
                return _json({"message": "external_id required"}, 400)
            if external_id in self.invalid:
                errors.append(
                    {"type": "'external_id' is invalid", "input_array": "attributes", "index": index}
                )
                continue
            if obj.get("_update_existing_only") and external_id not in self.users:
                continue  # Braze ignores unknown users in update-only mode
            values = {k: v for k, v in obj.items() if k not in ("external_id", "_update_existing_only")}
            self.users.setdefault(external_id, {}).update(values)
        body: dict[str, Any] = {"message": "success", "attributes_processed": len(attributes) - len(errors)}
        if errors:
            body["errors"] = errors
        return _json(body, 201)


class GoogleAds(ContractServer):
    """OfflineUserDataJobs: create, addOperations (hashed identifiers only, partial failure), run."""

    MAX_OPERATIONS = 100_000

    def __init__(self, access_token: str, developer_token: str, customer_id: str, user_list_id: str) -> None:
        super().__init__()
        self.access_token, self.developer_token = access_token, developer_token
        self.customer_id, self.user_list_id = customer_id, user_list_id
        self.jobs: dict[str, list[dict[str, Any]]] = {}
        self.ran: set[str] = set()
        self.members: set[tuple[tuple[str, str], ...]] = set()

    def authorised(self, request: Request) -> bool:
        return (
            request.headers.get("Authorization") == f"Bearer {self.access_token}"
            and request.headers.get("developer-token") == self.developer_token
        )

    def unauthorised(self) -> Response:
        return _json({"error": {"code": 401, "status": "UNAUTHENTICATED"}}, 401)

    def handle(self, request: Request) -> Response:
        prefix = f"/v21/customers/{self.customer_id}/offlineUserDataJobs"
        body = request.get_json(silent=True) or {}
        if request.path == prefix + ":create":
            job = body.get("job") or {}
            user_list = (job.get("customerMatchUserListMetadata") or {}).get("userList")
            if job.get("type") != "CUSTOMER_MATCH_USER_LIST" or user_list != (
                f"customers/{self.customer_id}/userLists/{self.user_list_id}"
            ):
                return _json({"error": {"code": 400, "message": "invalid job"}}, 400)
            name = f"customers/{self.customer_id}/offlineUserDataJobs/{len(self.jobs) + 1}"
            self.jobs[name] = []
            return _json({"resourceName": name})
        match = re.fullmatch(
            r"/v21/(customers/\d+/offlineUserDataJobs/\d+):(addOperations|run)", request.path
        )
        if not match or match.group(1) not in self.jobs or match.group(1) in self.ran:
            return _json({"error": {"code": 404, "message": "job not found or already run"}}, 404)
        job_name, verb = match.groups()
        if verb == "run":
            for op in self.jobs[job_name]:
                ids = tuple(sorted((k, v) for ident in op["ids"] for k, v in ident.items()))
                (self.members.add if op["kind"] == "create" else self.members.discard)(ids)
            self.ran.add(job_name)
            return _json({"name": f"operations/{job_name}"})
        operations = body.get("operations")
        if not isinstance(operations, list) or not operations or len(operations) > self.MAX_OPERATIONS:
            return _json({"error": {"code": 400, "message": "operations: 1 to 100000 required"}}, 400)
        failures = []
        for index, op in enumerate(operations):
            (kind, payload), *rest = op.items()
            ids = (payload or {}).get("userIdentifiers") or []
            valid = (
                not rest
                and kind in ("create", "remove")
                and ids
                and all(
                    len(i) == 1
                    and next(iter(i)) in ("hashedEmail", "hashedPhoneNumber")
                    and HEX64.match(next(iter(i.values())))
                    for i in ids
                )
            )
            if not valid:
                return _json(
                    {"error": {"code": 400, "message": f"operations[{index}]: unhashed or malformed"}}, 400
                )
            if any(v in self.invalid for i in ids for v in i.values()):
                failures.append(
                    {
                        "message": "The identifier is not valid.",
                        "location": {"fieldPathElements": [{"fieldName": "operations", "index": index}]},
                    }
                )
                continue
            self.jobs[job_name].append({"kind": kind, "ids": ids})
        if failures and body.get("enablePartialFailure"):
            return _json({"partialFailureError": {"code": 3, "details": [{"errors": failures}]}})
        if failures:
            return _json({"error": {"code": 400, "message": "invalid operations"}}, 400)
        return _json({})


class Meta(ContractServer):
    """`POST|DELETE /v21.0/{audience_id}/users`: access_token, payload {schema, data}, at most 10,000 rows."""

    MAX = 10_000
    SCHEMA = frozenset({"EMAIL", "PHONE", "EMAIL_SHA256", "PHONE_SHA256"})

    def __init__(self, access_token: str, audience_id: str) -> None:
        super().__init__()
        self.access_token, self.audience_id = access_token, audience_id
        self.audience: set[tuple[str, ...]] = set()

    def authorised(self, request: Request) -> bool:
        return request.form.get("access_token") == self.access_token

    def unauthorised(self) -> Response:
        error = {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
        return _json({"error": error}, 400)

    def handle(self, request: Request) -> Response:
        if request.path != f"/v21.0/{self.audience_id}/users" or request.method not in ("POST", "DELETE"):
            return _json({"error": {"message": "Unsupported request", "code": 100}}, 400)
        try:
            payload = json.loads(request.form["payload"])
        except (KeyError, ValueError):
            return _json({"error": {"message": "payload is required", "code": 100}}, 400)
        schema, data = payload.get("schema"), payload.get("data")
        if not isinstance(schema, list) or not set(schema) <= self.SCHEMA or not isinstance(data, list):
            return _json({"error": {"message": "Invalid schema", "code": 100}}, 400)
        if len(data) > self.MAX:
            return _json(
                {"error": {"message": "Too many users: at most 10000 per request", "code": 100}}, 400
            )
        invalid: dict[str, str] = {}
        for row in data:
            if len(row) != len(schema) or not any(row):
                return _json({"error": {"message": "Invalid data row", "code": 100}}, 400)
            bad = [v for v in row if v and (not HEX64.match(v) or v in self.invalid)]
            if bad:
                invalid[bad[0]] = "invalid hash" if bad[0] in self.invalid else "not a SHA-256 hash"
                continue
            (self.audience.add if request.method == "POST" else self.audience.discard)(tuple(row))
        return _json(
            {
                "audience_id": self.audience_id,
                "session_id": "1",
                "num_received": len(data),
                "num_invalid_entries": len(invalid),
                "invalid_entry_samples": invalid,
            }
        )
