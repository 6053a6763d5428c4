"""Post-processing stays linear on hostile input: caps on denials, next steps and the
claims a denial is scored against, and per-Doc caches that answer like spaCy does.

The attack: one attributed sentence, one denial and one plan repeated until every
sentence is a candidate (the shape that once kept the inference thread busy for
minutes). Times belong to bench/scaling.py; these tests count work instead.
"""

from __future__ import annotations

import pytest

from summarizer.analyse import parse
from summarizer.postprocess import extract, linking
from summarizer.postprocess.actors import build_actor_index
from summarizer.postprocess.attribution import find_attributions
from summarizer.postprocess.evidence import QuoteMap, doc_text, span_ents, token_texts
from summarizer.postprocess.limits import MAX_DENIALS, MAX_LINK_CANDIDATES, MAX_NEXT_STEPS

REPEATS = 300
ROUND = (
    "Minister {n} said the plan would cut waiting lists by half. "
    "The opposition denied that the plan would cut anything. "
    "The council will vote on the plan on Monday. "
)


@pytest.fixture(scope="module")
def attack_doc():
    names = ["Ruth Adler", "Omar Bell", "Tessa Chu", "Ivan Dale"]
    return parse("".join(ROUND.format(n=names[i % 4]) for i in range(REPEATS)))


def test_the_attack_yields_more_candidates_than_the_caps(attack_doc):
    attributions = find_attributions(build_actor_index(attack_doc, QuoteMap.build(attack_doc)))
    denials = [a for a in attributions if a.denial]
    claims = linking.claim_candidates(attributions)
    assert len(denials) > MAX_DENIALS and len(claims) > MAX_LINK_CANDIDATES


def test_denials_and_next_steps_are_capped_like_claims(attack_doc, monkeypatch):
    scored: list[tuple[int, int]] = []
    real = linking._score_matrix

    def counting(denials, claims, index):
        scored.append((len(denials), len(claims)))
        return real(denials, claims, index)

    monkeypatch.setattr(linking, "_score_matrix", counting)
    ex = extract(attack_doc, max_claims=32)
    assert len(ex.claims) <= 32
    assert 0 < len(ex.denials) <= MAX_DENIALS
    assert 0 < len(ex.next_steps) <= MAX_NEXT_STEPS
    # every denial is scored against a bounded set of claims, never all of them
    assert scored and all(d <= MAX_DENIALS and c <= MAX_LINK_CANDIDATES for d, c in scored)
    text = attack_doc.text
    for item in (*ex.claims, *ex.denials, *ex.next_steps):
        assert text[item.evidence.start : item.evidence.end] == item.evidence.text
    ids = {c.id for c in ex.claims}
    assert all(d.rebuts in ids for d in ex.denials if d.rebuts is not None)


def test_a_capped_candidate_set_keeps_the_claims_nearest_each_denial(attack_doc):
    index = build_actor_index(attack_doc, QuoteMap.build(attack_doc))
    attributions = find_attributions(index)
    claims = linking.claim_candidates(attributions)
    denials = [a for a in attributions if a.denial][-3:]  # late in the text
    targets = linking.rebuttal_targets(denials, claims, index)
    for d, t in zip(denials, targets, strict=True):
        # the repeated story: each denial answers the claim just before it, not the lead
        assert t is not None and claims[t].sent_no == d.sent_no - 1


def test_per_doc_caches_answer_like_spacy(attack_doc):
    doc = parse(
        "Angela Merkel met Emmanuel Macron in Paris on Monday. The talks ended. "
        "Officials from the European Union said a deal was close."
    )
    assert doc_text(doc) == doc.text and doc_text(doc) is doc_text(doc)
    assert token_texts(doc) == {t.text for t in doc}
    for sent in [*doc.sents, doc[2:9], doc[:], doc[0:0]]:
        assert [(e.start, e.end, e.label_) for e in span_ents(sent)] == [
            (e.start, e.end, e.label_) for e in sent.ents
        ]
    sliced = doc[0:5].as_doc(copy_user_data=True)  # carries the parent's cache entries
    assert doc_text(sliced) == sliced.text
    assert [e.text for e in span_ents(sliced[:])] == [e.text for e in sliced.ents]
