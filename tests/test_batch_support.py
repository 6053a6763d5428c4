"""Helpers for the batch tests (no tests here): small fictional articles from templates."""

from __future__ import annotations

import json
from pathlib import Path

_TOWNS = ["Marlow", "Ebbridge", "Carnford", "Dunmore", "Holtby", "Westmere", "Pellingham"]
_PEOPLE = ["Ana Ruiz", "Tomas Berg", "Priya Nair", "Owen Clarke", "Lena Fischer", "Sam Okafor"]
_TOPICS = ["a new bridge", "the river flood defences", "a school building plan", "bus fares"]


def article(n: int) -> str:
    """A short wire-style article, different for every ``n``, several sentences long."""
    town, person = _TOWNS[n % len(_TOWNS)], _PEOPLE[n % len(_PEOPLE)]
    rival = _PEOPLE[(n + 1) % len(_PEOPLE)]
    topic = _TOPICS[n % len(_TOPICS)]
    return (
        f"{town} council approved {topic} on Tuesday after a vote of {20 + n} to {n % 7}, "
        f"officials said.\n\n"
        f'Council leader {person} said: "This plan will serve {town} for decades." '
        f"{person} told reporters that the cost of {n + 3} million pounds would be shared "
        f"with the regional government.\n\n"
        f"Opposition member {rival} accused the council of rushing the decision. "
        f"{person} denied the claim, saying the plan had been discussed for {n % 5 + 2} years.\n\n"
        f"Work is expected to begin in {['March', 'June', 'September'][n % 3]}, and a "
        f"final report will be published next year."
    )


def write_articles(folder: Path, count: int, start: int = 0, suffix: str = ".txt") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"story-{n:03d}{suffix}"
        path.write_text(article(n), encoding="utf-8")
        paths.append(path)
    return paths


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    # Split on "\n" only: str.splitlines() would also split inside a brief at U+2028 etc.
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


class WhereAmI:
    """Briefs with a headline saying where it ran: the process id, and whether Ray is
    imported there (defined here, in a module that does not import Ray itself)."""

    max_chars = 200_000

    def summarize_clean(self, items):
        import os
        import sys

        from test_batch_local import FakePipeline

        briefs = FakePipeline().summarize_clean(items)
        where = f"pid {os.getpid()} ray {'ray' in sys.modules}"
        return [b.model_copy(update={"headline": where}) for b in briefs]
