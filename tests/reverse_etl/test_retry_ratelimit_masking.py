"""Token bucket, retry policy and masking, driven without real waiting."""

from __future__ import annotations

import random

import pytest

from reverse_etl.destinations.http import retry_after_seconds
from reverse_etl.errors import TransientError
from reverse_etl.masking import mask_email, mask_fields, mask_text
from reverse_etl.ratelimit import TokenBucket
from reverse_etl.retry import RetryPolicy, call_with_retries


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_enforces_rate_and_burst():
    clock = FakeClock()
    bucket = TokenBucket(rate=5, capacity=2, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(12)]
    assert waits[:2] == [0, 0]  # the burst
    assert all(w == pytest.approx(0.2) for w in waits[2:])
    assert clock.now == pytest.approx(2.0)  # 10 tokens beyond the burst at 5 per second
    clock.now += 10  # idle time refills only up to the capacity
    assert [bucket.acquire() for _ in range(3)] == [0, 0, pytest.approx(0.2)]


def test_retry_honours_retry_after_and_backs_off_with_jitter():
    slept: list[float] = []
    policy = RetryPolicy(
        max_attempts=4, base_delay=1.0, max_delay=8.0, sleep=slept.append, rng=random.Random(1)
    )
    failures = [TransientError("429", retry_after=3.0), TransientError("503"), TransientError("timeout")]

    def action():
        if failures:
            raise failures.pop(0)
        return "ok"

    assert call_with_retries(action, policy) == "ok"
    assert 3.0 <= slept[0] <= 3.5  # Retry-After plus a little jitter
    assert 0 <= slept[1] <= 2.0 and 0 <= slept[2] <= 4.0  # full jitter under an exponential ceiling


def test_retry_gives_up_after_max_attempts():
    policy = RetryPolicy(max_attempts=3, sleep=lambda s: None)
    calls = []

    def action():
        calls.append(1)
        raise TransientError("down")

    with pytest.raises(TransientError):
        call_with_retries(action, policy)
    assert len(calls) == 3


def test_retry_after_parsing():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: retry now


def test_masking():
    assert mask_email("jane.doe@gmail.com") == "j***@gmail.com"
    assert mask_text("rejected jane@x.org and +44 7700 900123") == "rejected j***@x.org and ***0123"
    assert mask_fields({"email": "a@b.co", "phone": "+14155550123", "ltv": 3}) == {
        "email": "a***@b.co",
        "phone": "***0123",
        "ltv": 3,
    }
    # Regression: counts and flags named after personal fields are not personal.
    assert mask_fields({"email_count": 2, "phone_verified": True, "first_name": "Aaliyah"}) == {
        "email_count": 2,
        "phone_verified": True,
        "first_name": "***iyah",
    }
