"""SendGrid Event Webhook events (`esp/*.jsonl`) -> `raw.esp_events`."""

from __future__ import annotations

from ingest import checks
from ingest.base import Field, Target
from ingest.schema import RAW_TABLES
from ingest.sources._jsonl import JsonlLoader


class EspLoader(JsonlLoader):
    """`category` is text, or the JSON text of the list when SendGrid sends several."""

    source = "esp"
    target = Target(
        RAW_TABLES["esp_events"],
        [
            Field(c, f"$.{c}")
            for c in ("sg_event_id", "sg_message_id", "email", "timestamp", "event", "category")
        ],
        [
            checks.required("sg_event_id", "sg_event_id"),
            checks.required("email", "email"),
            checks.numeric("timestamp", "timestamp"),
            checks.required("event", "event"),
        ],
    )
