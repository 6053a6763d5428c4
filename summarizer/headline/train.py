"""Build the headline model (and the summary sentence scorer) from the evaluation data.

Why: there is no pretrained headline model to be had here, but there are ~1,770 real BBC
headlines with their articles. Each headline's words are aligned to the lead sentence's
dependency tree (the smallest subtree covering the matched words, plus the dependents a
kept head cannot lose) to label every lead token keep/drop; a logistic regression over
syntactic features learns those labels, and its weights are written as plain JSON so that
inference is a dot product. Only each article's lead paragraph is parsed, so training runs
in a minute or two on a laptop core; nothing is cached.

Deterministic: the same data and seed give byte-identical JSON.

    python -m summarizer.headline.train [EVAL_DIR] [OUT_DIR]
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span

from summarizer.headline.compress import (
    FORCED_DEPS,
    Model,
    candidates,
    is_forced,
    token_features,
)

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
DEFAULT_OUT_DIR = Path(__file__).resolve().parent.parent / "models"
HEADLINE_SOURCES = ("bbc-politics",)  # dev.jsonl rows whose title is a real BBC headline
VOCAB_MIN_COUNT = 4
C = 0.5
BIAS_GRID = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0)
MAX_WORDS_GRID = (8, 10, 12)
_WORD = re.compile(r"[a-z0-9]+")
_ALPHA_WORD = re.compile(r"(?<![\w-])[A-Za-z][a-z'’]*(?![\w-])")
_SPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """Whitespace-normalised text: the key that groups duplicate articles."""
    return _SPACE.sub(" ", text).strip()


def group_of(text: str, folds: int) -> int:
    """A stable fold for an article (duplicates under two ids land in the same fold)."""
    return zlib.crc32(text_key(text).encode("utf-8")) % folds


def load_rows(eval_dir: Path) -> list[dict]:
    """Every titled article: train.jsonl plus dev.jsonl's BBC politics rows; one per text."""
    rows: list[dict] = []
    seen: set[str] = set()
    for name in ("train.jsonl", "dev.jsonl"):
        path = Path(eval_dir) / name
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if name == "dev.jsonl" and row.get("source") not in HEADLINE_SOURCES:
                    continue
                if not row.get("title") or not row.get("text"):
                    continue
                key = text_key(row["text"])
                if key in seen:
                    continue
                seen.add(key)
                rows.append(row)
    return rows


def lead_paragraph(text: str, limit: int = 700) -> str:
    """The article's first paragraph of story (what gets parsed): six words or more, so
    that a dateline, a fixture line or a score line above the story is skipped."""
    for para in re.split(r"\n\s*\n|\n", text.strip()):
        if len(_ALPHA_WORD.findall(para)) >= 6:
            return para.strip()[:limit]
    return text.strip()[:limit]


def lead_sentence(doc) -> Span | None:
    """The first sentence of a parse that reads as story text (at least six words)."""
    for sent in doc.sents:
        if sum(t.is_alpha for t in sent) >= 6:
            return sent
    sents = list(doc.sents)
    return sents[0] if sents else None


# ----------------------------------------------------------------------------- alignment


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import porter  # nltk comes with rouge-score

    return porter.PorterStemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter stem, as ROUGE compares words."""
    return _stemmer().stem(word) if len(word) > 3 else word


def stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower())}


def align(sent: Span, title: str) -> set[int] | None:
    """Doc indices of the lead tokens a headline keeps (None: too little in common).

    The headline's words are matched to lead tokens by stem; the kept set is the smallest
    subtree covering the matched content words (their lowest common ancestor and every
    token on the way), closed under the dependents the decoder forces, plus matched
    function words whose head is kept.
    """
    wanted = stems(title)
    matched = []
    for tok in sent:
        if tok.is_punct or tok.is_space:
            continue
        pieces = {stem(w) for w in _WORD.findall(tok.lower_)} | {stem(tok.lemma_.lower())}
        if pieces & wanted:
            matched.append(tok)
    content = [t for t in matched if not t.is_stop]
    if len(content) < 2:
        return None
    paths = []
    for tok in content:
        path = [tok.i]
        while tok.head.i != tok.i and sent.start <= tok.head.i < sent.end:
            tok = tok.head
            path.append(tok.i)
        paths.append(path)
    common = set(paths[0])
    for path in paths[1:]:
        common &= set(path)
    lca = next(i for i in paths[0] if i in common) if common else sent.root.i
    kept: set[int] = set()
    for path in paths:
        for i in path:
            kept.add(i)
            if i == lca:
                break
    kept.add(lca)
    doc = sent.doc
    changed = True
    while changed:
        changed = False
        for i in list(kept):
            for child in doc[i].children:
                if child.i not in kept and (child.dep_ in FORCED_DEPS or is_forced(child)):
                    kept.add(child.i)
                    changed = True
    for tok in matched:
        if tok.is_stop and tok.head.i in kept:
            kept.add(tok.i)
    return kept


# ----------------------------------------------------------------------------- data


@dataclass
class Example:
    title: str
    text: str
    sent: Span


def parse_examples(rows: Sequence[dict], nlp=None) -> list[Example]:
    """Parse each article's lead paragraph (only) and keep its lead sentence."""
    if nlp is None:
        from summarizer import analyse

        nlp = analyse.get_nlp()
    leads = [lead_paragraph(r["text"]) for r in rows]
    out = []
    for row, doc in zip(rows, nlp.pipe(leads, batch_size=64)):
        sent = lead_sentence(doc)
        if sent is not None:
            out.append(Example(title=row["title"], text=row["text"], sent=sent))
    return out


def _vocab(examples: Iterable[Example]) -> list[str]:
    counts = Counter(t.lemma_.lower() for ex in examples for t in ex.sent)
    return sorted(w for w, n in counts.items() if n >= VOCAB_MIN_COUNT)


def _fit_weights(examples: Sequence[Example], vocab: frozenset[str], seed: int) -> dict:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    index: dict[str, int] = {}
    rows, cols, labels = [], [], []
    n = 0
    for ex in examples:
        kept = align(ex.sent, ex.title)
        if kept is None:
            continue
        for tok in ex.sent:
            if tok.is_space:
                continue
            for f in token_features(tok, ex.sent, vocab):
                rows.append(n)
                cols.append(index.setdefault(f, len(index)))
            labels.append(1 if tok.i in kept else 0)
            n += 1
    x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(index)))
    clf = LogisticRegression(
        C=C, solver="liblinear", fit_intercept=False, random_state=seed, max_iter=500
    )
    clf.fit(x, np.asarray(labels))
    coef = clf.coef_[0]
    names = sorted(index)
    return {f: round(float(coef[index[f]]), 4) for f in names if abs(coef[index[f]]) >= 5e-4}


def fit(examples: Sequence[Example], seed: int = 0, tune: bool = True) -> dict:
    """The headline model as a JSON-ready dict: weights, vocabulary and decoding settings.

    With ``tune``, the decoding bias and length are chosen on a held-out fifth of the
    (grouped) examples by ROUGE-1 against the real headlines, then the weights are refit
    on everything.
    """
    vocab = _vocab(examples)
    fvocab = frozenset(vocab)
    decode = {"bias": 0.0, "max_words": 10, "min_words": 3}
    if tune:
        inner = [ex for ex in examples if group_of(ex.text, 5) != seed % 5]
        held = [ex for ex in examples if group_of(ex.text, 5) == seed % 5]
        weights = _fit_weights(inner, fvocab, seed)
        best = None
        for max_words in MAX_WORDS_GRID:
            for bias in BIAS_GRID:
                model = Model(weights, fvocab, bias, max_words, 3)
                r1 = mean_rouge1(held, model)
                if best is None or r1 > best[0] + 1e-9:
                    best = (r1, bias, max_words)
        decode = {"bias": best[1], "max_words": best[2], "min_words": 3}
    weights = _fit_weights(examples, fvocab, seed)
    return {
        "format": "newsum-headline/1",
        "about": "token keep/drop weights for compressing a lead sentence into a headline; "
        "built by summarizer.headline.train from real BBC headline/lead pairs",
        "decode": decode,
        "vocab": vocab,
        "weights": weights,
    }


def mean_rouge1(examples: Sequence[Example], model: Model) -> float:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    total = 0.0
    for ex in examples:
        found = candidates(ex.sent, model, limit=1)
        text = found[0].text if found else ""
        total += scorer.score(ex.title, text)["rouge1"].fmeasure
    return total / max(1, len(examples))


def dumps(data: dict) -> str:
    """Canonical JSON (sorted keys, fixed separators): byte-identical for equal models."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def train(eval_dir: Path, out_dir: Path, seed: int = 0) -> dict:
    """Rebuild ``headline.json`` (and ``summary.json``) in ``out_dir`` from ``eval_dir``.

    Returns a short report: examples used, decoding settings, file sizes.
    """
    eval_dir, out_dir = Path(eval_dir), Path(out_dir)
    rows = load_rows(eval_dir)
    examples = parse_examples(rows)
    model = fit(examples, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "headline.json"
    path.write_text(dumps(model), encoding="utf-8")
    report = {
        "headline": {
            "path": str(path),
            "articles": len(rows),
            "examples": len(examples),
            "features": len(model["weights"]),
            "decode": model["decode"],
            "bytes": path.stat().st_size,
        }
    }
    try:
        from summarizer.generate import sentence_scorer
    except ImportError:  # pragma: no cover - the summary scorer is optional here
        return report
    report["summary"] = sentence_scorer.train(eval_dir, out_dir, seed=seed)
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    eval_dir = Path(argv[0]) if argv else DEFAULT_EVAL_DIR
    out_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT_DIR
    print(json.dumps(train(eval_dir, out_dir), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
