"""The llm generator: chat template, lenient JSON, grounding of every proposed item.

A tiny random-weight Qwen2 runs for real once (its reply is nonsense, so the brief
falls back to extractive text and says so); the grounding tests script the model's
reply while the chat template, parsing and grounding run for real.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from tiny_models import SAMPLES, assert_evidence_valid, tiny_model

from summarizer.generate.llm import LLMGenerator, parse_reply
from summarizer.pipeline import Pipeline
from summarizer.schema import Denial

pytestmark = pytest.mark.slow
COURT = next(p for p in SAMPLES if p.name == "court-case.txt").read_text(encoding="utf-8")

REPLY = {
    "headline": "Former Harwick port official denies bribery as trial opens",
    "summary": (
        "Desmond O'Rourke-Hale went on trial at Harwick Crown Court accused of taking more "
        "than 1.2 million pounds in bribes. His lawyer said he categorically denies every "
        "allegation."
    ),
    "claims": [
        {  # verbatim, curly quotes straightened by the model: grounded
            "speaker": "Helena Marchetti",
            "statement": "the bribery was carefully organised",
            "quote": "It was a carefully organised arrangement, repeated contract after contract",
        },
        {  # a paraphrase of one sentence: grounded
            "speaker": "Rupert Achebe",
            "statement": "the prosecution case rested on coincidence and a witness who struck "
            "a deal with investigators",
        },
        {  # invented quote: dropped
            "speaker": "Helena Marchetti",
            "statement": "he admitted everything",
            "quote": "The defendant confessed to the police in March.",
        },
        {  # real sentence, invented speaker: dropped
            "speaker": "Boris Kowalski",
            "statement": "the trial will last six weeks",
            "quote": "The trial is expected to last about six weeks.",
        },
    ],
    "denials": [
        {
            "speaker": "Rupert Achebe",
            "statement": "O'Rourke-Hale denies every allegation",
            "quote": "My client categorically denies every one of these allegations,",
        }
    ],
    "next_steps": [
        {
            "actor": "Judge Amelia Frost",
            "action": "sentencing if there is a conviction",
            "when": "July 18",
            "quote": "if there were a conviction, sentencing would take place on July 18",
        },
        {"actor": None, "action": "an appeal to the Supreme Court", "when": "next year"},
    ],
}


class ScriptedLLM(LLMGenerator):
    """The real generator with the model call replaced by a scripted reply."""

    def __init__(self, model: str, reply: str):
        super().__init__(model, max_new_tokens=64, threads=1)
        self.reply = reply
        self.prompts: list[str] = []

    def _complete(self, prompts: Sequence[str]) -> list[str]:
        self.prompts.extend(prompts)
        return [self.reply for _ in prompts]


@pytest.fixture(scope="module")
def causal(tmp_path_factory):
    return str(tiny_model("causal", tmp_path_factory))


def _fenced(obj: dict) -> str:
    return (
        "Sure! Here is the brief:\n```json\n" + json.dumps(obj, indent=1) + "\n```\nHope it helps."
    )


def test_only_grounded_items_are_kept_with_real_evidence(causal):
    generator = ScriptedLLM(causal, _fenced(REPLY))
    brief = Pipeline(generator=generator).summarize(COURT, with_source=True)
    assert_evidence_valid(brief, brief.source)
    assert brief.meta.generator.backend == "llm"
    assert brief.headline == REPLY["headline"]
    assert brief.summary == REPLY["summary"]
    # 4 grounded; a denial the post-processor's trained decision does not accept is kept
    # with a low confidence; one it accepts keeps the decision's own confidence
    if "confidence" in Denial.model_fields:
        from summarizer.generate.checks import UNCONFIRMED_DENIAL_CONFIDENCE
        from summarizer.postprocess.decide import shipped_model

        assert any("4 of 7 proposed" in w for w in brief.meta.warnings)
        [conf] = [d.confidence for d in brief.denials if d.speaker == "Rupert Achebe"]
        assert conf == UNCONFIRMED_DENIAL_CONFIDENCE or conf >= shipped_model()["denial"].threshold
    else:
        assert any("3 of 7 proposed" in w for w in brief.meta.warnings)
        assert "llm checks removed 4 items (grounding 3, denial 1)" in brief.meta.warnings
    statements = {c.statement for c in brief.claims} | {d.statement for d in brief.denials}
    assert "he admitted everything" not in statements  # invented quote
    assert "Boris Kowalski" not in {c.speaker for c in brief.claims}  # invented speaker
    assert all(s.action != "an appeal to the Supreme Court" for s in brief.next_steps)
    assert [c.id for c in brief.claims] == [f"c{i}" for i in range(1, len(brief.claims) + 1)]


def test_the_grounding_filter_on_its_own(causal):
    from summarizer import analyse
    from summarizer.generate.grounding import ground_items

    doc = analyse.parse(COURT)
    grounded = ground_items(REPLY, doc)
    assert (len(grounded.claims), len(grounded.denials), len(grounded.next_steps)) == (2, 1, 1)
    marchetti, achebe = grounded.claims
    assert marchetti.direct_quote and marchetti.evidence.text.startswith('"It was a carefully')
    assert not achebe.direct_quote and achebe.evidence.text.startswith("His lawyer, Rupert")
    assert grounded.next_steps[0].when == "July 18"
    for item in (*grounded.claims, *grounded.denials, *grounded.next_steps):
        assert COURT[item.evidence.start : item.evidence.end] == item.evidence.text


def test_the_prompt_is_the_chat_template_around_the_prompt_files(causal):
    generator = ScriptedLLM(causal, _fenced(REPLY))
    Pipeline(generator=generator).summarize(COURT)
    (prompt,) = generator.prompts
    assert prompt.startswith("<|im_start|>system\nYou are a careful news editor")
    assert prompt.endswith("<|im_start|>assistant\n")
    assert "Judge Amelia Frost adjourned the hearing" in prompt
    for field in ('"headline"', '"summary"', '"claims"', '"denials"', '"next_steps"'):
        assert field in prompt


def test_an_unfaithful_llm_summary_is_repaired(causal):
    lying = dict(REPLY, summary=REPLY["summary"] + " Interpol arrested 12 suspects in Lisbon.")
    brief = Pipeline(generator=ScriptedLLM(causal, json.dumps(lying))).summarize(COURT)
    assert brief.summary == REPLY["summary"]
    assert any(w.startswith("faithfulness: dropped 1") for w in brief.meta.warnings)


def test_a_reply_that_is_not_json_falls_back_to_extractive(causal):
    generator = ScriptedLLM(causal, "I cannot help with that.")
    brief = Pipeline(generator=generator).summarize(COURT)
    assert brief.summary and brief.headline
    assert any("did not reply with a JSON object" in w for w in brief.meta.warnings)
    assert any("replaced by the extractive summary" in w for w in brief.meta.warnings)
    # retried once, with the failed reply and the reason in the conversation
    first, retry = generator.prompts
    assert retry.startswith(first) and "does not match the required JSON schema" in retry
    assert any(
        w.startswith("llm: reply failed the schema twice (not a JSON object)")
        for w in brief.meta.warnings
    )


def test_an_in_process_reply_that_fails_the_schema_falls_back_by_field(causal):
    over = dict(REPLY, next_steps=REPLY["next_steps"] * 3)  # 6 > 4 next steps
    brief = Pipeline(generator=ScriptedLLM(causal, json.dumps(over))).summarize(COURT)
    assert brief.headline == REPLY["headline"]  # valid fields are kept
    (warning,) = [w for w in brief.meta.warnings if "failed the schema" in w]
    assert "next_steps has 6 items, more than 4" in warning
    assert warning.endswith("fell back to the rule-based output for: next_steps")


@pytest.mark.parametrize(
    "reply",
    [
        '{"headline": "A", "summary": "B",}',  # trailing comma
        'Answer: {"headline": "A", "summary": "B"} -- done',  # prose around it
        '```\n{"headline": "A", "summary": ["B"]}\n```',  # fence, list for a string
    ],
)
def test_replies_are_parsed_leniently(reply):
    parsed = parse_reply(reply)
    assert parsed is not None and (parsed.headline, parsed.summary) == ("A", "B")


def test_a_long_article_is_cut_at_a_sentence_and_flagged(causal):
    generator = ScriptedLLM(causal, json.dumps(REPLY))
    generator.max_input_tokens = 700
    brief = Pipeline(generator=generator).summarize(COURT)
    assert brief.meta.truncated
    assert any("more than the llm context" in w for w in brief.meta.warnings)
    assert "sentencing would take place" not in generator.prompts[0]


def test_the_real_tiny_model_runs_end_to_end(causal):
    pipeline = Pipeline("llm", causal, max_new_tokens=12, threads=1).load()
    brief = pipeline.summarize(COURT, with_source=True)
    assert brief.meta.generator.backend == "llm"
    assert brief.headline and brief.summary  # random weights: the extractive fallback
    assert any("JSON" in w for w in brief.meta.warnings)
    assert_evidence_valid(brief, brief.source)
