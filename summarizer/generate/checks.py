"""Every LLM item checked against the source, by the post-processor's own reading of it.

Grounding (``grounding.py``) only proves that an item cites a real sentence. A small
model still names the wrong speaker, lists a future event as a denial or a past one as a
next step, or swaps who did what in its summary. So each item is compared with what the
rule-based post-processor (``summarizer.postprocess.extract``, run on the same parsed
Doc; only its ``Extraction`` interface is used) decides for the same sentence:

- ``speaker``: a claim's or denial's speaker must be the one the post-processor
  attributes that sentence to (alias-aware: "Stoltenberg" for "Jens Stoltenberg"). Where
  the post-processor attributes nothing there, the speaker must at least be named in that
  very sentence. Words scattered over the article no longer pass.
- ``denial``: a denial must cite a sentence the post-processor also reads as a denial;
  otherwise it is dropped (or, where the schema has ``confidence``, kept with a low one).
- ``future``: a next step's sentence must be about the future (a modal, "going to", a
  scheduling verb or adjective, or a present tense with a time ahead), read from spaCy's
  tags and morphology.
- ``sentence``: evidence must be one whole source sentence.
- ``roles``: a summary sentence is dropped when, for an event it shares with the source
  (same object noun, same or synonymous verb), the source names another actor and never
  this one.
- ``characters``: a summary sentence (or headline) with control characters or letters of
  a script the source never uses is dropped.

Every removal is counted per check and reported in one warning.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from summarizer.faithfulness import HONORIFICS, SourceIndex, _words
from summarizer.generate.grounding import Grounded, ground_items
from summarizer.generate.windows import split_sentences
from summarizer.postprocess import Extraction, extract
from summarizer.schema import Denial, Evidence

CHECKS = ("grounding", "speaker", "denial", "future", "sentence", "roles", "characters")
#: The confidence given to an LLM denial the post-processor does not read as a denial
#: (only where the schema carries confidences).
UNCONFIRMED_DENIAL_CONFIDENCE = 0.2
NAMED = {"PERSON", "ORG", "GPE", "NORP"}
FUTURE_MODALS = {"will", "'ll", "wo", "shall", "would", "may", "might", "could", "should", "must"}
# Verbs and adjectives that put an event ahead: "is scheduled to", "plans to", "is due".
SCHEDULING = {
    "plan", "schedule", "expect", "due", "set", "intend", "aim", "prepare", "hope", "seek",
    "upcoming", "forthcoming", "poised", "likely", "slate", "propose", "vow", "pledge", "promise",
}  # fmt: skip
AHEAD = re.compile(
    r"\b(next|tomorrow|coming|later|upcoming|from now|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|tonight|this (week|month|year|weekend))\b",
    re.IGNORECASE,
)
_NAME_STOP = HONORIFICS | {"a", "an", "his", "her", "their", "its", "who", "senior"}
_INITIALS = re.compile(r"(?<![^\W\d_])([^\W\d_])\.\s*(?=[^\W\d_]\.)")
_VERB_GROUPS = Path(__file__).with_name("event_verbs.txt")


@dataclass
class CheckedItems:
    """What survived, the summary after the role check, removals per check, warnings."""

    items: Grounded
    summary: str
    removed: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---- names ------------------------------------------------------------------------------


def name_words(name: str) -> set[str]:
    """The distinctive words of a name (no titles, articles or initials)."""
    name = _INITIALS.sub(r"\1", name)  # "U. S." and "U.S." -> "US"
    return {w for w in _words(name) if w not in _NAME_STOP and len(w) > 1}


def _actor_words(name: str, extraction: Extraction) -> set[str]:
    """A name's words plus those of every post-processor actor it names (aliases)."""
    words = name_words(name)
    for actor in extraction.key_actors:
        forms = [actor.name, *actor.aliases]
        if any(words and name_words(f) and name_words(f) <= words for f in forms) or any(
            name_words(f) == words for f in forms
        ):
            for form in forms:
                words |= name_words(form)
    return words


def _sentence_words(text: str, extraction: Extraction) -> set[str]:
    """Words of a sentence plus every form of the actors it names ("NATO" where it says
    "North Atlantic Treaty Organization") and their roles."""
    words = name_words(text)
    for actor in extraction.key_actors:
        forms = [name_words(f) for f in (actor.name, *actor.aliases)]
        if any(f and f <= words for f in forms):
            words |= set().union(*forms) | name_words(actor.role or "")
    return words


def same_speaker(
    proposed: str, attributed: str, extraction: Extraction, sentence: str = ""
) -> bool:
    """True when ``proposed`` names the speaker the post-processor found (alias-aware)."""
    mine = name_words(proposed)
    if not mine:
        return False
    theirs = _actor_words(attributed, extraction)
    if mine <= theirs:
        return True
    # a fuller form of the same name ("NATO chief Jens Stoltenberg" for "Stoltenberg"):
    # the words it adds must come from that sentence or its actors' other names and roles
    core = name_words(attributed)
    return bool(core) and core <= mine and mine - core <= _sentence_words(sentence, extraction)


def named_in(name: str, text: str, extraction: Extraction) -> bool:
    """The name, or another form of the same post-processor actor, occurs in ``text``."""
    words = name_words(name)
    if not words:
        return False
    present = name_words(text)
    if words <= present:
        return True
    for actor in extraction.key_actors:
        forms = [name_words(f) for f in (actor.name, *actor.aliases)]
        ours = words <= set().union(*forms)
        if ours and any(f and f <= present for f in forms):
            return True
    return False


# ---- sentences -------------------------------------------------------------------------


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.start < b.end and b.start < a.end


def _sentence(doc: Doc, ev: Evidence) -> Span | None:
    """The source sentence whose stripped extent is exactly ``ev`` (else None)."""
    for sent in doc.sents:
        text = sent.text
        start = sent.start_char + (len(text) - len(text.lstrip()))
        if start == ev.start and sent.start_char + len(text.rstrip()) == ev.end:
            return sent
        if sent.start_char > ev.start:
            break
    return None


def future_marker(sent: Span) -> str | None:
    """What makes the sentence about the future ("will", "going to", "scheduled", ...)."""
    ahead = [e for e in sent.ents if e.label_ in {"DATE", "TIME"} and AHEAD.search(e.text)]
    for tok in sent:
        if tok.tag_ == "MD" and tok.lower_ in FUTURE_MODALS:
            return tok.text
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        if tok.lower_ == "going" and nxt is not None and nxt.lower_ == "to":
            return "going to"
        if tok.lemma_.lower() in SCHEDULING and _present_or_bare(tok):
            return tok.text
        finite_present = "Pres" in tok.morph.get("Tense") and "Fin" in tok.morph.get("VerbForm")
        if ahead and tok.pos_ in {"VERB", "AUX"} and finite_present:
            return f"{tok.text} ... {ahead[0].text}"
    return None


def _present_or_bare(tok: Token) -> bool:
    """A scheduling word in the present ("plans", "is due", "are expected"), not the past."""
    if tok.pos_ == "ADJ" or tok.tag_ in {"VBP", "VBZ", "VB"}:
        past = any("Past" in c.morph.get("Tense") for c in tok.head.children)
        return not (tok.pos_ == "ADJ" and past)
    if tok.tag_ == "VBN":
        aux = [c for c in tok.children if c.dep_ in {"auxpass", "aux"}]
        return any("Pres" in a.morph.get("Tense") for a in aux)
    return False


# ---- stray characters ------------------------------------------------------------------


def _script(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split()[0]


@functools.lru_cache(maxsize=64)
def source_scripts(text: str) -> frozenset[str]:
    return frozenset(_script(c) for c in set(text) if c.isalpha())


def stray_characters(text: str, source: str) -> str | None:
    """Why ``text`` holds characters its source could not have given it, or None: control
    characters, or letters of a script the source never uses (what small models emit)."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        return "control characters"
    scripts = source_scripts(source)
    foreign = sorted({_script(c) for c in text if c.isalpha()} - scripts)
    if foreign:
        return f"letters in a script the source does not use ({', '.join(foreign[:3])})"
    return None


# ---- summary roles ----------------------------------------------------------------------


@functools.cache
def _verb_group() -> dict[str, int]:
    groups: dict[str, int] = {}
    for n, line in enumerate(_VERB_GROUPS.read_text(encoding="utf-8").splitlines()):
        if line.strip() and not line.startswith("#"):
            for verb in line.split():
                groups.setdefault(verb, n)
    return groups


def _verb_key(verb: Token) -> str:
    prt = [c.lower_ for c in verb.children if c.dep_ == "prt"]
    return verb.lemma_.lower() + ("_" + prt[0] if prt else "")


def _same_event(a: Token, b: Token) -> bool:
    ka, kb = _verb_key(a), _verb_key(b)
    if ka == kb or a.lemma_.lower() == b.lemma_.lower():
        return True
    groups = _verb_group()
    return ka in groups and groups.get(ka) == groups.get(kb)


@dataclass
class Event:
    verb: Token
    agent: Token | None
    patient: Token


def events(span: Span | Doc) -> list[Event]:
    """Verb, doer and done-to of each transitive clause (active or passive)."""
    found = []
    for verb in span:
        if verb.pos_ not in {"VERB", "AUX"}:
            continue
        agent = patient = None
        for child in verb.children:
            if child.dep_ == "nsubj":
                agent = child
            elif child.dep_ in {"dobj", "nsubjpass"}:
                patient = child
            elif child.dep_ == "agent":
                agent = next((g for g in child.children if g.dep_ == "pobj"), None)
        if patient is not None and patient.pos_ in {"NOUN", "PROPN"}:
            found.append(Event(verb, agent, patient))
    return found


def _phrase(tok: Token) -> Span:
    """The name around a head: its entity if it has one, else its compound/flat words."""
    if tok.ent_type_:
        for ent in tok.doc.ents:
            if ent.start <= tok.i < ent.end:
                return ent
    left = tok
    while left.i > 0 and tok.doc[left.i - 1].dep_ == "compound" and tok.doc[left.i - 1].head == tok:
        left = tok.doc[left.i - 1]
    return tok.doc[left.i : tok.i + 1]


# "X-led", "X-backed", "X-based" before a doer: X only qualifies it
_LED_BY = re.compile(r"((?:[^\W\d_][\w.']*\s?){1,3})\s?-\s?[^\W\d_]+ed\b")


def _kind(tok: Token, extraction: Extraction) -> str | None:
    """ "person" or "body" (country, organisation, group) for a named doer, if known."""
    words = name_words(_phrase(tok).text)
    for actor in extraction.key_actors:
        if words and any(words <= name_words(f) for f in (actor.name, *actor.aliases)):
            return "person" if actor.type == "person" else "body"
    if tok.ent_type_ == "PERSON":
        return "person"
    return "body" if tok.ent_type_ in {"GPE", "NORP"} else None


def _role_verdict(mine: Token, theirs: Token | None, extraction: Extraction) -> str | None:
    """ "support", "contradict" or None (cannot tell) for two doers of the same event."""
    if theirs is None:
        return None
    my_name = _phrase(mine).text
    if theirs.pos_ == "PRON":
        if theirs.lower_ in {"he", "she"} and _kind(mine, extraction) == "body":
            return "contradict"
        return None
    their_name = _phrase(theirs).text
    if theirs.ent_type_ in NAMED or theirs.pos_ == "PROPN":
        mw, tw = _actor_words(my_name, extraction), _actor_words(their_name, extraction)
        if name_words(my_name) <= tw or name_words(their_name) <= mw:
            return "support"
        return "contradict"
    # a common-noun doer: the summary's name only inside a modifier such as "X-led" or
    # "X-backed" names another body than the doer itself
    words = name_words(my_name)
    left = theirs.doc.text[theirs.left_edge.idx : theirs.idx]
    for match in _LED_BY.finditer(left):
        if words and words <= name_words(match.group(1)):
            return "contradict"
    if words and words <= set(_words(" ".join(t.text for t in theirs.subtree))):
        return "support"
    return None


def role_conflicts(sentence: str, doc: Doc, extraction: Extraction) -> str | None:
    """Why a summary sentence contradicts who did what in the source, or None."""
    from summarizer import analyse

    for mine in events(analyse.parse(sentence)):
        agent = mine.agent
        if agent is None or not (agent.ent_type_ in NAMED or agent.pos_ == "PROPN"):
            continue
        verdicts = []
        for theirs in events(doc):
            if theirs.patient.lemma_.lower() != mine.patient.lemma_.lower():
                continue
            if not _same_event(mine.verb, theirs.verb):
                continue
            verdicts.append((_role_verdict(agent, theirs.agent, extraction), theirs))
        if any(v == "support" for v, _ in verdicts):
            continue
        against = [t for v, t in verdicts if v == "contradict"]
        if against:
            doer_tok = against[0].agent
            who = doer_tok.doc[doer_tok.left_edge.i : doer_tok.i + 1].text
            doer = f"{who!r}" + (" (a person)" if doer_tok.pos_ == "PRON" else "")
            return (
                f"says {_phrase(agent).text!r} {mine.verb.text} {mine.patient.text}; "
                f"the source says {doer} did"
            )
    return None


_QUOTE_MARKS = "\"\u201c\u2018'"


def _continued_from(ev: Evidence, attributed: list, text: str) -> list:
    """A quotation that continues one the post-processor attributed just before it, in
    the same paragraph ("...," she said. "It was ..."): that attribution."""
    before = [a for a in attributed if a.evidence.end <= ev.start]
    if not before:
        return []
    last = max(before, key=lambda a: a.evidence.end)
    return [last] if "\n\n" not in text[last.evidence.end : ev.start] else []


# ---- the checks --------------------------------------------------------------------------


def check_reply_items(reply, summary: str, doc: Doc) -> CheckedItems:
    """Ground an LLM reply's items and run every check; summary sentences too."""
    index = SourceIndex.build(doc)
    grounded = ground_items(reply.model_dump(), doc, index)
    extraction = extract(doc, max_claims=1000, max_actors=1000)
    removed = dict.fromkeys(CHECKS, 0)
    removed["grounding"] = grounded.proposed - grounded.grounded
    warnings: list[str] = []
    attributed = [*extraction.claims, *extraction.denials]

    def speaker_ok(item) -> bool:
        there = [a for a in attributed if _overlaps(a.evidence, item.evidence)]
        if not there and item.evidence.text[:1] in _QUOTE_MARKS:
            there = _continued_from(item.evidence, attributed, doc.text)
        if there:
            return any(
                same_speaker(item.speaker, a.speaker, extraction, item.evidence.text) for a in there
            )
        return named_in(item.speaker, item.evidence.text, extraction)

    def whole(item) -> bool:
        return _sentence(doc, item.evidence) is not None

    claims = []
    for claim in grounded.claims:
        if not whole(claim):
            removed["sentence"] += 1
        elif not speaker_ok(claim):
            removed["speaker"] += 1
        else:
            claims.append(claim)
    denials: list[Denial] = []
    lowered = 0
    for denial in grounded.denials:
        if not whole(denial):
            removed["sentence"] += 1
        elif not speaker_ok(denial):
            removed["speaker"] += 1
        elif not any(_overlaps(denial.evidence, d.evidence) for d in extraction.denials):
            if "confidence" in Denial.model_fields:
                denials.append(
                    denial.model_copy(update={"confidence": UNCONFIRMED_DENIAL_CONFIDENCE})
                )
                lowered += 1
            else:
                removed["denial"] += 1
        else:
            denials.append(denial)
    steps = []
    for step in grounded.next_steps:
        sent = _sentence(doc, step.evidence)
        if sent is None:
            removed["sentence"] += 1
        elif future_marker(sent) is None:
            removed["future"] += 1
        else:
            steps.append(step)

    kept_sentences, reasons, stray = [], [], []
    for sentence in split_sentences(summary):
        odd = stray_characters(sentence, doc.text)
        why = None if odd else role_conflicts(sentence, doc, extraction)
        if odd:
            removed["characters"] += 1
            stray.append(odd)
        elif why:
            removed["roles"] += 1
            reasons.append(why)
        else:
            kept_sentences.append(sentence)
    if stray:
        warnings.append(
            f"llm checks: dropped {len(stray)} summary sentence(s) with "
            f"{'; '.join(dict.fromkeys(stray))}"
        )
    if reasons:
        warnings.append(
            f"llm checks: dropped {len(reasons)} summary sentence(s) whose roles contradict "
            f"the source ({'; '.join(reasons)})"
        )
    if lowered:
        warnings.append(
            f"llm checks: {lowered} denial(s) the post-processor does not read as denials "
            f"kept with confidence {UNCONFIRMED_DENIAL_CONFIDENCE}"
        )
    items_removed = {k: v for k, v in removed.items() if v and k not in ("roles", "characters")}
    if items_removed:
        shown = ", ".join(f"{k} {v}" for k, v in items_removed.items())
        warnings.append(f"llm checks removed {sum(items_removed.values())} items ({shown})")
    kept = Grounded(claims=claims, denials=denials, next_steps=steps, proposed=grounded.proposed)
    return CheckedItems(kept, " ".join(kept_sentences), removed, warnings)
