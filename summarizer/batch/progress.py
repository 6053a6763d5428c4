"""How a batch run reports: a live bar on a terminal, plain log lines elsewhere.

Log lines go out every ``interval`` seconds at most (CI logs and ``nohup`` files should
not get one line per article), and a final summary line always ends the run.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Counts:
    total: int = 0  # articles this run will attempt (resumed ones excluded)
    done: int = 0
    failed: int = 0
    skipped: int = 0  # already in the output (--resume)
    started: float = field(default_factory=time.perf_counter)

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        return self.finished / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> str:
        return (
            f"newsum batch: {self.done} done, {self.skipped} skipped, {self.failed} failed "
            f"in {self.elapsed:.1f}s ({self.rate:.2f} articles/s)"
        )


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


class LogProgress:
    """A line such as ``120/1000 (12%), 3 failed, 11.8 articles/s, ETA 1m14s``."""

    def __init__(self, counts: Counts, stream: TextIO | None = None, interval: float = 5.0):
        self.counts, self.stream, self.interval = counts, stream or sys.stderr, interval
        self._last = time.perf_counter()

    def __enter__(self) -> LogProgress:
        c = self.counts
        print(f"newsum batch: {c.total} to brief, {c.skipped} already done", file=self.stream)
        return self

    def update(self) -> None:
        now = time.perf_counter()
        if now - self._last < self.interval:
            return
        self._last = now
        c = self.counts
        share = f" ({100 * c.finished // c.total}%)" if c.total else ""
        eta = f", ETA {_duration((c.total - c.finished) / c.rate)}" if c.rate else ""
        print(
            f"newsum batch: {c.finished}/{c.total}{share}, {c.failed} failed, "
            f"{c.rate:.2f} articles/s{eta}",
            file=self.stream,
            flush=True,
        )

    def __exit__(self, *exc) -> None:
        print(self.counts.summary(), file=self.stream, flush=True)


class BarProgress:
    """rich's bar: count, rate, ETA; the failed count in the description."""

    def __init__(self, counts: Counts, stream: TextIO | None = None):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.counts = counts
        self.console = Console(file=stream or sys.stderr)
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task = self.bar.add_task("briefing", total=counts.total, rate="-")

    def __enter__(self) -> BarProgress:
        self.bar.start()
        return self

    def update(self) -> None:
        c = self.counts
        label = f"briefing ({c.failed} failed)" if c.failed else "briefing"
        self.bar.update(self.task, completed=c.finished, description=label, rate=f"{c.rate:.1f}")

    def __exit__(self, *exc) -> None:
        self.update()
        self.bar.stop()
        self.console.print(self.counts.summary(), highlight=False)


def progress_for(counts: Counts, stream: TextIO | None = None) -> LogProgress | BarProgress:
    stream = stream or sys.stderr
    if stream.isatty():
        return BarProgress(counts, stream)
    return LogProgress(counts, stream)
