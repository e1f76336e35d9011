"""NPS survey responses (`nps/*.jsonl`) -> `raw.nps_responses`."""

from __future__ import annotations

from ingest import checks
from ingest.base import Field, Target
from ingest.schema import RAW_TABLES
from ingest.sources._jsonl import JsonlLoader


class NpsLoader(JsonlLoader):
    """A score must be a whole number from 0 to 10."""

    source = "nps"
    target = Target(
        RAW_TABLES["nps_responses"],
        [Field(c, f"$.{c}") for c in ("id", "email", "score", "comment", "created_at")],
        [
            checks.required("id", "id"),
            checks.integer("score", "score", low=0, high=10),
            checks.timestamp("created_at", "created_at"),
        ],
    )
