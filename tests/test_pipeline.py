"""The whole pipeline on real text: every item's evidence is an exact span of the source."""

import pytest
from support import SAMPLES, assert_evidence_valid

from summarizer.errors import InputError
from summarizer.pipeline import Pipeline, summarize


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_gives_a_full_brief_with_valid_evidence(pipeline, path):
    brief = pipeline.summarize(path.read_bytes(), with_source=True)
    assert brief.headline and "\n" not in brief.headline and len(brief.headline) <= 110
    assert 1 <= brief.summary.count(". ") + 1 <= 6
    assert brief.key_actors
    assert assert_evidence_valid(brief, brief.source) >= len(brief.key_actors)
    assert brief.meta.source_chars == len(brief.source)
    assert brief.meta.generator.backend == "extractive"


def test_evidence_is_valid_on_every_dev_article(pipeline, dev_rows):
    checked = 0
    items = [pipeline.ingest(row["text"], row.get("title")) for row in dev_rows]
    for brief in pipeline.summarize_clean(items, with_source=True):
        checked += assert_evidence_valid(brief, brief.source)
    assert checked > 5 * len(dev_rows)


def test_batch_and_single_calls_agree(pipeline):
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES[:3]]
    one_by_one = [pipeline.summarize(t) for t in texts]
    batched = pipeline.summarize_clean([pipeline.ingest(t) for t in texts])
    for a, b in zip(one_by_one, batched, strict=True):
        assert a.model_dump(exclude={"meta"}) == b.model_dump(exclude={"meta"})


def test_given_title_becomes_the_headline(pipeline):
    brief = pipeline.summarize(SAMPLES[0].read_text(encoding="utf-8"), "Ministers  meet\nagain")
    assert brief.headline == "Ministers meet again"


def test_summarize_function_uses_one_shared_pipeline():
    from summarizer.pipeline import default_pipeline

    brief = summarize("The port authority said the new terminal will open in May next year.")
    assert brief.meta.generator.backend == "extractive"
    assert default_pipeline() is default_pipeline()


def test_html_input_is_cleaned_before_analysis(pipeline):
    html = (
        "<html><head><title>Bridge to reopen | Daily Example</title></head><body>"
        "<nav>Home | News</nav><article><h1>Bridge to reopen</h1>"
        "<p>The Harbour Bridge will reopen to traffic on Monday after six months of repairs, "
        "the city transport department said on Friday.</p>"
        "<p>Engineers replaced the main cables and resurfaced the deck, officials said.</p>"
        "</article><footer>Copyright 2026 Daily Example</footer></body></html>"
    )
    brief = pipeline.summarize(html, with_source=True)
    assert brief.headline == "Bridge to reopen"
    assert "Home | News" not in brief.source and "Copyright" not in brief.source
    assert any(step.when and "Monday" in step.when for step in brief.next_steps)


def test_non_english_input_is_briefed_with_a_warning(pipeline):
    text = (
        "Die Regierung hat am Montag ein neues Klimagesetz vorgestellt. Der Minister sagte, "
        "das Gesetz werde im nächsten Jahr in Kraft treten. Die Opposition kritisierte den Plan."
    )
    brief = pipeline.summarize(text, with_source=True)
    assert brief.meta.language == "de"
    assert any("'de'" in w for w in brief.meta.warnings)
    assert_evidence_valid(brief, brief.source)


@pytest.mark.parametrize("bad", ["", "   ", b"\x00\x01\x02" * 100, "x" * 200_001])
def test_bad_input_raises_input_error(pipeline, bad):
    with pytest.raises(InputError):
        pipeline.summarize(bad)


def test_max_chars_is_configurable():
    with pytest.raises(InputError, match="1,000"):
        Pipeline(max_chars=1000).summarize("word " * 300)


def test_max_claims_per_item_and_for_generator_proposed_claims(pipeline):
    from summarizer.pipeline import merge_items
    from summarizer.postprocess import Extraction
    from summarizer.schema import Claim, Evidence

    texts = [p.read_text(encoding="utf-8") for p in SAMPLES if p.stem == "natural-disaster"]
    items = [pipeline.ingest(texts[0])] * 3
    briefs = pipeline.summarize_clean(items, max_claims=[2, None, 12])
    assert [len(b.claims) for b in briefs] == [2, 8, 12]

    # claims a generator proposes are added only up to the cap
    def claim(n: int) -> Claim:
        ev = Evidence(start=10 * n, end=10 * n + 5, text="x" * 5)
        return Claim(id=f"g{n}", speaker="S", statement="s", direct_quote=False, evidence=ev)

    base = Extraction(key_actors=[], claims=[claim(0)], denials=[], next_steps=[])
    merged, _ = merge_items(base, {"claims": [claim(1), claim(2), claim(3)]}, max_claims=3)
    assert [c.id for c in merged.claims] == ["c1", "c2", "c3"]
