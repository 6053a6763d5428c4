"""Candidates and their features: what the trained decisions read.

The rules stay, as high-recall candidate generators and as features. Every evidence
sentence of the article is a candidate claim, denial and next step; every actor the
index built is a candidate key actor; every (denial, claim) pair is a candidate link.
A candidate is a bag of named features (``dict[str, float]``); the model file names
the weight of each (``decide.py``). Nothing here knows a label: training and
inference share this module, so what the model saw is what it gets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Span

from summarizer.postprocess import lexicon
from summarizer.postprocess.actors import (
    ActorIndex,
    ActorInfo,
    actor_scores,
    build_actor_index,
    normalise,
    rule_key_actors,
)
from summarizer.postprocess.attribution import (
    CLAIM_WEIGHTS,
    Attribution,
    claim_readings,
    find_attributions,
)
from summarizer.postprocess.evidence import QuoteMap
from summarizer.postprocess.limits import MAX_RULE_LINK_ASKS, MAX_RULE_LINK_CLAIMS
from summarizer.postprocess.linking import claim_candidates, rebuttal_targets, sentence_terms
from summarizer.postprocess.next_steps import find_next_steps, next_step_candidates
from summarizer.schema import NextStep

_ENT_LABELS = ("PERSON", "ORG", "GPE", "NORP", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT")
_HYPOTHETICAL = frozenset(["could", "might", "may", "would", "should"])


def _word_list(name: str) -> frozenset[str]:
    path = Path(__file__).with_name("data") / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


OPPOSITION = _word_list("opposition.txt")


def _valences() -> dict[str, float]:
    """Word valences (-4 .. 4) of VADER's lexicon (Hutto & Gilbert 2014, MIT licence), read
    from the pinned ``vaderSentiment`` package: how a dismissal sounds ("absurd",
    "unrealistic", "irresponsible") without listing it here."""
    from importlib import resources

    try:
        text = (resources.files("vaderSentiment") / "vader_lexicon.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # the features then say nothing
        return {}
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isalpha():
            out[parts[0].lower()] = float(parts[1])
    return out


VALENCE = _valences()
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you"])


@dataclass
class SentenceCandidate:
    """One evidence sentence with what the rules said of it."""

    no: int
    sent: Span
    attributions: list[Attribution]
    rule_next: NextStep | None  # the rules' next step here (accepted by the rules)
    next_guess: NextStep | None  # a next step read off the sentence, even one the rules refused
    features: dict[str, float] = field(default_factory=dict)

    @property
    def attribution(self) -> Attribution | None:
        """The sentence's first attribution (the one the claim or denial keeps)."""
        return self.attributions[0] if self.attributions else None


@dataclass
class ActorCandidate:
    info: ActorInfo
    rule_score: float
    rule_rank: int | None  # position in the rules' key-actor list, None when dropped
    features: dict[str, float] = field(default_factory=dict)


@dataclass
class Candidates:
    """Everything the decisions need about one article, read off one parsed Doc."""

    index: ActorIndex
    attributions: list[Attribution]
    sentences: list[SentenceCandidate]
    actors: list[ActorCandidate]
    links: dict[int, int] = field(default_factory=dict)  # the rules' denial -> claim sentence


def build_candidates(doc, max_actors: int = 8) -> Candidates:
    """Run the rules once over the Doc and collect every candidate with its features."""
    index = build_actor_index(doc, QuoteMap.build(doc))
    attributions = find_attributions(index)
    for a in attributions:
        if a.actor is not None:
            a.actor.speaker_count += 1
    rule_next = {s.evidence.start: s for s in find_next_steps(index)}
    guesses = next_step_candidates(index)
    by_sent: dict[int, list[Attribution]] = {}
    for a in attributions:
        by_sent.setdefault(a.sent_no, []).append(a)
    sentences = [
        SentenceCandidate(
            no=i,
            sent=sent,
            attributions=by_sent.get(i, []),
            rule_next=rule_next.get(sent.start_char),
            next_guess=guesses.get(i),
        )
        for i, sent in enumerate(index.units)
    ]
    links = rule_links(attributions, index)
    denial_sents = {a.sent_no for a in attributions if a.denial}
    actors = _actor_candidates(index, max_actors)
    actor_rank = {c.info.key: c.rule_rank for c in actors if c.rule_rank is not None}
    _sentence_features(
        sentences,
        attributions,
        index,
        {d: c for d, c in links.items() if d in denial_sents},
        actor_rank,
    )
    return Candidates(
        index=index, attributions=attributions, sentences=sentences, actors=actors, links=links
    )


# --------------------------------------------------------------------------- sentences


def _flag(feats: dict[str, float], name: str, on: bool = True) -> None:
    if on:
        feats[name] = 1.0


def _lexical(sent: Span, feats: dict[str, float]) -> None:
    lower = sent.text.lower()
    lemmas = [t.lemma_.lower() for t in sent]
    words = set(lemmas)
    _flag(feats, "lex:report", bool(words & lexicon.REPORTING_VERBS))
    _flag(feats, "lex:denial_verb", bool(words & lexicon.DENIAL_VERBS))
    _flag(feats, "lex:denial_word", bool(words & lexicon.DENIAL_WORDS))
    _flag(feats, "lex:denial_phrase", any(p in lower for p in lexicon.DENIAL_PHRASES))
    _flag(feats, "lex:not_denial", any(p in lower for p in lexicon.NOT_DENIAL_PHRASES))
    _flag(feats, "lex:rebuttal", bool(words & lexicon.REBUTTAL_VERBS))
    _flag(feats, "lex:insist", bool(words & lexicon.INSIST_VERBS))
    _flag(feats, "lex:criticism", bool(words & lexicon.CRITICISM_WORDS))
    _flag(feats, "lex:opposition", bool(words & OPPOSITION))
    if "play" in words and "down" in words:
        feats["lex:opposition"] = 1.0
    _flag(feats, "lex:plan_verb", bool(words & lexicon.PLAN_VERBS))
    _flag(feats, "lex:plan_noun", bool(words & lexicon.PLAN_NOUNS))
    _flag(feats, "lex:commissive", bool(words & lexicon.COMMISSIVE_VERBS))
    _flag(feats, "lex:future_time", bool(words & lexicon.FUTURE_TIME_WORDS))
    _flag(feats, "lex:weekday", bool(words & lexicon.WEEKDAYS))
    _flag(feats, "lex:month", bool(words & lexicon.MONTHS))
    _flag(feats, "lex:season", bool(words & lexicon.SEASONS))
    _flag(feats, "lex:according", "according to" in lower)
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    _flag(feats, "lex:contrast_open", first is not None and first.lower_ in {"but", "however"})
    _flag(feats, "lex:if", "if" in words or "unless" in words)
    _flag(feats, "lex:next", "next" in words or "upcoming" in words or "later" in words)
    for t in sent:
        if t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ == "ROOT"):
            feats[f"v:{t.lemma_.lower()}"] = 1.0
        elif t.pos_ == "ADJ":
            feats[f"a:{t.lemma_.lower()}"] = 1.0
        elif t.dep_ == "neg" or t.lower_ in ("no", "never", "nothing", "none"):
            feats[f"n:{t.lower_}"] = 1.0


def _words(sent: Span, feats: dict[str, float]) -> None:
    """The sentence's lemmas and lemma pairs ("w:", "b:"): how a denial or a plan is
    worded beyond the cue lists. Training keeps those seen on at least 3 candidates."""
    lemmas = [t.lemma_.lower() for t in sent if not t.is_punct and not t.is_space]
    for w in lemmas:
        feats[f"w:{w}"] = 1.0
    for a, b in zip(lemmas, lemmas[1:]):
        feats[f"b:{a}_{b}"] = 1.0


def _morphology(sent: Span, feats: dict[str, float]) -> None:
    root = sent.root
    tense = root.morph.get("Tense")
    feats[f"root_tense:{tense[0] if tense else 'none'}"] = 1.0
    feats[f"root_tag:{root.tag_}"] = 1.0
    verbs = [t for t in sent if t.pos_ in ("VERB", "AUX")]
    past = sum(1 for t in verbs if "Past" in t.morph.get("Tense"))
    feats["past_share"] = past / max(len(verbs), 1)
    lowers = {t.lower_ for t in sent}
    _flag(feats, "aux:will", bool(lowers & {"will", "'ll", "shall", "wo"}))
    _flag(feats, "aux:hyp", bool(lowers & _HYPOTHETICAL))
    _flag(feats, "going_to", "going" in lowers and "to" in lowers)
    _flag(feats, "due_to", "due" in lowers and "to" in lowers)
    _flag(feats, "set_to", "set" in lowers and "to" in lowers)
    _flag(feats, "passive", any(t.dep_ == "auxpass" for t in sent))
    _flag(feats, "perfect", any(t.tag_ == "VBN" and any(c.lemma_ == "have" for c in t.children)
                                for t in sent))  # fmt: skip
    _flag(feats, "neg", any(t.dep_ == "neg" for t in sent))
    _flag(feats, "question", sent.text.rstrip().endswith("?"))
    labels = {t.ent_type_ for t in sent if t.ent_type_}  # not sent.ents: it scans the doc
    for label in _ENT_LABELS:
        _flag(feats, f"ent:{label}", label in labels)


def _sentence_features(
    sentences: list[SentenceCandidate],
    attributions: list[Attribution],
    index: ActorIndex,
    cand_links: dict[int, int],
    actor_rank: dict[str, int],
) -> None:
    n = max(len(sentences), 1)
    readings = claim_readings(attributions, index)
    rule_score = {a.sent_no: sum(CLAIM_WEIGHTS[k] * v for k, v in r.items()) for a, r in readings}
    ranked = sorted(rule_score, key=lambda s: -rule_score[s])[:8]
    rule_links = set(cand_links.values())
    quotes = index.quotes
    for cand in sentences:
        f = cand.features
        sent = cand.sent
        f["bias"] = 1.0
        f["pos"] = cand.no / n
        _flag(f, "first", cand.no == 0)
        _flag(f, "lead3", cand.no < 3)
        f["len"] = math.log1p(len(sent)) / 4
        share = quotes.quoted_share(sent.start_char, sent.end_char)
        f["quoted"] = share
        _flag(f, "all_quoted", share > 0.8)
        _lexical(sent, f)
        _words(sent, f)
        _morphology(sent, f)
        _valence_features(sent, f, "val_")
        a = cand.attribution
        if a is not None:
            f["r:attr"] = 1.0
            _flag(f, "r:denial", a.denial and not a.criticism)
            _flag(f, "r:criticism", a.criticism)
            _flag(f, "r:continuation", a.continuation)
            _flag(f, "r:claim", not a.denial and not a.continuation)
            _flag(f, "r:direct", a.direct)
            _flag(f, "r:two_speakers", len(cand.attributions) > 1)
            _flag(f, "r:ranked", cand.no in ranked)
            if cand.no in rule_score:
                f["r:claim_score"] = 1 / (1 + math.exp(-rule_score[cand.no]))
            verb = a.verb.lemma_.lower() if a.verb is not None else "none"
            f[f"r:verb:{verb}"] = 1.0
            if a.actor is not None:
                f[f"r:speaker:{a.actor.type}"] = 1.0
                rank = actor_rank.get(a.actor.key)
                f["r:speaker_rank"] = 1 / (1 + rank) if rank is not None else 0.0
                f["r:speaker_lines"] = min(a.actor.speaker_count, 5) / 5
            else:
                f["r:speaker:none"] = 1.0
            _flag(f, "r:speaker_pronoun", a.speaker.lower() in _PRONOUNS)
            _flag(f, "r:rebutted", cand.no in rule_links)
            _flag(f, "r:attr&neg", "neg" in f)
            _flag(f, "r:attr&will", "aux:will" in f)
            _flag(f, "r:attr&denial_word", "lex:denial_word" in f or "lex:denial_phrase" in f)
            _flag(f, "r:attr&opposition", "lex:opposition" in f)
            _statement_features(a, f)
        else:
            f["r:none"] = 1.0
        _flag(f, "r:next", cand.rule_next is not None)
        _flag(f, "r:next_guess", cand.next_guess is not None)
        if cand.next_guess is not None:
            _flag(f, "r:next_actor", cand.next_guess.actor is not None)
            _flag(f, "r:next_when", cand.next_guess.when is not None)
    # context: a quote carried on, a rebuttal that runs over two sentences, an answer
    # to what another party said before
    voices: set[str] = set()
    last_voice = None
    for i, cand in enumerate(sentences):
        prev = sentences[i - 1].features if i else {}
        for key in ("r:denial", "r:claim", "all_quoted", "lex:denial_word", "r:next"):
            _flag(cand.features, f"prev:{key}", key in prev)
        a = cand.attribution
        voice = a.actor.key if a is not None and a.actor is not None else None
        if voice is not None:
            _flag(cand.features, "ctx:other_voice_before", bool(voices - {voice}))
            _flag(
                cand.features,
                "ctx:contrast_other_voice",
                "lex:contrast_open" in cand.features and last_voice not in (None, voice),
            )
            voices.add(voice)
            last_voice = voice
    _relative_sentence_features(sentences)


def _rank_among(
    feats: list[dict[str, float]], key: str, *, only_positive: bool = False, top3: bool = False
) -> None:
    """``rank:KEY`` (1 for the largest, 1/2 the next; ties keep text order) and ``rel:KEY``
    (the share of the largest) of one feature across an article's candidates; with
    ``only_positive``, a candidate without the feature gets neither."""
    values = [f.get(key, 0.0) for f in feats]
    top = max(values) or 1.0
    order = sorted(range(len(feats)), key=lambda i: -values[i])
    for rank, i in enumerate(order):
        if only_positive and values[i] <= 0:
            continue
        feats[i][f"rank:{key}"] = 1 / (1 + rank)
        feats[i][f"rel:{key}"] = values[i] / top
        if top3:
            _flag(feats[i], f"top3:{key}", rank < 3)


_RELATIVE_SENTENCE_KEYS = ("r:claim_score", "quoted", "val_neg")


def _relative_sentence_features(sentences: list[SentenceCandidate]) -> None:
    """A sentence against the rest of its article: how it ranks among the article's
    attributed statements, and how much of the article is attributed at all (claims are
    the top few of a story, +.011 best-cut claim F1 in CV)."""
    if not sentences:
        return
    for key in _RELATIVE_SENTENCE_KEYS:
        _rank_among([c.features for c in sentences], key, only_positive=True)
    share = sum(1 for c in sentences if "r:attr" in c.features) / len(sentences)
    length = math.log1p(len(sentences)) / 4
    for c in sentences:
        c.features["attr_share"] = share
        c.features["sentences"] = length


def _valence_features(tokens, f: dict[str, float], prefix: str) -> None:
    """How negative or positive the words are: the tone of a dismissal or criticism."""
    neg = pos = 0.0
    strong = False
    for t in tokens:
        v = VALENCE.get(t.lower_, VALENCE.get(t.lemma_.lower(), 0.0))
        if v < 0:
            neg -= v
            strong = strong or v <= -1.5
        else:
            pos += v
    f[f"{prefix}neg"] = min(neg, 8.0) / 8
    f[f"{prefix}pos"] = min(pos, 8.0) / 8
    _flag(f, f"{prefix}strong_neg", strong)


def _statement_features(a: Attribution, f: dict[str, float]) -> None:
    """What the reported statement itself says: a negation or a denial word inside it
    (not on the reporting verb: "did not say" is no denial, "said it was not true" is)."""
    verb = a.verb
    if verb is None:
        return
    region = [t for t in verb.subtree if t.i != verb.i and t.head.i != verb.i or t.dep_ == "ccomp"]
    _flag(f, "stmt:neg", any(t.dep_ == "neg" for t in region))
    _flag(f, "stmt:denial_word", any(t.lower_ in lexicon.DENIAL_WORDS for t in region))
    _flag(f, "stmt:opposition", any(t.lemma_.lower() in OPPOSITION for t in region))
    _flag(f, "stmt:will", any(t.lower_ in ("will", "'ll", "shall") for t in region))
    _valence_features(region, f, "stmt:val_")


def rule_links(attributions: list[Attribution], index: ActorIndex) -> dict[int, int]:
    """The rules' linker, asked of every attributed sentence: denial sentence -> the
    claim sentence it would rebut. A feature of the trained link decision; only the
    rules' own denials feed the ``r:rebutted`` claim feature."""
    firsts: dict[int, Attribution] = {}
    for a in attributions:
        firsts.setdefault(a.sent_no, a)
    asking = list(firsts.values())[:MAX_RULE_LINK_ASKS]
    claims = claim_candidates(attributions)[:MAX_RULE_LINK_CLAIMS]
    if not asking or not claims:
        return {}
    targets = rebuttal_targets(asking, claims, index)
    return {
        a.sent_no: claims[t].sent_no for a, t in zip(asking, targets, strict=True) if t is not None
    }


# --------------------------------------------------------------------------- actors


def _actor_candidates(index: ActorIndex, max_actors: int) -> list[ActorCandidate]:
    scored = actor_scores(index)
    kept = {id(a): r for r, (_, a) in enumerate(rule_key_actors(index, max_actors))}
    top = max((s for s, _, _ in scored), default=1.0) or 1.0
    out = []
    for score, info, eligible in scored:
        rank = kept.get(id(info))
        cand = ActorCandidate(info=info, rule_score=score, rule_rank=rank)
        _actor_features(cand, index, top)
        # NER debris, datelines, documents: the rules drop them, the model hears why
        _flag(cand.features, "rule_dropped", not eligible)
        out.append(cand)
    known = set().union(*(c.info.names() for c in out)) if out else set()
    for info in group_nouns(index):
        if info.names() & known:
            continue
        cand = ActorCandidate(info=info, rule_score=0.0, rule_rank=None)
        _actor_features(cand, index, top)
        _flag(cand.features, "group_noun")
        cand.features[f"gn:{info.key[3:]}"] = 1.0
        out.append(cand)
    _relative_actor_features(out)
    return out


_RELATIVE_KEYS = ("mentions", "weight", "speaker", "subject", "rule_score")


def _relative_actor_features(cands: list[ActorCandidate]) -> None:
    """Each count against the article's other candidates: a key actor is one of the most
    mentioned, most heard in *this* story, whatever its length (+.011 best-cut F1 in CV)."""
    if not cands:
        return
    for key in _RELATIVE_KEYS:
        _rank_among([c.features for c in cands], key, top3=True)
    n = math.log1p(len(cands)) / 3
    for c in cands:
        c.features["candidates"] = n


_GROUP_TAGS = ("NNS", "NNPS")
_GROUP_MODIFIERS = ("compound", "amod")


def group_nouns(index: ActorIndex) -> list[ActorInfo]:
    """Unnamed groups that act or speak ("economists said", "prosecutors allege",
    "tube commuters face"): plural nouns outside any entity that are the subject (or the
    passive agent) of a verb somewhere in the story. Candidates only: the actor decision
    weighs them; the rules' index (and so attribution) never sees them."""
    doc = index.doc
    sent_no = {t.i: n for n, sent in enumerate(doc.sents) for t in sent}
    found: dict[str, ActorInfo] = {}
    for t in doc:
        if t.tag_ not in _GROUP_TAGS or t.ent_type_ or t.i in index.token_actor:
            continue
        acting = t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "pobj" and t.head.dep_ == "agent")
        key = "GN:" + t.lemma_.lower()
        if not acting and key not in found:
            continue
        mods = [c for c in t.lefts if c.dep_ in _GROUP_MODIFIERS and not c.ent_type_]
        span = doc[min([c.i for c in mods] + [t.i]) : t.i + 1]
        info = found.get(key)
        if info is None:
            info = found[key] = ActorInfo(key=key, name=span.text, type="group", description=True)
        elif len(span.text) > len(info.name) and acting:
            info.add_alias(info.name)
            info.name = span.text
        info.add_alias(span.text)
        info.mentions.append(span)
        info.first_sent = min(info.first_sent, sent_no.get(t.i, 10**6))
        if acting:
            info.subject_count += 1
            verb = t.head if t.dep_ != "pobj" else t.head.head
            if verb.lemma_.lower() in lexicon.REPORTING_VERBS:
                info.speaker_count += 1
    return list(found.values())


def _actor_features(cand: ActorCandidate, index: ActorIndex, top: float) -> None:
    a = cand.info
    f = cand.features
    n = max(len(index.units), 1)
    f["bias"] = 1.0
    f[f"type:{a.type}"] = 1.0
    f["mentions"] = math.log1p(len(a.mentions)) / 3
    f["weight"] = math.log1p(max(a.weight, 0.0)) / 3
    f["rule_score"] = max(cand.rule_score, 0.0) / top
    f["speaker"] = min(a.speaker_count, 5) / 5
    _flag(f, "speaks", a.speaker_count > 0)
    f["subject"] = min(a.subject_count, 5) / 5
    _flag(f, "subject_any", a.subject_count > 0)
    f["first_sent"] = min(a.first_sent, n) / n
    _flag(f, "in_lead", a.first_sent <= 1)
    _flag(f, "in_lead3", a.first_sent <= 3)
    _flag(f, "role", a.role is not None)
    _flag(f, "description", a.description)
    _flag(f, "aliases", bool(a.aliases))
    _flag(f, "one_word", len(a.name.split()) == 1)
    _flag(f, "rule_kept", cand.rule_rank is not None)
    if cand.rule_rank is not None:
        f["rule_rank"] = 1 / (1 + cand.rule_rank)
        _flag(f, "rule_top3", cand.rule_rank < 3)
    _flag(f, "once", len(a.mentions) == 1)
    _flag(f, "upper", a.name.isupper())


# --------------------------------------------------------------------------- links


def link_features(
    denial: SentenceCandidate,
    claim: SentenceCandidate,
    rule_target: bool,
    pool: list[int] | None = None,
) -> dict:
    """A (denial, claim) pair: how likely the denial answers that claim.

    ``pool`` (the claim-like sentence numbers, in text order) places the claim among its
    rivals: the nearest one before the denial, the story's first claim.
    """
    f: dict[str, float] = {"bias": 1.0}
    if pool:
        before = [n for n in pool if n < denial.no]
        if claim.no in before:
            rank = len(before) - 1 - before.index(claim.no)
            f[f"before_rank:{min(rank, 3)}"] = 1.0
        _flag(f, "pool_first", claim.no == pool[0])
    dt = sentence_terms(denial.sent)
    ct = sentence_terms(claim.sent)
    union = dt | ct
    f["jaccard"] = len(dt & ct) / max(len(union), 1)
    f["shared"] = min(len(dt & ct), 6) / 6
    gap = denial.no - claim.no
    _flag(f, "before", gap > 0)
    _flag(f, "after", gap < 0)
    _flag(f, "adjacent", gap == 1)
    f["gap"] = min(abs(gap), 20) / 20
    _flag(f, "claim_first", claim.no == 0)
    _flag(f, "rule_target", rule_target)
    da, ca = denial.attribution, claim.attribution
    if da is not None and ca is not None and da.actor is not None and ca.actor is not None:
        _flag(f, "same_speaker", da.actor.key == ca.actor.key)
        names = {normalise(t.text) for t in denial.sent if t.ent_type_}
        _flag(f, "names_claimant", normalise(ca.actor.name.split()[-1]) in names)
    _flag(f, "claim_attr", ca is not None)
    _flag(f, "claim_ranked", "r:ranked" in claim.features)
    _flag(f, "contrast", "lex:contrast_open" in denial.features)
    return f


__all__ = [
    "ActorCandidate",
    "Candidates",
    "SentenceCandidate",
    "build_candidates",
    "link_features",
]
