"""Identifier factories: unique, deterministic, and shaped like each tool's own ids."""

from __future__ import annotations

import base64
import random
import uuid

_MASK48 = (1 << 48) - 1
# Multiplying by an odd constant modulo 2**48 is a bijection, so distinct indexes give distinct ids that
# still look random.
_SCRAMBLE = 0x9E3779B97F4B


def scrambled(index: int, salt: int = 0) -> int:
    """A 48-bit number unique per (index, salt) that does not look sequential."""
    return ((index + salt * 0x1000000) * _SCRAMBLE) & _MASK48


def uuid4(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng` (Segment anonymousId, messageId)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def android_id(rng: random.Random) -> str:
    """An Android ID: 16 lower-case hex digits."""
    return f"{rng.getrandbits(64):016x}"


def ios_idfv(rng: random.Random) -> str:
    """An iOS identifierForVendor: an upper-case UUID."""
    return uuid4(rng).upper()


def hex_token(rng: random.Random, length: int) -> str:
    """`length` random hex digits."""
    return f"{rng.getrandbits(4 * length):0{length}x}"


def b64_token(rng: random.Random, length: int) -> str:
    """A URL-safe base64 token of `length` characters (SendGrid event ids)."""
    raw = rng.getrandbits(6 * length + 8).to_bytes((6 * length + 8 + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii")[:length]


#: Room left per earlier customer in every id counter: far more ids than one person ever takes (orders, line
#: items and tickets, with gaps), so folders generated with `first_customer` never collide.
IDS_PER_CUSTOMER = 1_000


class Counters:
    """Sequential ids with random gaps, as the source systems hand them out.

    Generation is sequential, so the counters are deterministic for a seed.
    """

    def __init__(self, offset: int = 0) -> None:
        """`offset` moves every counter on, leaving room for the ids of customers generated elsewhere."""
        start = {
            "crm": 51_000_101,
            "shopify_customer": 7_012_345_600_000,
            "shopify_order": 5_401_234_500_000,
            "line_item": 13_800_000_000_000,
            "zendesk_user": 380_000_000_000,
            "zendesk_ticket": 10_000,
            "pos_txn": 1_000_000,
            "nps": 1,
        }
        self._next = {kind: value + offset for kind, value in start.items()}

    def next(self, kind: str, rng: random.Random, max_gap: int = 1) -> int:
        """The next id of `kind`, skipping up to `max_gap - 1` numbers."""
        value = self._next[kind] + (rng.randint(0, max_gap - 1) if max_gap > 1 else 0)
        self._next[kind] = value + 1
        return value
