"""Evidence spans and the quote map: offsets into doc.text that always round-trip.

Every item the post-processor returns points at ``doc.text[start:end]``; building those
spans in one place is what keeps that promise.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from summarizer.schema import Evidence

_OPEN_QUOTES = "“"
_CLOSE_QUOTES = "”"
_STRAIGHT = '"'


def evidence_for(text: str, start: int, end: int) -> Evidence:
    """Evidence for text[start:end], trimmed of surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(start=start, end=end, text=text[start:end])


def span_evidence(span: Span) -> Evidence:
    """Evidence for a spaCy span (a sentence, a phrase)."""
    return evidence_for(span.doc.text, span.start_char, span.end_char)


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of quoted passages, quote marks included.

    Straight quotes pair up in order; curly quotes pair open with close. A quote left
    open at a paragraph break is closed there (the newsroom convention for quotes that
    run over several paragraphs re-opens them on the next one).
    """
    spans: list[tuple[int, int]] = []
    start = -1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if start < 0:
            if ch in _OPEN_QUOTES or ch == _STRAIGHT:
                start = i
        elif ch in _CLOSE_QUOTES or ch == _STRAIGHT:
            spans.append((start, i + 1))
            start = -1
        elif ch == "\n" and text.startswith("\n\n", i) or ch in _OPEN_QUOTES:
            spans.append((start, i))
            start = i if ch in _OPEN_QUOTES else -1
        i += 1
    if start >= 0:
        spans.append((start, n))
    return [s for s in spans if s[1] - s[0] > 2]


@dataclass
class QuoteMap:
    """Which characters of a text lie inside quotation marks (binary search, no regex)."""

    spans: list[tuple[int, int]]

    @classmethod
    def build(cls, doc: Doc) -> QuoteMap:
        return cls(find_quotes(doc.text))

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
