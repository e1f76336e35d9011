"""Zendesk export (`support/*.json`, `{"tickets": [...], "users": [...]}`) -> tickets and users.

Either array may be absent (tickets and users are often exported to separate files); a document with
neither is quarantined. Row numbers are positions within their own array.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from ingest import checks
from ingest.base import Field, FileContext, SourceLoader, Target
from ingest.readers import ReadResult, read_document
from ingest.schema import RAW_TABLES

TICKETS = Target(
    RAW_TABLES["zendesk_tickets"],
    [Field(c, f"$.{c}") for c in ("id", "requester_id", "created_at", "updated_at", "status", "subject")]
    + [Field("satisfaction_score", "$.satisfaction_rating.score")],
    [checks.required("id", "id"), checks.timestamp("created_at", "created_at")],
    part="tickets",
)
USERS = Target(
    RAW_TABLES["zendesk_users"],
    [Field(c, f"$.{c}") for c in ("id", "email", "phone", "name", "created_at")],
    [checks.required("id", "id")],
    part="users",
)


class ZendeskLoader(SourceLoader):
    """Two raw tables from one document."""

    source = "support"
    extensions = (".json",)

    def read(self, con: duckdb.DuckDBPyConnection, ctx: FileContext) -> ReadResult:
        result = read_document(con, ctx.file.path, ["tickets", "users"])
        # Zendesk exports are split by entity, so one array missing is normal, not worth a warning.
        result.warnings.clear()
        return result

    def targets(self, read: ReadResult, ctx: FileContext) -> Sequence[Target]:
        return [TICKETS, USERS]
