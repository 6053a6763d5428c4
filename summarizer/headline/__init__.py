"""Headlines: a learned compression of the lead sentence, and a guard every headline passes.

``compress`` turns a parsed lead sentence into ranked headline candidates with weights
learned from real BBC headline/lead pairs (``train``); ``guard`` decides whether a headline
is one an editor could publish and repairs or replaces it when not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

    from summarizer.generate.base import Article, Draft
    from summarizer.headline.compress import Model

LEAD_SENTENCES = 2  # sentences a headline may be compressed from (the lead, then the next)


def _story_sentences(doc: Doc) -> list[Span]:
    """The first sentences with six words of story once glued-on furniture is discounted."""
    from summarizer.furniture import furniture_spans

    out = []
    for sent in doc.sents:
        spans = furniture_spans(sent.text)
        base = sent.start_char
        words = [t for t in sent if t.is_alpha and not any(a <= t.idx - base < b for a, b in spans)]
        if len(words) >= 6:
            out.append(sent)
        if len(out) >= LEAD_SENTENCES:
            break
    return out


def candidates(doc: Doc, model: Model | None = None) -> Iterator[str]:
    """Headline candidates for a parsed article, best first: the learned compression of the
    lead, then the rule-based one, then the same for the second sentence."""
    from summarizer.generate.extractive import headline_from_lead
    from summarizer.headline.compress import candidates as compressed

    seen: set[str] = set()
    for sent in _story_sentences(doc):
        for text in [c.text for c in compressed(sent, model)] + [headline_from_lead(sent)]:
            if text and text.lower() not in seen:
                seen.add(text.lower())
                yield text


def headline_for(doc: Doc, source: str, model: Model | None = None) -> tuple[str, list[str]]:
    """The first candidate that passes the guard (repaired if need be), with warnings.
    ``model``: headline weights other than the committed ones (cross-validation)."""
    from summarizer.headline.guard import guard

    found = candidates(doc, model)
    first = next(found, "")
    if not first:
        return "", []
    result = guard(first, source, found)
    return result.headline, result.warnings


def guard_draft(article: Article, draft: Draft) -> Draft:
    """Every backend's headline passes the guard: a failing one is repaired or replaced by
    the next extractive candidate, and the draft's warnings say so. A title given with the
    article counts as source (its names need not recur in the text)."""
    from summarizer.headline.guard import guard

    if not draft.headline:
        return draft
    source = f"{article.title}\n{article.text}" if article.title else article.text
    result = guard(draft.headline, source, lambda: candidates(article.doc))
    if not result.warnings:
        return draft
    return replace(draft, headline=result.headline, warnings=[*draft.warnings, *result.warnings])
