"""`cdp privacy verify`: look for a person everywhere Tessera can read, and report the exact places.

Searches every text column of every table of the warehouse and every readable destination of the sync
configuration (Postgres tables, Redis keys under the sync's prefix, files) for each identifier, its
lower-case form and the SHA-256 of both. Destinations that cannot be read back (SaaS APIs, webhooks) are
listed as not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from privacy.destinations import scan_destinations
from privacy.masking import mask_value
from privacy.scan import Finding, scan_warehouse
from privacy.subject import Subject, resolve_subject
from privacy.warehouse import open_warehouse
from reverse_etl.config import SyncConfig, load_sync_config


@dataclass
class VerifyReport:
    """Where the person was found (empty when nowhere), what was searched and what could not be."""

    identifier: str
    values_searched: int
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def total(self) -> int:
        return sum(f.count for f in self.findings)

    def summary(self) -> str:
        """Printable, masked summary."""
        lines = [
            f"verify {mask_value(self.identifier)}: searched {self.values_searched} value(s) in "
            f"{len(self.checked)} place(s): "
            + ("no trace found" if self.clean else f"{self.total} trace(s) in {len(self.findings)} place(s)")
        ]
        lines += [f"  found {f.count} in {f.place}" for f in self.findings]
        lines += [f"  not checked: {n}" for n in self.not_checked]
        return "\n".join(lines)


def verify_subject(db_path: Path, subject: Subject, config: SyncConfig | None) -> VerifyReport:
    """Search the warehouse and the config's readable destinations for the subject's values."""
    values = subject.values
    report = VerifyReport(subject.given, len(values))
    con = open_warehouse(db_path, read_only=True)
    try:
        report.findings += scan_warehouse(con, values)
    finally:
        con.close()
    report.checked.append(f"duckdb {db_path}")
    destinations = scan_destinations(config, values)
    report.findings += destinations.findings
    report.checked += destinations.checked
    report.not_checked += destinations.not_checked
    return report


def verify_person(
    db_path: Path,
    identifier: str,
    config_path: Path | None = None,
    *,
    also: Sequence[str] = (),
) -> VerifyReport:
    """Verify the warehouse and destinations hold nothing of the person `identifier` resolves to.

    Once a person is forgotten the identifier no longer resolves, so only it (and its normalised forms)
    can be searched: pass the person's other identifiers in `also` to search for them too.
    """
    subject = _with_values(resolve_subject(db_path, identifier), also)
    config = load_sync_config(Path(config_path)) if config_path else None
    return verify_subject(Path(db_path), subject, config)


def _with_values(subject: Subject, values: Sequence[str]) -> Subject:
    pairs = subject.identifiers + tuple(("other", v.strip()) for v in values if v.strip())
    return Subject(subject.given, subject.customer_id, pairs)
