"""Claims and denials: statements attributed to a speaker, read off the dependency parse.

One pass over the sentences finds every attribution (a reporting verb with its subject,
"according to X", a quote carried on from an attributed sentence); each is then sorted
into claim or denial. A denial is never also a claim.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass

from spacy.tokens import Span, Token

from summarizer.postprocess import lexicon
from summarizer.postprocess.actors import ActorIndex, ActorInfo, normalise
from summarizer.postprocess.evidence import doc_text, span_evidence
from summarizer.schema import Claim, Denial, Evidence

_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
_PLURAL_PRONOUNS = {"they", "them"}
# titles that stay part of a name ("Lord Carlile")
_PEERAGE = {"lord", "lady", "baroness", "baron", "dame", "sir"}
# roles whose holder "the minister" may be ("Trade and Industry Secretary")
_MINISTERIAL = ("minister", "secretary")
_CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "parataxis", "dobj", "conj"}
_RELATIVE_DEPS = {"relcl", "acl", "advcl", "prep", "punct", "cc", "conj"}
# Claim ranking: a weighted sum of seven readings of each candidate (claim_readings).
# The weights are a logistic regression fitted on the 21 hand-annotated dev articles
# (../shared/eval/dev-gold.jsonl) and checked article by article, each left out of its
# own fit (bench/claim_ranking.py prints both), then rounded. What it learned is
# newsroom common sense: a story's central claims come from its named main actors,
# early, in the words of the lead; a speaker's later lines, "he added" and sentences
# that are nearly all quotation are colour.
CLAIM_WEIGHTS = {
    "salience": 0.5,  # the speaker's salience, relative to the story's top actor
    "position": 0.5,  # 1 at the lead, 0 at the last line
    "lead_overlap": 1.0,  # share of the lead's content words the sentence repeats
    "quoted": -1.2,  # share of the sentence inside quotation marks
    "later_line": -1.1,  # min(earlier lines of the same speaker, 3) / 3
    "added": -0.9,  # "he added": a rider on a statement already made
    "known_speaker": 0.8,  # the speaker is one of the story's actors, not a stray phrase
}


@dataclass
class Attribution:
    """One attributed statement before it becomes a Claim or a Denial."""

    sent_no: int
    sent: Span
    speaker: str
    actor: ActorInfo | None
    statement: str
    direct: bool
    denial: bool
    evidence: Evidence
    continuation: bool = False
    verb: Token | None = None
    criticism: bool = False  # a denial only by running down a plan, not by rejecting


def _is_reporting(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if lemma == "hit":
        # "hit back at": the newsroom's rebuttal idiom
        return any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in tok.children)
    # a verb the tagger took for a plural noun ("the leader brands them ..."): it is the
    # clause's root and has a subject
    mistagged = tok.pos_ == "NOUN" and tok.dep_ == "ROOT" and _has_dep(tok, "nsubj")
    if (
        tok.pos_ not in ("VERB", "AUX")
        and not (tok.pos_ == "NOUN" and lemma == "accord")
        and not mistagged
    ):
        return False
    if lemma == "read":
        # "a statement from the family read: ...": a document's words
        return any(
            c.dep_ == "nsubj" and c.lemma_.lower() in lexicon.DOCUMENT_NOUNS for c in tok.children
        )
    if lemma == "call":
        # "called the ordeal 'heartbreaking'": naming something so is a verdict on it
        # ("called for", "called a strike" have no second object)
        if _has_dep(tok, "xcomp") and any(
            c.dep_ == "prep" and c.lower_ in ("on", "upon") for c in tok.children
        ):
            return True  # "called on ministers to resign": a demand, like "urged"
        return _has_dep(tok, "dobj") and _has_dep(tok, "oprd")
    return lemma in lexicon.REPORTING_VERBS or lemma in lexicon.DENIAL_VERBS


def _has_dep(tok: Token, dep: str) -> bool:
    return any(c.dep_ == dep for c in tok.children)


def _by_doing(verb: Token) -> Token | None:
    """ "responded by accusing ...": the action the answer consists of."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            return next((g for g in c.children if g.dep_ == "pcomp"), None)
    return None


def _nested_report(verb: Token) -> bool:
    """A reporting verb inside what another reporting verb reports ("X said Y said ...")."""
    tok = verb
    while tok.dep_ in ("ccomp", "xcomp") and tok.head is not tok:
        tok = tok.head
        if _is_reporting(tok) and any(c.dep_ == "nsubj" for c in tok.children):
            return True
    return False


def _alleged(sent: Span) -> Token | None:
    """ "X expelled them for allegedly spying": the subject whose allegation it is."""
    for tok in sent:
        if tok.lower_ == "allegedly" and not sent.doc[tok.i - 1 : tok.i + 1].text.startswith('"'):
            root = sent.root
            subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.i < tok.i and subj.pos_ in ("PROPN", "NOUN"):
                return subj
    return None


def _trailing_source(sent: Span) -> Span | None:
    """ "..., a new study shows.": a source named after the statement, which the parser
    often reads as a noun phrase ("study shows") rather than subject and verb."""
    words = [t for t in sent if not t.is_space]
    while words and words[-1].is_punct:
        words = words[:-1]
    if len(words) < 4 or words[-1].lower_ not in lexicon.TRAILING_REPORT_WORDS:
        return None
    comma = next((i for i in range(len(words) - 2, 0, -1) if words[i].text == ","), None)
    if comma is None or len(words) - 1 - comma > 6:
        return None
    source = words[comma + 1 : -1]
    if not source or source[-1].lemma_.lower() not in lexicon.DOCUMENT_NOUNS:
        return None
    return sent.doc[source[0].i : source[-1].i + 1]


def _subject(verb: Token) -> Token | None:
    """The speaker token of a reporting verb: its subject, an agent, or its head's subject."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects:
        # "ex-Tory trade secretary Anna Briggs recalled": the tagger may hang a stray
        # adjective on the verb as a second subject; the noun is the speaker
        nouns = [c for c in subjects if c.pos_ in ("PROPN", "NOUN", "PRON")]
        return nouns[0] if nouns else subjects[0]
    for child in verb.children:
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    if _has_dep(verb, "nsubjpass") or _has_dep(verb, "auxpass"):
        # "has been branded a 'disgraceful waste' by MPs": the parser may hang the agent
        # on the object
        for t in verb.subtree:
            if (
                t.lower_ == "by"
                and t.i > verb.i
                and t.head.dep_ in ("dobj", "oprd", "attr")
                and t.head.head.i == verb.i
            ):
                pobj = next((g for g in t.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
    # "..., adding that ...", "and said ...": the subject of the verb it hangs on
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None
        for child in verb.head.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _in_withheld_matter(verb: Token) -> bool:
    """A report inside what someone would not take up ("would not discuss reports the
    party repaid the loan after he predicted defeat"): the story does not assert it."""
    tok = verb
    while tok.head.i != tok.i:
        tok = tok.head
        withheld = _has_dep(tok, "neg") or tok.head.lemma_.lower() in lexicon.REFUSAL_VERBS
        if tok.pos_ == "VERB" and tok.lemma_.lower() in lexicon.WITHHELD_TOPIC_VERBS and withheld:
            return True
    return False


def _governs_statement(verb: Token, has_quote: bool) -> bool:
    """Whether the verb really reports something (a clause, an object, a quote)."""
    lemma = verb.lemma_.lower()
    deps = {c.dep_ for c in verb.children}
    if lemma in lexicon.DENIAL_VERBS:
        return bool(deps & {"dobj", "ccomp", "prep", "nsubjpass", "xcomp", "agent"}) or has_quote
    if "ccomp" in deps or "parataxis" in deps:
        return True
    if lemma in ("find", "show"):
        return False  # "a poll found that ..." reports; "help graduates find jobs" does not
    if lemma in lexicon.REBUTTAL_VERBS and _by_doing(verb) is not None:
        return True
    if verb.dep_ in ("parataxis",) or verb.dep_ == "ccomp" and verb.head.i < verb.i:
        # "Taxes will rise, Tory leader Michael Howard has claimed.": the parser may hang
        # a trailing reporting clause on the statement it reports
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        left = subj.left_edge.i if subj is not None else verb.sent.start
        if (
            not has_quote
            and subj is not None
            and left > verb.sent.start
            and verb.doc[left - 1].text == ","
            and not deps & {"dobj", "ccomp", "xcomp"}
        ):
            return True
        return has_quote
    if lemma == "call":
        return True  # _is_reporting took only "call X Y" and "call on X to"
    if lemma in lexicon.COMMISSIVE_VERBS and "xcomp" in deps:
        return True  # "vowed to put Africa at the top of his agenda"
    if lemma == "describe" and any(c.dep_ == "prep" and c.lower_ == "as" for c in verb.children):
        return True  # "described him as a 'true family man'"
    if lemma in lexicon.WEAK_REPORTING_VERBS:
        return False
    if lemma in lexicon.OBJECT_REPORTING_VERBS:
        return bool(deps & {"dobj", "prep", "xcomp", "ccomp", "oprd", "agent"}) or has_quote
    if lemma == "tell" and "dobj" in deps:
        return True
    return has_quote


def _speaker_phrase(tok: Token) -> str:
    """The subject noun phrase without relative clauses and trailing appositions."""
    keep = [tok]
    for child in tok.children:
        if (
            child.i < tok.i
            and child.dep_ not in ("punct", "cc")
            or child.i > tok.i
            and child.dep_ == "prep"
            and child.lower_ in ("of", "for", "at")
            or child.i > tok.i
            and child.dep_ == "compound"
        ):
            keep.extend(child.subtree)
    idx = sorted(t.i for t in keep)
    doc = tok.doc
    text = doc[idx[0] : idx[-1] + 1].text
    return text.replace("\n", " ").strip(" ,")


class SpeakerResolver:
    """Turns a subject token into a speaker: an actor name or a description."""

    def __init__(self, index: ActorIndex, register: bool = False):
        self.index = index
        self.register = register  # create actors for unnamed sources (attribution only)
        self.descriptions: list[tuple[str, str]] = []  # (head lemma, description)
        self.last_speaker: ActorInfo | None = None
        self.spoke: dict[int, list[ActorInfo]] = {}  # sentence start token -> its speakers
        self.last_person: ActorInfo | None = None  # the last named person who spoke
        # document noun -> its author ("a report by the NAO": "the report" is the NAO's)
        self.authors: dict[str, tuple[str, ActorInfo | None]] = {}

    def heard(self, tok: Token, actor: ActorInfo) -> None:
        """Remember that actor speaks in tok's sentence (a later "she said" may be them)."""
        self.last_speaker = actor
        if actor.type == "person" and not actor.description:
            self.last_person = actor
        self.spoke.setdefault(tok.sent.start, []).append(actor)

    def _subject_person(self, subj: Token, gender: str) -> ActorInfo | None:
        """The person a subject names: itself, its name compound or apposition, or its
        possessor ("Mr Campbell's e-mail ... In it, he said")."""
        for t in (subj, *(c for c in subj.children if c.dep_ in ("appos", "compound", "poss"))):
            a = self.index.actor_of_token(t)
            if a is not None and a.type == "person" and (a.gender or gender) == gender:
                return a
        return None

    def _antecedent(self, tok: Token, gender: str) -> ActorInfo | None:
        """ "he"/"she" opening a report: the nearest speaker or grammatical subject of the
        same sentence or of the two before that fits the pronoun (a sentence's subject
        is the likeliest referent of the next one's pronoun; a person named only as an
        object or inside a quote is not), else the last fitting person mentioned."""
        index = self.index
        doc = tok.doc
        sent = tok.sent
        for _ in range(3):
            fits = [
                a
                for a in self.spoke.get(sent.start, [])
                if a.type == "person" and (a.gender or gender) == gender
            ]
            for t in range(sent.start, min(sent.end, tok.i)):
                word = doc[t]
                if word.dep_ in ("nsubj", "nsubjpass") and not index.quotes.inside(word.idx):
                    a = self._subject_person(word, gender)
                    if a is not None:
                        fits.append(a)
            if fits:
                return fits[0]
            if sent.start == 0:
                break
            sent = doc[sent.start - 1].sent
        return index.last_before(tok.idx, {"person"}, gender)

    def resolve(self, tok: Token) -> tuple[str, ActorInfo | None]:
        index = self.index
        low = tok.lower_
        if low in _PRONOUN_GENDER:
            a = self._antecedent(tok, _PRONOUN_GENDER[low])
            if a is not None:
                return a.name, a
            return tok.text, None
        if low in ("who", "that") and tok.head.dep_ == "relcl" and tok.head.head.i != tok.i:
            # "people who said that ...": the relative clause's antecedent speaks
            return self.resolve(tok.head.head)
        if low in _PLURAL_PRONOUNS or low == "it":
            types = {"organization", "country", "group"}
            a = index.last_before(tok.idx, types)
            if a is not None:
                return a.name, a
            return tok.text, None
        if low in ("i", "we"):
            if self.last_speaker is not None:
                return self.last_speaker.name, self.last_speaker
            return tok.text, None
        phrase_tokens = [t for t in tok.subtree if t.i <= tok.i or t.dep_ == "compound"]
        # a named entity in the phrase: the actor itself, unless it only qualifies a
        # person-like description ("a Cabinet Office spokeswoman")
        actor = index.actor_of_token(tok) or self._missed_name(tok)
        if actor is not None:
            return actor.name, actor
        # "a member of the Campaign for Fair Rents, Maria Holt, said": the person in
        # apposition speaks (the parser may hang the apposition on the inner noun of an
        # "of"/"for" phrase, never deeper)
        hosts = [tok]
        for host in hosts:  # along a chain of "of"/"for" phrases, nothing else
            if len(hosts) > 4:
                break
            hosts += [
                g
                for c in host.children
                if c.dep_ == "prep" and c.lower_ in ("of", "for")
                for g in c.children
                if g.dep_ == "pobj"
            ]
        for host in hosts:
            for t in host.children:
                if t.dep_ != "appos" or t.i < tok.i:
                    continue
                named = index.actor_of_token(t) or self._missed_name(t)
                if named is not None and named.type == "person":
                    return named.name, named
        lemma = tok.lemma_.lower()
        if lemma in lexicon.DOCUMENT_NOUNS:
            # "a statement from the family", "a report by the auditors": the author speaks,
            # and goes on speaking through "the report"
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ in ("from", "by"):
                    author = next((g for g in child.children if g.dep_ == "pobj"), None)
                    if author is not None:
                        speaker, actor = self.resolve(author)
                        self.authors[lemma] = (speaker, actor)
                        return speaker, actor
            first = tok.doc[tok.left_edge.i].lower_ if tok.left_edge.i < tok.i else ""
            if first in ("the", "this", "its") and lemma in self.authors:
                return self.authors[lemma]
        inner = index.actor_in(phrase_tokens)
        if inner is not None:
            if lemma in lexicon.STATE_BODIES and inner.type == "country":
                return inner.name, inner
            if inner.type in ("organization", "country") and lemma in (
                "ministry",
                "department",
                "government",
                "office",
            ):
                return inner.name, inner
        # "the prime minister", "the Tory leader": a title some actor holds
        phrase = _speaker_phrase(tok)
        person = index.person_by_surname(phrase)
        if person is not None:
            return person.name, person
        key = normalise(phrase)
        for a in index.actors.values():
            if (
                a.type == "person"
                and a.role
                and (key == normalise(a.role) or (len(key) > 4 and key in normalise(a.role)))
            ):
                return a.name, a
        if inner is not None and lemma not in lexicon.SPEAKER_NOUNS:
            return inner.name, inner
        if inner is not None and inner.type == "organization":
            # "a London Ambulance Service spokesman": the organisation speaks through them
            self.descriptions.append((lemma, phrase))
            return phrase, inner
        # "the official" after "a senior EU official": the earlier description
        first = tok.doc[tok.left_edge.i].lower_ if tok.left_edge.i < tok.i else ""
        if first in ("the", "this", "that") and lemma in lexicon.SPEAKER_NOUNS:
            for head, desc in reversed(self.descriptions):
                if head == lemma:
                    return desc, self._description_actor(desc, tok)
            # "The minister told delegates" after Ms Hewitt's lines: a bare office title
            # with the definite article takes up the named person who has been speaking
            last = self.last_person
            if (
                first == "the"
                and lemma in lexicon.OFFICE_TITLES
                and tok.i - tok.left_edge.i == 1
                and last is not None
                and (last.role is None or any(w in last.role.lower() for w in _MINISTERIAL))
            ):
                return last.name, last
        if lemma in lexicon.SPEAKER_NOUNS:
            self.descriptions.append((lemma, phrase))
            return phrase, self._description_actor(phrase, tok)
        return phrase, None

    def _missed_name(self, tok: Token) -> ActorInfo | None:
        """A speaker's name the recogniser missed: a first name and a surname ("The Shadow
        Secretary for the Family, Theresa May, said", "May" read as a month) or a peer
        ("Liberal Democrat peer Lord Carlile said")."""
        if not self.register or tok.pos_ != "PROPN" or not tok.is_title or tok.i == 0:
            return None
        before = tok.doc[tok.i - 1]
        if before.lower_ in _PEERAGE:
            span = tok.doc[tok.i - 1 : tok.i + 1]  # "Liberal Democrat peer Lord Carlile"
        else:
            words = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i] + [tok]
            if len(words) != 2 or not all(w.pos_ == "PROPN" and w.is_title for w in words):
                return None
            if words[0].i != tok.i - 1 or words[0].lower_ in lexicon.HONORIFICS:
                return None
            span = tok.doc[words[0].i : tok.i + 1]
        # an entity the index left out on purpose (the outlet) stays out; only a name
        # the recogniser missed, or read as a date, is taken up
        if any(self.index.token_actor.get(t.i) or t.ent_type_ not in ("", "DATE") for t in span):
            return None
        key = "P:" + normalise(span.text)
        actors = self.index.actors
        if key not in actors:
            sent_no = self.index.sent_index.get(tok.sent.start, 10**6)
            actors[key] = ActorInfo(
                key=key, name=span.text, type="person", mentions=[span], first_sent=sent_no
            )
        for t in span:
            self.index.token_actor[t.i] = key
        insort(self.index.mention_starts, (span.start_char, key))
        return actors[key]

    def _description_actor(self, phrase: str, tok: Token) -> ActorInfo | None:
        """An unnamed source that speaks ("a senior EU official") as an actor of its own;
        it is listed among key actors only if it speaks more than once."""
        if not self.register:
            return None
        key = "D:" + normalise(phrase)
        actors = self.index.actors
        if key not in actors:
            kind = "group" if tok.tag_ in ("NNS", "NNPS") else "person"
            sent_no = self.index.sent_index.get(tok.sent.start, 10**6)
            span = tok.doc[tok.left_edge.i : tok.i + 1]
            actors[key] = ActorInfo(
                key=key, name=phrase, type=kind, mentions=[span], first_sent=sent_no
            )
            actors[key].description = True
        else:
            actors[key].aliases.add(tok.doc[tok.left_edge.i : tok.i + 1].text)
            actors[key].aliases.discard(phrase)
        return actors[key]


def _statement(sent: Span, verb: Token | None, quotes) -> tuple[str, bool]:
    """The reported content: the quote if there is one, else the complement clause."""
    doc = sent.doc
    spans = quotes.overlapping(sent.start_char, sent.end_char)
    if spans:
        s, e = spans[0][0], spans[-1][1]
        s, e = max(s, sent.start_char), min(e, sent.end_char)
        text = doc_text(doc)[s:e].strip(" \"“”‘’'\n").rstrip(",")
        if len(text.split()) >= 3:
            return text.replace("\n", " "), True
    if verb is not None:
        for child in verb.children:
            if child.dep_ in ("ccomp", "xcomp", "dobj") and child.i > verb.i:
                sub = list(child.subtree)
                text = doc[sub[0].i : sub[-1].i + 1].text
                if len(text.split()) >= 3:
                    if text.lower().startswith("that "):
                        text = text[5:]
                    return text.replace("\n", " "), False
    return sent.text.strip().replace("\n", " "), False


def _denial_word(tok: Token) -> bool:
    """A dismissive word used of the thing disputed ("called it groundless", "baseless
    allegations"), not in passing ("the wrong kind of journalist")."""
    if tok.lower_ not in lexicon.DENIAL_WORDS:
        return False
    if tok.dep_ in ("amod", "compound"):
        return tok.head.lemma_.lower() in lexicon.DISPUTED_NOUNS
    return True


def _negated_report(verb: Token) -> bool:
    """The reported clause itself is negated ("said the move was not about ...")."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            if any(c.dep_ == "neg" for c in child.children):
                return True
            if any(c.lower_ == "no" and c.dep_ == "det" for c in child.subtree):
                return True
    return False


def _about_assertion(verb: Token) -> bool:
    """The report's object, or its clause's subject, is an earlier assertion ("the claim",
    "such criticisms", "these allegations")."""
    heads = [c for c in verb.children if c.dep_ == "dobj"]
    for c in verb.children:
        if c.dep_ == "ccomp":
            heads.extend(g for g in c.children if g.dep_ in ("nsubj", "nsubjpass"))
    for h in heads:
        if h.lemma_.lower() in lexicon.ASSERTION_NOUNS and any(
            d.dep_ in ("det", "amod", "predet")
            and d.lower_ in ("the", "such", "these", "those", "this", "that")
            for d in h.children
        ):
            return True
    return False


def _criticises_plan(region: list[Token]) -> bool:
    """The statement runs down another party's plan or move: a plan noun with a critical
    word over it or on it ("firms could be crippled by the move", "Bush's attempt ...
    ignores ...", "a very bad bill")."""
    for tok in region:
        if tok.lemma_.lower() not in lexicon.CRITICISED_PLAN_NOUNS or tok.pos_ != "NOUN":
            continue
        if any(
            c.dep_ == "amod" and c.lemma_.lower() in lexicon.CRITICISM_WORDS for c in tok.children
        ):
            return True
        head, steps = tok, 0
        while head.head is not head and steps < 3:
            head = head.head
            steps += 1
            if head.pos_ in ("VERB", "ADJ") and head.lemma_.lower() in lexicon.CRITICISM_WORDS:
                # "the plan will not hurt families" defends the plan
                return not _has_dep(head, "neg")
            if head.pos_ == "VERB" and (
                head.lemma_.lower() in lexicon.REPORTING_VERBS
                or head.lemma_.lower() in lexicon.DENIAL_VERBS
            ):
                break
    return False


def _is_denial(sent: Span, verb: Token | None) -> bool:
    low = sent.text.lower()
    if any(p in low for p in lexicon.NOT_DENIAL_PHRASES):
        return False
    if verb is not None:
        negated = any(c.dep_ == "neg" for c in verb.children)
        if verb.lemma_.lower() in lexicon.DENIAL_VERBS and not negated:
            return True
        if verb.lemma_.lower() in lexicon.REBUTTAL_VERBS:
            return True
        # "says the claim would mean ...", "brands such criticisms as ...": a report
        # about someone else's assertion answers it
        if _about_assertion(verb):
            return True
        # "insisted it had not ...": an insistence on a negative answers a charge
        if verb.lemma_.lower() in lexicon.INSIST_VERBS and _negated_report(verb):
            return True
        # "But X said ... not ...": a contrasting, negated report answers someone, and
        # so does a contrasting insistence ("But the party insisted ...")
        first = sent[0].lower_
        if first in lexicon.CONTRAST_OPENERS and (
            _negated_report(verb) or verb.lemma_.lower() in lexicon.INSIST_VERBS | {"accuse"}
        ):
            return True
    if any(p in low for p in lexicon.DENIAL_PHRASES):
        return True
    region = list(verb.subtree) if verb is not None else list(sent)
    return any(_denial_word(t) for t in region)


def _link_line(sent: Span) -> bool:
    """Page furniture pointing to another item ("Watch X criticize Y »"), not reporting."""
    text = sent.text.strip()
    return bool(text) and text.split()[0] in lexicon.LINK_WORDS and text.endswith("»")


def find_attributions(index: ActorIndex) -> list[Attribution]:
    """Every attributed statement of the Doc, in text order."""
    doc = index.doc
    quotes = index.quotes
    resolver = SpeakerResolver(index, register=True)
    found: list[Attribution] = []
    quote_owner: dict[tuple[int, int], Attribution] = {}
    for sent_no, sent in enumerate(index.units):
        if _link_line(sent):
            continue
        sent_quotes = quotes.overlapping(sent.start_char, sent.end_char)
        has_quote = bool(sent_quotes)
        items: list[Attribution] = []
        speakers_seen: set[str] = set()
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                pobj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
                if pobj is None:
                    continue
                speaker, actor = resolver.resolve(pobj)
                items.append(
                    _make(sent_no, sent, speaker, actor, None, quotes, has_quote=has_quote)
                )
                speakers_seen.add(speaker)
                continue
            if not _is_reporting(tok) or quotes.inside(tok.idx):
                continue
            # "he would not discuss the reports": a report withheld asserts nothing
            if _has_dep(tok, "neg") and tok.lemma_.lower() not in lexicon.DENIAL_VERBS:
                continue
            if _nested_report(tok) or _in_withheld_matter(tok):
                continue
            # "sought to question his role", "wants to warn": an aim, not a report
            if (
                tok.dep_ == "xcomp"
                and tok.lemma_.lower() not in lexicon.DENIAL_VERBS
                and not _is_reporting(tok.head)
                and not has_quote
            ):
                continue
            if not _governs_statement(tok, has_quote):
                continue
            subj = _subject(tok)
            if subj is None:
                continue
            if subj.lower_ in ("i", "you", "we") and not has_quote:
                continue
            speaker, actor = resolver.resolve(subj)
            if speaker in speakers_seen:
                continue
            if (
                tok.lemma_.lower() in lexicon.COMMISSIVE_VERBS
                and actor is None
                and subj.pos_ == "NOUN"
                and subj.lemma_.lower() not in lexicon.SPEAKER_NOUNS
            ):
                continue  # "falling prices threaten to ...": no one promises anything
            speakers_seen.add(speaker)
            items.append(_make(sent_no, sent, speaker, actor, tok, quotes, has_quote=has_quote))
        if not items:
            alleged = _alleged(sent)
            if alleged is not None:
                speaker, actor = resolver.resolve(alleged)
                items.append(_make(sent_no, sent, speaker, actor, None, quotes, has_quote))
        if not items:
            source = _trailing_source(sent)
            if source is not None:
                speaker, actor = resolver.resolve(source.root)
                if actor is None:
                    speaker = source.text
                items.append(_make(sent_no, sent, speaker, actor, None, quotes, has_quote))
        if not items and has_quote:
            # a quote carried on from an attributed sentence ("...," she said. "More.")
            prev = found[-1] if found else None
            owner = next((quote_owner[q] for q in sent_quotes if q in quote_owner), None)
            if (
                owner is None
                and prev is not None
                and prev.sent_no == sent_no - 1
                and quotes.quoted_share(sent.start_char, sent.end_char) > 0.6
            ):
                owner = prev
            if owner is not None:
                item = _make(sent_no, sent, owner.speaker, owner.actor, None, quotes, True)
                item.continuation = True
                # the rest of a rebuttal's quote carries the rebuttal on
                item.denial = item.denial or (owner.denial and not owner.criticism)
                items.append(item)
        for item in items:
            if item.actor is not None:
                resolver.heard(item.sent[0], item.actor)
            for q in sent_quotes:
                quote_owner.setdefault(q, item)
        found.extend(items)
    return found


def _make(sent_no, sent, speaker, actor, verb, quotes, has_quote) -> Attribution:
    statement, direct = _statement(sent, verb, quotes)
    denial = _is_denial(sent, verb)
    region = list(verb.subtree) if verb is not None else list(sent)
    criticism = not denial and _criticises_plan(region)
    return Attribution(
        sent_no=sent_no,
        sent=sent,
        speaker=speaker,
        actor=actor,
        statement=statement,
        direct=direct and has_quote,
        denial=denial or criticism,
        evidence=span_evidence(sent),
        verb=verb,
        criticism=criticism,
    )


def _content_lemmas(span: Span) -> set[str]:
    return {t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop and len(t) > 2}


def claim_readings(
    attributions: list[Attribution], index: ActorIndex
) -> list[tuple[Attribution, dict[str, float]]]:
    """Each claim candidate (one per sentence) with the readings CLAIM_WEIGHTS weighs."""
    # quote sentences carried on from an earlier attribution add colour, not claims
    claims = [a for a in attributions if not a.denial and not a.continuation]
    # one claim per sentence: the first attribution in it; none in a denial's sentence
    # (a denial is never also a claim)
    seen: set[int] = {a.sent_no for a in attributions if a.denial}
    unique = []
    for a in claims:
        if a.sent_no not in seen:
            seen.add(a.sent_no)
            unique.append(a)
    sents = index.units
    lead = _content_lemmas(sents[0]) if sents else set()
    n = max(len(sents), 1)
    top_weight = max((x.weight + 2 * x.speaker_count for x in index.actors.values()), default=1)
    # a speaker's later lines count for less than their first: the claims kept cover the
    # story's voices rather than one witness's every remark
    nth: dict[str, int] = {}
    out = []
    for a in unique:
        key = a.actor.key if a.actor is not None else normalise(a.speaker)
        turn = nth.get(key, 0)
        nth[key] = turn + 1
        words = _content_lemmas(a.sent)
        readings = {
            "salience": (
                (a.actor.weight + 2 * a.actor.speaker_count) / top_weight if a.actor else 0.2
            ),
            "position": 1.0 - a.sent_no / n,
            "lead_overlap": len(words & lead) / max(len(lead), 1),
            "quoted": index.quotes.quoted_share(a.sent.start_char, a.sent.end_char),
            "later_line": min(turn, 3) / 3,
            "added": float(a.verb is not None and a.verb.lemma_.lower() == "add"),
            "known_speaker": float(a.actor is not None),
        }
        out.append((a, readings))
    return out


def rank_claims(
    attributions: list[Attribution], index: ActorIndex, max_claims: int = 8
) -> list[Attribution]:
    """The max_claims most central non-denial attributions, back in text order."""

    def score(item: tuple[Attribution, dict[str, float]]) -> float:
        return sum(CLAIM_WEIGHTS[k] * v for k, v in item[1].items())

    best = sorted(claim_readings(attributions, index), key=score, reverse=True)[:max_claims]
    return sorted((a for a, _ in best), key=lambda a: a.sent_no)


def to_claims(items: list[Attribution]) -> list[Claim]:
    return [
        Claim(
            id=f"c{i}",
            speaker=a.speaker,
            statement=a.statement,
            direct_quote=a.direct,
            evidence=a.evidence,
        )
        for i, a in enumerate(items, 1)
    ]


def to_denials(items: list[Attribution], rebuts: list[str | None]) -> list[Denial]:
    return [
        Denial(id=f"d{i}", speaker=a.speaker, statement=a.statement, rebuts=r, evidence=a.evidence)
        for i, (a, r) in enumerate(zip(items, rebuts, strict=True), 1)
    ]


__all__ = [
    "CLAIM_WEIGHTS",
    "Attribution",
    "claim_readings",
    "find_attributions",
    "rank_claims",
    "to_claims",
    "to_denials",
]
