"""Fit the post-processor's decisions: one logistic model each, thresholds and
calibration chosen on the training articles' own out-of-fold predictions.

Deterministic: fixed seeds, sorted vocabularies, liblinear (no random restarts) and
weights rounded before they are written, so the same gold files give the same bytes.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path

import numpy as np

from summarizer.learn.data import (
    Article,
    actor_labels,
    gold_item_of,
    sentence_labels,
)

SEED = 0
MIN_COUNT = 3  # a feature seen on fewer training candidates is dropped
# regularisation tried per decision; the inner folds pick one (``fit_decision``)
C_BY_DECISION = {
    "claim": (0.1, 0.3, 1.0),
    "denial": (0.1, 0.3, 1.0),
    "next_step": (0.1, 0.3, 1.0),
    "actor": (0.3, 1.0, 3.0),
    "link": (1.0,),
}
INNER_FOLDS = 3
# decisions whose output is capped per article: the threshold is chosen under the cap
CAP_BY_DECISION = {"claim": 8, "actor": 8}
FIELD_OF = {"claim": "claims", "denial": "denials", "next_step": "next_steps"}
# feature families a decision is not given: words and word pairs lifted denials and next
# steps in cross-validation but cost claims (whose cues the rules already read)
WITHOUT = {"claim": ("w:", "b:")}


def fold_of_groups(groups: list[str], k: int, seed: int = SEED) -> dict[str, int]:
    """Each distinct group (normalised text) to one of k folds, seeded and balanced."""
    unique = sorted(set(groups))
    random.Random(seed).shuffle(unique)
    return {g: i % k for i, g in enumerate(unique)}


# --------------------------------------------------------------------------- rows


def decision_rows(articles: list[Article], name: str) -> tuple[list[dict], list[int], list[str]]:
    """(features, label, group) of every candidate of one decision."""
    X: list[dict] = []
    y: list[int] = []
    g: list[str] = []
    for art in articles:
        if name in FIELD_OF:
            labels = sentence_labels(art, FIELD_OF[name])
            X.extend(c.features for c in art.cands.sentences)
        elif name == "actor":
            labels = actor_labels(art)
            X.extend(c.features for c in art.cands.actors)
        else:
            feats, labels = link_rows(art)
            X.extend(feats)
        y.extend(labels)
        g.extend([art.group] * len(labels))
    drop = WITHOUT.get(name)
    if drop:
        X = [{k: v for k, v in row.items() if not k.startswith(drop)} for row in X]
    return X, y, g


def link_rows(art: Article) -> tuple[list[dict], list[int]]:
    """Each gold denial that rebuts a gold claim against every claim-like sentence."""
    from summarizer.postprocess.features import link_features

    sents = art.cands.sentences
    links = art.cands.links
    claim_like = [
        c.no
        for c in sents
        if gold_item_of(art, "claims", c.sent) is not None or c.features.get("r:claim")
    ]
    feats, labels = [], []
    claims = art.gold.get("claims") or []
    for gi, d in enumerate(art.gold.get("denials") or []):
        target = d.get("rebuts_claim")
        if target is None or not 0 <= target < len(claims) or art.spans["claims"][target] is None:
            continue
        dspan = art.spans["denials"][gi]
        if dspan is None:
            continue
        dsent = next(
            (c for c in sents if c.sent.start_char < dspan[1] and dspan[0] < c.sent.end_char), None
        )
        if dsent is None:
            continue
        cspan = art.spans["claims"][target]
        for no in claim_like:
            if no == dsent.no:
                continue
            s = sents[no].sent
            feats.append(link_features(dsent, sents[no], links.get(dsent.no) == no, claim_like))
            labels.append(int(s.start_char < cspan[1] and cspan[0] < s.end_char))
    return feats, labels


# --------------------------------------------------------------------------- fitting


def _vocabulary(X: list[dict]) -> list[str]:
    counts = Counter(k for row in X for k in row)
    return sorted(k for k, n in counts.items() if n >= MIN_COUNT)


def _matrix(X: list[dict], vocab: list[str]):
    from scipy.sparse import csr_matrix

    col = {k: i for i, k in enumerate(vocab)}
    data, rows, cols = [], [], []
    for r, feats in enumerate(X):
        for k, v in feats.items():
            j = col.get(k)
            if j is not None and v:
                data.append(float(v))
                rows.append(r)
                cols.append(j)
    return csr_matrix((data, (rows, cols)), shape=(len(X), len(vocab)))


def _fit(X: list[dict], y: list[int], C: float) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    vocab = _vocabulary(X)
    if len(set(y)) < 2:
        prior = (sum(y) + 0.5) / (len(y) + 1)
        return {}, math.log(prior / (1 - prior))
    clf = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=SEED)
    clf.fit(_matrix(X, vocab), np.asarray(y))
    weights = {
        k: round(float(w), 5) for k, w in zip(vocab, clf.coef_[0], strict=True) if abs(w) >= 1e-5
    }
    return weights, round(float(clf.intercept_[0]), 5)


def _margins(X: list[dict], weights: dict[str, float], intercept: float) -> np.ndarray:
    return np.array([intercept + sum(weights.get(k, 0.0) * v for k, v in r.items()) for r in X])


def _platt(margins: np.ndarray, y: list[int]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if len(set(y)) < 2:
        return 1.0, 0.0
    clf = LogisticRegression(C=100.0, solver="liblinear", random_state=SEED)
    clf.fit(margins.reshape(-1, 1), np.asarray(y))
    return round(float(clf.coef_[0][0]), 5), round(float(clf.intercept_[0]), 5)


def _best_threshold(probs: np.ndarray, y: list[int]) -> float:
    """The threshold with the best F1 on out-of-fold probabilities (ties: the higher)."""
    y_arr = np.asarray(y)
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.05, 0.951, 0.025), 3):
        pred = probs >= t
        tp = int((pred & (y_arr == 1)).sum())
        fp = int((pred & (y_arr == 0)).sum())
        fn = int((~pred & (y_arr == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 >= best_f1:
            best, best_f1 = float(t), f1
    return best


def _best_capped_threshold(probs: np.ndarray, y: list[int], groups: list[str], cap: int) -> float:
    """The threshold with the best F1 when each article keeps at most ``cap`` items,
    the most probable first (how claims are chosen, ``decide.choose_claims``)."""
    y_arr = np.asarray(y)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    order = {g: sorted(ix, key=lambda i: -probs[i]) for g, ix in by_group.items()}
    total_pos = int(y_arr.sum())
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.05, 0.951, 0.025), 3):
        tp = fp = 0
        for ix in order.values():
            for i in [i for i in ix if probs[i] >= t][:cap]:
                tp += int(y_arr[i])
                fp += int(1 - y_arr[i])
        fn = total_pos - tp
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 >= best_f1:
            best, best_f1 = float(t), f1
    return best


def _out_of_fold(X: list[dict], y: list[int], groups: list[str], C: float) -> np.ndarray:
    """Margins of every row from a model fitted on the other inner folds."""
    folds = fold_of_groups(groups, INNER_FOLDS, seed=SEED + 1)
    oof = np.zeros(len(y))
    for k in range(INNER_FOLDS):
        train = [i for i, g in enumerate(groups) if folds[g] != k]
        test = [i for i, g in enumerate(groups) if folds[g] == k]
        if not test:
            continue
        w, b = _fit([X[i] for i in train], [y[i] for i in train], C)
        oof[test] = _margins([X[i] for i in test], w, b)
    return oof


def _best_f1(margins: np.ndarray, y: list[int]) -> float:
    """The best F1 any cut of these margins gives (how well they rank, at its best)."""
    order = np.argsort(-margins, kind="stable")
    hits = np.cumsum(np.asarray(y)[order])
    total = hits[-1] if len(hits) else 0
    if not total:
        return 0.0
    taken = np.arange(1, len(hits) + 1)
    return float(np.max(2 * hits / (taken + total)))


def fit_decision(X: list[dict], y: list[int], groups: list[str], name: str) -> dict:
    """One decision: the regularisation, calibration and threshold chosen on inner folds
    of these training articles; then the weights fitted on all of them."""
    options = C_BY_DECISION[name]
    oofs = {C: _out_of_fold(X, y, groups, C) for C in options}
    C = max(options, key=lambda c: (_best_f1(oofs[c], y), -c))  # ties: the stronger prior
    oof = oofs[C]
    a, b0 = _platt(oof, y)
    probs = 1 / (1 + np.exp(-(a * oof + b0)))
    cap = CAP_BY_DECISION.get(name)
    if cap is None:
        threshold = _best_threshold(probs, y)
    else:
        threshold = _best_capped_threshold(probs, y, groups, cap)
    weights, intercept = _fit(X, y, C)
    return {
        "weights": dict(sorted(weights.items())),
        "intercept": intercept,
        "calibration": [a, b0],
        "threshold": threshold,
        "C": C,
        "rows": len(y),
        "positives": int(sum(y)),
        "_oof": probs,  # out-of-fold probabilities, for choices made across decisions
    }


CLAIM_RATIOS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = int((pred & gold).sum())
    return 2 * tp / (int(pred.sum()) + int(gold.sum())) if tp else 0.0


def choose_claim_ratio(claim: dict, denial: dict, y_claim: list[int], y_denial: list[int]) -> float:
    """A sentence both decisions accept is a denial only if p(denial) >= ratio * p(claim):
    the ratio with the best claim F1 + denial F1 on the training articles' out-of-fold
    probabilities (the same sentences, in the same order, for both decisions)."""
    pc, pd = claim["_oof"], denial["_oof"]
    yc, yd = np.asarray(y_claim) == 1, np.asarray(y_denial) == 1
    best, best_score = 0.0, -1.0
    for ratio in CLAIM_RATIOS:
        is_denial = (pd >= denial["threshold"]) & (pd >= ratio * pc)
        is_claim = (pc >= claim["threshold"]) & ~is_denial
        score = _f1(is_claim, yc) + _f1(is_denial, yd)
        if score > best_score + 1e-9:
            best, best_score = ratio, score
    return best


def train_model(articles: list[Article]) -> dict:
    """Every decision fitted on these articles: the JSON the model file holds."""
    from summarizer.postprocess.decide import DECISIONS

    decisions = {}
    labels = {}
    for name in DECISIONS:
        X, y, g = decision_rows(articles, name)
        decisions[name] = fit_decision(X, y, g, name)
        labels[name] = y
    decisions["denial"]["claim_ratio"] = choose_claim_ratio(
        decisions["claim"], decisions["denial"], labels["claim"], labels["denial"]
    )
    for d in decisions.values():
        d.pop("_oof")
    return {
        "format": "newsum-postprocess-logistic/1",
        "seed": SEED,
        "trained_on": {
            "articles": len(articles),
            "topics": dict(sorted(Counter(a.topic for a in articles).items())),
        },
        "decisions": decisions,
    }


def write_model(model: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n")
