"""The per-request Deadline and the pipeline's checks between stages."""

from __future__ import annotations

import time

import pytest

from summarizer.deadline import Deadline
from summarizer.errors import DeadlineExceeded
from summarizer.generate.extractive import ExtractiveGenerator
from summarizer.ingest import ingest
from summarizer.pipeline import Pipeline

TEXT = (
    "The harbour board said on Monday that the new quay would open in May. "
    "The fishermen's union denied that the quay would help its members."
)


def test_a_deadline_passes_at_its_time_or_when_cancelled():
    d = Deadline.after(60)
    assert not d.passed and 59 < d.remaining() <= 60
    d.cancel()
    assert d.passed and d.remaining() == 0.0
    with pytest.raises(DeadlineExceeded, match="before parsing"):
        d.check("parsing")
    assert Deadline(time.monotonic() - 1).passed
    assert Deadline().remaining() is None and not Deadline().passed


def test_shared_work_stops_only_when_every_waiter_is_gone():
    a, b = Deadline.after(60), Deadline.after(60)
    both = Deadline.all_of([a, b])
    a.cancel()
    assert not both.passed
    b.cancel()
    assert both.passed
    assert Deadline.all_of([a, None]) is None and Deadline.all_of([a]) is a


class CancellingGenerator(ExtractiveGenerator):
    """Generates, then the caller gives up (as a request timing out would)."""

    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def generate(self, articles):
        drafts = super().generate(articles)
        self.deadline.cancel()
        return drafts


def test_the_pipeline_stops_between_stages_once_the_deadline_passes(monkeypatch):
    from summarizer import pipeline as pipeline_module

    extracted = []
    real = pipeline_module.extract
    monkeypatch.setattr(
        pipeline_module, "extract", lambda *a, **k: extracted.append(1) or real(*a, **k)
    )
    deadline = Deadline.after(60)
    p = Pipeline(generator=CancellingGenerator(deadline))
    with pytest.raises(DeadlineExceeded, match="post-processing"):
        p.summarize_clean([ingest(TEXT)], deadline=deadline)
    assert extracted == []  # the caller was gone: post-processing never ran
    with pytest.raises(DeadlineExceeded, match="parsing"):
        Pipeline().summarize_clean([ingest(TEXT)], deadline=Deadline(time.monotonic() - 1))
    brief = Pipeline().summarize_clean([ingest(TEXT)], deadline=Deadline.after(60))[0]
    assert brief.headline and extracted == [1]
