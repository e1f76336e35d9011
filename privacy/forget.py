"""`cdp privacy forget`: erase a person from the warehouse and from every destination they reached.

Steps, each logged in `privacy_request_steps`:
1. resolve the identifier to the customer and every identifier linked to them;
2. send a removal to every destination that acknowledged one of their records (`sync_state`);
3. delete every raw row carrying any of their identifiers, and quarantined rows mentioning them;
4. write tombstones (salted hashes) so staging drops the identifiers if the same files are loaded again;
5. scrub every other table holding them (identity assignment history, audience history, rejections...)
   so no incremental model carries them into the rebuild; the per-record models never look for rows of
   customers that no longer exist, so this scrub (of every row holding the customer id) is what removes
   the person's rows from them;
6. rebuild the project, scrub again what incremental models re-derived, and verify nothing is left.
"""

from __future__ import annotations

import json
import logging
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from privacy.destinations import DestinationErasure, erase_from_destinations
from privacy.masking import mask_text, mask_value
from privacy.raw_records import delete_quarantined, delete_raw_rows
from privacy.requests_log import StepRecord, finish_request, log_step, start_request
from privacy.scan import delete_record_links, scrub_warehouse
from privacy.subject import Subject, resolve_subject
from privacy.tombstones import add_tombstones
from privacy.verify import VerifyReport, verify_subject
from privacy.warehouse import ensure_privacy_tables, open_warehouse
from reverse_etl.config import SyncConfig, load_sync_config
from reverse_etl.retry import RetryPolicy

log = logging.getLogger(__name__)
# Kept apart from the scrub: a destination whose removal failed keeps its delivery state for a retry.
SYNC_STATE = ("main", "sync_state")


@dataclass
class ForgetReport:
    """What forgetting one person did, step by step."""

    request_id: str
    identifier: str
    found: bool
    identifiers: int = 0
    destinations: list[DestinationErasure] = field(default_factory=list)
    raw_rows_deleted: dict[str, int] = field(default_factory=dict)
    quarantine_rows_deleted: int = 0
    tombstones_added: int = 0
    scrubbed: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = False
    verify: VerifyReport | None = None
    status: str = "running"
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Printable, masked summary."""
        raw = sum(self.raw_rows_deleted.values())
        lines = [
            f"forget {mask_value(self.identifier)} (request {self.request_id}): {self.status}",
            f"  customer found: {'yes' if self.found else 'no'}; identifiers: {self.identifiers}",
            f"  raw rows deleted: {raw}"
            + (f" ({', '.join(f'{t} {n}' for t, n in sorted(self.raw_rows_deleted.items()))})" if raw else "")
            + f"; quarantined rows deleted: {self.quarantine_rows_deleted}",
            f"  tombstones added: {self.tombstones_added}",
            f"  other rows scrubbed: {sum(self.scrubbed.values())}",
        ]
        for d in self.destinations:
            lines.append(
                f"  destination {d.sync_name} ({d.destination_type}): {d.status}, {d.records} record(s), "
                f"{d.attempts} attempt(s)" + (f" - {d.error}" if d.error else "")
            )
        lines.append(f"  rebuilt: {'yes' if self.rebuilt else 'no'}")
        if self.verify is not None:
            lines += ["  " + line for line in self.verify.summary().splitlines()]
        lines += [f"  error: {e}" for e in self.errors]
        return "\n".join(lines)


def _rebuild(project_dir: Path, db_path: Path) -> None:
    # Imported here: the build pulls in dbt, which a caller that never rebuilds does not need.
    from cdp.build import build_project

    build_project(project_dir=project_dir, db_path=db_path)


def _erase_warehouse(con: duckdb.DuckDBPyConnection, subject: Subject, report: ForgetReport) -> None:
    report.raw_rows_deleted = delete_raw_rows(con, subject.identifiers)
    report.quarantine_rows_deleted = delete_quarantined(con, subject.values)
    deleted = {**report.raw_rows_deleted, "_quarantine": report.quarantine_rows_deleted}
    log_step(con, report.request_id, StepRecord("delete_raw", "raw", "done", detail=json.dumps(deleted)))
    report.tombstones_added = add_tombstones(con, report.request_id, subject.identifiers)
    added = f"{report.tombstones_added} added"
    log_step(con, report.request_id, StepRecord("tombstone", "privacy.tombstones", "done", detail=added))
    links = delete_record_links(con, subject.identifiers)
    scrubbed = scrub_warehouse(con, subject.values, keep=[SYNC_STATE])
    if links:
        scrubbed["main.int_record_links"] = links
    for table, count in scrubbed.items():
        report.scrubbed[table] = report.scrubbed.get(table, 0) + count
    log_step(con, report.request_id, StepRecord("scrub", "warehouse", "done", detail=json.dumps(scrubbed)))


def _rebuild_and_scrub(
    project_dir: Path | None, db_path: Path, subject: Subject, report: ForgetReport
) -> None:
    if project_dir is None:
        from cdp.settings import REPO_ROOT

        project_dir = REPO_ROOT / "dbt_project"
    try:
        _rebuild(Path(project_dir), db_path)
        report.rebuilt = True
    except Exception as exc:  # recorded: the request stays incomplete until a rebuild succeeds
        report.errors.append(f"rebuild failed: {mask_text(str(exc))}")
    with closing(open_warehouse(db_path)) as con:
        log_step(con, report.request_id, StepRecord("rebuild", "dbt", "done" if report.rebuilt else "failed"))
        if report.rebuilt:
            for table, count in scrub_warehouse(con, subject.values, keep=[SYNC_STATE]).items():
                report.scrubbed[table] = report.scrubbed.get(table, 0) + count


def forget_person(
    db_path: Path,
    identifier: str,
    config_path: Path | None = None,
    project_dir: Path | None = None,
    *,
    rebuild: bool = True,
    policy: RetryPolicy | None = None,
) -> ForgetReport:
    """Forget the person `identifier` resolves to (see the module doc).

    A destination that cannot confirm the removal, a failed rebuild or traces left are recorded in the
    report and the request log, and the request ends `incomplete` (run it again to retry). An error that
    stops the request (e.g. a warehouse that was never built) is logged as `failed` and raised.
    """
    db_path = Path(db_path)
    subject = resolve_subject(db_path, identifier)
    config: SyncConfig | None = load_sync_config(Path(config_path)) if config_path else None
    with closing(open_warehouse(db_path)) as con:
        ensure_privacy_tables(con)
        request_id = start_request(con, "forget", identifier)
    report = ForgetReport(request_id, identifier, subject.found, len(subject.identifiers))
    try:
        with closing(open_warehouse(db_path)) as con:
            resolved = StepRecord(
                "resolve",
                "warehouse",
                "done" if subject.found else "not_found",
                detail=f"{len(subject.identifiers)} identifier(s)",
            )
            log_step(con, request_id, resolved)
            report.destinations = erase_from_destinations(con, config, subject.values, request_id, policy)
            for d in report.destinations:
                log_step(
                    con, request_id, StepRecord("destination", d.sync_name, d.status, d.attempts, d.error)
                )
            _erase_warehouse(con, subject, report)
        if rebuild:
            _rebuild_and_scrub(project_dir, db_path, subject, report)
        report.verify = verify_subject(db_path, subject, config)
    except Exception as exc:
        report.status = "failed"
        report.errors.append(mask_text(str(exc) or type(exc).__name__))
        with closing(open_warehouse(db_path)) as con:
            finish_request(con, request_id, "failed", report.errors[-1])
        raise
    incomplete = (
        not report.rebuilt
        or not report.verify.clean
        or any(d.status != "confirmed" for d in report.destinations)
    )
    report.status = "incomplete" if incomplete else "done"
    with closing(open_warehouse(db_path)) as con:
        verified = StepRecord(
            "verify",
            "warehouse+destinations",
            "clean" if report.verify.clean else "traces_found",
            detail=f"{report.verify.total} trace(s)",
        )
        log_step(con, request_id, verified)
        finish_request(con, request_id, report.status, report.summary().splitlines()[0])
    log.info("%s", report.summary())  # masked
    return report
