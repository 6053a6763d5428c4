"""Key actors: named entities merged into canonical actors, with role and salience.

The ActorIndex built here is the one shared lookup the other steps use to turn a
token ("Hewitt", "the Russians", "NATO") into its actor; it is built once per Doc.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from summarizer import analyse
from summarizer.postprocess import lexicon
from summarizer.postprocess.evidence import (
    QuoteMap,
    doc_text,
    sentence_units,
    span_evidence,
    token_texts,
)
from summarizer.schema import Actor, ActorType

_ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "agent"}
_LOCATIVE_PREPS = {"in", "at", "from", "to", "into", "across", "near", "around", "on", "for"}
_ORG_SUFFIXES = {"party", "inc", "ltd", "plc", "corp", "corporation", "group", "company"}
_ACRONYM_SKIP = {"of", "the", "and", "for", "&", "on", "in"}
_REL = 0.1  # an actor scores at least a tenth of the top one ...
_ABS = 1.5  # ... and more than one passing mention
_CAP = 4.5  # ... though a dominant actor never pushes the bar above this
_LONG = 6  # beyond this many candidates, passing mentions are cut
_FEMALE = {"ms", "mrs", "miss", "lady", "dame"}
_MALE = {"mr", "sir", "lord"}


def normalise(name: str) -> str:
    """Lower-cased comparison key: no leading article, no possessive, curly quotes flattened."""
    s = name.replace("’", "'").strip().lower()
    s = re.sub(r"^(the|a|an)\s+", "", s)
    s = re.sub(r"'s?$", "", s)
    return s.strip(" .,")


@dataclass
class ActorInfo:
    """One actor while it is being built; becomes a schema Actor at the end."""

    key: str
    name: str
    type: ActorType
    aliases: set[str] = field(default_factory=set)
    role: str | None = None
    gender: str | None = None
    mentions: list[Span] = field(default_factory=list)
    weight: float = 0.0
    first_sent: int = 10**6
    speaker_count: int = 0
    subject_count: int = 0
    description: bool = False  # an unnamed source ("a senior official"), not an entity

    def add_alias(self, surface: str) -> None:
        if surface and normalise(surface) != normalise(self.name):
            self.aliases.add(surface)

    def names(self) -> set[str]:
        return {normalise(self.name)} | {normalise(a) for a in self.aliases}


@dataclass
class ActorIndex:
    """Actors of one Doc and the map from mention tokens to them."""

    doc: Doc
    actors: dict[str, ActorInfo]
    token_actor: dict[int, str]
    # (start_char, key) of every mention, sorted: "the last person before X" lookups
    mention_starts: list[tuple[int, str]]
    quotes: QuoteMap
    sent_index: dict[int, int]
    units: list[Span] = field(default_factory=list)  # evidence-sized sentences

    def actor_of_token(self, token: Token) -> ActorInfo | None:
        key = self.token_actor.get(token.i)
        return self.actors.get(key) if key else None

    def actor_in(self, tokens) -> ActorInfo | None:
        """The first actor mentioned among tokens (a span or a subtree)."""
        for t in tokens:
            a = self.actor_of_token(t)
            if a is not None:
                return a
        return None

    def lookup(self, surface: str) -> ActorInfo | None:
        key = normalise(surface)
        for a in self.actors.values():
            if key in a.names():
                return a
        return None

    def person_by_surname(self, phrase: str) -> ActorInfo | None:
        """ "Ms Hewitt" -> the person whose name ends in Hewitt (the NER missed the mention)."""
        words = phrase.replace(".", "").split()
        if not 1 <= len(words) <= 2 or not words[-1][:1].isupper():
            return None
        if len(words) == 2 and words[0].lower() not in lexicon.HONORIFICS:
            return None
        surname = words[-1].lower()
        hits = [
            a
            for a in self.actors.values()
            if a.type == "person" and a.name.lower().split()[-1] == surname
        ]
        return hits[0] if len(hits) == 1 else None

    def last_before(
        self, char: int, types: set[str], gender: str | None = None, outside_quotes: bool = True
    ) -> ActorInfo | None:
        """The last actor of a type mentioned before char (pronoun resolution)."""
        i = bisect_left(self.mention_starts, (char, ""))
        while i > 0:
            i -= 1
            start, key = self.mention_starts[i]
            a = self.actors[key]
            if a.type not in types:
                continue
            if outside_quotes and self.quotes.inside(start):
                continue
            if gender and a.gender and a.gender != gender:
                continue
            return a
        return None


def _strip_person(span: Span) -> tuple[str, str | None]:
    """Person name without honorifics/titles in front, and the gender the honorific gives."""
    words = [t for t in span if not t.is_punct or t.text == "."]
    gender = None
    while words and (
        words[0].lower_.rstrip(".") in lexicon.HONORIFICS or words[0].lower_ in lexicon.TITLE_WORDS
    ):
        low = words[0].lower_.rstrip(".")
        if low in _FEMALE:
            gender = "f"
        elif low in _MALE:
            gender = "m"
        words = words[1:]
    while words and words[-1].tag_ == "POS":
        words = words[:-1]
    if not words:
        return "", gender
    text = doc_text(span.doc)[words[0].idx : words[-1].idx + len(words[-1].text)]
    return text, gender


def _honorific_before(span: Span) -> str | None:
    if span.start > 0:
        prev = span.doc[span.start - 1]
        low = prev.lower_.rstrip(".")
        if low in _FEMALE:
            return "f"
        if low in _MALE:
            return "m"
    return None


def _clean(span: Span) -> str:
    text = span.text.replace("\n", " ").strip()
    text = re.sub(r"^(the|The)\s+", "", text)
    text = re.sub(r"['’]s?$", "", text).strip()
    return text


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ACRONYM_SKIP]
    return "".join(w[0] for w in words if w[0].isupper())


def _is_publisher(ent: Span) -> bool:
    return normalise(ent.text) in lexicon.PUBLISHER_NAMES


def _is_dateline(ent: Span) -> bool:
    """ "OSLO (Wire) -" / "OSLO, Norway -": a capitalised place opening a line."""
    doc = ent.doc
    line_start = ent.start == 0 or "\n" in doc[ent.start - 1].whitespace_ + doc[ent.start - 1].text
    if not line_start or not ent.text.isupper() or len(ent.text) < 3:
        return False
    return ent.end < len(doc) and doc[ent.end].text in (",", "(", "-", "--", "—", "–")


def _person_after_role(ent: Span) -> bool:
    """Two or three capitalised words right after a person noun, none an organisation word."""
    if not 2 <= len(ent) <= 3 or ent.start == 0:
        return False
    if ent.doc[ent.start - 1].lower_ not in lexicon.PERSON_ROLE_NOUNS:
        return False
    return all(t.is_title and t.is_alpha and t.lower_ not in lexicon.ORG_NAME_WORDS for t in ent)


def _agent_of_passive(root: Token) -> bool:
    """ "was banned by the council": the object of an agentive 'by' does the act."""
    return root.dep_ == "pobj" and root.head.dep_ == "agent"


def _member_source(ent: Span) -> bool:
    """An organisation after 'from'/'at' that hangs on plural people ("experts at X")."""
    root = ent.root
    if ent.label_ != "ORG" or root.dep_ != "pobj" or root.head.lower_ not in ("from", "at"):
        return False
    head = root.head.head
    return head.tag_ == "NNS" and head.pos_ == "NOUN" and head.i < root.head.i


def _mention_weight(ent: Span, quotes: QuoteMap) -> float:
    """How much one mention says the entity acts in the story, by its syntactic role."""
    root = ent.root
    if root.dep_ in _SUBJECT_DEPS or _agent_of_passive(root):
        w = 3.0
    elif _member_source(ent):
        w = 1.5  # "researchers from Birkbeck College": the body its people speak for
    elif root.dep_ == "poss" or root.dep_ in ("appos", "conj") and root.head.dep_ in _SUBJECT_DEPS:
        w = 1.5
    elif (
        root.dep_ == "pobj"
        and root.head.lower_ in _LOCATIVE_PREPS
        or root.dep_ in ("amod", "compound")
        and ent.label_ in ("NORP", "GPE")
    ):
        w = 0.4
    else:
        w = 1.0
    if quotes.inside(ent.start_char):
        w *= 0.5
    return w


def _role_for(ent: Span) -> str | None:
    """A role from an apposition ("X, secretary general of NATO") or a title before the name."""
    root = ent.root
    doc = ent.doc
    # "Jens Stoltenberg, secretary general of ..." : appos child of the name
    for child in root.children:
        if child.dep_ == "appos" and child.i > ent.end - 1 and child.ent_type_ != "PERSON":
            sub = list(child.subtree)
            end = sub[-1].i + 1
            while end > child.i and doc[end - 1].is_punct:
                end -= 1
            role = doc[sub[0].i : end].text
            if 2 <= len(role) <= 80:
                return _clean_role(role)
    # "the EU's foreign policy chief, Josep Borrell": the name is appos of the role
    if root.dep_ == "appos" and root.head.i < ent.start and root.head.ent_type_ != "PERSON":
        head = root.head
        sub = [t for t in head.subtree if t.i < ent.start]
        while sub and sub[-1].is_punct:
            sub = sub[:-1]
        if sub:
            role = doc[sub[0].i : sub[-1].i + 1].text
            if 2 <= len(role) <= 80:
                return _clean_role(role)
    # "Trade and Industry Secretary Patricia Hewitt": title words just before the name
    i = ent.start - 1
    words = []
    while i >= 0 and (
        doc[i].lower_ in lexicon.TITLE_WORDS
        or (doc[i].lower_ in ("and", "of") and words)
        or (doc[i].ent_type_ in ("ORG", "NORP", "GPE") and words)
    ):
        words.insert(0, doc[i])
        i -= 1
    while words and words[0].lower_ in ("and", "of"):
        words = words[1:]
    if words and any(w.lower_ in lexicon.TITLE_WORDS for w in words):
        role = doc[words[0].i : words[-1].i + 1].text
        if normalise(role) not in lexicon.HONORIFICS:
            return _clean_role(role)
    return None


def _clean_role(role: str) -> str:
    role = role.replace("\n", " ").strip(" ,")
    return re.sub(r"^(the|The|a|an)\s+", "", role)


def _mended(ent: Span) -> Span:
    """Common NER slips, mended: a department's name cut at "and" ("Department for
    Education" + "and Skills"), a name glued to itself or to a photo credit where a
    caption ran into the text ("Verstappen Verstappen", "GETTY Trump")."""
    doc = ent.doc
    words = [t.text for t in ent]
    if len(words) > 1 and len(set(words)) == 1:
        return Span(doc, ent.end - 1, ent.end, label=ent.label_)
    # "GETTY Trump", "USA TODAY Toblerone", "Donald Trump Play": a photo credit in
    # capitals or a video button run into the text; mended only when what is left is a
    # name the story uses on its own elsewhere ("PA Consulting", "JD Vance" stay)
    start, end = ent.start, ent.end
    caps = start
    while (
        caps < end - 1
        and doc[caps].is_upper
        and len(doc[caps]) >= 4
        or (caps < end - 1 and doc[caps].text in lexicon.MEDIA_CREDITS)
    ):
        caps += 1
    if doc[caps].is_title:
        start = caps
    while end - 1 > start and doc[end - 1].lower_ in lexicon.PLAYER_BUTTONS:
        end -= 1
    while end - 1 > start and doc[end - 1].is_space:
        end -= 1
    if (start, end) != (ent.start, ent.end):
        rest = doc[start:end].text
        if doc_text(doc).count(rest) >= 2:
            return Span(doc, start, end, label=ent.label_)
    if ent.label_ == "ORG" and any(t.lower_ in ("for", "of") for t in ent[1:-1]):
        end = ent.end + 1
        if end < len(doc) and doc[end - 1].lower_ == "and":
            # only words no other entity claims ("Ministry of Defence and Oxfam" are two),
            # but a department's subject areas may be tagged ORG ("... and Skills")
            first = ent[1] if ent[0].lower_ == "the" else ent[0]
            joins = ("", "ORG") if first.lower_ == "department" else ("",)
            while end < len(doc) and doc[end].is_title and doc[end].ent_type_ in joins:
                end += 1
            if end > ent.end + 1:
                return Span(doc, ent.start, end, label=ent.label_)
    return ent


def build_actor_index(doc: Doc, quotes: QuoteMap | None = None) -> ActorIndex:
    """Merge the Doc's PERSON/ORG/GPE/NORP entities into canonical actors."""
    quotes = quotes or QuoteMap.build(doc)
    sent_index = {}
    for n, sent in enumerate(doc.sents):
        sent_index[sent.start] = n
    sent_of_token = {}
    for n, sent in enumerate(doc.sents):
        for t in sent:
            sent_of_token[t.i] = n

    ents: list[Span] = []
    for e in doc.ents:
        if e.label_ in _ACTOR_LABELS and not _is_publisher(e) and not _is_dateline(e):
            if ents and e.start < ents[-1].end:
                continue  # inside the entity before it, once mended
            ents.append(_mended(e))
    actors: dict[str, ActorInfo] = {}
    token_actor: dict[int, str] = {}
    pending_single: list[tuple[Span, str, str | None]] = []

    def attach(ent: Span, key: str, surface: str) -> None:
        a = actors[key]
        a.mentions.append(ent)
        a.add_alias(surface)
        a.weight += _mention_weight(ent, quotes)
        if ent.root.dep_ in _SUBJECT_DEPS or _agent_of_passive(ent.root):
            a.subject_count += 1
        a.first_sent = min(a.first_sent, sent_of_token.get(ent.start, 10**6))
        for t in ent:
            token_actor[t.i] = key

    def attach_new(ent: Span, key: str, name: str, type_: str, surface: str) -> None:
        actors.setdefault(key, ActorInfo(key=key, name=name, type=type_))
        attach(ent, key, surface)

    # pass 1: multi-word persons, organisations, places, groups
    for ent in ents:
        label = ent.label_
        if ent[0].lower_.rstrip(".") in lexicon.HONORIFICS and len(ent) > 1:
            label = "PERSON"  # "Ms Quell" tagged ORG: the honorific settles it
        elif label == "ORG" and _person_after_role(ent):
            label = "PERSON"  # "ministry spokesperson Ana Ruiz" tagged ORG
        nickname = lexicon.PARTY_NICKNAMES.get(normalise(ent.text))
        nickname = nickname or lexicon.PARTY_NICKNAMES.get(normalise(_clean(ent)))
        if nickname is not None:
            # "Lib Dems" tagged PERSON, "Tories" tagged NORP: the party either way
            key = "O:" + normalise(nickname)
            attach_new(ent, key, nickname, "organization", _clean(ent))
            continue
        if label == "PERSON" and ent[0].text in lexicon.LINK_WORDS and len(ent) > 1:
            ent = ent[1:]  # "Watch Bush": a web page's link text glued to the name
        if label == "PERSON":
            name, gender = _strip_person(ent)
            gender = gender or _honorific_before(ent)
            if not name or not name[0].isupper():
                continue
            if len(name.split()) == 1:
                pending_single.append((ent, name, gender))
                continue
            key = "P:" + normalise(name)
            # "Patricia Hewitt" and "Ms Patricia Hewitt" share a key
            if key not in actors:
                actors[key] = ActorInfo(key=key, name=name, type="person")
            a = actors[key]
            a.gender = a.gender or gender
            if a.role is None:
                a.role = _role_for(ent)
            attach(ent, key, ent.text if ent.text != name else name)
            continue
        text = _clean(ent)
        if not text:
            continue
        low = normalise(text)
        if label == "NORP" or label == "GPE" and low in lexicon.DEMONYMS:
            if low in lexicon.DEMONYMS:
                country = lexicon.DEMONYMS[low]
                country = lexicon.COUNTRY_ALIASES.get(country.lower(), country)
                key = "C:" + normalise(country)
                attach_new(ent, key, country, "country", text)
                continue
            key = "G:" + low
            attach_new(ent, key, text, "group", text)
            continue
        if label == "GPE":
            country = lexicon.COUNTRY_ALIASES.get(low, text)
            key = "C:" + normalise(country)
            attach_new(ent, key, country, "country", text)
            continue
        # ORG
        key = "O:" + low
        attach_new(ent, key, text, "organization", text)

    # pass 2: single-word persons join the full name that ends (or starts) with them
    persons = [a for a in actors.values() if a.type == "person"]
    for ent, name, gender in pending_single:
        low = name.lower()
        match = [a for a in persons if a.name.lower().split()[-1] == low]
        if not match:
            match = [a for a in persons if a.name.lower().split()[0] == low]
        if len(match) >= 1:
            # the most recently introduced full name wins a tie
            a = max(match, key=lambda a: (a.mentions[0].start <= ent.start, a.mentions[0].start))
            a.gender = a.gender or gender
            attach(ent, a.key, ent.text)
            continue
        key = "P:" + normalise(name)
        if key not in actors:
            actors[key] = ActorInfo(key=key, name=name, type="person", gender=gender)
        attach(ent, key, ent.text)

    _merge_organisations(actors, token_actor)
    _merge_surnames(actors, token_actor)
    _merge_same_names(actors, token_actor)
    _merge_demonyms(actors, token_actor)
    _propagate_names(doc, actors, token_actor, sent_of_token, quotes)

    for a in actors.values():
        if a.type == "person" and a.role is None:
            for m in a.mentions:
                a.role = _role_for(m)
                if a.role:
                    break
        # the fullest surface form is the canonical name
        if a.type in ("organization", "group"):
            longest = max([a.name, *a.aliases], key=len)
            if longest != a.name and _acronym(longest) != longest:
                a.aliases.add(a.name)
                a.name = longest
                a.aliases.discard(longest)

    starts = sorted((m.start_char, a.key) for a in actors.values() for m in a.mentions)
    return ActorIndex(
        doc=doc,
        actors=actors,
        token_actor=token_actor,
        mention_starts=starts,
        quotes=quotes,
        sent_index=sent_index,
        units=sentence_units(doc, quotes),
    )


def _move(src: ActorInfo, dst: ActorInfo, token_actor: dict[int, str]) -> None:
    dst.aliases.add(src.name)
    dst.aliases |= src.aliases
    dst.aliases.discard(dst.name)
    dst.mentions.extend(src.mentions)
    dst.weight += src.weight
    dst.subject_count += src.subject_count
    dst.first_sent = min(dst.first_sent, src.first_sent)
    for m in src.mentions:
        for t in m:
            token_actor[t.i] = dst.key


def _is_demonym(demonym: str, place: str) -> bool:
    """ "Maravian(s)" of "Maravia", "Kestlandic" of "Kestland": shared stem, usual endings."""
    d, p = demonym.lower(), place.lower()
    if lexicon.IRREGULAR_DEMONYMS.get(d, "").lower() == p:
        return True
    forms = [d[:-1]] if d.endswith("s") else [d]
    for f in forms:
        n = 0
        while n < min(len(f), len(p)) and f[n] == p[n]:
            n += 1
        if f == p or n < 4:
            continue
        if f[n:] in lexicon.DEMONYM_SUFFIXES and p[n:] in lexicon.PLACE_STEM_ENDINGS:
            return True
    return False


def _merge_demonyms(actors: dict[str, ActorInfo], token_actor: dict[int, str]) -> None:
    """A people or adjective ("Maravians", "Kestlandic") joins its country named in the text."""
    places = [a for a in actors.values() if a.type in ("country", "organization")]
    for a in list(actors.values()):
        # the NER tags some adjectives ORG ("Kestlandic" officials): one word, not a place
        if a.type != "group" and not (a.type == "organization" and " " not in a.name):
            continue
        hits = [
            c
            for c in places
            if c is not a and any(_is_demonym(a.name, n) for n in [c.name, *c.aliases])
        ]
        countries = [c for c in hits if c.type == "country"] or hits
        if len(countries) == 1:
            _move(a, countries[0], token_actor)
            countries[0].type = "country"
            del actors[a.key]
    # a capital acting ("Madrid insisted") is its government when the country is in the text
    for a in list(actors.values()):
        country = lexicon.CAPITALS.get(normalise(a.name))
        if country is None or a.subject_count == 0:
            continue
        country = lexicon.COUNTRY_ALIASES.get(country.lower(), country)
        target = actors.get("C:" + normalise(country))
        if target is not None and target is not a:
            _move(a, target, token_actor)
            del actors[a.key]


def _merge_same_names(actors: dict[str, ActorInfo], token_actor: dict[int, str]) -> None:
    """One name the NER tagged with several labels ("Croydon" GPE and ORG) is one actor."""
    by_name: dict[str, list[ActorInfo]] = {}
    for a in actors.values():
        by_name.setdefault(normalise(a.name), []).append(a)
    for same in by_name.values():
        if len(same) < 2:
            continue
        same.sort(key=lambda a: (-len(a.mentions), a.first_sent))
        dst = same[0]
        if any(a.type == "country" for a in same):
            dst.type = "country"  # a place tagged PERSON or ORG elsewhere is still the place
        for src in same[1:]:
            _move(src, dst, token_actor)
            del actors[src.key]


def _propagate_names(
    doc: Doc,
    actors: dict[str, ActorInfo],
    token_actor: dict[int, str],
    sent_of_token: dict[int, int],
    quotes: QuoteMap,
) -> None:
    """A name the NER tagged elsewhere but missed as a subject ("Maravia ordered") is that actor."""
    forms: dict[str, str] = {}
    for a in actors.values():
        if a.description:
            continue
        for n in [a.name, *a.aliases]:
            if " " not in n and n[:1].isupper() and len(n) > 2:
                forms.setdefault(n, a.key)
    if not forms:
        return
    for t in doc:
        key = forms.get(t.text)
        if key is None or t.i in token_actor or t.ent_type_ or t.dep_ not in _SUBJECT_DEPS:
            continue
        span = doc[t.i : t.i + 1]
        a = actors[key]
        a.mentions.append(span)
        a.weight += _mention_weight(span, quotes)
        if t.dep_ in _SUBJECT_DEPS:
            a.subject_count += 1
        a.first_sent = min(a.first_sent, sent_of_token.get(t.i, 10**6))
        token_actor[t.i] = key


def _merge_surnames(actors: dict[str, ActorInfo], token_actor: dict[int, str]) -> None:
    """A lone surname the NER tagged ORG or GPE ("Stoltenberg said") is that person."""
    persons: dict[str, list[ActorInfo]] = {}
    for a in actors.values():
        if a.type == "person" and len(a.name.split()) >= 2:
            persons.setdefault(a.name.split()[-1].lower(), []).append(a)
    for a in list(actors.values()):
        if len(a.name.split()) != 1:
            continue
        owners = persons.get(a.name.lower(), [])
        if len(owners) == 1 and owners[0] is not a:
            _move(a, owners[0], token_actor)
            del actors[a.key]


def _merge_organisations(actors: dict[str, ActorInfo], token_actor: dict[int, str]) -> None:
    """Acronym <-> expansion and "X" <-> "X Party" merges among organisations."""
    orgs = [a for a in actors.values() if a.type in ("organization", "group")]
    by_acronym: dict[str, ActorInfo] = {}
    for a in orgs:
        if len(a.name.split()) >= 2:
            acr = _acronym(a.name)
            if len(acr) >= 2:
                by_acronym[acr.lower()] = a
    # A one-word "person" the NER guessed ("Corvane blamed ...") may be a short form too.
    lone_persons = [a for a in actors.values() if a.type == "person" and len(a.name.split()) == 1]
    for a in orgs + lone_persons:
        target = None
        low = a.name.lower()
        if a.name.replace(".", "").isupper() and low.replace(".", "") in by_acronym:
            target = by_acronym[low.replace(".", "")]
        else:
            words = low.split()
            if len(words) >= 2 and words[-1] in _ORG_SUFFIXES:
                stem = " ".join(words[:-1])
                target = next((b for b in orgs if b.name.lower() == stem), None)
                if target is not None:
                    # keep the fuller form, drop the stem actor
                    target, a = a, target
            elif len(words) == 1:
                # "Lunetra" after "Lunetra Energy": a short form that opens exactly one
                # longer organisation name is that organisation.
                fuller = [
                    b for b in orgs if len(b.name.split()) >= 2 and b.name.split()[0].lower() == low
                ]
                target = fuller[0] if len(fuller) == 1 else None
        if target is None or target is a or a.key not in actors or target.key not in actors:
            continue
        target.aliases.add(a.name)
        target.aliases |= a.aliases
        target.mentions.extend(a.mentions)
        target.weight += a.weight
        target.first_sent = min(target.first_sent, a.first_sent)
        for m in a.mentions:
            for t in m:
                token_actor[t.i] = target.key
        del actors[a.key]


def _junk_name(name: str, doc: Doc) -> bool:
    """NER debris: handles, scores, or a common word capitalised at a sentence start."""
    if any(ch.isdigit() or ch in "@/#" for ch in name):
        return True
    if " " not in name and name[:1].isupper() and not name.isupper():
        low = name.lower()
        return low in token_texts(doc)
    return False


_WORD_INDEX: dict[int, dict[str, set[str]]] = {}


def _common_word_pos(word: str, doc: Doc) -> set[str]:
    """The parts of speech the lemmatizer's word index lists a lower-cased word under."""
    key = id(doc.vocab)
    if key not in _WORD_INDEX:
        index: dict[str, set[str]] = {}
        for nlp in analyse._nlp.values():
            if nlp.vocab is not doc.vocab or "lemmatizer" not in nlp.pipe_names:
                continue
            lookups = nlp.get_pipe("lemmatizer").lookups
            if "lemma_index" in lookups.tables:
                table = lookups.get_table("lemma_index")
                for pos in ("noun", "adj"):
                    for w in table.get(pos, []):
                        index.setdefault(w, set()).add(pos)
        _WORD_INDEX[key] = index
    return _WORD_INDEX[key].get(word, set())


def _starts_sentence(t: Token) -> bool:
    """First word of a sentence or paragraph, even where the parser ran two sentences on."""
    if t.is_sent_start or t.i == 0:
        return True
    prev = t.doc[t.i - 1]
    if prev.is_space:
        return "\n" in prev.text
    if prev.text in ('"', "”", "'", "’") and prev.i > 0:
        prev = t.doc[prev.i - 1]
    return prev.text in (".", "!", "?")


def _common_word(a: ActorInfo, doc: Doc) -> bool:
    """A one-word name that is an English word: an adjective ("Nasty", "Draconian"), or a
    common noun tagged a person named once as neither subject nor speaker ("Millennium")."""
    name = a.name
    if " " in name or name.isupper() or not name.isalpha():
        return False
    pos = _common_word_pos(name.lower(), doc)
    if "noun" in pos and a.speaker_count == 0 and all(_starts_sentence(m[0]) for m in a.mentions):
        return True  # capitalised only because it starts its sentences ("Sympathy came")
    if pos and "noun" not in pos and "adj" in pos:
        return a.speaker_count == 0
    return (
        a.type == "person"
        and "noun" in pos
        and len(a.mentions) == 1
        and a.subject_count == 0
        and a.speaker_count == 0
    )


def _office(a: ActorInfo) -> bool:
    """ "the first minister": an office one person holds, who the story names elsewhere."""
    return bool(a.mentions) and a.mentions[0][-1].lemma_.lower() in lexicon.OFFICE_TITLES


def _document(a: ActorInfo) -> bool:
    """An unnamed source that is a text ("a report", "the study"), not who acts or speaks."""
    return bool(a.mentions) and a.mentions[0][-1].lemma_.lower() in lexicon.DOCUMENT_NOUNS


def _passing(a: ActorInfo) -> bool:
    """Named once, outside the lead, as neither subject nor speaker."""
    return (
        len(a.mentions) == 1
        and a.subject_count == 0
        and a.speaker_count == 0
        and a.first_sent > 1
        and a.role is None
    )


def _known_states() -> set[str]:
    names = {*lexicon.DEMONYMS.values(), *lexicon.IRREGULAR_DEMONYMS.values()}
    names |= {*lexicon.COUNTRY_ALIASES.values(), *lexicon.CAPITALS.values()}
    return {normalise(n) for n in names}


_STATES = _known_states()


def _is_place(a: ActorInfo) -> bool:
    """A town or region (no known state, no demonym in the text): the setting, not an actor."""
    if a.type != "country" or a.names() & _STATES:
        return False
    return not any(_is_demonym(x, a.name) for x in a.aliases)


def actor_scores(index: ActorIndex) -> list[tuple[float, ActorInfo, bool]]:
    """Every actor with the rules' centrality score and whether the rules let it through
    (passing mentions, documents, NER debris and datelines do not), best first."""
    out = []
    for a in index.actors.values():
        lead = 1.5 if a.first_sent <= 1 else (0.5 if a.first_sent <= 3 else 0.0)
        unnamed = a.description and (a.speaker_count < 2 or _document(a) or _office(a))
        debris = _junk_name(a.name, index.doc) or _common_word(a, index.doc)
        # an upper-case place is a dateline ("OSLO, Norway (Wire) --"), not an actor
        dateline = _is_place(a) and a.name.isupper() and len(a.name) > 3
        eligible = not (unnamed or debris or dateline)
        score = a.weight + lead + 2.0 * a.speaker_count
        if a.type == "country" and a.subject_count == 0 and a.speaker_count == 0:
            score *= 0.3  # a place named, not a country acting
        elif _is_place(a) and a.speaker_count < 2:
            score = (score - lead) * 0.3  # a dateline or setting: no lead bonus either
        out.append((score, a, eligible))
    out.sort(key=lambda x: (-x[0], x[1].first_sent))
    return out


def to_actor(a: ActorInfo, salience: float, confidence: float | None = None) -> Actor:
    extra = {} if confidence is None else {"confidence": round(confidence, 3)}
    return Actor(
        name=a.name,
        type=a.type,
        aliases=sorted(a.aliases),
        role=a.role,
        mentions=len(a.mentions),
        salience=round(min(max(salience, 0.0), 1.0), 3),
        evidence=[span_evidence(a.mentions[0])] if a.mentions else [],
        **extra,
    )


def rank_actors(index: ActorIndex, max_actors: int = 8) -> list[Actor]:
    """The key actors, most central first: passing mentions and places drop out."""
    kept = rule_key_actors(index, max_actors)
    top = kept[0][0] if kept else 0.0
    return [to_actor(a, s / top if top else 0.0) for s, a in kept]


def rule_key_actors(index: ActorIndex, max_actors: int = 8) -> list[tuple[float, ActorInfo]]:
    """The rules' key actors with their scores, most central first."""
    scored = [(s, a) for s, a, eligible in actor_scores(index) if eligible]
    if not scored:
        return []
    top = scored[0][0]
    kept = [(s, a) for s, a in scored if s >= max(min(_REL * top, _CAP), _ABS)]
    if len(kept) > _LONG:
        # a long list: a single passing mention that neither acts nor speaks goes
        acting = [(s, a) for s, a in kept if not _passing(a)]
        kept = acting + [x for x in kept if _passing(x[1])][: max(0, _LONG - len(acting))]
        kept.sort(key=lambda x: (-x[0], x[1].first_sent))
    kept = kept[:max_actors]
    if len(kept) < 3:
        kept = scored[: min(3, len(scored), max_actors)]
    return kept
