"""The generator's fixed time window and the timestamp formats each source uses.

Nothing reads the wall clock: every timestamp is epoch seconds inside a fixed window, so a seed always gives
the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

#: Every generated timestamp falls in [WINDOW_START, WINDOW_END).
WINDOW_END = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
WINDOW_START = WINDOW_END - 2 * 365 * 86400

DAY = 86400

#: Latest start of any activity: follow-ups (late deliveries up to 10 days, order updates, email opens) still
#: fall inside the window.
LAST_ACTIVITY = WINDOW_END - 12 * DAY

#: A timestamp text that no parser accepts (for malformed rows).
UNPARSEABLE_TIMESTAMPS = ("2026-13-45T25:61:00Z", "not a date", "31/02/2026 25:00", "yesterday")


def _dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@lru_cache(maxsize=4096)
def _date(day: int) -> str:
    return _dt(day * DAY).strftime("%Y-%m-%d")


def iso_millis(epoch: float) -> str:
    """Segment style: `2026-03-04T12:34:56.789Z`."""
    whole, millis = divmod(round(epoch * 1000), 1000)
    day, seconds = divmod(whole, DAY)
    hours, rest = divmod(seconds, 3600)
    # Built by hand: strftime is the generator's hottest call.
    return f"{_date(day)}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{millis:03d}Z"


def iso_z(epoch: int) -> str:
    """Zendesk / NPS style: `2026-03-04T12:34:56Z`."""
    return _dt(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_offset(epoch: int, offset_hours: int) -> str:
    """Shopify style, shop-local time with its offset: `2026-03-04T07:34:56-05:00`."""
    local = _dt(epoch).astimezone(timezone(timedelta(hours=offset_hours)))
    return local.isoformat()


def hubspot_datetime(epoch: int) -> str:
    """HubSpot export style: `2026-03-04 12:34`."""
    return _dt(epoch).strftime("%Y-%m-%d %H:%M")


def plain_datetime(epoch: int) -> str:
    """Till style, no zone: `2026-03-04 12:34:56`."""
    return _dt(epoch).strftime("%Y-%m-%d %H:%M:%S")
