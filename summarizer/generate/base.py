"""The Generator interface: cleaned article (+ its shared Doc) in, headline + summary out.

Generators work on batches so that model backends can batch on the accelerator;
the extractive default simply loops.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from spacy.tokens import Doc

from summarizer.schema import GeneratorInfo

HEADLINE_MAX_CHARS = 110


@dataclass
class Article:
    """What a generator sees: the cleaned text, an optional title and the shared parse."""

    text: str
    doc: Doc
    title: str | None = None


@dataclass
class Draft:
    """A generator's output before the faithfulness guard and post-processing."""

    headline: str
    summary: str
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False
    #: Structured items a generator proposes beyond headline and summary (the llm backend):
    #: ``{"claims": [Claim], "denials": [Denial], "next_steps": [NextStep]}``, already
    #: grounded in the source (evidence offsets real). The pipeline merges them with the
    #: rule-based extraction; None when the generator proposes none.
    items: dict[str, list] | None = None


class Generator(ABC):
    """Makes headline + summary text for a batch of articles."""

    backend: ClassVar[str]
    #: True when the text is copied from the source (nothing for the guard to check).
    extractive: ClassVar[bool] = False

    model: str | None = None

    def load(self) -> Generator:
        """Load weights now (idempotent, thread-safe); generate() loads lazily otherwise."""
        return self

    @abstractmethod
    def generate(self, articles: Sequence[Article]) -> list[Draft]:
        """One Draft per article, in order."""

    def info(self) -> GeneratorInfo:
        return GeneratorInfo(backend=self.backend, model=self.model)
