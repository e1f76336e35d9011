"""`generate_demo_data`: stream a synthetic population through every source writer, household by household."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cdp.demo_data.bridge import bridge_person
from cdp.demo_data.consent import ConsentWriter
from cdp.demo_data.custom import CustomWriter
from cdp.demo_data.esp import EspWriter
from cdp.demo_data.hubspot import HubSpotWriter
from cdp.demo_data.ids import IDS_PER_CUSTOMER, Counters
from cdp.demo_data.nps import NpsWriter
from cdp.demo_data.people import households
from cdp.demo_data.pos import PosWriter
from cdp.demo_data.segment import SegmentWriter
from cdp.demo_data.shopify import ShopifyWriter
from cdp.demo_data.support import SupportWriter
from cdp.demo_data.truth import Ledger

_PROGRESS_EVERY = 1_000

#: Names this generator writes; a new run removes them first so no part of an earlier, bigger run survives.
_OUTPUT_PATTERNS = (
    "events/part-*.jsonl*",
    "shopify/orders-*.json*",
    "hubspot/contacts-*.csv*",
    "pos/sales-*.csv*",
    "esp/events-*.jsonl*",
    "support/export-*.json*",
    "nps/responses-*.jsonl*",
    "consent/changes-*.jsonl*",
    "custom/loyalty_app.*",
    "truth.csv",
)


@dataclass
class DemoDataSummary:
    """What a generation run wrote."""

    out_dir: Path
    customers: int
    seed: int
    #: records per file, keyed by path relative to `out_dir` (`events/part-0001.jsonl`)
    files: dict[str, int] = field(default_factory=dict)
    #: records per source folder (malformed rows included)
    records: dict[str, int] = field(default_factory=dict)
    #: deliberately malformed rows per source folder
    malformed: dict[str, int] = field(default_factory=dict)
    truth_rows: int = 0
    #: identifiers that share no well-formed record with the rest of their person's identifiers
    unlinkable_identifiers: int = 0


def generate_demo_data(
    out_dir: Path,
    customers: int,
    seed: int,
    *,
    compress: bool = False,
    progress: Callable[[int], None] | None = None,
    first_customer: int = 1,
) -> DemoDataSummary:
    """Write synthetic inputs for `customers` persons into `out_dir` (the `cdp load` layout) plus `truth.csv`.

    The same seed gives byte-identical files. Memory stays flat: persons are generated one household at a
    time and every record is streamed to its part file. `progress` gets the number of customers written so
    far, every 1,000 customers and at the end.

    `first_customer` numbers people from that value and moves the source systems' id counters past what
    earlier customers used, so a second folder (new customers arriving later, for incremental runs) never
    reuses the first one's people or ids; use another seed for it too.
    """
    if customers < 1:
        raise ValueError(f"customers must be at least 1, got {customers}")
    if first_customer < 1:
        raise ValueError(f"first_customer must be at least 1, got {first_customer}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for pattern in _OUTPUT_PATTERNS:
        for stale in out_dir.glob(pattern):
            stale.unlink()
    counters = Counters(offset=(first_customer - 1) * IDS_PER_CUSTOMER)
    writers = {
        "events": SegmentWriter(out_dir, compress),
        "shopify": ShopifyWriter(out_dir, compress, counters),
        "hubspot": HubSpotWriter(out_dir, compress, counters),
        "pos": PosWriter(out_dir, compress, counters),
        "esp": EspWriter(out_dir, compress),
        "support": SupportWriter(out_dir, compress, counters),
        "nps": NpsWriter(out_dir, compress, counters),
        "consent": ConsentWriter(out_dir, compress),
        "custom": CustomWriter(out_dir, compress),
    }
    ledger = Ledger(out_dir / "truth.csv")
    written = reported = 0
    next_report = _PROGRESS_EVERY
    try:
        for household, rng in households(seed, customers, first_person=first_customer):
            for writer in writers.values():
                writer.write_household(household, rng, ledger)
            for person in household.members:
                bridge_person(person, rng, ledger, writers["hubspot"], writers["consent"], writers["events"])
            ledger.finish(p.person_id for p in household.members)
            written += len(household.members)
            if progress and written >= next_report:
                progress(written)
                reported = written
                next_report = (written // _PROGRESS_EVERY + 1) * _PROGRESS_EVERY
    finally:
        ledger.close()
    summary = DemoDataSummary(out_dir=out_dir, customers=customers, seed=seed)
    for source, writer in writers.items():
        counts = writer.close()
        summary.files.update(counts)
        summary.records[source] = sum(counts.values())
        summary.malformed[source] = writer.malformed
    summary.truth_rows = ledger.rows
    summary.unlinkable_identifiers = ledger.unlinkable
    if progress and reported != written:
        progress(written)
    return summary
