"""The learned headline: alignment labels, a tiny model trained here, tree decoding, style.

Every article and headline below was written for these tests.
"""

from __future__ import annotations

import json

import pytest

from summarizer import analyse
from summarizer.headline import compress as C
from summarizer.headline import train as T
from summarizer.headline.guard import problems

PLACES = ["Dunmore", "Kelby", "Arnwick", "Tollsey", "Brecca", "Hallam", "Oswin", "Pellow"]
THINGS = ["library", "bridge", "school", "clinic", "museum", "depot", "market", "harbour"]


def _articles() -> list[dict]:
    """Leads with padding that real headlines drop: a date clause and a relative clause."""
    rows = []
    for i, (place, thing) in enumerate((p, t) for p in PLACES for t in THINGS[:4]):
        lead = (
            f"The {place} council has approved plans for a new {thing}, which residents "
            f"have wanted for years, at a meeting on Tuesday evening."
        )
        text = lead + f"\n\nWork on the {thing} will start in {2030 + i % 5}."
        rows.append({"id": f"x{i}", "title": f"{place} council approves new {thing}", "text": text})
    return rows


@pytest.fixture(scope="module")
def examples():
    return T.parse_examples(_articles())


def test_alignment_keeps_the_headline_subtree(examples):
    ex = examples[0]
    kept = T.align(ex.sent, ex.title)
    words = {ex.sent.doc[i].lower_ for i in kept}
    assert {"council", "approved", "plans", "library"} <= words
    assert not words & {"residents", "tuesday", "evening"}


def test_a_model_trained_here_compresses_an_unseen_lead(examples):
    data = T.fit(examples, seed=0)
    assert T.dumps(data) == T.dumps(T.fit(examples, seed=0))  # deterministic
    model = C.Model.from_dict(json.loads(T.dumps(data)))
    doc = analyse.parse(
        "The Fenwick council has approved plans for a new clinic, which residents have "
        "wanted for years, at a meeting on Tuesday evening."
    )
    found = C.candidates(next(doc.sents), model)
    assert found
    best = found[0].text
    assert best.startswith("Fenwick council approves")  # no article, present tense
    assert "clinic" in best and "Tuesday" not in best and "residents" not in best
    assert len(best.split()) <= C.MAX_WORDS and len(best) <= C.MAX_CHARS
    assert problems(best, doc.text) == []


@pytest.mark.parametrize(
    "lemma, plural, form",
    [("call", False, "calls"), ("call", True, "call"), ("approve", False, "approves")]
    + [("reach", False, "reaches"), ("deny", False, "denies"), ("be", True, "are")],
)
def test_present_tense(lemma, plural, form):
    assert C.present(lemma, plural) == form


@pytest.mark.parametrize(
    "sentence, headline",
    [
        (
            "The ministry has cut the price of rail tickets.",
            "Ministry cuts price of rail tickets",
        ),
        ("The old pier was closed by the town council.", "Old pier closed by town council"),
        ("The mayor will open the new station.", "Mayor to open new station"),
        ("Farmers rejected the new water charges.", "Farmers reject new water charges"),
    ],
)
def test_headline_style(sentence, headline):
    sent = next(analyse.parse(sentence).sents)
    kept = {t.i for t in sent if not t.is_punct}
    assert C.render(sent, kept) == headline


def test_train_writes_byte_identical_json(tmp_path):
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    with (eval_dir / "train.jsonl").open("w") as fh:
        for row in _articles():
            fh.write(json.dumps(row) + "\n")
    (eval_dir / "dev.jsonl").write_text("")
    report = T.train(eval_dir, tmp_path / "a")
    T.train(eval_dir, tmp_path / "b")
    a = (tmp_path / "a" / "headline.json").read_bytes()
    assert a == (tmp_path / "b" / "headline.json").read_bytes()
    assert report["headline"]["examples"] == len(_articles())
    assert json.loads(a)["format"] == "newsum-headline/1"


def test_the_shipped_model_is_small_plain_json():
    assert C.MODEL_PATH.exists()
    assert C.MODEL_PATH.stat().st_size < 3_000_000
    data = json.loads(C.MODEL_PATH.read_text(encoding="utf-8"))
    assert data["weights"] and data["decode"]["max_words"] <= C.MAX_WORDS


def test_seed_headline_names_nato_and_russia(seed_nato_path, pipeline):
    brief = pipeline.summarize(seed_nato_path.read_text(encoding="utf-8"))
    assert "NATO" in brief.headline and "Russia" in brief.headline
    assert problems(brief.headline, None) == []


def test_an_untitled_article_gets_a_learned_headline_that_passes_the_guard(pipeline):
    text = (
        "The Fenwick harbour board has scrapped plans for a second ferry terminal after a "
        "review found the project would cost twice the original estimate.\n\n"
        "Board chairman Ivo Brandt said the money would instead go on repairs to the "
        "existing quay. Work on the quay is due to begin in April."
    )
    brief = pipeline.summarize(text)
    assert brief.headline and len(brief.headline) <= C.MAX_CHARS
    assert problems(brief.headline, text) == []
    assert "Fenwick" in brief.headline or "board" in brief.headline.lower()
