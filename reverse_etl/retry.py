"""Retries of transient failures: exponential backoff with full jitter, honouring `Retry-After`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from reverse_etl.errors import TransientError

T = TypeVar("T")


@dataclass
class RetryPolicy:
    """How often and how long to retry; `sleep` is injectable for tests."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 300.0  # a server asking for longer than this makes the sync fail instead
    sleep: Callable[[float], None] = field(default=time.sleep)
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if retry_after is not None:
            # The server knows best; add a little jitter so parallel clients do not return together.
            return min(retry_after, self.max_retry_after) + self.rng.uniform(0, self.base_delay / 2)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return self.rng.uniform(0, ceiling)


def call_with_retries(
    action: Callable[[], T], policy: RetryPolicy, on_retry: Callable[[str], None] | None = None
) -> T:
    """Run `action`, retrying TransientError up to the policy's attempts; the last error propagates."""
    attempt = 1
    while True:
        try:
            return action()
        except TransientError as exc:
            if attempt >= policy.max_attempts:
                raise
            if exc.retry_after is not None and exc.retry_after > policy.max_retry_after:
                raise
            if on_retry is not None:
                on_retry(f"attempt {attempt} failed ({exc}); retrying")
            policy.sleep(policy.delay(attempt, exc.retry_after))
            attempt += 1
