"""Runs syncs: plan, deliver batches with retries and splitting, checkpoint what was acknowledged.

Each sync runs in its own thread so a slow or failing destination does not hold back the others.
A process killed at any moment loses nothing: state only moves for acknowledged records and every
destination write is idempotent per key, so the next run re-sends exactly what is missing.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reverse_etl import state
from reverse_etl.batches import planned_batches
from reverse_etl.config import SyncConfig, SyncSpec, load_sync_config
from reverse_etl.destinations.base import Batch, Destination, SyncContext, dumps
from reverse_etl.errors import BatchRejected
from reverse_etl.masking import mask_text
from reverse_etl.planner import Plan, build_plan
from reverse_etl.ratelimit import shared_bucket
from reverse_etl.registry import destination_class
from reverse_etl.retry import RetryPolicy, call_with_retries

log = logging.getLogger(__name__)

# Tests only: seconds to pause after each write and before its checkpoint, to kill a sync mid-way.
TEST_BATCH_DELAY_ENV = "TESSERA_SYNC_TEST_BATCH_DELAY"
MAX_PARALLEL_SYNCS = 4
# Keep the warehouse connection between batches only while each batch takes less than this.
HOLD_CONNECTION_SECONDS = 5.0


@dataclass(frozen=True)
class SyncProgress:
    """Emitted after each checkpointed batch (and once at start with batch 0) for progress bars."""

    sync_name: str
    batch_number: int
    rows_done: int
    rows_planned: int
    rows_failed: int


@dataclass
class SyncResult:
    """Outcome of one sync: `status` is success, partial (some records rejected), failed or dry_run."""

    sync_name: str
    status: str
    run_id: str | None = None
    plan: Plan | None = None
    rows_added: int = 0
    rows_changed: int = 0
    rows_removed: int = 0
    rows_failed: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("success", "dry_run")


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def _plan_dir(db_path: Path) -> Path:
    path = Path(db_path).resolve().parent / ".tessera_sync_plans"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _effective_batch_size(spec: SyncSpec) -> int:
    caps = destination_class(spec.destination_type).capabilities
    limit = min(caps.max_batch, spec.destination.batch_size_limit or caps.max_batch)
    return min(spec.batch_size or limit, limit)


class _Delivery:
    """Delivers one batch: retries transient errors, splits whole-batch rejections down to single records."""

    def __init__(
        self, destination: Destination, policy: RetryPolicy, sync_name: str, before_wait: Callable[[], None]
    ) -> None:
        self.destination = destination
        self.policy = policy
        self.sync_name = sync_name
        self.before_wait = before_wait

    def _on_retry(self, number: int, message: str) -> None:
        log.warning("sync %s batch %d: %s", self.sync_name, number, mask_text(message))
        self.before_wait()

    def deliver(self, batch: Batch) -> tuple[dict[str, str], dict[str, str]]:
        """Send the batch; return (rejected key -> reason, accepted key -> removal handle as JSON)."""
        number = batch.number
        try:
            result = call_with_retries(
                lambda: self.destination.write(batch),
                self.policy,
                on_retry=lambda message: self._on_retry(number, message),
            )
        except BatchRejected as exc:
            records = batch.records
            if len(records) == 1:
                return {records[0].key: mask_text(exc.reason)}, {}
            middle = len(records) // 2
            rejected_a, handles_a = self.deliver(Batch(number, records[:middle]))
            rejected_b, handles_b = self.deliver(Batch(number, records[middle:]))
            return rejected_a | rejected_b, handles_a | handles_b
        if not result.rejected and not result.handles:
            return {}, {}
        known = {r.key for r in batch.records}
        rejected = {key: mask_text(reason) for key, reason in result.rejected.items() if key in known}
        handles = {k: dumps(h) for k, h in result.handles.items() if k in known and k not in rejected}
        return rejected, handles


class _Checkpointer:
    """Commits acknowledged batches on a background thread, so batch N's commit overlaps batch N+1's write.

    At most one commit is pending; `wait` finishes it, updates the result and reports progress.
    """

    def __init__(
        self,
        session: state.StateSession,
        sync_name: str,
        run_id: str,
        plan_path: Path,
        result: SyncResult,
        progress: Callable[[SyncProgress], None] | None,
        total: int,
    ) -> None:
        self.session, self.sync_name, self.run_id, self.plan_path = session, sync_name, run_id, plan_path
        self.result, self.progress, self.total = result, progress, total
        self.done = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"checkpoint-{sync_name}")
        self._pending: Future[tuple[Batch, dict[str, int], int]] | None = None

    def _commit(self, batch: Batch, rejected: dict[str, str], handles: dict[str, str]):
        counts = state.checkpoint_batch(
            self.session.conn,
            sync_name=self.sync_name,
            run_id=self.run_id,
            plan_path=self.plan_path,
            seq_range=(batch.source.lo, batch.source.hi),
            rejected=rejected,
            handles=handles,
        )
        return batch, counts, len(rejected)

    def submit(self, batch: Batch, rejected: dict[str, str], handles: dict[str, str]) -> None:
        self.wait()
        self._pending = self._pool.submit(self._commit, batch, rejected, handles)

    def wait(self) -> None:
        if self._pending is None:
            return
        pending, self._pending = self._pending, None
        batch, counts, failed = pending.result()
        self.result.rows_added += counts["add"]
        self.result.rows_changed += counts["change"]
        self.result.rows_removed += counts["remove"]
        self.result.rows_failed += failed
        self.done += len(batch)
        if self.progress:
            self.progress(
                SyncProgress(self.sync_name, batch.number, self.done, self.total, self.result.rows_failed)
            )

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)


def run_one_sync(
    db_path: Path,
    config: SyncConfig,
    spec: SyncSpec,
    *,
    full_resync: bool = False,
    progress: Callable[[SyncProgress], None] | None = None,
    policy: RetryPolicy | None = None,
) -> SyncResult:
    """Run one sync end to end and log it in `sync_runs`; never raises for a destination failure."""
    started = time.monotonic()
    run_id = new_run_id()
    result = SyncResult(sync_name=spec.name, status="failed", run_id=run_id)
    plan_dir = _plan_dir(db_path)
    for stale in plan_dir.glob(f"{spec.name}--*.parquet"):  # left by a killed run
        stale.unlink(missing_ok=True)
    plan_path = plan_dir / f"{spec.name}--{run_id}.parquet"
    destination: Destination | None = None
    completed = False
    session = state.StateSession(db_path)
    try:
        conn = session.conn
        state.ensure_state_tables(conn)
        state.start_run(conn, run_id, spec.name, spec.mode, spec.destination_type, full_resync)
        plan, shape = build_plan(conn, spec, full_resync=full_resync, plan_path=plan_path)
        state.set_planned(conn, run_id, plan.total, plan.warnings)
        result.plan, result.warnings = plan, list(plan.warnings)
        for warning in plan.warnings:
            log.warning("sync %s: %s", spec.name, warning)

        cls = destination_class(spec.destination_type)
        if not plan.total and not cls.recover_when_idle:
            # Nothing to send: the destination is not even contacted.
            result.status = "success"
            completed = True
            if progress:
                progress(SyncProgress(spec.name, 0, 0, 0, 0))
            return result
        context = SyncContext(
            sync_name=spec.name,
            source=spec.source,
            mode=spec.mode,
            primary_key=spec.primary_key,
            columns=shape.columns,
            run_id=run_id,
            config_dir=config.path.parent,
            purpose=spec.purpose,
        )
        destination = cls(spec.destination, context)
        caps = cls.capabilities
        rate = destination.rate_limit()
        if rate:
            destination.limiter = shared_bucket(destination.rate_limit_key(), rate, caps.burst)
        destination.check()
        destination.prepare()
        checkpoints = _Checkpointer(session, spec.name, run_id, plan_path, result, progress, plan.total)

        def before_wait() -> None:
            checkpoints.wait()
            session.release()  # do not hold the warehouse while waiting on the destination

        delivery = _Delivery(destination, policy or RetryPolicy(), spec.name, before_wait)
        delay = float(os.environ.get(TEST_BATCH_DELAY_ENV, "0") or 0)
        last_write_seconds = 0.0
        if progress:
            progress(SyncProgress(spec.name, 0, 0, plan.total, 0))
        try:
            batches = planned_batches(
                plan_path, spec.mode, _effective_batch_size(spec), plan.total, first_batch=caps.first_batch
            )
            for batch in batches:
                if last_write_seconds > HOLD_CONNECTION_SECONDS:
                    before_wait()
                write_started = time.monotonic()
                rejected, handles = delivery.deliver(batch)
                if delay:
                    time.sleep(delay)
                last_write_seconds = time.monotonic() - write_started
                checkpoints.submit(batch, rejected, handles)
        finally:
            checkpoints.close()  # acknowledged batches are committed even when a later one failed
        delivered = result.rows_added + result.rows_changed + result.rows_removed
        if delivered + result.rows_failed != plan.total:
            raise RuntimeError(
                f"delivered {delivered} + rejected {result.rows_failed} != planned {plan.total}"
            )
        completed = True
        result.status = "partial" if result.rows_failed else "success"
        if result.rows_failed:
            result.error = f"{result.rows_failed} record(s) rejected by the destination (see sync_rejections)"
    except Exception as exc:  # one sync's failure is recorded and reported, never hides the others
        result.status = "failed"
        result.error = mask_text(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))
        log.error("sync %s failed: %s", spec.name, result.error)
    finally:
        if destination is not None:
            try:
                destination.close(completed=completed)
            except Exception as exc:
                if result.status != "failed":
                    result.status, result.error = "failed", mask_text(f"closing the destination: {exc}")
        plan_path.unlink(missing_ok=True)
        try:
            state.finish_run(session.conn, run_id, result.status, result.error)
        except Exception as exc:
            log.error("sync %s: could not log the run: %s", spec.name, exc)
        finally:
            session.release()
        result.seconds = time.monotonic() - started
    return result


def plan_syncs(
    db_path: Path, config: SyncConfig, specs: Sequence[SyncSpec], full_resync: bool
) -> list[SyncResult]:
    """Dry run: plan each sync and change nothing (the warehouse is opened read-only)."""
    results = []
    for spec in specs:
        try:
            with state.warehouse(db_path, read_only=True) as conn:
                plan, _ = build_plan(conn, spec, full_resync=full_resync, plan_path=None)
            results.append(SyncResult(spec.name, "dry_run", plan=plan, warnings=list(plan.warnings)))
        except Exception as exc:
            results.append(SyncResult(spec.name, "failed", error=mask_text(str(exc))))
    return results


def run_syncs(
    db_path: Path,
    config_path: Path,
    names: Sequence[str] | None = None,
    *,
    dry_run: bool = False,
    full_resync: bool = False,
    progress: Callable[[SyncProgress], None] | None = None,
    policy: RetryPolicy | None = None,
) -> list[SyncResult]:
    """Run the named syncs (all by default), independently and in parallel; results in config order.

    Raises SyncConfigError for an invalid config or unknown name; sync failures are in the results.
    """
    config = load_sync_config(Path(config_path))
    specs = config.select(list(names) if names else None)
    if dry_run:
        return plan_syncs(Path(db_path), config, specs, full_resync)
    if not specs:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SYNCS, len(specs))) as pool:
        futures = [
            pool.submit(
                run_one_sync,
                Path(db_path),
                config,
                spec,
                full_resync=full_resync,
                progress=progress,
                policy=policy,
            )
            for spec in specs
        ]
        return [future.result() for future in futures]
