"""What ``newsum train`` rebuilds: one entry per trained artifact, each deterministic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from summarizer.learn.data import default_eval_dir


def train_postprocess(eval_dir: Path, out: Path | None = None) -> str:
    """The post-processor's decisions, from every annotated article."""
    from summarizer.learn.data import load_articles
    from summarizer.learn.train import train_model, write_model
    from summarizer.postprocess.decide import MODEL_FILE

    articles = load_articles(eval_dir)
    model = train_model(articles)
    path = out if out is not None and out.suffix == ".json" else MODEL_FILE
    if out is not None and out.suffix != ".json":
        path = out / MODEL_FILE.name
    write_model(model, path)
    sizes = ", ".join(
        f"{name} {len(d['weights'])} weights" for name, d in model["decisions"].items()
    )
    return f"{len(articles)} articles -> {path} ({path.stat().st_size} bytes; {sizes})"


def train_headlines(eval_dir: Path, out: Path | None = None) -> str:
    """The headline compressor and the summary sentence scorer, from the real headlines
    and the extract labels (``summarizer/headline/train.py``)."""
    from summarizer.headline.train import train
    from summarizer.postprocess.decide import MODEL_FILE

    folder = MODEL_FILE.parent if out is None or out.suffix == ".json" else out
    report = train(eval_dir, folder, seed=0)
    return "; ".join(
        f"{name} -> {info['path']} ({info['bytes']} bytes)"
        for name, info in report.items()
        if isinstance(info, dict) and "path" in info
    )


TRAINERS: dict[str, Callable[[Path, Path | None], str]] = {
    "postprocess": train_postprocess,
    "headlines": train_headlines,
}

__all__ = ["TRAINERS", "default_eval_dir"]
