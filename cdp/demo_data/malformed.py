"""Rare broken copies of good records, so every loader meets bad input.

A malformed row is always a damaged copy of a record that is also written well-formed, so it never carries
an identifier that exists nowhere else (the truth file only covers what a loader can land).
"""

from __future__ import annotations

import json
import random

from cdp.demo_data.clock import UNPARSEABLE_TIMESTAMPS
from cdp.demo_data.sinks import Parts

RATE = 0.002
#: Every part file gets one broken row at this position, so even small outputs have some.
_FORCED_POSITION = 4


def due(rng: random.Random, parts: Parts) -> bool:
    """Whether to add a broken copy after the record just written to `parts`."""
    return parts.in_part == _FORCED_POSITION or rng.random() < RATE


def broken_json_line(rng: random.Random, record: dict, *, time_keys: tuple[str, ...], required: str) -> str:
    """A JSON line that fails: truncated, a required key missing, or a timestamp that does not parse."""
    kind = rng.randrange(3)
    if kind == 0:
        text = json.dumps(record, separators=(",", ":"))
        return text[: max(10, len(text) // 2)]
    damaged = dict(record)
    if kind == 1:
        damaged.pop(required, None)
    else:
        for key in time_keys:
            if key in damaged:
                damaged[key] = rng.choice(UNPARSEABLE_TIMESTAMPS)
    return json.dumps(damaged, separators=(",", ":"), ensure_ascii=False)


def bad_timestamp() -> str:
    """A timestamp text no parser accepts."""
    return UNPARSEABLE_TIMESTAMPS[0]


def due_count(rng: random.Random, written: int) -> bool:
    """Like `due`, for writers that buffer a document: `written` records so far in this part."""
    return written == _FORCED_POSITION + 1 or rng.random() < RATE
