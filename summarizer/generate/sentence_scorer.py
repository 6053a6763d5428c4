"""Which sentences make the summary: a scorer learned from the BBC "extract" labels.

Why: the hand-tuned centrality picker scored below plain Lead-3. A logistic regression over
a few cheap sentence features (position, centrality, overlap with the lead the headline comes
from, names, numbers, quotations, length), fitted to the sentences the public "BBC News
Summary" data set picked, ranks the sentences; three are chosen greedily with a redundancy
penalty. Lead-3 is a candidate strategy too: ``train`` cross-validates both on the extract
references and the model file records which one wins, so the summary is never below
Lead-3 by design, not by hope. Features need no parse (the regex sentence splitter of
``summarizer.evaluation``), so training reads every article in seconds.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from summarizer.evaluation import split_sentences
from summarizer.furniture import has_furniture, strip_furniture

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "summary.json"
SENTENCES = 3
REDUNDANCY = 0.6  # weight of the similarity to already chosen sentences
_WORD = re.compile(r"[A-Za-z0-9£$€%][\w£$€%'’.-]*")
_STOP_WORDS = (
    "a an the and or but if of to in on at by for with from as is are was were be been being "
    "has have had do does did will would shall should can could may might must it its this "
    "that these those he she they we i you his her their our my your him them us me who whom "
    "which what when where why how not no than then so also said says say told there here "
    "after before over under about into out up down more most some any all such only just"
)
_STOP = frozenset(_STOP_WORDS.split())
# Strategies: "learned" picks all k; "lead1+learned"/"lead2+learned" keep the first one or two
# sentences (the inverted pyramid) and pick the rest; "lead3" is the baseline itself.
STRATEGIES = ("learned", "lead1+learned", "lead2+learned", "lead3")
LEAD_FIRST = {"lead1+learned": 1, "lead2+learned": 2}
FEATURES = (
    "bias",
    "first",
    "second",
    "third",
    "inv_pos",
    "rel_pos",
    "log_words",
    "short",
    "long",
    "centrality",
    "lead_overlap",
    "names",
    "numbers",
    "quote",
    "starts_quote",
    "question",
    "paragraph_start",
)


def _terms(sentence: str) -> list[str]:
    out = []
    for word in _WORD.findall(sentence):
        low = word.lower().strip(".'’-")
        if low and low not in _STOP:
            out.append(low[:6])  # a crude stem: "minister"/"ministers" agree
    return out


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


@dataclass
class Sentence:
    text: str
    index: int
    features: list[float]
    terms: Counter
    usable: bool


def sentences(text: str) -> list[Sentence]:
    """The article's sentences with their features (the same at training and inference)."""
    texts = [strip_furniture(s) if has_furniture(s) else s for s in split_sentences(text)]
    starts = {" ".join(p.split())[:40] for p in re.split(r"\n\s*\n|\n", text) if p.strip()}
    terms = [Counter(_terms(s)) for s in texts]
    total = Counter()
    for t in terms:
        total.update(t)
    lead = terms[0] if terms else Counter()
    n = len(texts)
    out = []
    for i, (sent, t) in enumerate(zip(texts, terms)):
        words = sent.split()
        rest = total.copy()
        rest.subtract(t)
        rest = Counter({k: v for k, v in rest.items() if v > 0})
        caps = sum(1 for w in words[1:] if w[:1].isupper())
        nums = sum(1 for w in words if any(c.isdigit() for c in w))
        quote = any(q in sent for q in '"“”')
        feats = [
            1.0,
            float(i == 0),
            float(i == 1),
            float(i == 2),
            1.0 / (1 + i),
            i / max(1, n - 1),
            math.log1p(len(words)),
            float(len(words) < 8),
            float(len(words) > 45),
            _cosine(t, rest),
            _cosine(t, lead) if i else 1.0,
            caps / max(1, len(words)),
            nums / max(1, len(words)),
            float(quote),
            float(sent.lstrip()[:1] in "\"“'‘"),
            float(sent.rstrip().endswith("?")),
            float(" ".join(sent.split())[:40] in starts),
        ]
        usable = 5 <= len(words) <= 90 and not has_furniture(sent)
        out.append(Sentence(sent, i, feats, t, usable))
    return out


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    strategy: str  # "learned" or "lead3": whichever cross-validated better

    def score(self, sent: Sentence) -> float:
        return sum(w * f for w, f in zip(self.weights, sent.features))


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(path: str) -> Model | None:
    p = Path(path)
    if not p.exists():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    weights = tuple(float(data["weights"].get(name, 0.0)) for name in FEATURES)
    return Model(weights, data.get("strategy", "learned"))


def load_model(path: Path | str | None = None) -> Model | None:
    with _lock:
        return _load(str(path or MODEL_PATH))


def select(
    text: str, model: Model | None = None, k: int = SENTENCES, strategy: str | None = None
) -> list[str]:
    """The summary's sentences, in article order: the model's pick (or Lead-3 when that is
    what cross-validation chose). Sentences carrying page furniture are never picked."""
    model = model or load_model()
    sents = sentences(text)
    usable = [s for s in sents if s.usable] or sents
    strategy = strategy or (model.strategy if model else "lead3")
    if strategy == "lead3" or model is None:
        return [s.text for s in usable[:k]]
    scores = {s.index: model.score(s) for s in usable}
    lead = LEAD_FIRST.get(strategy, 0)
    chosen: list[Sentence] = list(usable[:lead])
    pool = list(usable[lead:])
    while pool and len(chosen) < k:

        def gain(s: Sentence) -> float:
            sim = max((_cosine(s.terms, c.terms) for c in chosen), default=0.0)
            return scores[s.index] - REDUNDANCY * 4.0 * sim

        best = max(pool, key=lambda s: (gain(s), -s.index))
        chosen.append(best)
        pool.remove(best)
    return [s.text for s in sorted(chosen, key=lambda s: s.index)]


# ----------------------------------------------------------------------------- training


def _labelled(rows: Sequence[dict]) -> list[tuple[list[Sentence], list[int]]]:
    out = []
    for row in rows:
        extract = row.get("extract")
        if not extract:
            continue
        picked = {" ".join(s.split()) for s in extract}
        sents = sentences(row["text"])
        labels = [int(" ".join(s.text.split()) in picked) for s in sents]
        if sum(labels):
            out.append((sents, labels))
    return out


def fit(rows: Sequence[dict], seed: int = 0) -> tuple[float, ...]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    data = _labelled(rows)
    x = np.array([s.features for sents, _ in data for s in sents])
    y = np.array([lab for _, labels in data for lab in labels])
    clf = LogisticRegression(C=1.0, fit_intercept=False, max_iter=2000, random_state=seed)
    clf.fit(x, y)
    return tuple(round(float(w), 5) for w in clf.coef_[0])


def rouge_vs_extract(rows: Sequence[dict], pick) -> dict[str, float]:
    """Mean ROUGE-1/2/Lsum F1 of ``pick(text) -> [sentences]`` against each row's extract."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    totals = Counter()
    n = 0
    for row in rows:
        if not row.get("extract"):
            continue
        ref = "\n".join(row["extract"])
        got = "\n".join(pick(row["text"]))
        scores = scorer.score(ref, got)
        for key, value in scores.items():
            totals[key] += value.fmeasure
        n += 1
    return {key: round(value / max(1, n), 4) for key, value in sorted(totals.items())}


def cross_validate(rows: Sequence[dict], folds: int = 5, seed: int = 0) -> dict:
    """Grouped k-fold ROUGE of every strategy on the extract references."""
    from summarizer.headline.train import group_of

    labelled = [r for r in rows if r.get("extract")]
    totals = {name: Counter() for name in STRATEGIES}
    for fold in range(folds):
        train_rows = [r for r in labelled if group_of(r["text"], folds) != fold]
        test_rows = [r for r in labelled if group_of(r["text"], folds) == fold]
        model = Model(fit(train_rows, seed), "learned")
        for name in STRATEGIES:
            scores = rouge_vs_extract(
                test_rows, lambda text, s=name, m=model: select(text, m, strategy=s)
            )
            for key, value in scores.items():
                totals[name][key] += value * len(test_rows)
    n = max(1, len(labelled))
    return {name: {k: round(v / n, 4) for k, v in sorted(c.items())} for name, c in totals.items()}


def rouge_vs_references(rows: Sequence[dict], model: Model) -> dict:
    """Every strategy against the written reference summaries (``reference_summary``)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    refs = [r for r in rows if r.get("reference_summary")]
    out = {}
    for name in STRATEGIES:
        totals = Counter()
        for row in refs:
            ref = "\n".join(split_sentences(row["reference_summary"]))
            got = "\n".join(select(row["text"], model, strategy=name))
            for key, value in scorer.score(ref, got).items():
                totals[key] += value.fmeasure
        out[name] = {k: round(v / max(1, len(refs)), 4) for k, v in sorted(totals.items())}
    return out


def choose(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """The strategy whose worst ratio to Lead-3 over the reference sets is best: a strategy
    below Lead-3 on any set loses to Lead-3 itself (ratio 1), so the summary never is."""

    def mean(scores: dict[str, float]) -> float:
        return sum(scores.values()) / max(1, len(scores))

    def worst(name: str) -> float:
        return min(mean(s[name]) / max(1e-9, mean(s["lead3"])) for s in results.values())

    return max(STRATEGIES, key=lambda name: (round(worst(name), 6), name == "lead3"))


def train(eval_dir: Path, out_dir: Path, seed: int = 0) -> dict:
    """Fit on every labelled article, score each strategy by grouped 5-fold CV on the
    extract references and on the written references of dev.jsonl (CNN highlights,
    Giveme5W1H descriptions), keep the one never below Lead-3, and write ``summary.json``
    (canonical JSON: byte-identical reruns)."""
    from summarizer.headline.train import dumps, load_rows

    eval_dir = Path(eval_dir)
    rows = [r for r in load_rows(eval_dir) if r.get("extract")]
    if not _labelled(rows):
        return {"articles": 0, "skipped": "no article with extract labels"}
    results = {"extract_cv": cross_validate(rows, seed=seed)}
    weights = fit(rows, seed)
    dev = eval_dir / "dev.jsonl"
    if dev.exists():
        dev_rows = [json.loads(line) for line in dev.open(encoding="utf-8")]
        for source in sorted({r["source"] for r in dev_rows if r.get("reference_summary")}):
            subset = [r for r in dev_rows if r["source"] == source]
            results[source] = rouge_vs_references(subset, Model(weights, "learned"))
    strategy = choose(results)
    data = {
        "format": "newsum-summary/1",
        "about": "sentence-selection weights learned from the BBC News Summary extract labels "
        "by summarizer.generate.sentence_scorer; strategy: the one never below Lead-3",
        "rouge": results,
        "strategy": strategy,
        "weights": dict(zip(FEATURES, weights)),
    }
    out = Path(out_dir) / "summary.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(data), encoding="utf-8")
    return {"path": str(out), "articles": len(rows), "strategy": strategy, "rouge": results}
