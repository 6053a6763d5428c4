"""An in-memory LRU of briefs keyed by the article's content hash and the options."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any


def cache_key(
    kind: str,
    content: str | bytes,
    title: str | None,
    backend: str,
    model: str | None,
    max_claims: int | None = None,
) -> str:
    """sha256 over everything that changes the brief (format and with_source do not)."""
    digest = hashlib.sha256()
    for part in (kind, title or "", backend, model or "", str(max_claims or "")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return digest.hexdigest()


class BriefCache:
    """Used only from the event loop, so it needs no lock."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str) -> Any | None:
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: str, value: Any) -> None:
        if self.size <= 0:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
