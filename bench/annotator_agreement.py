"""How far two careful annotators agree: the ceiling the post-processor is measured under.

``summarizer/learn/annotations/second-opinion/`` holds a blind second annotation (spans
over the shared texts) of articles that ``../shared/eval``'s gold files already annotate;
the second annotator never saw the first annotation, nor newsum's output. Each field is
matched as ``newsum eval`` matches a brief: evidence spans that overlap, actors by name
or alias one to one. The second annotation plays the system, the shared gold the truth.
The last line is ``annotator_denial_f1=<float>``.

    python bench/annotator_agreement.py [EVAL_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from summarizer.evaluation import load_gold, load_jsonl, locate, name_match
from summarizer.learn.data import GOLD_FILES, TEXT_FILES, default_eval_dir
from summarizer.learn.spans import ANNOTATIONS_DIR, annotation_files, decode, load_records

FIELDS = ("key_actors", "claims", "denials", "next_steps")


def _overlaps(span, spans) -> bool:
    return any(s is not None and span[0] < s[1] and s[0] < span[1] for s in spans)


def agreement(second: dict, first: dict, text: str) -> dict[str, list[int]]:
    """(second's items that match, second's items, first's items matched, first's items)."""
    out = {}
    for field in FIELDS[1:]:
        a = [locate(text, i.get("evidence") or "") for i in second.get(field) or []]
        b = [locate(text, i.get("evidence") or "") for i in first.get(field) or []]
        a, b = [s for s in a if s], [s for s in b if s]
        out[field] = [
            sum(_overlaps(s, b) for s in a),
            len(a),
            sum(_overlaps(s, a) for s in b),
            len(b),
        ]
    forms = lambda x: [x.get("name") or "", *(x.get("aliases") or [])]  # noqa: E731
    sa, fa = second.get("key_actors") or [], first.get("key_actors") or []
    pairs = sorted(
        (-name_match(forms(x), forms(y)), i, j)
        for i, x in enumerate(sa)
        for j, y in enumerate(fa)
        if name_match(forms(x), forms(y))
    )
    used_i, used_j = set(), set()
    for _, i, j in pairs:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
    out["key_actors"] = [len(used_i), len(sa), len(used_j), len(fa)]
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_eval_dir()
    texts = {}
    for name in TEXT_FILES:
        texts.update({str(r["id"]): r.get("text") or "" for r in load_jsonl(folder / name)})
    first = {}
    for name in GOLD_FILES:
        first.update(load_gold(folder / name))
    records = load_records(annotation_files(ANNOTATIONS_DIR / "second-opinion"))
    totals = {f: [0, 0, 0, 0] for f in FIELDS}
    n = 0
    for rec in records:
        gid = str(rec["id"])
        if gid not in first or gid not in texts:
            continue
        n += 1
        got = agreement(decode(rec, texts[gid]), first[gid], texts[gid])
        for f in FIELDS:
            totals[f] = [x + y for x, y in zip(totals[f], got[f], strict=True)]
    print(f"second annotator against the shared gold, {n} articles annotated twice, blind")
    f1s = {}
    for f, (hit_a, n_a, hit_b, n_b) in totals.items():
        p = hit_a / n_a if n_a else 0.0
        r = hit_b / n_b if n_b else 0.0
        f1s[f] = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  {f:<11} P {p:.3f}  R {r:.3f}  F1 {f1s[f]:.3f}   ({n_a} vs {n_b} items)")
    print(f"annotator_denial_f1={f1s['denials']:.3f}")


if __name__ == "__main__":
    main()
