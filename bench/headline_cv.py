"""Headline and summary quality, cross-validated on the BBC headline pairs (issue 15).

Article-grouped 5-fold CV (duplicate texts share a fold) on every titled article of
../shared/eval (train.jsonl + dev.jsonl's BBC politics rows): each fold's headline model is
trained on the other four folds, exactly as ``summarizer.headline.train`` trains the shipped
one, and every headline passes the guard as in the pipeline. Prints:

- headline ROUGE-1/L F1 against the real headlines: the learned headline, Lead-1 (the first
  12 words) and the previous extractive headline (rule-based lead compression);
- summary ROUGE-1/2/Lsum: every selection strategy against the ``extract`` references (CV)
  and against dev.jsonl's CNN and Giveme5W1H references, beside Lead-3;
- guard failures and furniture hits over every headline and summary of dev.jsonl and
  train.jsonl; ten headlines picked at random (seed 0) beside the real one and Lead-1;
- last line ``headline_r1_over_lead1=<float>`` (target >= 1.15).

    python bench/headline_cv.py [EVAL_DIR]
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from summarizer.evaluation import lead3_summary, lead_headline, split_sentences
from summarizer.furniture import furniture_hits
from summarizer.generate import sentence_scorer as S
from summarizer.generate.extractive import headline_from_lead
from summarizer.headline import headline_for
from summarizer.headline import train as T
from summarizer.headline.compress import Model
from summarizer.headline.guard import problems

FOLDS = 5
LEAD1_WORDS = 12


def _scorer(keys):
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(keys, use_stemmer=True)


def headline_cv(examples: list[T.Example]) -> tuple[dict, dict[int, str]]:
    scorer = _scorer(["rouge1", "rougeL"])
    systems = ("learned", "lead1", "previous")
    totals = {s: {"rouge1": 0.0, "rougeL": 0.0} for s in systems}
    learned: dict[int, str] = {}
    for fold in range(FOLDS):
        train = [e for e in examples if T.group_of(e.text, FOLDS) != fold]
        model = Model.from_dict(T.fit(train, seed=0))
        for i, ex in enumerate(examples):
            if T.group_of(ex.text, FOLDS) != fold:
                continue
            head, _ = headline_for(ex.sent.doc, ex.text, model)
            learned[i] = head
            outputs = {
                "learned": head,
                "lead1": lead_headline(ex.text, LEAD1_WORDS),
                "previous": headline_from_lead(ex.sent),
            }
            for name, text in outputs.items():
                for key, value in scorer.score(ex.title, text).items():
                    totals[name][key] += value.fmeasure
    n = len(examples)
    return {s: {k: v / n for k, v in t.items()} for s, t in totals.items()}, learned


def summary_refs(dev_rows: list[dict], model: S.Model) -> dict:
    scorer = _scorer(["rouge1", "rouge2", "rougeLsum"])
    out = {}
    for source in ("cnn-dailymail", "giveme5w1h-gold"):
        rows = [r for r in dev_rows if r["source"] == source and r.get("reference_summary")]
        per = S.rouge_vs_references(rows, model)
        raw = {"rouge1": 0.0, "rouge2": 0.0, "rougeLsum": 0.0}
        for r in rows:
            ref = "\n".join(split_sentences(r["reference_summary"]))
            got = "\n".join(split_sentences(lead3_summary(r["text"])))
            for k, v in scorer.score(ref, got).items():
                raw[k] += v.fmeasure / len(rows)
        per["Lead-3 (raw text)"] = raw
        out[f"{source} (n={len(rows)})"] = per
    return out


def quality_counts(all_rows: list[dict], examples_by_text: dict[str, T.Example]) -> dict:
    """Guard failures and furniture hits over every final headline and summary."""
    from summarizer import analyse

    nlp = analyse.get_nlp()
    counts = {
        "articles": 0,
        "titles failing the guard": 0,
        "generated headlines failing the guard": 0,
        "generated headlines the guard repaired/replaced": 0,
        "furniture hits in headlines": 0,
        "furniture hits in summaries": 0,
    }
    missing = [r for r in all_rows if T.text_key(r["text"]) not in examples_by_text]
    docs = dict(
        zip(
            (T.text_key(r["text"]) for r in missing),
            nlp.pipe((T.lead_paragraph(r["text"]) for r in missing), batch_size=64),
        )
    )
    for row in all_rows:
        counts["articles"] += 1
        key = T.text_key(row["text"])
        doc = examples_by_text[key].sent.doc if key in examples_by_text else docs[key]
        head, warnings = headline_for(doc, row["text"])
        if row.get("title") and problems(row["title"], f"{row['title']}\n{row['text']}"):
            counts["titles failing the guard"] += 1
        if not head or problems(head, row["text"]):
            counts["generated headlines failing the guard"] += 1
        counts["generated headlines the guard repaired/replaced"] += bool(warnings)
        counts["furniture hits in headlines"] += len(furniture_hits(head))
        summary = " ".join(S.select(row["text"]))
        counts["furniture hits in summaries"] += len(furniture_hits(summary))
    return counts


def main(argv: list[str]) -> int:
    eval_dir = Path(argv[0]) if argv else T.DEFAULT_EVAL_DIR
    started = time.perf_counter()
    rows = T.load_rows(eval_dir)
    examples = T.parse_examples(rows)
    print(f"headline pairs: {len(examples)} distinct articles ({FOLDS}-fold, grouped by text)")
    head, learned = headline_cv(examples)
    print("\nheadline ROUGE F1 vs real BBC headlines (CV)")
    print(f"{'system':<34}{'R1':>8}{'RL':>8}")
    names = {
        "learned": "learned compression (+guard)",
        "lead1": f"Lead-1 (first {LEAD1_WORDS} words)",
        "previous": "previous extractive headline",
    }
    for key, label in names.items():
        print(f"{label:<34}{head[key]['rouge1']:>8.4f}{head[key]['rougeL']:>8.4f}")

    summary_rows = [r for r in rows if r.get("extract")]
    cv = S.cross_validate(summary_rows)
    raw = S.rouge_vs_extract(summary_rows, lambda text: split_sentences(lead3_summary(text)))
    cv["Lead-3 (raw text)"] = raw
    model = S.load_model()
    shipped = model.strategy if model else "lead3"
    dev_rows = [json.loads(line) for line in (eval_dir / "dev.jsonl").open(encoding="utf-8")]
    tables = {f"extract references, CV (n={len(summary_rows)})": cv}
    tables.update(summary_refs(dev_rows, model or S.Model((0.0,) * len(S.FEATURES), "lead3")))
    print(f"\nsummary ROUGE F1 (shipped strategy: {shipped})")
    for title, table in tables.items():
        print(f"  {title}")
        print(f"  {'strategy':<22}{'R1':>8}{'R2':>8}{'RLsum':>8}")
        for name, scores in table.items():
            mark = " <- shipped" if name == shipped else ""
            print(
                f"  {name:<22}{scores['rouge1']:>8.4f}{scores['rouge2']:>8.4f}"
                f"{scores['rougeLsum']:>8.4f}{mark}"
            )

    train_rows = [json.loads(line) for line in (eval_dir / "train.jsonl").open(encoding="utf-8")]
    by_text = {T.text_key(e.text): e for e in examples}
    counts = quality_counts(train_rows + dev_rows, by_text)
    print("\nover dev.jsonl + train.jsonl (shipped models)")
    for key, value in counts.items():
        print(f"  {key:<48}{value:>6}")

    print("\nten headlines picked at random (seed 0) from train.jsonl (CV: model never saw them)")
    index = {T.text_key(e.text): i for i, e in enumerate(examples)}
    for row in random.Random(0).sample(train_rows, 10):
        i = index.get(T.text_key(row["text"]))
        print(f"  real:    {row['title']}")
        print(f"  Lead-1:  {lead_headline(row['text'], LEAD1_WORDS)}")
        print(f"  newsum:  {learned.get(i, '') if i is not None else ''}\n")

    print(f"elapsed {time.perf_counter() - started:.0f}s")
    lead1 = head["lead1"]["rouge1"]
    print(f"headline_r1_over_lead1={head['learned']['rouge1'] / lead1:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
