"""Finding input files, hashing them, and spotting files that are not what their name says.

Discovery walks each known source folder recursively (sorted, so loads are reproducible); hidden files and
folders (`.DS_Store`, `.git`) are ignored. Anything else that is not loadable is reported as a warning.
"""

from __future__ import annotations

import gzip
import hashlib
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20
_SNIFF_BYTES = 1 << 16
#: A file modified less than this long ago may change again within one tick of the file system's clock
#: (a few milliseconds on Linux) without its modification time moving, so its stamp is not trusted yet.
_SETTLED_S = 2.0


@dataclass(frozen=True)
class DataFile:
    """One input file of a source folder."""

    source: str
    path: Path
    rel_path: str  # posix path relative to the data folder, as stored in `_file` and the manifest
    size_bytes: int
    #: `file_stamp` of the paths that make up the file's identity, taken before hashing (None: not taken,
    #: or modified too recently to be trusted); recorded in the manifest beside the sha256.
    stamp: str | None = None

    @property
    def is_gzip(self) -> bool:
        return self.path.name.lower().endswith(".gz")

    @property
    def format_name(self) -> str:
        """File name without `.gz`, lower-cased (`part-1.jsonl.gz` -> `part-1.jsonl`)."""
        name = self.path.name.lower()
        return name[:-3] if name.endswith(".gz") else name

    @property
    def stem(self) -> str:
        """Name without `.gz` and without the format extension, original case."""
        name = self.path.name[:-3] if self.is_gzip else self.path.name
        return name.rsplit(".", 1)[0]


def is_hidden(path: Path) -> bool:
    return path.name.startswith(".")


def files_under(folder: Path) -> list[Path]:
    """Every non-hidden file below `folder`, sorted, skipping hidden folders."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel_parts = path.relative_to(folder).parts
        if path.is_file() and not any(part.startswith(".") for part in rel_parts):
            found.append(path)
    return found


def sha256_of(*paths: Path) -> str:
    """Hex SHA-256 of the concatenated bytes of `paths`, streamed in 1 MiB chunks."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def file_stamp(*paths: Path) -> str | None:
    """`size:mtime_ns` of each of `paths` (`;`-joined), or None when one was modified in the last 2 s.

    A load skips a file whose stamp matches one the manifest recorded for a final version of the same path,
    without reading it: hashing every file again would read the whole data folder on every load. A file
    changed in place keeping its size and modification time (`touch -r` after an edit) is only caught by
    `cdp load --rehash`.
    """
    stats = [path.stat() for path in paths]
    if any(stat.st_mtime > time.time() - _SETTLED_S for stat in stats):
        return None
    return ";".join(f"{stat.st_size}:{stat.st_mtime_ns}" for stat in stats)


@dataclass(frozen=True)
class Sniff:
    """First look at a file's (decompressed) content: `problem` set means quarantine the whole file."""

    is_empty: bool = False
    problem: str | None = None


def sniff(file: DataFile, *, binary_format: bool = False) -> Sniff:
    """Check the start of a file: gzip header sane, text not binary, anything there at all.

    Only the first 64 KiB are read; a gzip truncated further in is caught by DuckDB while reading.
    """
    if file.size_bytes == 0:
        return Sniff(is_empty=True)
    try:
        if file.is_gzip:
            with gzip.open(file.path, "rb") as handle:
                head = handle.read(_SNIFF_BYTES)
                at_end = len(head) < _SNIFF_BYTES or not handle.read(1)
        else:
            with file.path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
            at_end = file.size_bytes <= _SNIFF_BYTES
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return Sniff(problem=f"not a valid gzip file ({exc})")
    except OSError as exc:
        return Sniff(problem=f"cannot open file ({exc})")
    if at_end and not head.strip():
        return Sniff(is_empty=True)
    if binary_format:
        return Sniff()
    if b"\x00" in head:
        return Sniff(problem="binary content (NUL bytes), not a text file")
    return Sniff()
