"""Shared fixtures. Evaluation data is read from ../shared at run time, never copied."""

from __future__ import annotations

import json

import pytest
from support import SHARED_EVAL


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
