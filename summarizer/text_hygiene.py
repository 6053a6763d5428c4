"""Generated text (headline, summary) made safe to show: no invisible or direction-
changing characters, and a hard length cap whatever the generator or splitter did.

A source can carry bidi overrides (U+202E turns "gnp.exe" into "exe.png" on screen) and
zero-width characters that hide words from filters; copied into a headline they reach
Slack and every reader. And when sentence splitting fails (20,000 x "A.") a "summary of
three sentences" was 60,000 characters. Evidence spans are not touched: they must stay
exact slices of the source.
"""

from __future__ import annotations

import re

from summarizer.generate.base import HEADLINE_MAX_CHARS

SUMMARY_MAX_CHARS = 2_000
# bidi embeddings/overrides/isolates and marks, zero-width and invisible formatting
# characters, the BOM, the soft hyphen, the Mongolian vowel separator
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def strip_invisible(text: str) -> tuple[str, int]:
    """The text without invisible and direction-control characters, and how many went."""
    cleaned, removed = _INVISIBLE.subn("", text)
    return cleaned, removed


def cap(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "\u2026"


def clean_generated(headline: str, summary: str) -> tuple[str, str, list[str]]:
    """(headline, summary, warnings) with invisible characters removed and lengths capped."""
    warnings = []
    headline, h_removed = strip_invisible(headline)
    summary, s_removed = strip_invisible(summary)
    if h_removed or s_removed:
        warnings.append(
            f"removed {h_removed + s_removed} invisible or text-direction characters "
            "from the headline/summary"
        )
    headline = " ".join(headline.split())  # one line
    if len(headline) > HEADLINE_MAX_CHARS:
        headline = cap(headline, HEADLINE_MAX_CHARS)
        warnings.append(f"headline cut to {HEADLINE_MAX_CHARS} characters")
    if len(summary) > SUMMARY_MAX_CHARS:
        summary = cap(summary, SUMMARY_MAX_CHARS)
        warnings.append(f"summary cut to {SUMMARY_MAX_CHARS} characters")
    return headline, summary, warnings
