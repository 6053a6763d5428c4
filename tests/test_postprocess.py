"""extract(): the shape the pipeline relies on, and evidence that always round-trips."""

import pytest

from summarizer.analyse import parse
from summarizer.postprocess import Extraction, extract

ARTICLE = (
    "The Harbour Authority of Velmora said on Monday that the new ferry terminal would "
    "open in June. Port director Alma Kestrel told reporters the project was on budget.\n\n"
    "The Velmora Fishermen's Union rejected the plan, calling it a \u201cwaste of public "
    "money\u201d. \u201cThe terminal will ruin the harbour,\u201d union leader Tomas Brede "
    "said.\n\n"
    "Ms Kestrel will meet union leaders next week. The council is due to vote on the "
    "terminal's budget on Thursday."
)


@pytest.fixture(scope="module")
def result() -> tuple[str, Extraction]:
    doc = parse(ARTICLE)
    return doc.text, extract(doc)


def test_extract_returns_every_field(result):
    _, ex = result
    assert ex.key_actors and ex.claims and ex.denials and ex.next_steps


def test_every_evidence_span_is_exact(result):
    text, ex = result
    spans = [e for a in ex.key_actors for e in a.evidence]
    spans += [item.evidence for item in ex.claims + ex.denials + ex.next_steps]
    assert spans
    for ev in spans:
        assert text[ev.start : ev.end] == ev.text


def test_limits_are_respected():
    doc = parse(ARTICLE)
    ex = extract(doc, max_claims=1, max_actors=2)
    assert len(ex.claims) <= 1
    assert len(ex.key_actors) <= 2


def test_ids_are_sequential(result):
    _, ex = result
    assert [c.id for c in ex.claims] == [f"c{i}" for i in range(1, len(ex.claims) + 1)]
    assert [d.id for d in ex.denials] == [f"d{i}" for i in range(1, len(ex.denials) + 1)]
    claim_ids = {c.id for c in ex.claims}
    assert all(d.rebuts is None or d.rebuts in claim_ids for d in ex.denials)


def test_empty_text_gives_empty_extraction():
    ex = extract(parse(""))
    assert ex == Extraction([], [], [], [])


def test_quote_soup_never_breaks_quote_spans_or_evidence():
    """Random runs of straight, curly and single quotes, apostrophes and paragraph breaks:
    quote spans stay ordered inside the text and every evidence span stays exact."""
    import random

    from summarizer.evaluation import evidence_items
    from summarizer.postprocess.evidence import find_quotes

    words = ["The", "mayor", "said", "'", "‘", "’", '"', "“", "”", "Ines", "Varga", "don't"]
    words += ["players'", "It", "was", "wrong", ".", ",", "\n\n", "will", "vote", "on"]
    words += ["Monday", "denied", "told", "reporters", "'We", "won,'", "he", "added"]
    rng = random.Random(7)
    for _ in range(60):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        end = 0
        for start, stop in find_quotes(text):
            assert end <= start < stop <= len(text)
            end = stop
        doc = parse(text)
        for _, ev in evidence_items(extract(doc)):
            assert doc.text[ev.start : ev.end] == ev.text
