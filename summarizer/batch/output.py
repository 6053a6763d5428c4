"""Append-only JSONL files that survive SIGKILL, and the scan that resumes from them.

Each record is one ``os.write`` of one complete line on an ``O_APPEND`` descriptor, so a
process killed at any moment leaves every earlier line whole and at most the last line
cut short (a line is written whole or not at all by the kernel for ordinary writes; a
power cut can still leave a prefix). ``scan_done`` cuts such a prefix off before a
resumed run appends to the file, and the cut-off record is simply briefed again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; runs are not guarded there
    fcntl = None  # type: ignore[assignment]

Accept = Callable[[dict], bool]


class OutputBusy(OSError):
    """Another process is writing the same output file."""


@contextmanager
def exclusive(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for a whole run, so two
    runs on one --out cannot truncate or interleave each other's records. A run that
    fails before writing anything leaves no file it created."""
    created = not os.path.exists(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputBusy(f"{path} is being written by another newsum batch run") from None
        yield
    except BaseException:
        if created and os.fstat(fd).st_size == 0:
            os.unlink(path)
        raise
    finally:
        os.close(fd)  # releases the lock


class LineAppender:
    """A file opened for atomic line appends; ``sync()`` makes what was written durable."""

    def __init__(self, path: str | Path, *, truncate: bool = False):
        self.path = Path(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
        self._fd = os.open(self.path, flags, 0o644)
        self.lines = 0

    def write(self, record: dict | str) -> None:
        """Append one record (a dict, or a JSON line already serialised) as one line."""
        line = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
        data = (line.rstrip("\n") + "\n").encode("utf-8")
        # One write call: with O_APPEND the line lands whole at the end of the file.
        written = os.write(self._fd, data)
        while written < len(data):  # only on a full disk or an exotic filesystem
            written += os.write(self._fd, data[written:])
        self.lines += 1

    def sync(self) -> None:
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> LineAppender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _record_id(line: bytes, accept: Accept | None = None) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not (isinstance(record, dict) and isinstance(record.get("id"), str) and "brief" in record):
        return None
    return record["id"] if accept is None or accept(record) else None


def scan_done(path: str | Path, accept: Accept | None = None) -> tuple[set[str], int]:
    """Ids already briefed in an output file, after repairing it in place.

    Returns (ids, dropped): ``dropped`` counts the lines removed, a truncated last line
    (the file is cut back to its last newline) and any other line that is not a record
    or repeats an id (the file is rewritten without it, atomically). Their articles are
    briefed again. Reads line by line: an output of millions of briefs is never in memory.
    ``accept(record)`` may refuse more records (a brief that does not validate, an input
    that changed); those are dropped the same way.
    """
    path = Path(path)
    if not path.exists():
        return set(), 0
    ids: set[str] = set()
    bad = truncated = 0
    whole = 0  # bytes up to the end of the last complete line
    with path.open("rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):  # the last line never got its newline: killed
                truncated = 1
                break
            whole += len(line)
            record_id = _record_id(line, accept)
            if record_id is None or record_id in ids:
                bad += 1
            else:
                ids.add(record_id)
    if truncated:
        with path.open("r+b") as fh:
            fh.truncate(whole)
            os.fsync(fh.fileno())
    if bad:
        _rewrite_without_bad_lines(path, accept)
    return ids, bad + truncated


def _rewrite_without_bad_lines(path: Path, accept: Accept | None = None) -> None:
    tmp = path.with_name(path.name + ".repair")
    seen: set[str] = set()
    try:
        with path.open("rb") as src, tmp.open("wb") as dst:
            for line in src:
                record_id = _record_id(line, accept)
                if record_id is not None and record_id not in seen:
                    seen.add(record_id)
                    dst.write(line)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not leave a half repair behind
        raise
