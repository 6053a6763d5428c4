"""Post-processing time next to the spaCy parse it builds on, per ~500-word article.

Reads the articles from ../shared/eval/dev.jsonl at run time (nothing copied), cuts or
keeps each to about 500 words at a sentence end, parses each once and times extract()
on the same Doc, in the same run. Prints medians and the ratio; the last line is
``postprocess_over_parse=<float>`` (target: below 1).

    python bench/postprocess_speed.py [DEV_JSONL] [--n 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from summarizer.analyse import get_nlp
from summarizer.postprocess import extract

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
WORDS = 500


def articles(path: Path, n: int) -> list[str]:
    """Up to n texts of about WORDS words: long ones cut at a sentence end, short skipped."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            words = text.split()
            if len(words) < WORDS * 0.8:
                continue
            cut = " ".join(words[:WORDS])
            end = cut.rfind(". ")
            out.append(cut[: end + 1] if end > 0 else cut)
            if len(out) >= n:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()

    nlp = get_nlp()
    texts = articles(args.data, args.n)
    nlp(texts[0])  # warm-up: first call pays lazy initialisation
    extract(nlp(texts[0]))
    parse_s, post_s = [], []
    for text in texts:
        t0 = time.perf_counter()
        doc = nlp(text)
        t1 = time.perf_counter()
        extract(doc)
        t2 = time.perf_counter()
        parse_s.append(t1 - t0)
        post_s.append(t2 - t1)
    parse_ms = statistics.median(parse_s) * 1000
    post_ms = statistics.median(post_s) * 1000
    words = statistics.median(len(t.split()) for t in texts)
    print(f"articles={len(texts)} median_words={words:.0f}")
    print(f"parse_ms_median={parse_ms:.2f}")
    print(f"postprocess_ms_median={post_ms:.2f}")
    print(f"postprocess_over_parse={post_ms / parse_ms:.3f}")


if __name__ == "__main__":
    main()
