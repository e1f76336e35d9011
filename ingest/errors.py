"""Exceptions the loaders use to turn a bad file into a quarantine entry instead of a crash."""

from __future__ import annotations


class FileRejected(Exception):
    """The whole file cannot land; `reason` goes to the quarantine and the manifest."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
