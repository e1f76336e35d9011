"""Asset groups (one per layer) and their default owners."""

from __future__ import annotations

INGEST = "ingest"
STAGING = "staging"
IDENTITY = "identity"
MARTS = "marts"
AUDIENCES = "audiences"
ACTIVATION = "activation"

LAYERS = (INGEST, STAGING, IDENTITY, MARTS, AUDIENCES, ACTIVATION)

DEFAULT_OWNERS: dict[str, str] = {
    INGEST: "team:data-platform",
    STAGING: "team:data-platform",
    IDENTITY: "team:identity",
    MARTS: "team:analytics",
    AUDIENCES: "team:marketing-ops",
    ACTIVATION: "team:marketing-ops",
}
