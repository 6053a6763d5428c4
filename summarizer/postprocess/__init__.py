"""Post-processing: key actors, claims versus denials and next steps from one parsed Doc.

Every step reads the shared Doc (parsed once by the analyse stage) and one shared
ActorIndex; none re-parses. Every item's evidence satisfies doc.text[start:end] == text.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from summarizer.postprocess.actors import build_actor_index, rank_actors
from summarizer.postprocess.attribution import (
    find_attributions,
    rank_claims,
    to_claims,
    to_denials,
)
from summarizer.postprocess.evidence import QuoteMap
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


def extract(doc: Doc, *, max_claims: int = 8, max_actors: int = 8) -> Extraction:
    """Actors, claims, denials and next steps of one cleaned, parsed article."""
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


__all__ = ["Extraction", "extract"]
