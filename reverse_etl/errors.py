"""Errors raised by the reverse-ETL engine and its destinations.

Destinations classify every failure into one of three kinds so the runner knows what to do:
retry it (`TransientError`), split the batch to find the bad records (`BatchRejected`), or stop the
sync (`DestinationError`).
"""

from __future__ import annotations


class SyncConfigError(ValueError):
    """The sync configuration is invalid; the message names the file, the sync and the key."""


class SyncError(RuntimeError):
    """A sync cannot run (missing source, duplicate keys...); the message says why and what to do."""


class DestinationError(RuntimeError):
    """A permanent failure of the destination as a whole (bad credentials, missing table): stop the sync."""


class TransientError(RuntimeError):
    """A failure worth retrying (timeout, 429, 5xx); `retry_after` is the server's hint in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BatchRejected(RuntimeError):
    """The destination refused the whole batch; the runner splits it in halves to isolate bad records."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
