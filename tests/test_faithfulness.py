"""The faithfulness guard, driven by a generator that hallucinates on purpose."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from tiny_models import SAMPLES, assert_evidence_valid

from summarizer import analyse
from summarizer.faithfulness import SourceIndex, unsupported
from summarizer.generate import Article, Draft, Generator
from summarizer.pipeline import Pipeline

COURT = next(p for p in SAMPLES if p.name == "court-case.txt").read_text(encoding="utf-8")
FAITHFUL = (
    "Desmond O'Rourke-Hale went on trial at Harwick Crown Court accused of taking "
    "more than 1.2 million pounds in bribes."
)


class ScriptedGenerator(Generator):
    """Returns fixed text, as an abstractive model would (so the guard checks it)."""

    backend = "scripted"

    def __init__(self, headline: str, summary: str):
        self.headline, self.summary = headline, summary

    def generate(self, articles: Sequence[Article]) -> list[Draft]:
        return [Draft(headline=self.headline, summary=self.summary) for _ in articles]


@pytest.fixture(scope="module")
def court_index():
    return SourceIndex.build(analyse.parse(COURT))


@pytest.mark.parametrize(
    "text",
    [
        "Mr O'Rourke-Hale denies the charges.",  # a title added to a surname
        "The former official faces 1.2m pounds of allegations.",  # "1.2 million"
        "The payments ran over four years.",
        "Harwick Crown Court heard the case.",
    ],
)
def test_names_and_numbers_of_the_source_pass(text, court_index):
    assert unsupported(text, court_index) == []


@pytest.mark.parametrize(
    "text, missing",
    [
        ("Angela Merkel attended the trial in Harwick.", "Angela Merkel"),
        ("He took 45 million pounds in bribes.", "45 million"),
        ("The trial moved to Paris on Wednesday.", "Paris"),
    ],
)
def test_invented_names_and_numbers_are_caught(text, missing, court_index):
    assert missing in unsupported(text, court_index)


def test_acronym_matches_the_full_name():
    index = SourceIndex.build(analyse.parse("The European Union said on Monday it would act."))
    assert unsupported("The EU said it would act.", index) == []


def test_hallucinated_sentence_is_dropped_and_the_brief_says_so():
    hallucinating = ScriptedGenerator(
        headline="O'Rourke-Hale trial opens in Harwick",
        summary=FAITHFUL + " Prime Minister Angela Merkel testified that 45 bribes were paid.",
    )
    brief = Pipeline(generator=hallucinating).summarize(COURT, with_source=True)
    assert brief.summary == FAITHFUL
    assert brief.headline == "O'Rourke-Hale trial opens in Harwick"
    assert any("dropped 1 of 2" in w and "Angela Merkel" in w for w in brief.meta.warnings)
    assert_evidence_valid(brief, brief.source)


def test_wholly_unfaithful_text_falls_back_to_the_extractive_brief():
    hallucinating = ScriptedGenerator(
        headline="Kremlin denies role in Lisbon port scandal",
        summary="Officials in Lisbon said 300 containers were seized by Interpol.",
    )
    pipeline = Pipeline(generator=hallucinating)
    brief = pipeline.summarize(COURT)
    extractive = Pipeline().summarize(COURT)
    assert (brief.headline, brief.summary) == (extractive.headline, extractive.summary)
    warnings = " ".join(brief.meta.warnings)
    assert "summary replaced by the extractive summary" in warnings and "Lisbon" in warnings
    assert "headline replaced by the extractive headline" in warnings and "Kremlin" in warnings
    assert brief.meta.generator.backend == "scripted"  # which generator ran, still honest


def test_degenerate_output_is_replaced():
    broken = ScriptedGenerator(headline="the the the \ufffd", summary="court court " * 10)
    brief = Pipeline(generator=broken).summarize(COURT)
    assert "court court" not in brief.summary
    assert any("repetition loop" in w for w in brief.meta.warnings)
    assert any("undecodable" in w for w in brief.meta.warnings)


def test_faithful_text_passes_without_warnings():
    brief = Pipeline(generator=ScriptedGenerator("Port official on trial", FAITHFUL)).summarize(
        COURT
    )
    assert brief.summary == FAITHFUL
    assert not [w for w in brief.meta.warnings if w.startswith("faithfulness")]
