"""Seconds per article as the article grows: the whole pipeline must cost near-linear time.

A text at the size limit once kept the inference thread busy for minutes (evidence
lookups walked every sentence per attribution, linking compared every claim with every
denial). This bench builds texts of 5k ... 160k characters and briefs each with the
default extractive pipeline and ``max_claims=32`` (the API's ceiling), timing ingest,
parse, generation and post-processing together.

Two kinds of text, both built at run time (nothing copied into the repo):

- ``news``: dev articles from ../shared/eval/dev.jsonl joined end to end, cut at a
  paragraph break near the target size (many speakers, claims and denials);
- ``attack``: one short attributed sentence and one denial repeated (the shape of the
  original attack: every sentence a candidate).

Each size is timed best of ``--repeat`` runs (one fewer above 40k), since the machine
may be shared. Prints one line per size and kind, then ``cost_ratio_160k_over_10k=<float>``:
the worse of the two kinds' time at 160k over their time at 10k (16x the text; linear is
16, target <= 24).

    python bench/scaling.py [DEV_JSONL] [--sizes 5000,10000,...] [--kinds news,attack]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from summarizer.pipeline import Pipeline

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
SIZES = (5_000, 10_000, 20_000, 40_000, 80_000, 160_000)
ATTACK = (
    'The minister said the plan would "cut waiting lists by half" within a year. '
    "The opposition denied the plan would cut anything. "
)


def news_text(path: Path, size: int) -> str:
    """Dev articles joined by blank lines until ``size`` characters, cut at a break."""
    parts, total = [], 0
    while total < size:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = (json.loads(line).get("text") or "").strip()
                if text:
                    parts.append(text)
                    total += len(text) + 2
                if total >= size:
                    break
    joined = "\n\n".join(parts)[:size]
    cut = joined.rfind("\n\n")
    return joined[:cut] if cut > size // 2 else joined


def attack_text(size: int) -> str:
    return (ATTACK * (size // len(ATTACK) + 1))[:size].rsplit(". ", 1)[0] + "."


def seconds(pipeline: Pipeline, text: str) -> float:
    t0 = time.perf_counter()
    clean = pipeline.ingest(text)
    pipeline.summarize_clean([clean], max_claims=32)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    ap.add_argument("--kinds", default="news,attack")
    ap.add_argument("--repeat", type=int, default=3, help="best of N (N-1 above 40k)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")

    pipeline = Pipeline(max_chars=max(sizes) * 2).load()
    seconds(pipeline, attack_text(2_000))  # warm-up: lazy initialisation
    times: dict[str, dict[int, float]] = {k: {} for k in kinds}
    for kind in kinds:
        for size in sizes:
            text = news_text(args.data, size) if kind == "news" else attack_text(size)
            runs = args.repeat if size <= 40_000 else max(1, args.repeat - 1)
            times[kind][size] = s = min(seconds(pipeline, text) for _ in range(runs))
            per_10k = s / (len(text) / 10_000)
            print(f"kind={kind} chars={len(text)} seconds={s:.3f} seconds_per_10k={per_10k:.3f}")
    ratios = [t[160_000] / t[10_000] for t in times.values() if 160_000 in t and 10_000 in t]
    for kind, t in times.items():
        if 160_000 in t and 10_000 in t:
            print(f"{kind}_ratio_160k_over_10k={t[160_000] / t[10_000]:.2f}")
    if ratios:
        print(f"cost_ratio_160k_over_10k={max(ratios):.2f}")


if __name__ == "__main__":
    main()
