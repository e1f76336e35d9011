"""Token buckets: one per destination, from the destination's declared rate limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Classic token bucket: `rate` tokens per second, at most `capacity` stored.

    `clock` and `sleep` are injectable so a test can drive time without waiting.
    """

    def __init__(
        self,
        rate: float,
        capacity: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = max(1, capacity)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.capacity)
        self._updated = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def acquire(self, tokens: int = 1) -> float:
        """Take `tokens`, sleeping until they are available; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                self._refill()
                # The epsilon stops float rounding from asking for ever smaller waits.
                if self._tokens >= tokens - 1e-9:
                    self._tokens = max(0.0, self._tokens - tokens)
                    return waited
                wait = (tokens - self._tokens) / self.rate
            self._sleep(wait)
            waited += wait


_buckets: dict[str, TokenBucket] = {}
_buckets_lock = threading.Lock()


def shared_bucket(key: str, rate: float, capacity: int) -> TokenBucket:
    """The process-wide bucket for a destination key, so concurrent syncs to one account share its limit."""
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None or bucket.rate != rate:
            bucket = _buckets[key] = TokenBucket(rate, capacity)
        return bucket
