"""Helpers shared by the tests (import as `from support import ...`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def assert_evidence_valid(brief, source: str) -> int:
    """Every item's evidence is an exact span of the source; returns how many were checked."""
    spans = [e for a in brief.key_actors for e in a.evidence]
    spans += [item.evidence for item in (*brief.claims, *brief.denials, *brief.next_steps)]
    for ev in spans:
        assert 0 <= ev.start <= ev.end <= len(source), ev
        assert source[ev.start : ev.end] == ev.text, ev
    return len(spans)
