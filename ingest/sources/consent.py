"""Consent changes (`consent/*.jsonl`) -> `raw.consent_events`."""

from __future__ import annotations

from ingest import checks
from ingest.base import Field, Target
from ingest.schema import RAW_TABLES
from ingest.sources._jsonl import JsonlLoader


class ConsentLoader(JsonlLoader):
    """A change needs a subject (email or user id), a purpose, a status and when it happened."""

    source = "consent"
    target = Target(
        RAW_TABLES["consent_events"],
        [Field(c, f"$.{c}") for c in ("email", "user_id", "purpose", "status", "occurred_at", "source")],
        [
            checks.any_required(["email", "user_id"], ["email", "user_id"]),
            checks.required("purpose", "purpose"),
            checks.one_of("status", "status", ("granted", "revoked")),
            checks.timestamp("occurred_at", "occurred_at"),
        ],
    )
