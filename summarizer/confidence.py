"""Trade recall for precision after the fact: drop items below a confidence.

A pure function over a finished brief, so that a cached brief serves every threshold.
Items without a confidence (rules-only or generator-added items) are kept: nothing
says they are weak. A denial that rebutted a dropped claim keeps no dangling ``rebuts``.
"""

from __future__ import annotations

from summarizer.errors import InputError
from summarizer.schema import StructuredSummary


def _keeps(item, threshold: float) -> bool:
    return item.confidence is None or item.confidence >= threshold


def apply_min_confidence(brief: StructuredSummary, threshold: float | None) -> StructuredSummary:
    """The brief without the items whose confidence is below ``threshold`` (0-1)."""
    if threshold is None or threshold <= 0:
        return brief
    if not 0 <= threshold <= 1:
        raise InputError(f"min_confidence must be between 0 and 1 (got {threshold})")
    claims = [c for c in brief.claims if _keeps(c, threshold)]
    kept_ids = {c.id for c in claims}
    denials = [
        d if d.rebuts is None or d.rebuts in kept_ids else d.model_copy(update={"rebuts": None})
        for d in brief.denials
        if _keeps(d, threshold)
    ]
    return brief.model_copy(
        update={
            "key_actors": [a for a in brief.key_actors if _keeps(a, threshold)],
            "claims": claims,
            "denials": denials,
            "next_steps": [n for n in brief.next_steps if _keeps(n, threshold)],
        }
    )
