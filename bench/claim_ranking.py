"""How well the claim ranker keeps the annotators' claims, and how far its weights carry.

Reads ../shared/eval/dev.jsonl and dev-gold.jsonl at run time (nothing copied). For each
gold article it cleans and parses the text as the pipeline does, takes every claim
candidate with the readings ``claim_readings`` gives it, and labels a candidate gold when
its sentence overlaps a gold claim's evidence. Then it counts gold claims kept in the
top 8 of each article:

- ``text order``: the first 8 candidates (no ranking at all);
- ``shipped``: the committed ``CLAIM_WEIGHTS``;
- ``refit, each article left out``: a logistic regression over the same readings,
  fitted 21 times, each time without the article it then ranks. This is the honest
  figure for articles the weights have never seen; the gap to ``shipped`` is how much
  the committed weights owe to this data.

Prints the refit weights over all articles; the last line is
``claims_recall_left_out=<float>`` (the issue's target is 0.75).

    python bench/claim_ranking.py [DEV_JSONL] [GOLD_JSONL]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from summarizer import analyse
from summarizer.evaluation import _overlap, load_gold, load_jsonl, locate
from summarizer.ingest import ingest
from summarizer.postprocess.actors import build_actor_index
from summarizer.postprocess.attribution import CLAIM_WEIGHTS, claim_readings, find_attributions
from summarizer.postprocess.evidence import QuoteMap

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
KEEP = 8
NAMES = list(CLAIM_WEIGHTS)


def candidates(text: str, gold: dict) -> list[tuple[np.ndarray, int | None]]:
    """(readings, index of the gold claim it matches or None) for every claim candidate."""
    clean = ingest(text)
    doc = analyse.parse(clean.text)
    index = build_actor_index(doc, QuoteMap.build(doc))
    attributions = find_attributions(index)
    for a in attributions:
        if a.actor is not None:
            a.actor.speaker_count += 1
    spans = [locate(doc.text, c["evidence"]) for c in gold.get("claims") or []]
    out = []
    for a, readings in claim_readings(attributions, index):
        span = (a.evidence.start, a.evidence.end)
        match = next((i for i, s in enumerate(spans) if _overlap(s, span) > 0), None)
        out.append((np.array([readings[k] for k in NAMES]), match))
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000) -> np.ndarray:
    """Logistic regression by gradient descent (L2 on the weights, not the bias)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        w -= (x.T @ (p - y) + l2 * w) / len(y)
        b -= float((p - y).mean())
    return w


def kept(articles: list[list[tuple[np.ndarray, int | None]]], weights: list) -> int:
    """Distinct gold claims among each article's top KEEP (text order where the weights
    are None; ties keep text order, as rank_claims's stable sort does)."""
    found = 0
    for cands, w in zip(articles, weights, strict=True):
        order = list(range(len(cands)))
        if w is not None:
            order.sort(key=lambda i: -float(cands[i][0] @ w))
        found += len({cands[i][1] for i in order[:KEEP]} - {None})
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=EVAL / "dev.jsonl")
    ap.add_argument("gold", nargs="?", type=Path, default=EVAL / "dev-gold.jsonl")
    args = ap.parse_args()

    rows = {str(r.get("id")): r for r in load_jsonl(args.data)}
    gold = load_gold(args.gold)
    articles, total = [], 0
    for gid, record in gold.items():
        if gid in rows:
            text = rows[gid].get("text") or ""
        else:  # a gold id kept as <id>.txt beside the gold file (seed-nato)
            text = (args.gold.parent / f"{gid}.txt").read_text(encoding="utf-8")
        articles.append(candidates(text, record))
        total += len(record.get("claims") or [])
    n = len(articles)
    shipped = np.array([CLAIM_WEIGHTS[k] for k in NAMES])

    left_out = []
    for i in range(n):
        train = [c for j, a in enumerate(articles) if j != i for c in a]
        x = np.array([r for r, _ in train])
        y = np.array([float(g is not None) for _, g in train])
        left_out.append(fit(x, y))
    everything = [c for a in articles for c in a]
    full = fit(
        np.array([r for r, _ in everything]),
        np.array([float(g is not None) for _, g in everything]),
    )

    print(f"{n} articles, {total} gold claims, {len(everything)} candidates")
    print(f"{'ranking':34s} kept  recall")
    for label, weights in (
        ("text order", [None] * n),
        ("shipped CLAIM_WEIGHTS", [shipped] * n),
        ("refit, each article left out", left_out),
    ):
        k = kept(articles, weights)
        print(f"{label:34s} {k:4d}  {k / total:.3f}")
    print("refit on all articles: " + ", ".join(f"{k} {w:+.2f}" for k, w in zip(NAMES, full)))
    print(f"claims_recall_left_out={kept(articles, left_out) / total:.3f}")


if __name__ == "__main__":
    main()
