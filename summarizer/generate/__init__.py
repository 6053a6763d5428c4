"""Generators by name: the embedded extractive default and model-backed ones."""

from __future__ import annotations

from summarizer.errors import NewsumError
from summarizer.generate.base import Article, Draft, Generator

BACKENDS = ("extractive",)

__all__ = ["BACKENDS", "Article", "Draft", "Generator", "get_generator"]


def get_generator(backend: str = "extractive", model: str | None = None, **options) -> Generator:
    """Build the generator named by ``backend``."""
    if backend == "extractive":
        from summarizer.generate.extractive import ExtractiveGenerator

        return ExtractiveGenerator(**options)
    raise NewsumError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
