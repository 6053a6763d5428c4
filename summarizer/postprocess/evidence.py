"""Evidence spans and the quote map: offsets into doc.text that always round-trip.

Every item the post-processor returns points at ``doc.text[start:end]``; building those
spans in one place is what keeps that promise.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from summarizer.schema import Evidence

_OPEN_QUOTES = "“"
_CLOSE_QUOTES = "”"
_STRAIGHT = '"'
# a single mark opening a passage: at a line start or after a space, before a capital
_SINGLE_OPENING = re.compile(r"(?:^|(?<=\s))['‘](?=[A-Z])", re.M)


_TEXT_KEY = "newsum.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins every token on each access, so a
    lookup per item made post-processing quadratic in the article's length."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is None or cached[0] != len(doc):  # a sliced copy carries its parent's data
        cached = doc.user_data[_TEXT_KEY] = (len(doc), doc.text)
    return cached[1]


_WORDS_KEY = "newsum.words"


def token_texts(doc: Doc) -> frozenset[str]:
    """Every token's text, built once per Doc (a membership test per name, not a scan)."""
    cached = doc.user_data.get(_WORDS_KEY)
    if cached is None or cached[0] != len(doc):
        cached = doc.user_data[_WORDS_KEY] = (len(doc), frozenset(t.text for t in doc))
    return cached[1]


_ENTS_KEY = "newsum.ents"


def span_ents(span: Span) -> list[Span]:
    """``span.ents`` by binary search: spaCy walks every entity of the Doc on each call."""
    doc = span.doc
    cached = doc.user_data.get(_ENTS_KEY)
    if cached is None or cached[0] != len(doc):  # plain tuples: user_data may be pickled
        ents = [(e.start, e.end, e.label_) for e in doc.ents]
        cached = doc.user_data[_ENTS_KEY] = (len(doc), ents, [e[0] for e in ents])
    _, ents, starts = cached
    out = []
    for start, end, label in ents[bisect_left(starts, span.start) :]:
        if end > span.end:
            break
        out.append(Span(doc, start, end, label=label))
    return out


def evidence_for(text: str, start: int, end: int) -> Evidence:
    """Evidence for text[start:end], trimmed of surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(start=start, end=end, text=text[start:end])


def span_evidence(span: Span) -> Evidence:
    """Evidence for a spaCy span (a sentence, a phrase)."""
    return evidence_for(doc_text(span.doc), span.start_char, span.end_char)


def _straight_role(text: str, i: int) -> str:
    """Whether a straight quote at i looks like it opens or closes (or can't tell)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = (before.isspace() or before in "([{:—–-") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-'’\"”")
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _single_quoted(text: str) -> bool:
    """Whether the text quotes people in single marks ('We won,' he said.), the style
    of some British papers: more single quotes open a passage than double ones do."""
    opening = _SINGLE_OPENING.findall(text)
    return len(opening) >= 2 and len(opening) > 2 * sum(text.count(q) for q in '"“')


def _possessive(text: str, i: int) -> bool:
    """A single mark after an s and before a space and a lower-case word ("the players'
    union"): a plural possessive, not the close of a quote ("'a disgrace' and said")."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1 : i + 3]
    return before in "sS" and len(after) == 2 and after[0] == " " and after[1].islower()


def _scan(text: str, opens: str, closes: str, straight: str, apostrophes: bool) -> list:
    spans: list[tuple[int, int]] = []
    start = -1
    n = len(text)
    for i, ch in enumerate(text):
        if ch == "\n" and start >= 0 and text.startswith("\n\n", i):
            spans.append((start, i))
            start = -1
            continue
        if ch not in opens and ch not in closes and ch != straight:
            continue
        if apostrophes and 0 < i < n - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            continue  # don't, Russia's: an apostrophe, not a quote mark
        if apostrophes and i + 1 < n and text[i + 1].isdigit():
            continue  # the '90s, class of '05: an apostrophe
        role = "open" if ch in opens else "close" if ch in closes else None
        if role is None or apostrophes:
            role = _straight_role(text, i)
        if apostrophes and role != "open" and _possessive(text, i):
            continue  # the players' union: a plural possessive
        if start < 0:
            if role != "close":
                start = i
        elif role == "open":
            # an opening mark while a quote is open: the earlier one never closed
            spans.append((start, i))
            start = i
        else:
            spans.append((start, i + 1))
            start = -1
    if start >= 0:
        spans.append((start, n))
    return [s for s in spans if s[1] - s[0] > 2]


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of quoted passages, quote marks included.

    Curly quotes pair open with close. A straight quote opens or closes by what is
    around it (space before and a word after opens it), so one stray mark does not
    flip every quote after it. A quote left open at a paragraph break is closed there
    (newsroom style re-opens a quote that runs over several paragraphs). A text that
    quotes in single marks is read with those instead, skipping apostrophes.
    """
    if _single_quoted(text):
        return _scan(text, "‘", "’", "'", apostrophes=True)
    return _scan(text, _OPEN_QUOTES, _CLOSE_QUOTES, _STRAIGHT, apostrophes=False)


@dataclass
class QuoteMap:
    """Which characters of a text lie inside quotation marks (binary search, no regex)."""

    spans: list[tuple[int, int]]

    @classmethod
    def build(cls, doc: Doc) -> QuoteMap:
        return cls(find_quotes(doc_text(doc)))

    def _index(self, char: int) -> int:
        return bisect_right(self.spans, (char, float("inf"))) - 1

    def quote_at(self, char: int) -> tuple[int, int] | None:
        """The quoted span holding this character, if any."""
        i = self._index(char)
        if i >= 0 and self.spans[i][0] <= char < self.spans[i][1]:
            return self.spans[i]
        return None

    def inside(self, char: int) -> bool:
        return self.quote_at(char) is not None

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quoted spans that overlap [start, end)."""
        i = max(self._index(start), 0)
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                out.append(self.spans[i])
            i += 1
        return out

    def quoted_share(self, start: int, end: int) -> float:
        """Share of [start, end) that lies inside quotes."""
        if end <= start:
            return 0.0
        inside = sum(min(e, end) - max(s, start) for s, e in self.overlapping(start, end))
        return inside / (end - start)


_FINAL = {".", "!", "?"}
_QUOTE_CHARS = {'"', "“", "”"}


def sentence_units(doc: Doc, quotes: QuoteMap) -> list[Span]:
    """spaCy's sentences, split further where the parser ran two sentences together.

    The small English parser often glues a sentence to the next one across a closing
    quote (`...dead." He said ...`) or a line break; evidence is one sentence, so cut
    there. Token-level cuts only: nothing is re-parsed.
    """
    units: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        for i in range(sent.start, sent.end - 1):
            tok, nxt = doc[i], doc[i + 1]
            cut = False
            if tok.is_space and "\n" in tok.text:
                cut = True
            elif tok.text in _FINAL or (
                tok.text in _QUOTE_CHARS
                and i > sent.start
                and doc[i - 1].text in _FINAL
                and quotes.quote_at(tok.idx) is not None
                and quotes.quote_at(tok.idx)[1] == tok.idx + 1
            ):
                if nxt.text in _QUOTE_CHARS and tok.text in _FINAL:
                    # the quote closes here: cut after it instead
                    q = quotes.quote_at(nxt.idx)
                    cut = q is None or q[0] == nxt.idx
                else:
                    j = i + 1
                    while j < sent.end and doc[j].is_space:
                        j += 1
                    if j < sent.end:
                        first = doc[j].text
                        cut = (
                            first[:1].isupper()
                            or first in ("“",)
                            or (
                                first == '"'
                                and quotes.quote_at(doc[j].idx) is not None
                                and quotes.quote_at(doc[j].idx)[0] == doc[j].idx
                            )
                        )
            if cut:
                if i + 1 > start:
                    units.append(doc[start : i + 1])
                start = i + 1
        if start < sent.end:
            units.append(doc[start : sent.end])
    out = []
    for span in units:
        s, e = span.start, span.end
        while s < e and doc[s].is_space:
            s += 1
        while e > s and doc[e - 1].is_space:
            e -= 1
        if e > s and any(not t.is_punct for t in doc[s:e]):
            out.append(doc[s:e])
    return out
