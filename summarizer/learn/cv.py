"""Article-grouped k-fold cross-validation: every figure from models that never saw the
article (nor its duplicate under another id), beside the rules alone and a keyword
baseline scored on the same folds by the same matcher as ``newsum eval``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarizer.evaluation import (
    FIELDS,
    _gold_section,
    score_article,
)
from summarizer.learn.data import Article
from summarizer.learn.train import SEED, fold_of_groups, train_model
from summarizer.postprocess import Extraction, decide_items, extract_rules
from summarizer.postprocess.decide import Model
from summarizer.postprocess.evidence import span_evidence
from summarizer.schema import Claim, Denial, GeneratorInfo, Meta, NextStep, StructuredSummary

SYSTEMS = ("learned", "rules", "keywords")
_CLAIM_RE = re.compile(
    r"\b(said|says|told|according to|claimed|claims|alleged|argued|warned|announced)\b", re.I
)
_DENIAL_RE = re.compile(
    r"\b(denied|denies|deny|rejected|rejects|dismissed|dismisses|not true|groundless)\b", re.I
)
_NEXT_RE = re.compile(
    r"\b(will|is due to|are due to|plans to|plan to|is expected to|are expected to|"
    r"next week|next month|next year)\b",
    re.I,
)


def keyword_baseline(art: Article, max_claims: int = 8) -> Extraction:
    """A few regular expressions over the same sentences, no NLP: the floor to beat."""
    claims, denials, steps = [], [], []
    for cand in art.cands.sentences:
        text = cand.sent.text
        ev = span_evidence(cand.sent)
        if _DENIAL_RE.search(text):
            denials.append(
                Denial(id=f"d{len(denials) + 1}", speaker="?", statement=text, evidence=ev)
            )
        elif _CLAIM_RE.search(text) and len(claims) < max_claims:
            claims.append(
                Claim(
                    id=f"c{len(claims) + 1}",
                    speaker="?",
                    statement=text,
                    direct_quote=False,
                    evidence=ev,
                )
            )
        if _NEXT_RE.search(text):
            steps.append(NextStep(action=text, evidence=ev))
    return Extraction(key_actors=[], claims=claims, denials=denials, next_steps=steps)


def as_brief(extraction: Extraction, source: str) -> StructuredSummary:
    return StructuredSummary(
        headline="-",
        summary="-",
        key_actors=extraction.key_actors,
        claims=extraction.claims,
        denials=extraction.denials,
        next_steps=extraction.next_steps,
        meta=Meta(
            generator=GeneratorInfo(backend="extractive"),
            language="en",
            source_chars=len(source),
            elapsed_ms=0.0,
        ),
        source=source,
    )


def _item_correct(art: Article, field: str, item, detail: dict) -> bool:
    """Whether the scorer counted the item right: an actor only if it took part in the
    scorer's one-to-one matching ("Blair" beside "Tony Blair" is a false key actor)."""
    if field == "key_actors":
        return item.name in {ours for ours, _ in detail["key_actors"]["matched"]}
    ev = item.evidence
    return any(s is not None and ev.start < s[1] and s[0] < ev.end for s in art.spans[field])


def calibration(pairs: list[tuple[float, bool]], bins: int = 10) -> dict:
    """Expected calibration error of (confidence, correct) pairs over equal-width bins."""
    if not pairs:
        return {"n": 0, "ece": None, "bins": []}
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, ok) for p, ok in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not inside:
            continue
        conf = sum(p for p, _ in inside) / len(inside)
        acc = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / len(pairs) * abs(conf - acc)
        table.append({"lo": lo, "hi": hi, "n": len(inside), "confidence": conf, "accuracy": acc})
    return {"n": len(pairs), "ece": ece, "bins": table}


def cross_validate(
    articles: list[Article],
    k: int = 5,
    *,
    seed: int = SEED,
    max_claims: int = 8,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Train on k-1 folds, brief the held-out fold, for every fold; score all systems."""
    folds = fold_of_groups([a.group for a in articles], k, seed=seed)
    per_system: dict[str, list[dict]] = {s: [] for s in SYSTEMS}
    topics: dict[str, dict[str, list[dict]]] = {}
    origins: dict[str, dict[str, list[dict]]] = {}
    conf_pairs: dict[str, list[tuple[float, bool]]] = {f: [] for f in FIELDS}
    thresholds = []
    for fold in range(k):
        train = [a for a in articles if folds[a.group] != fold]
        test = [a for a in articles if folds[a.group] == fold]
        if progress:
            progress(f"fold {fold + 1}/{k}: training on {len(train)}, testing on {len(test)}")
        model_json = train_model(train)
        thresholds.append({n: d["threshold"] for n, d in model_json["decisions"].items()})
        thresholds[-1]["denial_claim_ratio"] = model_json["decisions"]["denial"].get("claim_ratio")
        thresholds[-1]["C"] = {n: d.get("C") for n, d in model_json["decisions"].items()}
        model = Model.from_json(model_json)
        for art in test:
            outputs = {
                "learned": decide_items(art.cands, model, max_claims=max_claims),
                "rules": extract_rules(art.cands.index.doc, max_claims=max_claims),
                "keywords": keyword_baseline(art, max_claims=max_claims),
            }
            details = {}
            for system, extraction in outputs.items():
                detail = score_article(as_brief(extraction, art.text), art.gold, art.text)
                details[system] = detail
                per_system[system].append(detail)
                topics.setdefault(art.topic, {s: [] for s in SYSTEMS})[system].append(detail)
                origins.setdefault(art.origin, {s: [] for s in SYSTEMS})[system].append(detail)
            learned = outputs["learned"]
            for field in FIELDS:
                for item in getattr(learned, field):
                    if item.confidence is not None:
                        ok = _item_correct(art, field, item, details["learned"])
                        conf_pairs[field].append((item.confidence, ok))
    report = {
        "articles": len(articles),
        "folds": k,
        "seed": seed,
        "systems": {s: _summary(_gold_section(rows)) for s, rows in per_system.items()},
        "topics": {
            t: {s: _summary(_gold_section(rows)) for s, rows in by.items()}
            for t, by in sorted(topics.items())
        },
        "origins": {
            o: {s: _summary(_gold_section(rows)) for s, rows in by.items()}
            for o, by in sorted(origins.items())
        },
        "calibration": {f: calibration(p) for f, p in conf_pairs.items()},
        "thresholds": thresholds,
        "details": {s: rows for s, rows in per_system.items()},
    }
    return report


def _summary(section: dict) -> dict:
    return {
        "articles": section["articles"],
        "fields": section["fields"],
        "claim_speaker_accuracy": section["claim_speaker_accuracy"],
        "denial_link_accuracy": section["denial_link_accuracy"],
    }


def _f(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def format_cv(report: dict) -> str:
    """The cross-validated table: learned vs rules vs keywords, then topics, calibration."""
    lines = [
        f"{report['folds']}-fold article-grouped cross-validation over {report['articles']} "
        f"annotated articles (seed {report['seed']}); every figure on held-out articles"
    ]
    head = f"  {'field':<12}" + "".join(f" {s + ' P/R/F1':>22}" for s in SYSTEMS)
    lines += ["", head]
    for field in FIELDS:
        cells = []
        for s in SYSTEMS:
            r = report["systems"][s]["fields"][field]
            cells.append(f" {_f(r['precision'])}/{_f(r['recall'])}/{_f(r['f1'])}".rjust(23))
        lines.append(f"  {field:<12}" + "".join(cells))
    for label, key in (
        ("claim speaker", "claim_speaker_accuracy"),
        ("denial link", "denial_link_accuracy"),
    ):
        cells = []
        for s in SYSTEMS:
            r = report["systems"][s][key]
            cells.append(f" {_f(r['accuracy'])} ({r['correct']}/{r['total']})".rjust(23))
        lines.append(f"  {label:<12}" + "".join(cells))
    lines += ["", "per topic and per annotation source, F1 learned / rules / keywords:"]
    lines.append(f"  {'topic':<18} {'n':>3} " + " ".join(f"{f:<20}" for f in FIELDS))
    groups = dict(report["topics"])
    if len(report.get("origins", {})) > 1:  # shared gold files vs the project's own spans
        groups.update({f"({o} gold)": by for o, by in report["origins"].items()})
    for topic, by in groups.items():
        n = by["learned"]["articles"]
        cells = []
        for field in FIELDS:
            vals = [by[s]["fields"][field]["f1"] for s in SYSTEMS]
            cells.append("/".join(_f(v) for v in vals).ljust(20))
        lines.append(f"  {topic:<18} {n:>3} " + " ".join(cells))
    lines += ["", "calibration of learned confidences (expected calibration error, 10 bins):"]
    for field, c in report["calibration"].items():
        lines.append(f"  {field:<12} ECE {_f(c['ece'])}  over {c['n']} items")
    f1s = [report["systems"]["learned"]["fields"][f]["f1"] or 0.0 for f in FIELDS]
    lines += ["", f"cv_min_f1={min(f1s):.3f}"]
    return "\n".join(lines)
