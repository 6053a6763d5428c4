"""The embedded default: headline and summary copied from the article itself.

Copies from the article, so it can never hallucinate. The headline is the given title
(cleaned) or the learned compression of the lead sentence (``summarizer.headline``); the
summary is three sentences picked by the scorer learned from the BBC extract labels, or
Lead-3 where that cross-validated better (``sentence_scorer``), in article order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Span

from summarizer.generate.base import HEADLINE_MAX_CHARS, Article, Draft, Generator
from summarizer.generate.sentence_scorer import select

# "WASHINGTON (CNN) -- ", "GENEVA, March 3 (Newsum Wire) - ", "LONDON (Reuters) - "
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2})?\s*"
    r"\s*(?:\([^)]{1,40}\)\s*[-\u2013\u2014]{1,2}|--)\s+"
)
# Clauses a headline drops: relative clauses, appositions, adverbial/participial add-ons.
_DROP_DEPS = {"relcl", "appos", "advcl", "parataxis", "acl", "npadvmod"}
_SPACE = re.compile(r"\s+")


def strip_dateline(text: str) -> str:
    return _DATELINE.sub("", text, count=1)


def clean_title(title: str) -> str:
    """One line, no site suffix, at most HEADLINE_MAX_CHARS."""
    title = _SPACE.sub(" ", title).strip()
    title = re.sub(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]{2,40}$", "", title) or title
    return _shorten(title, HEADLINE_MAX_CHARS)


def _shorten(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-\u2013\u2014")
    return cut or text[:limit]


_REPORTING = {"say", "tell", "report", "announce", "claim", "reveal", "warn", "insist"}
_PHRASE_END = {"NOUN", "PROPN", "NUM", "ADJ", "VERB", "PRON"}


def _main_clause(sent: Span) -> Span | list:
    """The clause a headline should come from: the reported content if the lead is
    "X happened, officials said", else the whole sentence."""
    root = sent.root
    if root.lemma_ in _REPORTING:
        for child in root.children:
            if child.dep_ == "ccomp" and child.i < root.i and len(list(child.subtree)) >= 4:
                return list(child.subtree)
    return list(sent)


def headline_from_lead(sent: Span, max_words: int = 12) -> str:
    """Compress the lead sentence: drop subordinate material, keep the main clause."""
    tokens = _main_clause(sent)
    ids = {t.i for t in tokens}
    drop: set[int] = set()
    for tok in tokens:
        if tok.dep_ in _DROP_DEPS and tok.head.i in ids and tok.head.i != tok.i:
            drop.update(t.i for t in tok.subtree)
        elif tok.dep_ == "prep" and tok.i < tok.head.i and tok.head.dep_ == "ROOT":
            drop.update(t.i for t in tok.subtree)  # fronted "In a statement, ..."
    words = [t for t in tokens if t.i not in drop and not t.is_space]
    while words and (words[0].is_punct or words[0].dep_ in {"cc", "mark"}):
        words.pop(0)
    kept: list = []
    for tok in words:
        if len(kept) >= 3 and tok.text in {",", ";", ":", "\u2014", "--", "("}:
            break
        kept.append(tok)
    if len([t for t in kept if not t.is_punct]) > max_words:
        kept = kept[: max_words + 1]
        while len(kept) > 3 and (
            kept[-1].pos_ not in _PHRASE_END
            or kept[-1].dep_ in {"amod", "compound", "poss", "det", "nummod"}
        ):
            kept.pop()
    text = "".join(t.text_with_ws for t in kept)
    text = strip_dateline(_SPACE.sub(" ", text)).strip().rstrip(".,;: ")
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    if len(text.split()) < 3:  # the parse failed us: fall back to the sentence itself
        text = strip_dateline(_SPACE.sub(" ", sent.text).strip()).rstrip(". ")
    text = _shorten(text, HEADLINE_MAX_CHARS)
    return text[:1].upper() + text[1:]


def _content_lemmas(sent: Span) -> list[str]:
    return [
        t.lemma_.lower()
        for t in sent
        if t.is_alpha and not t.is_stop and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
    ]


def _usable(sent: Span) -> bool:
    words = [t for t in sent if t.is_alpha]
    return 6 <= len(words) <= 80 and not sent.text.rstrip().endswith("?")


def central_sentences(sents: Sequence[Span], k: int = 3) -> list[Span]:
    """The lead plus the k-1 most central other sentences, in article order."""
    usable = [s for s in sents if _usable(s)]
    if not usable:
        return list(sents[:k])
    tf = Counter(lem for s in usable for lem in set(_content_lemmas(s)))
    lead = usable[0]
    lead_terms = set(_content_lemmas(lead))

    def score(pos: int, sent: Span) -> float:
        lemmas = set(_content_lemmas(sent))
        if not lemmas:
            return 0.0
        centrality = sum(math.log1p(tf[lem]) for lem in lemmas) / math.sqrt(len(lemmas) + 4)
        overlap = len(lemmas & lead_terms) / math.sqrt(len(lemmas) + 1)
        # News is written as an inverted pyramid: early sentences carry the story.
        return centrality + 0.5 * overlap + 4.0 / (1 + pos)

    ranked = sorted(range(1, len(usable)), key=lambda i: -score(i, usable[i]))
    chosen = sorted([0, *ranked[: k - 1]])
    return [usable[i] for i in chosen]


def _sentence_text(sent: Span, first: bool) -> str:
    text = _SPACE.sub(" ", sent.text).strip()
    return strip_dateline(text) if first else text


class ExtractiveGenerator(Generator):
    backend = "extractive"
    extractive = True

    def __init__(self, sentences: int = 3):
        self.sentences = max(2, min(4, sentences))

    def generate(self, articles: Sequence[Article]) -> list[Draft]:
        return [self._one(a) for a in articles]

    def _one(self, article: Article) -> Draft:
        sents = [s for s in article.doc.sents if s.text.strip()]
        if not sents:
            return Draft(headline="", summary="")
        chosen = central_sentences(sents, self.sentences)
        picked = select(article.text, k=self.sentences)
        if picked:
            summary = " ".join(
                strip_dateline(_SPACE.sub(" ", s).strip()) if i == 0 else _SPACE.sub(" ", s).strip()
                for i, s in enumerate(picked)
            )
        else:
            summary = " ".join(_sentence_text(s, i == 0) for i, s in enumerate(chosen))
        warnings: list[str] = []
        if article.title and article.title.strip():
            headline = clean_title(article.title)
        else:
            from summarizer.headline import headline_for

            headline, warnings = headline_for(article.doc, article.text)
            headline = headline or headline_from_lead(chosen[0])
        return Draft(headline=headline, summary=summary, warnings=warnings)
