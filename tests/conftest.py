"""Shared fixtures. Evaluation data is read from ../shared at run time, never copied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def pipeline():
    from summarizer.pipeline import Pipeline

    return Pipeline().load()


@pytest.fixture(scope="session")
def dev_rows():
    path = SHARED_EVAL / "dev.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval/dev.jsonl is not here")
    return [json.loads(line) for line in path.open(encoding="utf-8")]


@pytest.fixture(scope="session")
def seed_nato_path():
    path = SHARED_EVAL / "seed-nato.txt"
    if not path.exists():
        pytest.skip("../shared/eval/seed-nato.txt is not here")
    return path
