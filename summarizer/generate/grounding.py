"""Grounding: an item an LLM proposes is kept only if it maps to a real sentence of the source.

The model is asked to quote the sentence behind each claim, denial or next step. The
quote (or, failing that, the statement) must be found in one source sentence: verbatim
after normalising quotes, dashes, case and spacing, or as a close paraphrase (most of its
content words in that one sentence). The item's evidence is then that sentence, with real
offsets into the cleaned text; its speaker or actor must be named in the source too.
Anything else is dropped and counted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from summarizer.faithfulness import SourceIndex
from summarizer.schema import Claim, Denial, Evidence, NextStep

# Share of an item's content words that one sentence must hold to count as its source.
PARAPHRASE_OVERLAP = 0.7
MIN_QUOTE_CHARS = 12
_STOP = {
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "but", "is", "are", "was",
    "were", "be", "been", "that", "this", "it", "its", "with", "as", "at", "by", "from",
    "he", "she", "they", "his", "her", "their", "said", "says", "has", "have", "had", "will",
    "would", "not", "no", "which", "who", "there",
}  # fmt: skip
_TRANSLATE = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
                            "\u2013": "-", "\u2014": "-"})  # fmt: skip


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).lower()
    text = re.sub(r"[\"']", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", _norm(text)) if w not in _STOP and len(w) > 1}


def sentence_evidence(sent: Span) -> Evidence:
    """The sentence without surrounding whitespace, as exact offsets into the source."""
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.start_char + len(text.rstrip())
    return Evidence(start=start, end=end, text=sent.doc.text[start:end])


@dataclass
class Match:
    sentence: Span
    verbatim: bool


def find_sentence(text: str, doc: Doc) -> Match | None:
    """The one source sentence ``text`` quotes or closely paraphrases, if any."""
    needle = _norm(text)
    if not needle:
        return None
    sents = [s for s in doc.sents if s.text.strip()]
    if len(needle) >= MIN_QUOTE_CHARS:
        for sent in sents:
            if needle in _norm(sent.text):
                return Match(sent, verbatim=True)
        # a quote that spans two sentences of the source: cite the first
        for a, b in zip(sents, sents[1:]):
            if needle in _norm(a.text + " " + b.text):
                return Match(a, verbatim=True)
    words = _content(text)
    if len(words) < 3:
        return None
    best = max(sents, key=lambda s: len(words & _content(s.text)), default=None)
    if best is not None and len(words & _content(best.text)) / len(words) >= PARAPHRASE_OVERLAP:
        return Match(best, verbatim=False)
    return None


@dataclass
class Grounded:
    claims: list[Claim]
    denials: list[Denial]
    next_steps: list[NextStep]
    proposed: int

    @property
    def grounded(self) -> int:
        return len(self.claims) + len(self.denials) + len(self.next_steps)

    def as_items(self) -> dict:
        return {
            "claims": self.claims,
            "denials": self.denials,
            "next_steps": self.next_steps,
            "proposed": self.proposed,
            "grounded": self.grounded,
        }


def _locate(item: dict, doc: Doc) -> Match | None:
    for key in ("quote", "evidence", "statement", "action"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            match = find_sentence(value, doc)
            if match:
                return match
    return None


def _named(who: str | None, index: SourceIndex) -> bool:
    return not who or index.has_name(who)


def ground_items(reply: dict, doc: Doc, index: SourceIndex | None = None) -> Grounded:
    """The claims, denials and next steps of an LLM reply that the source supports."""
    index = index or SourceIndex.build(doc)
    claims: list[Claim] = []
    denials: list[Denial] = []
    steps: list[NextStep] = []
    proposed = 0
    for kind in ("claims", "denials"):
        for item in reply.get(kind) or []:
            proposed += 1
            speaker = (item.get("speaker") or "").strip()
            match = _locate(item, doc)
            if not match or not speaker or not _named(speaker, index):
                continue
            statement = (item.get("statement") or item.get("quote") or "").strip()
            quote = (item.get("quote") or "").strip()
            evidence = sentence_evidence(match.sentence)
            if kind == "claims":
                direct = (
                    bool(quote) and match.verbatim and '"' in evidence.text.translate(_TRANSLATE)
                )
                claims.append(
                    Claim(
                        id=f"llm-c{len(claims) + 1}",
                        speaker=speaker,
                        statement=statement,
                        direct_quote=direct,
                        evidence=evidence,
                    )
                )
            else:
                denials.append(
                    Denial(
                        id=f"llm-d{len(denials) + 1}",
                        speaker=speaker,
                        statement=statement,
                        evidence=evidence,
                    )
                )
    for item in reply.get("next_steps") or []:
        proposed += 1
        action = (item.get("action") or "").strip()
        actor = (item.get("actor") or "").strip() or None
        match = _locate(item, doc)
        if not match or not action or not _named(actor, index):
            continue
        evidence = sentence_evidence(match.sentence)
        when = (item.get("when") or "").strip() or None
        if when and _norm(when) not in _norm(evidence.text):
            when = None  # a date the sentence does not give is not evidence
        steps.append(NextStep(actor=actor, action=action, when=when, evidence=evidence))
    return Grounded(claims=claims, denials=denials, next_steps=steps, proposed=proposed)
