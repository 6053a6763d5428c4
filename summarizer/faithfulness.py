"""Faithfulness guard: a generated headline or summary may name only what the source names.

People, organisations, places (spaCy entities of the generated text, plus capitalised
proper nouns the small model misses) and numbers must occur in the cleaned source,
alias-aware: "Mr O'Rourke-Hale" matches "Desmond O'Rourke-Hale", "EU" matches "European
Union", "1.2m" matches "1.2 million", "four" matches "4". A summary sentence that names
anything else is dropped; a headline that does is replaced by the extractive one; a
summary with nothing left falls back to the extractive summary. Every repair adds a
warning, so an unfaithful brief is never returned silently.

Degenerate output (undecodable bytes, a word repeated over and over: what a broken or
tiny model produces) is treated the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc

from summarizer.generate.base import Article, Draft
from summarizer.generate.windows import split_sentences

# Entity labels whose names must come from the source (people, organisations, places,
# nationalities and groups, facilities, named events, laws).
CHECKED_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT"}
# Titles a summary may add or drop around a name ("Ms Okonjo" for "Amara Okonjo").
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "minister", "prime", "secretary", "general", "chancellor", "judge",
    "justice", "senator", "governor", "mayor", "chief", "executive", "ceo", "the", "of",
    "and", "'s", "s", "st", "saint", "king", "queen", "prince", "princess", "rev",
}  # fmt: skip
_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "half": 0.5, "once": 1, "twice": 2,
    "first": 1, "second": 2, "third": 3,
}  # fmt: skip
# Spelled numbers a source may use but a generated text rarely invents (we only *check*
# these in generated text; "one", "first", "second" are too often not numbers at all).
_CHECKED_WORD_NUMBERS = {w for w, v in _WORD_NUMBERS.items() if v >= 2 and w not in {
    "second", "third", "twice", "half"}}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:\s*(%|per ?cent|thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return text.lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_norm(text))


def _values(text: str) -> set[float]:
    """Every number written in ``text``, with and without its scale word."""
    found: set[float] = set()
    for match in _NUMBER.finditer(text):
        whole, frac, unit = match.groups()
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        found.add(value)
        scale = _SCALE.get((unit or "").lower().replace(" ", ""))
        if scale:
            found.add(value * scale)
    words = _words(text)
    for i, word in enumerate(words):
        if word in _WORD_NUMBERS:
            value = float(_WORD_NUMBERS[word])
            found.add(value)
            if i + 1 < len(words) and words[i + 1] in _SCALE:
                found.add(value * _SCALE[words[i + 1]])
    return found


@dataclass
class SourceIndex:
    """What the source names: its words, acronyms and numbers (built once per article)."""

    text: str
    words: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)

    @classmethod
    def build(cls, doc: Doc) -> SourceIndex:
        text = doc.text
        words = _words(text)
        index = cls(text=_norm(text), words=set(words), numbers=_values(text))
        # Parts of hyphenated names count too ("Rourke-Hale" -> "rourke", "hale").
        index.words.update(p for w in words for p in re.split(r"['-]", w) if p)
        # Acronyms: initials of every run of capitalised words ("European Union" -> EU).
        for run in re.findall(r"(?:\b[A-Z][\w'-]*(?:\s+(?:of|for|and|the)\b)?\s*){2,}", text):
            caps = [w[0].lower() for w in run.split() if w[0].isupper()]
            index.acronyms.update(  # every sub-run: "The European Union" -> TEU, EU
                "".join(caps[i:j]) for i in range(len(caps)) for j in range(i + 2, len(caps) + 1)
            )
        index.acronyms.update(w.lower() for w in re.findall(r"\b[A-Z]{2,6}\b", text))
        return index

    def has_word(self, word: str) -> bool:
        if word in self.words or word in self.acronyms:
            return True
        # Inflected names and demonyms: "Norway's", "Norwegian" ~ "Norway".
        stem = word[: max(4, len(word) - 3)]
        return len(word) >= 5 and any(w.startswith(stem) for w in self.words if len(w) >= 4)

    def has_name(self, name: str) -> bool:
        """The name, or every distinctive word of it, occurs in the source."""
        norm = _norm(name).strip(" .,'\"")
        if not norm or re.search(r"(?<!\w)" + re.escape(norm) + r"(?!\w)", self.text):
            return True
        words = [w for w in _words(norm) if w not in HONORIFICS]
        return all(self.has_word(w) for w in words)

    def has_number(self, values: Iterable[float]) -> bool:
        return any(v in self.numbers for v in values)


def _degenerate(text: str) -> str | None:
    """Why ``text`` is not usable prose, or None."""
    if "\ufffd" in text or any(unicodedata.category(c) in {"Co", "Cs", "Cn"} for c in text):
        return "undecodable characters"
    words = _words(text)
    if len(words) >= 8 and len(set(words)) / len(words) < 0.4:
        return "a repetition loop"
    if words and max(len(w) for w in words) > 40:
        return "a run-on non-word"
    return None


def unsupported(text: str, index: SourceIndex, parsed: Doc | None = None) -> list[str]:
    """Names and numbers in ``text`` that the source does not contain (in order)."""
    from summarizer import analyse

    doc = parsed if parsed is not None else analyse.parse(text)
    missing: list[str] = []
    in_entity: set[int] = set()
    for ent in doc.ents:
        if ent.label_ in CHECKED_LABELS:
            in_entity.update(range(ent.start, ent.end))
            if not index.has_name(ent.text):
                missing.append(ent.text)
    # Proper nouns the small parser did not label: capitalised, not sentence-initial.
    for tok in doc:
        if (
            tok.i not in in_entity
            and tok.pos_ == "PROPN"
            and tok.is_alpha
            and tok.text[:1].isupper()
            and not tok.is_sent_start
            and not index.has_name(tok.text)
        ):
            missing.append(tok.text)
    for match in _NUMBER.finditer(text):
        if not index.has_number(_values(match.group(0))):
            missing.append(match.group(0).strip())
    for word in _words(text):
        if word in _CHECKED_WORD_NUMBERS and not index.has_number([_WORD_NUMBERS[word]]):
            missing.append(word)
    return list(dict.fromkeys(missing))


def _quote(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(repr(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def check_draft(
    draft: Draft,
    article: Article,
    fallback: Callable[[], Draft],
    *,
    index: SourceIndex | None = None,
) -> Draft:
    """The draft with unfaithful parts repaired, and a warning for each repair."""
    index = index or SourceIndex.build(article.doc)
    warnings = list(draft.warnings)
    backup: Draft | None = None

    def extractive() -> Draft:
        nonlocal backup
        backup = backup or fallback()
        return backup

    kept: list[str] = []
    dropped: list[str] = []
    reasons: list[str] = []
    for sentence in split_sentences(draft.summary):
        why = _degenerate(sentence)
        missing = [] if why else unsupported(sentence, index)
        if why or missing:
            dropped.append(sentence)
            reasons.append(why or f"names {_quote(missing)}, not in the source")
        else:
            kept.append(sentence)
    summary = " ".join(kept)
    if dropped and kept:
        warnings.append(
            f"faithfulness: dropped {len(dropped)} of {len(dropped) + len(kept)} generated "
            f"summary sentences ({'; '.join(dict.fromkeys(reasons))})"
        )
    elif not kept:
        why = "; ".join(dict.fromkeys(reasons)) if reasons else "it was empty"
        warnings.append(
            f"faithfulness: generated summary replaced by the extractive summary ({why})"
        )
        summary = extractive().summary

    headline = draft.headline.strip()
    why = _degenerate(headline) if headline else "it was empty"
    missing = [] if why else unsupported(headline, index)
    if why or missing:
        reason = why or f"it names {_quote(missing)}, not in the source"
        warnings.append(
            f"faithfulness: generated headline replaced by the extractive headline ({reason})"
        )
        headline = extractive().headline

    return Draft(
        headline=headline,
        summary=summary,
        warnings=warnings,
        truncated=draft.truncated,
        items=draft.items,
    )
