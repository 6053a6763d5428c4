"""How a run is cut into chunks for a pool of workers: big chunks first, small ones last.

A chunk is one worker call (one ``nlp.pipe``, one generation batch), so big chunks keep
the per-call overhead small; but a run ends when its slowest worker does, and a worker
that takes the last 16-article chunk while the others sit idle costs that whole chunk in
wall time. Each chunk is therefore cut when a worker asks for it, at most ``size`` and at
most the remaining articles over ``2 * workers`` (guided self-scheduling, as in OpenMP's
``schedule(guided)``): full chunks while there is plenty left, then smaller and smaller
ones, so that the workers finish within about one article of each other.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


def guided_chunks(items: Sequence[T], size: int, workers: int) -> Iterator[list[T]]:
    """Consecutive chunks of ``items``, each cut when it is asked for (lazily)."""
    return iter(GuidedChunks(items, size, workers))


class GuidedChunks(Generic[T]):
    """``guided_chunks`` as an object that several takers share (thread-safe), each free to
    ask for a smaller chunk than the rule gives: the Ray engine's actors and the helper
    that briefs beside a starting Ray (``summarizer.batch.head_start``) cut from one run."""

    def __init__(self, items: Sequence[T], size: int, workers: int):
        self.items = items
        self.size, self.workers = max(1, size), max(1, workers)
        self.start = 0
        self._lock = threading.Lock()

    def take(self, limit: int | None = None) -> list[T] | None:
        """The next chunk (at most ``limit`` long), or None when everything is taken."""
        with self._lock:
            left = len(self.items) - self.start
            if left <= 0:
                return None
            step = max(1, min(self.size, limit or self.size, math.ceil(left / (2 * self.workers))))
            chunk = list(self.items[self.start : self.start + step])
            self.start += step
            return chunk

    @property
    def left(self) -> int:
        return len(self.items) - self.start

    def __iter__(self) -> Iterator[list[T]]:
        while (chunk := self.take()) is not None:
            yield chunk
