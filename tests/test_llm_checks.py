"""Every LLM item checked against the post-processor's reading of the same sentence.

The article and the replies are hand-made: each reply item is one mistake a small model
makes (an invented speaker, a speaker from another sentence, a past event as a next step,
a future event as a denial, a summary that gives the act to the wrong actor).
"""

from __future__ import annotations

import json

import pytest
from llm_server import Step, fake_llm_server

from summarizer import analyse
from summarizer.faithfulness import SourceIndex
from summarizer.generate.checks import check_reply_items, future_marker
from summarizer.generate.openai_compat import OpenAIGenerator
from summarizer.generate.reply import LLMReply
from summarizer.pipeline import Pipeline
from summarizer.schema import Denial

ARTICLE = (
    "The Canada-led maritime alliance on Tuesday ordered out six envoys from Veloria's "
    "mission for allegedly spying on its ports. Veloria said the accusations were baseless. "
    "Alliance chief Maren Holt told reporters on Wednesday that she regretted the Velorian "
    "decision to close the alliance's liaison office.\n\n"
    '"Dialogue matters most when tensions are high," Holt said. '
    "The Nordic defence ministers will meet in Oslo next Thursday to review the dispute. "
    "Last week the ministers met in Bergen to discuss the budget.\n"
)
DIALOGUE = '"Dialogue matters most when tensions are high," Holt said.'
OSLO = "The Nordic defence ministers will meet in Oslo next Thursday to review the dispute."
BERGEN = "Last week the ministers met in Bergen to discuss the budget."
DENIAL = "Veloria said the accusations were baseless."
SUMMARY = "The alliance ordered out six envoys. Maren Holt regretted the decision."


@pytest.fixture(scope="module")
def doc():
    return analyse.parse(ARTICLE)


def run(doc, summary: str = SUMMARY, **fields):
    reply = LLMReply.model_validate({"headline": "h", "summary": summary, **fields})
    return check_reply_items(reply, summary, doc)


def claim(speaker: str, quote: str) -> dict:
    return {"speaker": speaker, "statement": "dialogue matters", "quote": quote}


def test_the_speaker_the_sentence_is_attributed_to_is_kept(doc):
    checked = run(doc, claims=[claim("Maren Holt", DIALOGUE), claim("Holt", DIALOGUE)])
    assert [c.speaker for c in checked.items.claims] == ["Maren Holt", "Holt"]
    assert checked.items.claims[0].evidence.text == DIALOGUE
    assert checked.warnings == []


def test_an_invented_speaker_is_removed_though_each_word_is_in_the_source(doc):
    invented = "Canadian Defence Secretary"
    assert SourceIndex.build(doc).has_name(invented)  # what grounding alone accepted
    checked = run(doc, claims=[claim(invented, DIALOGUE)])
    assert checked.items.claims == []
    assert checked.removed["speaker"] == 1
    assert checked.warnings == ["llm checks removed 1 items (speaker 1)"]


def test_a_speaker_from_another_sentence_is_removed(doc):
    checked = run(doc, claims=[claim("Veloria", DIALOGUE)])  # Veloria speaks elsewhere
    assert checked.items.claims == [] and checked.removed["speaker"] == 1


def test_a_fuller_name_may_not_add_words_from_elsewhere(doc):
    checked = run(doc, claims=[claim("Velorian envoy Maren Holt", DIALOGUE)])
    assert checked.items.claims == [] and checked.removed["speaker"] == 1


def test_a_past_event_is_not_a_next_step(doc):
    steps = [
        {"actor": "the ministers", "action": "discuss the budget", "when": "Last week",
         "quote": BERGEN},
        {"actor": "The Nordic defence ministers", "action": "meet in Oslo",
         "when": "next Thursday", "quote": OSLO},
    ]  # fmt: skip
    checked = run(doc, next_steps=steps)
    assert [s.evidence.text for s in checked.items.next_steps] == [OSLO]
    assert checked.items.next_steps[0].when == "next Thursday"
    assert checked.removed["future"] == 1


def test_a_future_event_is_not_a_denial(doc):
    denials = [
        {"speaker": "Veloria", "statement": "the accusations", "quote": DENIAL},
        {"speaker": "The Nordic defence ministers", "statement": "the dispute", "quote": OSLO},
    ]
    checked = run(doc, denials=denials)
    if "confidence" in Denial.model_fields:  # schema 1.1: kept, with a low confidence
        assert [d.confidence for d in checked.items.denials][1] == 0.2
        assert any("kept with confidence 0.2" in w for w in checked.warnings)
    else:
        assert [d.evidence.text for d in checked.items.denials] == [DENIAL]
        assert checked.removed["denial"] == 1


@pytest.mark.parametrize(
    ("summary", "dropped", "doer"),
    [
        ("Canada expelled the envoys.", "Canada", "The Canada-led maritime alliance"),
        ("The envoys were expelled by Canada.", "Canada", "The Canada-led maritime alliance"),
        ("Veloria regretted the alliance decision.", "Veloria", "she"),
    ],
)
def test_a_summary_sentence_with_the_wrong_actor_is_dropped(doc, summary, dropped, doer):
    checked = run(doc, summary=f"{summary} Maren Holt regretted the decision.")
    assert checked.summary == "Maren Holt regretted the decision."
    assert checked.removed["roles"] == 1
    (warning,) = checked.warnings
    assert f"says '{dropped}'" in warning and f"the source says '{doer}'" in warning


def test_summary_sentences_that_agree_with_the_source_stay(doc):
    assert run(doc).summary == SUMMARY


def test_a_quote_fragment_is_cited_as_its_whole_sentence(doc):
    checked = run(doc, claims=[claim("Maren Holt", "Dialogue matters most")])
    (kept,) = checked.items.claims
    assert kept.evidence.text == DIALOGUE
    assert ARTICLE[kept.evidence.start : kept.evidence.end] == DIALOGUE


@pytest.mark.parametrize(
    ("sentence", "future"),
    [
        ("The court will rule on the appeal.", True),
        ("The minister is scheduled to visit Lima.", True),
        ("The unions are going to strike.", True),
        ("The talks resume next Monday.", True),
        ("The board met last Tuesday and approved the plan.", False),
        ("The company planned to expand but gave up.", False),
    ],
)
def test_future_is_read_from_tags_and_morphology(sentence, future):
    sent = next(iter(analyse.parse(sentence).sents))
    assert (future_marker(sent) is not None) == future


def test_the_removals_reach_meta_warnings_through_the_pipeline():
    reply = {
        "headline": "Alliance expels six envoys from Veloria",
        "summary": "Canada expelled the envoys. Maren Holt regretted the decision.",
        "claims": [claim("Canadian Defence Secretary", DIALOGUE), claim("Veloria", DIALOGUE)],
        "denials": [{"speaker": "The Nordic defence ministers", "statement": "x", "quote": OSLO}],
        "next_steps": [{"actor": "the ministers", "action": "discuss", "quote": BERGEN}],
    }
    with fake_llm_server([Step(json.dumps(reply))]) as server:
        generator = OpenAIGenerator("m", url=server.url, retries=0)
        brief = Pipeline(generator=generator).summarize(ARTICLE)
    assert brief.summary == "Maren Holt regretted the decision."
    removed = [w for w in brief.meta.warnings if w.startswith("llm checks removed")]
    if "confidence" in Denial.model_fields:  # schema 1.1 keeps the denial, low confidence
        assert removed == ["llm checks removed 3 items (speaker 2, future 1)"]
    else:
        assert removed == ["llm checks removed 4 items (speaker 2, denial 1, future 1)"]
    assert generator.removed["roles"] == 1


def test_stray_characters_drop_a_summary_sentence(doc):
    summary = "Maren Holt regretted the decision. The envoys left \u6bd4\u8f83 quickly."
    checked = run(doc, summary=summary)
    assert checked.summary == "Maren Holt regretted the decision."
    assert checked.removed["characters"] == 1
    assert any("a script the source does not use (CJK)" in w for w in checked.warnings)
    control = run(doc, summary="The envoys left\x15 at once. Maren Holt regretted the decision.")
    assert control.summary == "Maren Holt regretted the decision."
