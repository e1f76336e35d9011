"""The 1% increment appended after the full build: new customers, and new events of existing ones.

Half of the increment's records come from `cdp demo-data` run for new people (another seed, person numbers
and source-system ids after the base run's, so no identifier collides with an existing customer by
accident); the other half are new web/app events of existing customers: a spread sample of the existing
events re-sent with fresh message ids and timestamps moved a few days later. Everything lands as new part
files next to the base run's, which is how new data arrives for `cdp load`.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

_TIME_FIELDS = ("timestamp", "sentAt", "receivedAt", "originalTimestamp")


def append_increment(
    data_dir: Path, scratch: Path, *, customers: int, seed: int, fraction: float = 0.01
) -> dict[str, object]:
    """Append about `fraction` of the base run's records to `data_dir` (base: `customers` people).

    Returns the new customers, the re-sent events and the records written per source folder.
    """
    tag = f"increment{seed + 1}"
    scratch.mkdir(parents=True, exist_ok=True)
    resent = _resend_events(
        data_dir / "events", scratch / f"{tag}-resent.jsonl", fraction=fraction / 2, seed=seed + 1
    )
    new_customers = max(1, round(customers * fraction / 2))
    generated = _new_customers(scratch / "data", new_customers, seed=seed + 1, first_customer=customers + 1)
    _move_parts(scratch / "data", data_dir, tag=tag)
    shutil.move(scratch / f"{tag}-resent.jsonl", data_dir / "events" / f"{tag}-resent.jsonl")
    return {
        "new_customers": new_customers,
        "resent_events": resent,
        "records": {k: v + (resent if k == "events" else 0) for k, v in generated.items()},
    }


def _new_customers(out_dir: Path, customers: int, *, seed: int, first_customer: int) -> dict[str, int]:
    """demo-data for `customers` people numbered from `first_customer`; records per source folder."""
    from cdp.demo_data import generate_demo_data

    summary = generate_demo_data(out_dir, customers, seed, first_customer=first_customer)
    return dict(summary.records)


def _move_parts(scratch: Path, data_dir: Path, *, tag: str) -> dict[str, int]:
    """Move the generated part files into `data_dir` under new names; returns files moved per folder."""
    moved: dict[str, int] = {}
    for path in sorted(scratch.glob("*/*")):
        folder = path.parent.name
        if folder == "custom":
            if path.suffix in (".yml", ".yaml"):
                continue  # the base run's mapping covers the new part
            # `<name>-part<N>` is read with `<name>.yml`.
            stem, _, ext = path.name.partition(".")
            name = f"{stem}-part{9000 + moved.get(folder, 0)}.{ext}"
        else:
            name = f"{tag}-{path.name}"
        shutil.move(path, data_dir / folder / name)
        moved[folder] = moved.get(folder, 0) + 1
    shutil.rmtree(scratch, ignore_errors=True)
    return moved


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _resend_events(events_dir: Path, out_path: Path, *, fraction: float, seed: int) -> int:
    """Write `fraction` of the existing events (every k-th line) again with fresh ids and times."""
    sources = sorted(events_dir.glob("*.jsonl"))
    total = sum(_count_lines(p) for p in sources)
    wanted = max(1, round(total * fraction))
    every = max(1, total // wanted)
    rng = random.Random(seed)
    written = 0
    with out_path.open("w", encoding="utf-8") as out:
        line_number = 0
        for path in sources:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    line_number += 1
                    if line_number % every or written >= wanted:
                        continue
                    message = _resent(line, rng)
                    if message is not None:
                        out.write(json.dumps(message, separators=(",", ":")) + "\n")
                        written += 1
    return written


def _resent(line: str, rng: random.Random) -> dict | None:
    """The event again, later and under a new message id; None for a malformed line."""
    try:
        message = json.loads(line)
        later = timedelta(days=rng.randint(1, 7), seconds=rng.randint(0, 86_399))
        for key in _TIME_FIELDS:
            if isinstance(message.get(key), str):
                moved = datetime.fromisoformat(message[key].replace("Z", "+00:00")) + later
                message[key] = moved.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moved.microsecond // 1000:03d}Z"
    except (ValueError, AttributeError, TypeError):
        return None
    if not isinstance(message, dict) or not message.get("messageId"):
        return None
    message["messageId"] = f"ajs-next-{rng.getrandbits(128):032x}"
    return message
