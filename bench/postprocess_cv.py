"""The trained post-processor measured on articles it never saw.

Article-grouped 5-fold cross-validation over every annotated article (dev-gold +
train-gold, read from ../shared/eval at run time, and the project's own annotations,
stored as spans over those texts in summarizer/learn/annotations): each fold's models are trained on
the other folds (thresholds and calibration chosen inside them), then the held-out
articles are briefed by the learned decisions, by the rules alone and by a keyword
baseline, and scored by the same matcher as ``newsum eval``. Per-topic F1 and the
calibration (expected calibration error) of the confidences follow. The last line is
``cv_min_f1=<float>``: the lowest learned F1 among actors, claims, denials and next steps.

    python bench/postprocess_cv.py [EVAL_DIR] [--folds 5] [--json OUT] [--shared-only]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from summarizer.learn.cv import cross_validate, format_cv
from summarizer.learn.data import default_eval_dir, load_articles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("eval_dir", nargs="?", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="Also write the full report here.")
    ap.add_argument(
        "--shared-only",
        action="store_true",
        help="Leave out the project's own span annotations (summarizer/learn/annotations).",
    )
    args = ap.parse_args()
    folder = args.eval_dir or default_eval_dir()
    if not (folder / "train-gold.jsonl").is_file():
        sys.exit(f"postprocess_cv: no gold files in {folder}")
    started = time.perf_counter()
    articles = load_articles(folder, ours=not args.shared_only)
    parsed = time.perf_counter()
    report = cross_validate(articles, args.folds, progress=lambda s: print(s, file=sys.stderr))
    done = time.perf_counter()
    print(
        f"parsed {len(articles)} articles in {parsed - started:.1f} s; "
        f"{args.folds} trainings and scorings in {done - parsed:.1f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    print(format_cv(report))


if __name__ == "__main__":
    main()
