"""Loading a list of files in order, the next one read and checked while the current one lands.

A file's load has two halves, run on the same connection: `SourceLoader.prepare_file` reads the file into
temp tables and checks every row; `land_file` inserts the rows, the quarantine and the manifest row in one
transaction and commits, which is mostly DuckDB compressing the new rows. DuckDB runs each half of a file
on one core (a file's rows fit in one row group, DuckDB's unit of parallel work), so a worker thread
prepares file N+1 on a second connection while the caller's thread lands file N (and hashes the files
ahead, skipping the versions the manifest already has). Landing, committing and reporting stay strictly in
file order, one transaction per file: a load killed at any point leaves exactly what a one-file-at-a-time
load would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from ingest import manifest
from ingest.base import PreparedFile, SourceLoader
from ingest.files import DataFile
from ingest.report import FileResult

#: Connections taking turns: one file landing, the next one being prepared.
_CONNECTIONS = 2


@dataclass
class Landed:
    """One file's outcome, in load order, with the warnings to report for it (prefixed with its path)."""

    result: FileResult
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Job:
    """A file in the queue: either already decided (`done`, e.g. skipped) or being prepared on `con`."""

    loader: SourceLoader
    file: DataFile
    done: Landed | None = None
    con: duckdb.DuckDBPyConnection | None = None
    future: Future[PreparedFile] | None = None


def load_files(
    con: duckdb.DuckDBPyConnection, work: Sequence[tuple[SourceLoader, DataFile]], *, load_id: str
) -> Iterator[Landed]:
    """Load `work` in order, yielding each file's outcome as soon as it is committed (or skipped).

    Files whose (path, sha256) the manifest already holds are skipped; an unreadable file is skipped with
    a warning. `con` is only read (the manifest); the files load on connections of the same database.
    """
    known = manifest.final_versions(con)
    connections = [con.cursor() for _ in range(_CONNECTIONS)]
    free = deque(connections)
    queue: deque[_Job] = deque()
    todo = deque(work)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tessera-prepare") as worker:

            def enqueue() -> None:
                # Files are hashed here, on the landing side, which has the lighter share of the work.
                while todo and free:
                    loader, file = todo.popleft()
                    identity = _identify(loader, file, known)
                    if isinstance(identity, Landed):
                        queue.append(_Job(loader, file, done=identity))
                        continue
                    job_con = free.popleft()
                    loaded_at = datetime.now(UTC).replace(tzinfo=None)
                    future = worker.submit(
                        loader.prepare_file, job_con, file, identity, load_id=load_id, loaded_at=loaded_at
                    )
                    queue.append(_Job(loader, file, con=job_con, future=future))

            enqueue()
            try:
                while queue:
                    job = queue.popleft()
                    landed = _land(job)
                    if job.con is not None:
                        free.append(job.con)
                    enqueue()
                    yield landed
            except BaseException:
                for job in queue:
                    if job.future is not None and job.con is not None:
                        job.future.cancel()
                        job.con.interrupt()
                raise
    finally:
        for connection in connections:
            connection.close()


def _identify(loader: SourceLoader, file: DataFile, known: set[tuple[str, str]]) -> str | Landed:
    """The file's sha256, or its outcome when it is not to be loaded (unreadable, or already loaded)."""
    try:
        sha256 = loader.file_identity(file)
    except OSError as exc:  # vanished or unreadable since discovery: nothing to record, but say so
        result = FileResult(loader.source, file.rel_path, "skipped", message=f"cannot read ({exc})")
        return Landed(result, [f"{file.rel_path}: cannot read, skipped ({exc})"])
    if (file.rel_path, sha256) in known:
        return Landed(FileResult(loader.source, file.rel_path, "skipped", message="already loaded"))
    return sha256


def _land(job: _Job) -> Landed:
    """Land a prepared file on the connection that prepared it (or return the decided outcome)."""
    if job.done is not None:
        return job.done
    assert job.future is not None and job.con is not None
    result, warnings = job.loader.land_file(job.con, job.future.result())
    landed = Landed(result, [f"{job.file.rel_path}: {w}" for w in warnings])
    if result.status == "quarantined":
        landed.warnings.append(f"{job.file.rel_path}: quarantined: {result.message}")
    return landed
