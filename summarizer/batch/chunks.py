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
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def guided_chunks(items: Sequence[T], size: int, workers: int) -> Iterator[list[T]]:
    """Consecutive chunks of ``items``, each cut when it is asked for (lazily)."""
    size, workers = max(1, size), max(1, workers)
    start = 0
    while start < len(items):
        left = len(items) - start
        step = max(1, min(size, math.ceil(left / (2 * workers))))
        yield list(items[start : start + step])
        start += step
