"""Slack redelivers what it thinks we missed; a brief must still be posted only once.

Slack retries an event (header ``X-Slack-Retry-Num``) when our answer was slow or lost.
We remember every event id and trigger id we accepted for a while, and acknowledge a
redelivery of one of them without doing the work again. The memory is per process: run
one bot process per app (Slack's retries go to the same URL anyway).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

# Slack retries after about 0s, 1 min and 5 min; keep ids well past the last one.
DEFAULT_TTL_S = 15 * 60
DEFAULT_MAX_IDS = 50_000


class SeenIds:
    """A thread-safe set of ids that forgets each one after ``ttl`` seconds."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_S,
        max_ids: int = DEFAULT_MAX_IDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_ids = max_ids
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str) -> bool:
        """Remember ``key``; False if it was already remembered (a duplicate)."""
        now = self._clock()
        with self._lock:
            while self._seen:
                oldest, expires = next(iter(self._seen.items()))
                if expires > now and len(self._seen) < self.max_ids:
                    break
                del self._seen[oldest]
            if key in self._seen:
                return False
            self._seen[key] = now + self.ttl
            return True

    def __len__(self) -> int:
        return len(self._seen)


def delivery_key(body: dict[str, Any]) -> str | None:
    """The id that names one delivery: an event's event_id, else the trigger_id."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


def retry_num(req: BoltRequest) -> int | None:
    values = req.headers.get("x-slack-retry-num") or []
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None


def dedup_middleware(seen: SeenIds) -> Callable[..., Any]:
    """A bolt global middleware: acknowledge duplicates without running any listener."""

    def middleware(req: BoltRequest, body: dict[str, Any], logger, next) -> Any:  # noqa: A002
        key = delivery_key(body)
        if key is None or seen.add(key):
            return next()
        logger.info("Skipping a duplicate delivery of %s (retry %s)", key, retry_num(req))
        # X-Slack-No-Retry asks Slack not to try this one again.
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})

    return middleware
