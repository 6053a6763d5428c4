"""Long articles: split on sentence boundaries into windows that fit the model's input.

A window holds whole sentences whose tokens add up to at most ``budget``; a single
sentence longer than the budget is cut between words (never mid-token, never an index
error). The seq2seq generators summarise each window, then summarise the joined partial
summaries again (map-reduce) until one window is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Sentence ends in generated text (we do not re-parse model output with spaCy for this).
_SENT_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of plain generated text, by punctuation."""
    return [s.strip() for s in _SENT_END.split(text.strip()) if s.strip()]


def _cut_words(sentence: str, count: Callable[[str], int], budget: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    for word in sentence.split():
        if current and count(" ".join([*current, word])) > budget:
            pieces.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        pieces.append(" ".join(current))
    return pieces


def make_windows(
    sentences: Sequence[str], count: Callable[[Sequence[str]], list[int]], budget: int
) -> list[str]:
    """Group sentences, in order, into texts of at most ``budget`` tokens each.

    ``count`` returns the token count of each text it is given (one tokenizer call).
    """
    sentences = [s.strip() for s in sentences if s.strip()]
    if not sentences:
        return []
    lengths = count(sentences)
    windows: list[str] = []
    current: list[str] = []
    used = 0
    for sentence, n in zip(sentences, lengths):
        if n > budget:  # one very long "sentence" (a table, a list): cut between words
            if current:
                windows.append(" ".join(current))
                current, used = [], 0
            windows.extend(_cut_words(sentence, lambda t: count([t])[0], budget))
            continue
        # +1: the space that joins sentences may cost a token of its own
        if current and used + n + 1 > budget:
            windows.append(" ".join(current))
            current, used = [], 0
        current.append(sentence)
        used += n + (1 if used else 0)
    if current:
        windows.append(" ".join(current))
    return windows
