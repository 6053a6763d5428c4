"""A per-request deadline that long work checks between stages, so abandoned work stops.

A caller that stops waiting (an HTTP request past its timeout) cannot interrupt a
thread; it can only ask the thread to stop at its next check. ``Deadline`` carries the
time limit and a cancel flag; ``Pipeline.summarize_clean`` checks it between ingest,
parse, generation and each article's post-processing and raises ``DeadlineExceeded``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from summarizer.errors import DeadlineExceeded


class Deadline:
    """Passes at ``at`` (time.monotonic seconds) or when cancelled, whichever is first."""

    def __init__(self, at: float | None = None, *, parts: Iterable[Deadline] = ()):
        self.at = at
        self._parts = tuple(parts)
        self._cancelled = threading.Event()

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    @classmethod
    def all_of(cls, deadlines: Iterable[Deadline | None]) -> Deadline | None:
        """Passes once every one of them has (work shared by several requests); None
        when any of them never passes."""
        parts = list(deadlines)
        if not parts or any(d is None for d in parts):
            return None
        return parts[0] if len(parts) == 1 else cls(parts=parts)

    def cancel(self) -> None:
        """The caller stopped waiting: the work should stop at its next check."""
        self._cancelled.set()

    @property
    def passed(self) -> bool:
        if self._parts:
            return all(p.passed for p in self._parts)
        if self._cancelled.is_set():
            return True
        return self.at is not None and time.monotonic() >= self.at

    def remaining(self) -> float | None:
        """Seconds left (0 when passed), None when it never passes."""
        if self.passed:
            return 0.0
        if self._parts:
            left = [p.remaining() for p in self._parts]
            return None if None in left else max(x for x in left if x is not None)
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    def check(self, stage: str) -> None:
        """Raise DeadlineExceeded when the deadline has passed (``stage``: where we are)."""
        if self.passed:
            raise DeadlineExceeded(stage)
