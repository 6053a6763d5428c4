"""The trained post-processor: its model file, its decisions, confidence and training."""

import json
import math

import pytest
from support import SHARED_EVAL, assert_evidence_valid

from summarizer.analyse import parse
from summarizer.confidence import apply_min_confidence
from summarizer.errors import InputError
from summarizer.learn.cv import as_brief
from summarizer.postprocess import extract, extract_rules
from summarizer.postprocess.decide import DECISIONS, MODEL_FILE, Decision, Model, shipped_model
from summarizer.postprocess.features import build_candidates

STORY = (
    "The transport ministry said on Monday that the new rail line would cut journey times "
    "by a third. The opposition accused the ministry of hiding the true cost of the line. "
    'A ministry spokesperson rejected the accusation as "baseless and misleading". '
    "The minister will present the final budget to parliament next Tuesday. "
    "Engineers from Halvard Rail said the tunnels were finished ahead of schedule."
)


def test_a_decision_is_a_calibrated_logistic_model():
    d = Decision(
        weights={"a": 2.0, "b": -1.0}, intercept=0.5, threshold=0.4, calibration=(0.5, 0.1)
    )
    margin = 0.5 + 2.0 * 1.0 - 1.0 * 3.0
    assert d.margin({"a": 1.0, "b": 3.0, "unseen": 9.0}) == pytest.approx(margin)
    assert d.probability({"a": 1.0, "b": 3.0}) == pytest.approx(
        1 / (1 + math.exp(-(0.5 * margin + 0.1)))
    )
    assert 0.0 < d.probability({"a": -1e9}) < 1e-10  # clipped, never an overflow


def test_the_shipped_model_is_small_plain_json_with_every_decision():
    assert MODEL_FILE.stat().st_size < 3_000_000
    obj = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(obj["decisions"]) == set(DECISIONS)
    for d in obj["decisions"].values():
        assert 0 < d["threshold"] < 1 and d["positives"] > 0
    assert shipped_model() is not None


def test_rule_flags_become_features():
    cands = build_candidates(parse(STORY))
    denial = next(c for c in cands.sentences if "rejected" in c.sent.text)
    assert denial.features["r:attr"] == 1.0 and denial.features["r:denial"] == 1.0
    assert denial.features["lex:denial_word"] == 1.0
    plan = next(c for c in cands.sentences if "next Tuesday" in c.sent.text)
    assert plan.features["aux:will"] == 1.0 and plan.next_guess is not None
    assert {a.info.name for a in cands.actors} >= {"Halvard Rail"}


def test_learned_items_carry_confidence_and_exact_evidence():
    doc = parse(STORY)
    ex = extract(doc)
    items = [*ex.key_actors, *ex.claims, *ex.denials, *ex.next_steps]
    assert items and all(0.0 <= i.confidence <= 1.0 for i in items)
    [denial] = [d for d in ex.denials if "rejected" in d.evidence.text]
    assert denial.rebuts in {c.id for c in ex.claims}
    rebutted = next(c for c in ex.claims if c.id == denial.rebuts)
    assert "accused" in rebutted.evidence.text
    assert any("next Tuesday" in (s.when or "") for s in ex.next_steps)
    brief = as_brief(ex, doc.text)
    assert assert_evidence_valid(brief, doc.text) == len(items) + sum(
        len(a.evidence) - 1 for a in ex.key_actors
    )


def test_rules_only_gives_no_confidence():
    ex = extract_rules(parse(STORY))
    assert ex.claims and all(c.confidence is None for c in ex.claims)


def test_min_confidence_drops_weak_items_and_dangling_links():
    doc = parse(STORY)
    ex = extract(doc)
    brief = as_brief(ex, doc.text)
    assert apply_min_confidence(brief, 0.0) == brief
    cut = min(c.confidence for c in brief.claims) + 1e-6
    fewer = apply_min_confidence(brief, cut)
    assert len(fewer.claims) < len(brief.claims)
    assert all(c.confidence >= cut for c in fewer.claims)
    kept = {c.id for c in fewer.claims}
    assert all(d.rebuts is None or d.rebuts in kept for d in fewer.denials)
    assert apply_min_confidence(brief, 1.0).claims == []
    with pytest.raises(InputError):
        apply_min_confidence(brief, 1.5)


def test_a_model_with_a_higher_threshold_keeps_fewer_claims():
    obj = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    doc = parse(STORY)
    base = extract(doc, model=Model.from_json(obj))
    obj["decisions"]["claim"]["threshold"] = 0.999
    strict = extract(doc, model=Model.from_json(obj))
    assert len(strict.claims) < len(base.claims) or not base.claims


@pytest.fixture(scope="module")
def few_articles():
    if not (SHARED_EVAL / "train-gold.jsonl").exists():
        pytest.skip("../shared/eval/train-gold.jsonl is not here")
    from summarizer.learn.data import load_articles

    return load_articles(SHARED_EVAL)[:24]


@pytest.mark.slow
def test_training_is_deterministic(few_articles, tmp_path):
    from summarizer.learn.train import train_model, write_model

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_model(train_model(few_articles), a)
    write_model(train_model(few_articles), b)
    assert a.read_bytes() == b.read_bytes()
    model = Model.load(a)
    assert set(model.decisions) == set(DECISIONS)


@pytest.mark.slow
def test_cross_validation_reports_every_system_on_held_out_articles(few_articles):
    from summarizer.learn.cv import SYSTEMS, cross_validate, format_cv

    report = cross_validate(few_articles, k=2)
    assert set(report["systems"]) == set(SYSTEMS)
    learned = report["systems"]["learned"]["fields"]
    assert learned["claims"]["tp"] > 0
    # the keyword baseline never names actors
    assert report["systems"]["keywords"]["fields"]["key_actors"]["tp"] == 0
    assert 0 <= report["calibration"]["claims"]["ece"] <= 1
    assert format_cv(report).splitlines()[-1].startswith("cv_min_f1=")


def test_unnamed_groups_that_act_become_actor_candidates():
    cands = build_candidates(parse(STORY))
    groups = {a.info.name: a for a in cands.actors if "group_noun" in a.features}
    assert "Engineers" in groups  # the subject of "said", in no entity
    engineers = groups["Engineers"].info
    assert engineers.type == "group" and engineers.speaker_count == 1
    # an entity's own tokens never make a group ("Halvard Rail" is an actor already)
    assert not any("Halvard" in name for name in groups)


def test_a_sentence_is_also_read_against_the_rest_of_its_article():
    sents = build_candidates(parse(STORY)).sentences
    scores = [c.features.get("r:claim_score", 0.0) for c in sents]
    scored = [i for i, v in enumerate(scores) if v > 0]
    assert len(scored) >= 2
    best = max(scored, key=lambda i: scores[i])
    assert sents[best].features["rank:r:claim_score"] == 1.0
    assert sents[best].features["rel:r:claim_score"] == 1.0
    for i in scored:
        assert sents[i].features["rel:r:claim_score"] == pytest.approx(scores[i] / scores[best])
    for i, c in enumerate(sents):  # a sentence the rules gave nothing gets no rank
        if i not in scored:
            assert "rank:r:claim_score" not in c.features
    attributed = sum("r:attr" in c.features for c in sents)
    assert 0 < attributed < len(sents)
    assert {c.features["attr_share"] for c in sents} == {attributed / len(sents)}


def test_actor_counts_are_also_read_against_the_articles_other_candidates():
    cands = build_candidates(parse(STORY))
    actors = cands.actors
    assert len(actors) >= 3
    for key in ("mentions", "speaker", "rule_score"):
        values = [a.features.get(key, 0.0) for a in actors]
        best = max(range(len(actors)), key=lambda i: values[i])
        assert actors[best].features[f"rank:{key}"] == 1.0
        assert actors[best].features[f"rel:{key}"] == 1.0 or values[best] == 0.0
        ranks = sorted(a.features[f"rank:{key}"] for a in actors)
        assert ranks == sorted(1 / (1 + r) for r in range(len(actors)))  # one rank each
        assert sum(f"top3:{key}" in a.features for a in actors) == 3
        for a, v in zip(actors, values, strict=True):  # a share of the article's largest
            assert 0.0 <= a.features[f"rel:{key}"] <= 1.0
            if values[best]:
                assert a.features[f"rel:{key}"] == pytest.approx(v / values[best])


def test_a_sentence_both_decisions_want_goes_where_the_ratio_says():
    obj = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    doc = parse(STORY)
    obj["decisions"]["denial"]["threshold"] = 0.01  # every sentence a denial candidate
    obj["decisions"]["denial"]["claim_ratio"] = 0.0
    greedy = extract(doc, model=Model.from_json(obj))
    obj["decisions"]["denial"]["claim_ratio"] = 1e6  # the claim decision always wins
    modest = extract(doc, model=Model.from_json(obj))
    assert len(modest.denials) < len(greedy.denials)
    moved = {d.evidence.start for d in greedy.denials} - {d.evidence.start for d in modest.denials}
    assert moved & {c.evidence.start for c in modest.claims}


def test_the_claim_ratio_is_chosen_on_out_of_fold_probabilities():
    import numpy as np

    from summarizer.learn.train import choose_claim_ratio

    # sentence 0: a claim the denial decision also wants (less); 1: a real denial
    claim = {"_oof": np.array([0.9, 0.3, 0.1]), "threshold": 0.5}
    denial = {"_oof": np.array([0.6, 0.8, 0.1]), "threshold": 0.5}
    assert choose_claim_ratio(claim, denial, [1, 0, 0], [0, 1, 0]) > 0.6 / 0.9
    # labels the other way round: the denial should win, the smallest ratio does it
    assert choose_claim_ratio(claim, denial, [0, 0, 0], [1, 1, 0]) == 0.0
