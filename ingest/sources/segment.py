"""Segment Spec messages (`events/*.jsonl`) -> `raw.segment_events`."""

from __future__ import annotations

from ingest import checks
from ingest.base import Field, Target
from ingest.schema import RAW_TABLES
from ingest.sources._jsonl import JsonlLoader

MESSAGE_TYPES = ("identify", "track", "page", "screen", "alias", "group")

_TEXT_PATHS = {
    "message_id": "$.messageId",
    "type": "$.type",
    "event": "$.event",
    "name": "$.name",
    "user_id": "$.userId",
    "anonymous_id": "$.anonymousId",
    "previous_id": "$.previousId",
    "group_id": "$.groupId",
    "device_id": "$.context.device.id",
    "timestamp": "$.timestamp",
    "sent_at": "$.sentAt",
    "received_at": "$.receivedAt",
}
_JSON_PATHS = {"traits": "$.traits", "context": "$.context", "properties": "$.properties"}


class SegmentLoader(JsonlLoader):
    """Lands every message type; staging splits them."""

    source = "events"
    target = Target(
        RAW_TABLES["segment_events"],
        [Field(c, p) for c, p in _TEXT_PATHS.items()] + [Field(c, p, "json") for c, p in _JSON_PATHS.items()],
        [
            checks.required("message_id", "messageId"),
            checks.one_of("type", "type", MESSAGE_TYPES),
            checks.any_required(["user_id", "anonymous_id"], ["userId", "anonymousId"]),
            checks.any_timestamp(
                ["timestamp", "sent_at", "received_at"], ["timestamp", "sentAt", "receivedAt"]
            ),
            checks.required_when("event", "event", "type = 'track'", "type is 'track'"),
            checks.required_when("previous_id", "previousId", "type = 'alias'", "type is 'alias'"),
        ],
    )
