"""Generated headline and summary: no invisible or direction-control characters, and
bounded length whatever the sentence splitter does."""

from __future__ import annotations

import pytest

from summarizer.generate.base import HEADLINE_MAX_CHARS
from summarizer.text_hygiene import SUMMARY_MAX_CHARS, cap, clean_generated, strip_invisible

HIDDEN = "\u202e\u202a\u2066\u2069\u200b\u200d\ufeff\u00ad\u061c"


def test_invisible_and_bidi_characters_are_removed():
    text, removed = strip_invisible(f"Minister{HIDDEN} quits")
    assert text == "Minister quits" and removed == len(HIDDEN)


def test_cap_cuts_at_a_word_with_an_ellipsis():
    assert cap("short", 10) == "short"
    out = cap("the harbour plan would go ahead next year", 20)
    assert len(out) <= 20 and out.endswith("\u2026") and out == "the harbour plan\u2026"


def test_clean_generated_says_what_it_changed():
    headline, summary, warnings = clean_generated("Plan \u202eapproved", "A" * 5000)
    assert headline == "Plan approved" and len(summary) <= SUMMARY_MAX_CHARS
    assert any("invisible" in w for w in warnings) and any("summary cut" in w for w in warnings)
    assert clean_generated("Fine", "Also fine.") == ("Fine", "Also fine.", [])


@pytest.fixture(scope="module")
def pipeline():
    from summarizer.pipeline import Pipeline

    return Pipeline()


def test_a_text_the_splitter_cannot_split_gives_a_bounded_summary(pipeline):
    brief = pipeline.summarize("A. " * 20_000)  # once a 60,000-character "summary"
    assert len(brief.summary) <= SUMMARY_MAX_CHARS
    assert len(brief.headline) <= HEADLINE_MAX_CHARS


def test_bidi_overrides_in_the_source_never_reach_headline_or_summary(pipeline):
    text = (
        f"The council said on Monday that the \u202eharbour\u202c plan would go ahead.{HIDDEN} "
        "Officials said work on the new quay starts in May. The mayor welcomed the decision."
    )
    brief = pipeline.summarize(text, with_source=True)
    for generated in (brief.headline, brief.summary):
        assert not any(ch in generated for ch in HIDDEN), repr(generated)
    assert any("invisible" in w for w in brief.meta.warnings)
    for item in (*brief.claims, *brief.denials, *brief.next_steps):  # evidence stays exact
        assert brief.source[item.evidence.start : item.evidence.end] == item.evidence.text
