"""Loading a list of files in order, the next one read and checked while the current one lands.

A file's load has two halves, run on the same connection: `SourceLoader.prepare_file` reads the file into
temp tables and checks every row; `land_file` inserts the rows, the quarantine and the manifest row in one
transaction and commits, which is mostly DuckDB compressing the new rows. DuckDB runs each half of a file
on one core (a file's rows fit in one row group, DuckDB's unit of parallel work), so a worker thread
prepares file N+1 on a second connection while the caller's thread lands file N (and hashes the files
ahead, skipping the versions the manifest already has: by stamp, size and modification time, without
reading the file, else by sha256). Landing, committing and reporting stay strictly in
file order, one transaction per file: a load killed at any point leaves exactly what a one-file-at-a-time
load would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
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
    con: duckdb.DuckDBPyConnection,
    work: Sequence[tuple[SourceLoader, DataFile]],
    *,
    load_id: str,
    rehash: bool = False,
) -> Iterator[Landed]:
    """Load `work` in order, yielding each file's outcome as soon as it is committed (or skipped).

    Files whose (path, stamp) or (path, sha256) the manifest already holds are skipped (`rehash`: only by
    sha256, hashing every file); an unreadable file is skipped with a warning. The files load on
    connections of the same database; `con` reads the manifest and, once every file is done, records the
    stamps of the files found loaded by their hash only, so the next load need not hash them.
    """
    known = manifest.final_versions(con)
    restamps: list[manifest.Restamp] = []
    connections = [con.cursor() for _ in range(_CONNECTIONS)]
    free = deque(connections)
    queue: deque[_Job] = deque()
    todo = deque(work)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tessera-prepare") as worker:

            def enqueue() -> None:
                # Files are hashed here, on the landing side. That side is the busier one (a 100k-event
                # file: about 0.9 CPU s to land, 0.64 to prepare), but hashing is 0.05 s of it and a
                # hashing thread of its own measured no faster.
                while todo and free:
                    loader, file = todo.popleft()
                    identity = _identify(loader, file, known, restamps, rehash=rehash)
                    if isinstance(identity, Landed):
                        queue.append(_Job(loader, file, done=identity))
                        continue
                    file, identity = identity
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
                manifest.restamp(con, restamps)
            except BaseException:
                for job in queue:
                    if job.future is not None and job.con is not None:
                        job.future.cancel()
                        job.con.interrupt()
                raise
    finally:
        for connection in connections:
            connection.close()


def _identify(
    loader: SourceLoader,
    file: DataFile,
    known: manifest.KnownVersions,
    restamps: list[manifest.Restamp],
    *,
    rehash: bool,
) -> tuple[DataFile, str] | Landed:
    """The file with its stamp and its sha256, or its outcome when it is not to be loaded.

    The stamp is taken before the hash: a file that changes in between is recorded with the older stamp,
    which the next load does not match, so it hashes the file again. A file found loaded by its hash but not
    by its stamp (touched, or loaded before stamps existed) goes to `restamps`.
    """
    try:
        file = replace(file, stamp=loader.file_stamp(file))
        if not rehash and known.has_stamp(file.rel_path, file.stamp):
            return _already_loaded(loader, file)
        sha256 = loader.file_identity(file)
    except OSError as exc:  # vanished or unreadable since discovery: nothing to record, but say so
        result = FileResult(loader.source, file.rel_path, "skipped", message=f"cannot read ({exc})")
        return Landed(result, [f"{file.rel_path}: cannot read, skipped ({exc})"])
    if known.has_version(file.rel_path, sha256):
        if file.stamp is not None:
            restamps.append(manifest.Restamp(file.rel_path, sha256, file.stamp))
        return _already_loaded(loader, file)
    return file, sha256


def _already_loaded(loader: SourceLoader, file: DataFile) -> Landed:
    return Landed(FileResult(loader.source, file.rel_path, "skipped", message="already loaded"))


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
