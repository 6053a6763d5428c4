"""Next steps: future, scheduled or planned actions, with actor and time as written.

A clause is a next step when its verb is marked for the future (will/shall, "is due
to", "plans to", "is to", a reported "would") or is a present-tense verb scheduled by a
forward time expression ("Talks begin on Thursday"). Past events and hypotheticals
(could, might, if ...) are not.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from summarizer.postprocess import lexicon
from summarizer.postprocess.actors import ActorIndex
from summarizer.postprocess.attribution import SpeakerResolver
from summarizer.postprocess.evidence import QuoteMap, span_ents, span_evidence
from summarizer.schema import NextStep

_WILL = {"will", "'ll", "shall", "wo", "’ll"}
_TIME_PREPS = {"on", "by", "in", "from", "until", "before", "after", "next", "during", "at"}
_PRESENT_TAGS = {"VBZ", "VBP"}
_TEMPORAL_MARKS = {"as", "when", "while", "before", "after", "until", "once"}
_RELATIVE_PRONOUNS = {"which", "that", "who", "whom"}


def _conditional(verb: Token) -> bool:
    """Inside an if/unless clause, a question or a hypothetical modal."""
    for t in [verb, *verb.ancestors]:
        for c in t.children:
            if c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
                return True
        if t.dep_ in ("ROOT",):
            break
    # a trailing "X has claimed" the parser hangs on the statement may carry its "if"
    hosts = [verb] + [
        c
        for c in verb.children
        if c.dep_ == "ccomp" and c.i > verb.i and c.lemma_.lower() in lexicon.REPORTING_VERBS
    ]
    for c in (c for h in hosts for c in h.children):
        if c.dep_ == "advcl" and any(
            g.dep_ == "mark" and g.lower_ in ("if", "unless", "whether") for g in c.children
        ):
            return True  # "If the talks fail, the union will strike"
        if c.dep_ == "advmod" and c.lower_ in lexicon.HABITUAL_ADVERBS:
            return True  # "Occasionally a truck would drive ...": a past habit
    if any(c.lower_ in ("what", "whether", "how", "why") and c.i < verb.i for c in verb.children):
        return True  # "questioned what would be exempted": an indirect question
    head = verb.head
    if (
        verb.dep_ == "ccomp"
        and head.lemma_.lower() in lexicon.REPORTING_VERBS
        and any(c.dep_ == "neg" for c in head.children)
    ):
        return True  # "did not believe there would be ..."
    return any(c.dep_ == "aux" and c.lower_ in ("could", "might", "may") for c in verb.children)


def _reported(verb: Token) -> bool:
    """A clause reported by a speech verb ("she said ministers would consult")."""
    head = verb.head
    return (
        verb.dep_ in ("ccomp", "conj")
        and head is not verb
        and head.lemma_.lower() in lexicon.REPORTING_VERBS
        # "had suggested that X would ...": a report about an earlier time
        and not any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in head.children)
    )


def _to_complement(tok: Token) -> Token | None:
    """The "to"-infinitive a plan word governs ("plans to oppose", "due to vote")."""
    for c in tok.children:
        if c.dep_ in ("xcomp", "acl") and any(g.lower_ == "to" for g in c.children):
            return c
    return None


def _plan_noun(tok: Token) -> bool:
    """ "The Lib Dems plan to oppose": the tagger read the verb "plan" as a noun."""
    return (
        tok.lemma_.lower() in lexicon.PLAN_VERBS
        and tok.tag_ == "NN"
        and tok.dep_ == "ROOT"
        and any(c.dep_ in ("nsubj", "compound") for c in tok.children)
        and _to_complement(tok) is not None
    )


def _scheduling(tok: Token) -> bool:
    """A scheduling adjective ("due", "set"), not a probability ("likely")."""
    low = tok.lower_
    return low in lexicon.PLAN_ADJECTIVES and low not in lexicon.PROBABLE_ADJECTIVES


def _purpose_subject(verb: Token) -> bool:
    """ "The aim is to ...", "one of the things we need is to ...": a definition."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return False
    if subj.lower_ in ("one", "some", "part", "all"):
        of = next((c for c in subj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of else None
        subj = obj or subj
    return subj.lemma_.lower() in lexicon.PURPOSE_NOUNS


def _plan_adjective(tok: Token) -> bool:
    """ "is due to vote", "are set to announce": a present "be" + scheduling adjective."""
    return (
        _scheduling(tok)
        and tok.dep_ in ("acomp", "prep")
        and tok.head.lemma_ == "be"
        and tok.head.tag_ in _PRESENT_TAGS
        and _to_complement(tok) is not None
    )


def _expletive(verb: Token) -> bool:
    """ "there will be a vote on Tuesday": an announced event."""
    return any(c.dep_ == "expl" for c in verb.children)


def _instrument_subject(verb: Token) -> bool:
    """ "The new law will control ...": a law or scheme described, not an actor's plan."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and subj.lemma_.lower() in lexicon.INSTRUMENT_NOUNS


_AGENT_TYPES = {"person", "organization", "country", "group"}
_PERSONAL_PRONOUNS = {"he", "she", "they", "we", "i", "you"}


def _agentive(verb: Token, resolver: SpeakerResolver) -> bool:
    """An undated future needs someone to carry it out: a passive ("will be monitored"),
    or a subject that is a person, organisation or country, not a thing whose effect is
    predicted ("the cuts would deliver less", "smoke-free areas will save lives")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    if any(c.dep_ == "csubj" for c in verb.children):
        return False  # "raising the threshold would prevent ...": a predicted effect
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return True  # no subject of its own ("... and will also provide ..."): keep
    if subj.lower_ in _PERSONAL_PRONOUNS:
        return True
    if subj.pos_ == "PROPN" or subj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    lemma = subj.lemma_.lower()
    if lemma in lexicon.SPEAKER_NOUNS or lemma in lexicon.AGENT_NOUNS:
        return True
    _, actor = resolver.resolve(subj)
    return actor is not None and actor.type in _AGENT_TYPES


def _real_plan(
    verb: Token,
    marker: str,
    when: str | None,
    forward: bool,
    index: ActorIndex,
    resolver: SpeakerResolver,
) -> bool:
    """Drop futures that are not plans: quotes without a date, states ("will be the
    first time", "will mean"), descriptions of what a law will allow, negations, and
    "X will say" framing a quote unless a forward date makes the speech an event."""
    lemma = verb.lemma_.lower()
    if any(c.dep_ == "neg" for c in verb.children):
        return False
    if lemma in lexicon.STATE_VERBS and marker != "plan":
        return lemma == "be" and when is not None and _expletive(verb)
    if lemma in lexicon.SPEECH_VERBS:
        return forward and not index.quotes.inside(verb.idx)
    if when is not None:
        return True
    if index.quotes.inside(verb.idx):
        return False
    if lemma in lexicon.DESCRIPTIVE_VERBS and marker != "plan":
        return False
    if _instrument_subject(verb) and marker != "plan":
        return False
    if marker != "plan" and not _agentive(verb, resolver):
        return False
    if lemma in lexicon.SPEECH_VERBS:
        return False
    if verb.dep_ == "advcl":
        # "..., while Y will represent Z": a clause of its own with its own subject
        return any(c.dep_ == "nsubj" for c in verb.children)
    return verb.dep_ not in ("relcl", "acl")


def _future_marker(verb: Token) -> str | None:
    """Which future cue governs this verb, if any."""
    if _plan_noun(verb) or _plan_adjective(verb):
        return "plan"
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lowers = {a.lower_ for a in auxes}
    if lowers & _WILL:
        return "will"
    if "would" in lowers and _reported(verb):
        return "would"
    if lowers & lexicon.HYPOTHETICAL_MODALS:
        return None
    # "is due to X", "is set to X", "plans to X", "is to X", "is going to X"
    for c in verb.children:
        if c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children):
            lemma = verb.lemma_.lower()
            if verb.tag_ in _PRESENT_TAGS | {"VBG", "NN"} or any(
                a.tag_ in _PRESENT_TAGS for a in auxes
            ):
                if verb.tag_ == "VBG" and not any(a.tag_ in _PRESENT_TAGS for a in auxes):
                    continue  # "were going to": a past plan
                if verb.lower_ in lexicon.PROBABLE_ADJECTIVES:
                    continue
                if lemma in lexicon.PLAN_VERBS or verb.lower_ in lexicon.PLAN_ADJECTIVES:
                    return "plan"
                if lemma == "be" and not _purpose_subject(verb):
                    return "plan"
    if (
        _scheduling(verb)
        and verb.tag_ in ("VBN", "JJ")
        and any(a.lemma_ == "be" and a.tag_ in _PRESENT_TAGS for a in auxes)
    ):
        return "plan"
    return None


def _season_phrases(sent: Span) -> list[Span]:
    """ "in the fall", "by next spring": seasons the entity recogniser leaves out."""
    out = []
    for t in sent:
        if t.lower_ in lexicon.SEASONS and t.dep_ == "pobj" and t.head.lower_ in _TIME_PREPS:
            span = sent.doc[t.head.i + 1 : t.i + 1]
            out.append(Span(sent.doc, span.start, span.end, label="DATE"))
    return out


def _other_clause(tok: Token, verb: Token) -> bool:
    """Whether a clause boundary lies between a time phrase and the verb."""
    t = tok
    while t.i != verb.i and t.head.i != t.i:
        if t.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS for c in t.children
        ):
            pass  # "as he begins a tour on Monday": a temporal clause dates the event
        elif t.dep_ in ("relcl", "acl", "advcl", "ccomp", "csubj"):
            # the "to"-complement of a plan word is the plan's own clause
            return not (t.head.i == verb.i and t.dep_ in ("acl", "advcl"))
        elif t.dep_ == "conj" and t.pos_ in ("VERB", "AUX"):
            return True  # "... by 2007 and the aim is to ... by the end of ..."
        t = t.head
    return False


def _calendar(span: Span) -> bool:
    """A calendar point: a weekday, a month, a season or a year ("2006", "February")."""
    for t in span:
        low = t.lower_
        if low in lexicon.WEEKDAYS or low in lexicon.MONTHS or low in lexicon.SEASONS:
            return True
        if t.like_num and len(t.text) == 4 and t.text.isdigit():
            return True
    return False


def _time_expression(verb: Token, sent: Span, quotes: QuoteMap) -> tuple[str | None, bool]:
    """The DATE/TIME phrase of the verb's clause as written, and whether it points forward.

    A forward one ("on Thursday", "next month") wins over a duration ("three days").
    """
    doc = sent.doc
    clause = {t.i for t in verb.subtree}
    verb_quoted = quotes.inside(verb.idx)
    found = []
    for ent in [*span_ents(sent), *_season_phrases(sent)]:
        if ent.label_ not in ("DATE", "TIME") or ent.root.i not in clause:
            continue
        if _other_clause(ent.root, verb):
            continue  # "plans agreed in 2000": the date of another clause
        if not verb_quoted and quotes.inside(ent.start_char):
            continue  # a date inside a quote belongs to the quote, not to "X will say"
        start = ent.start
        head = ent.root.head
        if ent.root.dep_ == "pobj" and head.lower_ in _TIME_PREPS and head.i == ent.start - 1:
            start = head.i
            if start > sent.start and doc[start - 1].lower_ in lexicon.FUTURE_TIME_WORDS:
                start -= 1
        span = doc[start : ent.end]
        words = span.text.lower().split()
        forward = any(w in lexicon.FUTURE_TIME_WORDS for w in words) or (
            any(w in lexicon.WEEKDAYS for w in words) and start < ent.start
        )
        if not (forward or _calendar(span) or ent.label_ == "TIME" and start < ent.start):
            continue  # a duration or frequency ("the first six months", "daily", "two-day")
        found.append((forward, start < ent.start, span))
    if not found:
        return None, False
    forward, _, span = max(found, key=lambda f: (f[0], f[1]))
    return span.text.replace("\n", " "), forward


def _action(verb: Token) -> str:
    """The verb phrase without its subject: "hold informal talks on Thursday"."""
    doc = verb.doc
    tokens = [verb]
    for c in verb.children:
        if c.i < verb.i and c.dep_ != "auxpass":
            continue  # subject, auxiliaries and fronted adverbials ("On Wednesday, ...")
        if c.dep_ in ("conj", "cc", "punct") and c.i > verb.i:
            continue
        tokens.extend(c.subtree)
    idx = sorted(t.i for t in tokens if t.dep_ != "nsubj" and t not in _subject_tokens(verb))
    if not idx:
        return verb.text
    text = doc[idx[0] : idx[-1] + 1].text.replace("\n", " ").strip(" ,.")
    return text


def _subject_tokens(verb: Token) -> set[Token]:
    out = set()
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            out |= set(c.subtree)
    return out


def _actor(verb: Token, resolver: SpeakerResolver, target: Token | None = None) -> str | None:
    """Who carries the step out: the agent of a passive ("due to be presented by X"),
    else the subject; a relative pronoun stands for its antecedent."""
    for v in (target, verb):
        agent = next((c for c in v.children if c.dep_ == "agent"), None) if v else None
        obj = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent else None
        if obj is not None:
            name, _ = resolver.resolve(obj)
            return name
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.lower_ in _RELATIVE_PRONOUNS:
        rel = next((t for t in [verb, *verb.ancestors] if t.dep_ == "relcl"), None)
        subj = rel.head if rel is not None else None
    if subj is None and _plan_noun(verb):
        subj = next((c for c in verb.children if c.dep_ == "compound"), None)
    if subj is None and verb.dep_ in ("acomp", "prep"):
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is not None:
            subj = next((g for g in agent.children if g.dep_ == "pobj"), None)
    if subj is None and verb.dep_ in ("xcomp", "conj"):
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ in ("it", "there", "this", "that"):
        return None
    name, _ = resolver.resolve(subj)
    return name


def _step_readings(sent: Span, quotes: QuoteMap):
    """(token, future marker, time expression, forward?) of each word that could carry a
    step: verbs, plan nouns and plan adjectives, auxiliaries skipped."""
    for tok in sent:
        if tok.dep_ in ("aux", "auxpass"):
            continue
        if tok.pos_ not in ("VERB", "AUX") and not (_plan_noun(tok) or _plan_adjective(tok)):
            continue
        when, forward = _time_expression(tok, sent, quotes)
        yield tok, _future_marker(tok), when, forward


def _plan_target(tok: Token, marker, when, sent: Span, quotes: QuoteMap):
    """The verb under "due to"/"plans to" carries the action (and may carry the date)."""
    for c in tok.children:
        if c.dep_ in ("xcomp", "acl") and marker == "plan" and c == _to_complement(tok):
            if when is None:
                when, _ = _time_expression(c, sent, quotes)
            return c, when
    return tok, when


def find_next_steps(index: ActorIndex) -> list[NextStep]:
    """Future or scheduled actions, one per sentence and actor, in text order."""
    resolver = SpeakerResolver(index)
    steps: list[NextStep] = []
    for sent in index.units:
        if sent.text.rstrip().endswith("?"):
            continue
        seen: set[str | None] = set()
        for tok, marker, when, forward in _step_readings(sent, index.quotes):
            if marker is not None and not _real_plan(tok, marker, when, forward, index, resolver):
                continue
            if marker is None:
                # present tense scheduled by a forward time expression
                present = tok.tag_ in _PRESENT_TAGS or any(
                    c.dep_ in ("aux", "auxpass") and c.tag_ in _PRESENT_TAGS for c in tok.children
                )
                # "comes into force on 18 February": the present with a dated "on" or
                # "from" is a timetable
                dated = (
                    when is not None
                    and when.split()[0].lower() in ("on", "from")
                    and any(
                        w.strip(",.").lower() in lexicon.MONTHS | lexicon.WEEKDAYS
                        for w in when.split()
                    )
                )
                if not (present and (forward or dated) and tok.dep_ in ("ROOT", "conj", "ccomp")):
                    continue
                if tok.tag_ == "VBN" and any(c.lemma_ == "have" for c in tok.children):
                    continue  # present perfect: "has not yet been released"
                if tok.lemma_.lower() in lexicon.STATE_VERBS:
                    continue
            if _conditional(tok):
                continue
            target, when = _plan_target(tok, marker, when, sent, index.quotes)
            actor = _actor(tok, resolver, target)
            if actor in seen:
                continue
            seen.add(actor)
            steps.append(
                NextStep(
                    actor=actor, action=_action(target), when=when, evidence=span_evidence(sent)
                )
            )
            if len(seen) >= 2:
                break
    return steps


def next_step_candidates(index: ActorIndex) -> dict[int, NextStep]:
    """A next step read off each sentence that looks forward at all, by unit number.

    High recall on purpose: the rules' filters (conditionals, plans that are really
    aims, the present of a timetable) become features, and a trained model decides
    (``decide.py``). One step per sentence: the first verb with a future cue, else
    the first verb dated by a forward time expression.
    """
    resolver = SpeakerResolver(index)
    out: dict[int, NextStep] = {}
    for no, sent in enumerate(index.units):
        best = None
        for tok, marker, when, forward in _step_readings(sent, index.quotes):
            if marker is not None or forward:
                best = (tok, marker, when)
                break
        if best is None:
            continue
        tok, marker, when = best
        target, when = _plan_target(tok, marker, when, sent, index.quotes)
        out[no] = NextStep(
            actor=_actor(tok, resolver, target),
            action=_action(target),
            when=when,
            evidence=span_evidence(sent),
        )
    return out
