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


TRAINERS: dict[str, Callable[[Path, Path | None], str]] = {
    "postprocess": train_postprocess,
}

__all__ = ["TRAINERS", "default_eval_dir"]
