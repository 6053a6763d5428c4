"""The learned summary selection: trained here on tiny articles written for the tests."""

from __future__ import annotations

import json

from summarizer.generate import sentence_scorer as S

ARTICLE = (
    "The river authority has closed the Alder footbridge after inspectors found cracks in "
    "two of its steel supports.\n\n"
    "Engineers will spend six weeks repairing the bridge, which carries 4,000 walkers a day. "
    "Get local updates directly to your inbox + Subscribe Thank you for subscribing. "
    "The footbridge was closed after inspectors found cracks in two of its steel supports. "
    "A ferry will run every twenty minutes while the work goes on, the authority said. "
    "Local shops said trade had already fallen since the closure was announced."
)


def _rows(n: int) -> list[dict]:
    """Articles whose labelled sentence is always the one quoting someone."""
    rows = []
    for i in range(n):
        sents = [
            f"Council {i} opened a new library in the town centre on Monday morning.",
            f"The building cost {i + 2} million pounds and took two years to finish.",
            f'"It is a wonderful day for readers," said the mayor of town {i} at the opening.',
            f"Parking near the site will be limited for the first {i + 1} weeks.",
        ]
        rows.append({"text": " ".join(sents), "extract": [sents[2]]})
    return rows


def test_fit_learns_from_the_extract_labels():
    weights = dict(zip(S.FEATURES, S.fit(_rows(30))))
    assert weights["quote"] > 0.5
    model = S.Model(tuple(weights[f] for f in S.FEATURES), "learned")
    text = _rows(31)[-1]["text"]
    assert any("said the mayor" in s for s in S.select(text, model, k=1))


def test_lead3_strategy_is_the_first_three_story_sentences_without_furniture():
    picked = S.select(ARTICLE, S.Model((0.0,) * len(S.FEATURES), "lead3"))
    assert picked[0].startswith("The river authority")
    assert len(picked) == 3
    assert not any("Subscribe" in s or "inbox" in s for s in picked)


def test_redundancy_control_skips_a_near_repeat():
    weights = [0.0] * len(S.FEATURES)
    weights[S.FEATURES.index("lead_overlap")] = 1.0  # prefers sentences like the lead
    weights[S.FEATURES.index("first")] = 3.0
    model = S.Model(tuple(weights), "learned")
    ranked = sorted(S.sentences(ARTICLE)[1:], key=lambda s: -model.score(s))
    assert ranked[0].text.startswith("The footbridge was closed")  # best without the penalty
    picked = S.select(ARTICLE, model, k=2)
    assert picked[0].startswith("The river authority")
    assert not picked[1].startswith("The footbridge was closed")  # it repeats the lead


def test_the_chosen_strategy_is_never_below_lead3():
    results = {
        "extract_cv": {
            "learned": {"rouge1": 0.6},
            "lead1+learned": {"rouge1": 0.55},
            "lead2+learned": {"rouge1": 0.5},
            "lead3": {"rouge1": 0.45},
        },
        "cnn": {
            "learned": {"rouge1": 0.30},
            "lead1+learned": {"rouge1": 0.34},
            "lead2+learned": {"rouge1": 0.31},
            "lead3": {"rouge1": 0.33},
        },
    }
    assert S.choose(results) == "lead1+learned"
    results["cnn"]["lead1+learned"] = {"rouge1": 0.32}
    assert S.choose(results) == "lead3"


def test_train_writes_identical_json_twice(tmp_path):
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    with (eval_dir / "train.jsonl").open("w") as fh:
        for i, row in enumerate(_rows(25)):
            fh.write(json.dumps({"id": f"t{i}", "title": f"Library {i} opens", **row}) + "\n")
    (eval_dir / "dev.jsonl").write_text("")
    first = S.train(eval_dir, tmp_path / "a")
    S.train(eval_dir, tmp_path / "b")
    a = (tmp_path / "a" / "summary.json").read_bytes()
    assert a == (tmp_path / "b" / "summary.json").read_bytes()
    assert first["strategy"] in S.STRATEGIES
    assert json.loads(a)["weights"]["quote"] > 0
