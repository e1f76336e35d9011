"""Shared HTTP plumbing for API destinations: rate limiting per request and status classification.

429, 5xx, timeouts and connection errors are transient (429/503 honour `Retry-After`); 401/403 stop the
sync (credentials will not fix themselves); any other 4xx rejects the batch so the runner can split it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from reverse_etl.errors import BatchRejected, DestinationError, TransientError
from reverse_etl.masking import mask_text
from reverse_etl.ratelimit import TokenBucket


def retry_after_seconds(value: str | None) -> float | None:
    """Parse `Retry-After` as seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _summary(response: httpx.Response) -> str:
    return mask_text(response.text[:300].replace("\n", " "))


class HttpSender:
    """An httpx client that takes a rate-limit token per request and raises the engine's error kinds."""

    def __init__(self, name: str, base_url: str, *, timeout: float = 30.0, **client_args: Any) -> None:
        self.name = name
        self.client = httpx.Client(base_url=base_url, timeout=timeout, **client_args)
        self.limiter: TokenBucket | None = None

    def request(
        self, method: str, url: str, *, ok_statuses: tuple[int, ...] = (), **kwargs: Any
    ) -> httpx.Response:
        """Send one request; return 2xx responses (and `ok_statuses`), classify everything else."""
        if self.limiter is not None:
            self.limiter.acquire()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientError(f"{self.name}: timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise TransientError(f"{self.name}: connection failed ({exc})") from None
        status = response.status_code
        if 200 <= status < 300 or status in ok_statuses:
            return response
        if status == 429 or status >= 500:
            raise TransientError(
                f"{self.name}: HTTP {status}", retry_after_seconds(response.headers.get("Retry-After"))
            )
        if status in (401, 403):
            raise DestinationError(
                f"{self.name}: HTTP {status} (check the credentials): {_summary(response)}"
            )
        raise BatchRejected(f"{self.name}: HTTP {status}: {_summary(response)}")

    def close(self) -> None:
        self.client.close()
