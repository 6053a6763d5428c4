"""Post-processing: key actors, claims versus denials and next steps from one parsed Doc.

Every step reads the shared Doc (parsed once by the analyse stage) and one shared
ActorIndex; none re-parses. Every item's evidence satisfies doc.text[start:end] == text.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from summarizer.postprocess import decide
from summarizer.postprocess.actors import build_actor_index, rank_actors, to_actor
from summarizer.postprocess.attribution import (
    SpeakerResolver,
    find_attributions,
    rank_claims,
    to_claims,
    to_denials,
)
from summarizer.postprocess.decide import Model, shipped_model
from summarizer.postprocess.evidence import QuoteMap, span_evidence
from summarizer.postprocess.features import (
    Candidates,
    build_candidates,
    link_features,
)
from summarizer.postprocess.limits import MAX_DENIALS, MAX_NEXT_STEPS
from summarizer.postprocess.linking import claim_candidates, link_denials
from summarizer.postprocess.next_steps import find_next_steps
from summarizer.schema import Actor, Claim, Denial, NextStep


@dataclass
class Extraction:
    key_actors: list[Actor]
    claims: list[Claim]
    denials: list[Denial]
    next_steps: list[NextStep]


def extract(
    doc: Doc,
    *,
    max_claims: int = 8,
    max_actors: int = 8,
    model: Model | None = None,
    rules_only: bool = False,
) -> Extraction:
    """Actors, claims, denials and next steps of one cleaned, parsed article.

    The trained decisions decide (``decide.py``) when the model file is there; every
    item then carries a calibrated ``confidence`` (``summarizer.confidence`` filters on it,
    once, after the brief is made). ``rules_only`` (or a missing model) gives the rules' own output.
    """
    model = model if model is not None else (None if rules_only else shipped_model())
    if model is not None:
        return extract_learned(doc, model, max_claims=max_claims, max_actors=max_actors)
    return extract_rules(doc, max_claims=max_claims, max_actors=max_actors)


def extract_rules(doc: Doc, *, max_claims: int = 8, max_actors: int = 8) -> Extraction:
    """The rules alone (the baseline the trained decisions are measured against)."""
    index = build_actor_index(doc, QuoteMap.build(doc))
    attributions = find_attributions(index)
    for a in attributions:
        if a.actor is not None:
            a.actor.speaker_count += 1
    claim_items = rank_claims(attributions, index, max_claims=max_claims)
    claims = to_claims(claim_items)
    denial_items = [a for a in attributions if a.denial][:MAX_DENIALS]
    # the rebutted claim is chosen among all candidates, then mapped onto the kept ones
    rebuts = link_denials(
        denial_items,
        claim_items,
        [c.id for c in claims],
        index,
        candidates=claim_candidates(attributions),
    )
    return Extraction(
        key_actors=rank_actors(index, max_actors=max_actors),
        claims=claims,
        denials=to_denials(denial_items, rebuts),
        next_steps=find_next_steps(index)[:MAX_NEXT_STEPS],
    )


def extract_learned(
    doc: Doc,
    model: Model,
    *,
    max_claims: int = 8,
    max_actors: int = 8,
) -> Extraction:
    """Rules propose (``features.py``), the trained model decides (``decide.py``)."""
    cands = build_candidates(doc, max_actors=max_actors)
    return decide_items(cands, model, max_claims=max_claims, max_actors=max_actors)


def decide_items(
    cands: Candidates,
    model: Model,
    *,
    max_claims: int = 8,
    max_actors: int = 8,
) -> Extraction:
    """The items the model accepts among already-built candidates (training reuses them)."""
    scored = decide.score(cands, model)
    sents = cands.sentences
    resolver = SpeakerResolver(cands.index)

    denial_nos = decide.choose_denials(cands, scored, model)
    claim_nos = decide.choose_claims(cands, scored, model, denial_nos, max_claims)
    # a denial answers a claim: look among the kept claims and every attributed
    # statement the rules read as a claim (the rebutted one may rank low) ...
    pool = sorted(
        set(claim_nos)
        | {c.no for c in sents if c.features.get("r:claim") and c.no not in denial_nos},
        key=lambda i: -scored.claim[i],
    )[: decide.MAX_LINK_CLAIMS]
    targets = decide.link_targets(cands, denial_nos, pool, model)
    # ... and keep the claim a confident link points at, in place of the weakest kept one
    kept = list(claim_nos)
    for d in denial_nos:
        if d not in targets:
            continue
        c, p = targets[d]
        if c in kept or p < model["link"].threshold:
            continue
        if len(kept) < max_claims:
            kept.append(c)
        elif kept:
            weakest = min(kept, key=lambda i: scored.claim[i])
            if scored.claim[weakest] < scored.claim[c] + 0.5:
                kept.remove(weakest)
                kept.append(c)
    claim_nos = sorted(kept)

    claims: list[Claim] = []
    claim_id: dict[int, str] = {}
    for i in claim_nos:
        cand = sents[i]
        a = cand.attribution
        claim_id[i] = f"c{len(claims) + 1}"
        claims.append(
            Claim(
                id=claim_id[i],
                speaker=decide.speaker_of(cand, cands, resolver),
                statement=a.statement if a is not None else cand.sent.text.strip(),
                direct_quote=a.direct if a is not None else cand.features.get("quoted", 0) > 0.5,
                evidence=span_evidence(cand.sent),
                confidence=round(scored.claim[i], 3),
            )
        )
    denials: list[Denial] = []
    for i in denial_nos:
        cand = sents[i]
        a = cand.attribution
        rebuts = None
        if i in targets:
            c, _ = targets[i]
            rebuts = claim_id.get(c)
            if rebuts is None and claims:
                # the target was not kept: the nearest kept claim before the denial
                before = [j for j in claim_nos if j < i] or claim_nos
                rebuts = claim_id[max(before, key=lambda j: link_prob(cands, model, i, j, pool))]
        denials.append(
            Denial(
                id=f"d{len(denials) + 1}",
                speaker=decide.speaker_of(cand, cands, resolver),
                statement=a.statement if a is not None else cand.sent.text.strip(),
                rebuts=rebuts,
                evidence=span_evidence(cand.sent),
                confidence=round(scored.denial[i], 3),
            )
        )
    next_steps: list[NextStep] = []
    for i in decide.choose_next_steps(cands, scored, model):
        cand = sents[i]
        step = cand.rule_next or cand.next_guess
        if step is None:
            step = NextStep(action=cand.sent.text.strip(), evidence=span_evidence(cand.sent))
        next_steps.append(step.model_copy(update={"confidence": round(scored.next_step[i], 3)}))
    actor_nos = decide.choose_actors(cands, scored, model, max_actors)
    top = max((scored.actor[i] for i in actor_nos), default=1.0) or 1.0
    actors = [
        to_actor(cands.actors[i].info, scored.actor[i] / top, scored.actor[i]) for i in actor_nos
    ]
    return Extraction(key_actors=actors, claims=claims, denials=denials, next_steps=next_steps)


def link_prob(cands: Candidates, model: Model, denial: int, claim: int, pool: list[int]) -> float:
    sents = cands.sentences
    rule = cands.links.get(denial) == claim
    features = link_features(sents[denial], sents[claim], rule, sorted(pool))
    return model["link"].probability(features)


__all__ = ["Extraction", "extract", "extract_learned", "extract_rules"]
