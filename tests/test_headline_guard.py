"""The headline guard: broken fragments fail, real headline styles pass, failures are mended.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import pytest

from summarizer.generate.base import Article, Draft
from summarizer.headline import guard_draft
from summarizer.headline.guard import guard, problems, repair

SOURCE = (
    "Finance minister Ada Morrow has criticised the harbour board over a £40m dredging "
    "contract awarded in March. Morrow said the board had ignored three cheaper bids. "
    "The board's chairman, Ivo Brandt, said the process was fair."
)


@pytest.mark.parametrize(
    "headline, fault",
    [
        ("A senior harbour official has criticised", "verb missing its object"),
        ("Morrow criticises board over contract awarded after", "preposition"),
        ("Board ignored bids following claims that", "conjunction"),
        ("Morrow says the board will", "auxiliary"),
        ("Minister attacks the", "determiner"),
        ('Morrow says board "ignored cheaper bids', "unbalanced quotation"),
        ("Contract row Get harbour news directly to your inbox Subscribe", "furniture"),
        ("Thank you for subscribing to our harbour newsletter", "furniture"),
        ("Harbour contract row Read more", "furniture"),
        ('The bids must not "ignored by the board"', "not grammatical"),
    ],
)
def test_broken_fragments_fail(headline, fault):
    found = problems(headline, SOURCE)
    assert any(fault in p for p in found), found


@pytest.mark.parametrize(
    "headline",
    [
        "Morrow criticises harbour board over £40m contract",  # clause, present tense
        "Harbour board contract criticised",  # passive without auxiliary
        "Dredging contract 'fair', says chairman",  # inverted attribution
        "Minister to review harbour contract",  # 'to' future
        "£40m dredging contract row",  # noun phrase
        "Harbour row hots up",  # particle at the end
    ],
)
def test_headline_styles_pass(headline):
    assert problems(headline, SOURCE) == []


def test_names_and_numbers_must_occur_in_the_source():
    assert any("'Kessler'" in p for p in problems("Kessler criticises harbour board", SOURCE))
    assert any("'90'" in p for p in problems("Morrow attacks £90m contract", SOURCE))
    assert problems("Morrow attacks £40m contract", SOURCE) == []
    # without a source there is nothing to check names against
    assert problems("Kessler criticises harbour board", None) == []


def test_a_dangling_end_is_trimmed():
    fixed = repair("Morrow criticises harbour board over contract after", SOURCE)
    assert fixed == "Morrow criticises harbour board over contract"
    assert problems(fixed, SOURCE) == []


def test_furniture_is_cut_and_a_stray_quote_dropped():
    assert repair("Morrow criticises harbour board Read more", SOURCE) == (
        "Morrow criticises harbour board"
    )
    fixed = repair('Morrow criticises "harbour board', SOURCE)
    assert fixed is not None and '"' not in fixed


def test_a_failure_beyond_repair_takes_the_next_candidate_and_says_so():
    result = guard(
        "Kessler has",  # an invented name, ending on an auxiliary
        SOURCE,
        ["Board ignored bids following claims that", "Morrow criticises harbour board"],
    )
    assert result.headline.startswith("Board ignored bids")  # the first alternative, trimmed
    assert problems(result.headline, SOURCE) == []
    assert len(result.warnings) == 1 and "failed the headline guard" in result.warnings[0]


def test_a_good_headline_is_left_alone():
    result = guard("Morrow criticises harbour board", SOURCE, ["unused"])
    assert result.headline == "Morrow criticises harbour board" and result.warnings == []


def test_every_backend_draft_is_guarded(pipeline):
    from summarizer import analyse

    doc = analyse.parse(SOURCE)
    draft = Draft(headline="A senior harbour official has criticised", summary=SOURCE)
    guarded = guard_draft(Article(text=SOURCE, doc=doc), draft)
    assert guarded.headline != draft.headline
    assert problems(guarded.headline, SOURCE) == []
    assert any("headline guard" in w for w in guarded.warnings)


def test_the_pipeline_reports_a_repaired_headline_in_meta_warnings(pipeline, monkeypatch):
    from summarizer.generate import extractive

    def broken(self, articles):
        return [Draft(headline="Morrow says the board will", summary="x") for _ in articles]

    monkeypatch.setattr(extractive.ExtractiveGenerator, "generate", broken)
    brief = pipeline.summarize(SOURCE)
    assert brief.headline != "Morrow says the board will"
    assert problems(brief.headline, SOURCE) == []
    assert any("headline guard" in w for w in brief.meta.warnings)
