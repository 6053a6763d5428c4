"""The trained decisions: which candidates become claims, denials, next steps, key actors,
and which claim each denial rebuts.

One logistic model per decision, read from a plain JSON file (``summarizer/models/
postprocess.json``, rebuilt by ``newsum train``): a weight per named feature, an
intercept, a Platt calibration and a threshold chosen on training folds only. Scoring is
a dot product over ``features.py``'s bags; no scikit-learn at inference.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

from summarizer.postprocess.attribution import SpeakerResolver
from summarizer.postprocess.features import (
    Candidates,
    SentenceCandidate,
    link_features,
)
from summarizer.postprocess.limits import MAX_DENIALS, MAX_LINK_POOL, MAX_NEXT_STEPS

MODEL_FILE = Path(__file__).resolve().parents[1] / "models" / "postprocess.json"
DECISIONS = ("claim", "denial", "next_step", "actor", "link")
MAX_LINK_CLAIMS = MAX_LINK_POOL


@dataclass(frozen=True)
class Decision:
    """One trained logistic decision."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    calibration: tuple[float, float] = (1.0, 0.0)  # Platt: sigmoid(a * margin + b)
    # denial only: a sentence both decisions accept is a denial when p(denial) is at
    # least this times p(claim) (chosen on training folds; 0: a denial always wins)
    claim_ratio: float = 0.0

    def margin(self, features: dict[str, float]) -> float:
        w = self.weights
        return self.intercept + sum(w.get(k, 0.0) * v for k, v in features.items())

    def probability(self, features: dict[str, float]) -> float:
        a, b = self.calibration
        z = a * self.margin(features) + b
        return 1 / (1 + math.exp(-max(min(z, 40.0), -40.0)))

    @classmethod
    def from_json(cls, obj: dict) -> Decision:
        return cls(
            weights={k: float(v) for k, v in obj["weights"].items()},
            intercept=float(obj["intercept"]),
            threshold=float(obj["threshold"]),
            calibration=tuple(obj.get("calibration", (1.0, 0.0))),
            claim_ratio=float(obj.get("claim_ratio", 0.0)),
        )


@dataclass(frozen=True)
class Model:
    decisions: dict[str, Decision]

    def __getitem__(self, name: str) -> Decision:
        return self.decisions[name]

    @classmethod
    def from_json(cls, obj: dict) -> Model:
        return cls({name: Decision.from_json(obj["decisions"][name]) for name in DECISIONS})

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


_lock = threading.Lock()
_model: Model | None = None


def shipped_model() -> Model | None:
    """The committed model, loaded once per process; None if the file is missing."""
    global _model
    if _model is None:
        with _lock:
            if _model is None and MODEL_FILE.is_file():
                _model = Model.load()
    return _model


# --------------------------------------------------------------------------- scoring


@dataclass
class Scored:
    """Each sentence's probabilities, and each actor candidate's."""

    claim: list[float]
    denial: list[float]
    next_step: list[float]
    actor: list[float]


def score(cands: Candidates, model: Model) -> Scored:
    s = cands.sentences
    return Scored(
        claim=[model["claim"].probability(c.features) for c in s],
        denial=[model["denial"].probability(c.features) for c in s],
        next_step=[model["next_step"].probability(c.features) for c in s],
        actor=[model["actor"].probability(a.features) for a in cands.actors],
    )


def choose_denials(cands: Candidates, scored: Scored, model: Model) -> list[int]:
    """Sentence numbers read as denials, most confident first, capped; a sentence the
    claim decision wants more keeps to the claims."""
    t = model["denial"].threshold
    ratio = model["denial"].claim_ratio
    picked = [i for i, p in enumerate(scored.denial) if p >= t and p >= ratio * scored.claim[i]]
    picked.sort(key=lambda i: -scored.denial[i])
    return sorted(picked[:MAX_DENIALS])


def choose_claims(
    cands: Candidates, scored: Scored, model: Model, denials: list[int], max_claims: int
) -> list[int]:
    """The max_claims most probable claims above threshold, none a denial, in text order."""
    t = model["claim"].threshold
    taken = set(denials)
    picked = [i for i, p in enumerate(scored.claim) if p >= t and i not in taken]
    picked.sort(key=lambda i: -scored.claim[i])
    return sorted(picked[:max_claims])


def choose_next_steps(cands: Candidates, scored: Scored, model: Model) -> list[int]:
    t = model["next_step"].threshold
    picked = [i for i, p in enumerate(scored.next_step) if p >= t]
    picked.sort(key=lambda i: -scored.next_step[i])
    return sorted(picked[:MAX_NEXT_STEPS])


def choose_actors(cands: Candidates, scored: Scored, model: Model, max_actors: int) -> list[int]:
    """Actor candidates above threshold, most probable first; at least three if any."""
    order = sorted(range(len(cands.actors)), key=lambda i: -scored.actor[i])
    t = model["actor"].threshold
    kept = [i for i in order if scored.actor[i] >= t][:max_actors]
    if len(kept) < 3:
        kept = order[: min(3, len(order), max_actors)]
    return kept


def link_targets(
    cands: Candidates, denials: list[int], pool: list[int], model: Model
) -> dict[int, tuple[int, float]]:
    """For each denial sentence, the claim sentence of ``pool`` it most likely rebuts."""
    out: dict[int, tuple[int, float]] = {}
    decision = model["link"]
    sents = cands.sentences
    ordered = sorted(pool)
    for d in denials:
        best, best_p = None, -1.0
        for c in pool[:MAX_LINK_CLAIMS]:
            if c == d:
                continue
            rule = cands.links.get(d) == c
            p = decision.probability(link_features(sents[d], sents[c], rule, ordered))
            if p > best_p:
                best, best_p = c, p
        if best is not None:
            out[d] = (best, best_p)
    return out


# --------------------------------------------------------------------------- speakers


def speaker_of(cand: SentenceCandidate, cands: Candidates, resolver: SpeakerResolver) -> str:
    """The rules' speaker when they attributed the sentence; else its subject; else the
    last speaker before it (a quote carried on)."""
    a = cand.attribution
    if a is not None:
        return a.speaker
    root = cand.sent.root
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None:
        speaker, actor = resolver.resolve(subj)
        if actor is not None:
            return speaker
    for prev in reversed(cands.sentences[: cand.no]):
        if prev.attribution is not None:
            return prev.attribution.speaker
    if subj is not None:
        return " ".join(t.text for t in subj.subtree)[:80]
    return "unattributed"
