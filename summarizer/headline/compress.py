"""Deletion-based headline compression of a lead sentence (after Filippova & Altun 2013).

Why: a newsroom headline is mostly the lead sentence with words deleted. A token classifier
trained on real headline/lead pairs (``summarizer.headline.train``) scores each token of
the lead's dependency tree for "keep"; the decoder then picks the best-scoring subtree under
tree constraints (a kept word keeps its head; a kept verb keeps its subject, object and
auxiliaries; a kept preposition keeps its object) within the headline's length, and
``style`` rewrites it the way headlines are written ("has called for" -> "calls for",
no articles). Inference is a dot product over JSON weights: no scikit-learn needed.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span, Token

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "headline.json"
MAX_WORDS = 12
MAX_CHARS = 90

# Dependents a kept head cannot do without (a headline with a verb but not its subject or
# object, or a preposition without its object, is a fragment).
FORCED_DEPS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "csubj",
        "dobj",
        "pobj",
        "pcomp",
        "neg",
        "prt",
        "case",
        "aux",
        "auxpass",
        "attr",
        "acomp",
        "oprd",
        "expl",
        "dative",
        "mark",
    }
)
ARTICLES = frozenset({"a", "an", "the"})
REPORTING = frozenset(
    {"say", "tell", "report", "announce", "claim", "reveal", "warn", "insist", "confirm"}
)
_BE_HAVE_AUX = frozenset({"be", "have"})
_POSSESSIVES = frozenset({"its", "their"})


# ----------------------------------------------------------------------------- features


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _depth(tok: Token, root: Token) -> int:
    depth = 0
    while tok.i != root.i and tok.head.i != tok.i and depth < 50:
        tok = tok.head
        depth += 1
    return depth


def token_features(tok: Token, sent: Span, vocab: frozenset[str] | None = None) -> list[str]:
    """String features of one token of the lead sentence (shared by training and inference).

    ``vocab`` limits lexical features to words seen often enough in training (None: all).
    """
    head = tok.head
    root = sent.root
    rel = (tok.i - sent.start) / max(1, len(sent) - 1)
    lower = tok.lower_
    lemma = tok.lemma_.lower()
    in_paren = any(t.text == "(" for t in sent[: tok.i - sent.start]) and not any(
        t.text == ")" for t in sent[: tok.i - sent.start]
    )
    feats = [
        "bias",
        f"dep={tok.dep_}",
        f"pos={tok.pos_}",
        f"tag={tok.tag_}",
        f"dep|hdep={tok.dep_}|{head.dep_}",
        f"dep|hpos={tok.dep_}|{head.pos_}",
        f"pos|hpos={tok.pos_}|{head.pos_}",
        f"dep|pos={tok.dep_}|{tok.pos_}",
        f"ent={tok.ent_type_ or '-'}",
        f"ent|iob={tok.ent_type_ or '-'}|{tok.ent_iob_}",
        f"stop={tok.is_stop}",
        f"punct={tok.is_punct}",
        f"num={tok.like_num}",
        f"title={tok.is_title}",
        f"depth={_bucket(_depth(tok, root), (0, 1, 2, 3, 4, 6))}",
        f"relpos={min(4, int(rel * 5))}",
        f"abspos={_bucket(tok.i - sent.start, (0, 2, 5, 10, 15, 25))}",
        f"subtree={_bucket(len(list(tok.subtree)), (1, 2, 4, 8, 16))}",
        f"nchild={_bucket(len(list(tok.children)), (0, 1, 2, 4))}",
        f"left={head.i > tok.i}",
        f"paren={in_paren}",
        f"root={tok.i == root.i}",
        f"hroot={head.i == root.i}",
        f"hdep|hhdep={head.dep_}|{head.head.dep_}",
        f"dep|hdep|hhdep={tok.dep_}|{head.dep_}|{head.head.dep_}",
        f"len={_bucket(len(sent), (10, 20, 30, 45))}",
    ]
    if head.lemma_.lower() in REPORTING:
        feats.append(f"under_report={tok.dep_}")
    if vocab is None or lemma in vocab:
        feats.append(f"lemma={lemma}")
        feats.append(f"lemma|dep={lemma}|{tok.dep_}")
    hl = head.lemma_.lower()
    if vocab is None or hl in vocab:
        feats.append(f"hlemma|dep={hl}|{tok.dep_}")
    if lower in ARTICLES:
        feats.append("article")
    return feats


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    vocab: frozenset[str]
    bias: float  # subtracted from each token's log-odds when decoding (length control)
    max_words: int
    min_words: int

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        decode = data.get("decode", {})
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            vocab=frozenset(data.get("vocab", [])),
            bias=float(decode.get("bias", 0.0)),
            max_words=int(decode.get("max_words", MAX_WORDS)),
            min_words=int(decode.get("min_words", 3)),
        )

    def logit(self, tok: Token, sent: Span) -> float:
        w = self.weights
        return sum(w.get(f, 0.0) for f in token_features(tok, sent, self.vocab))


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(path: str) -> Model | None:
    p = Path(path)
    if not p.exists():
        return None
    return Model.from_dict(json.loads(p.read_text(encoding="utf-8")))


def load_model(path: Path | str | None = None) -> Model | None:
    """The committed headline model (None if the file is missing: callers fall back)."""
    with _lock:
        return _load(str(path or MODEL_PATH))


# ----------------------------------------------------------------------------- decoding


def _word_cost(tok: Token) -> int:
    """How many words a kept token adds to the headline once styled."""
    if tok.is_punct or tok.is_space or tok.dep_ == "case":
        return 0
    if tok.lower_ in ARTICLES and tok.dep_ == "det":
        return 0
    if (tok.dep_ == "poss" and tok.lower_ in _POSSESSIVES) or (
        tok.dep_ == "mark" and tok.lower_ == "that"
    ):
        return 0
    if tok.dep_ in {"aux", "auxpass"} and tok.lemma_.lower() in _BE_HAVE_AUX:
        return 0
    return 1


def root_candidates(sent: Span) -> list[Token]:
    """Where a headline may start its tree: the sentence root, and the reported clause or a
    coordinated main clause when the root is 'X said' or 'X and Y'."""
    root = sent.root
    roots = [root]
    for child in root.children:
        if (
            child.dep_ == "ccomp"
            and len(list(child.subtree)) >= 4
            or child.dep_ == "conj"
            and child.pos_ in {"VERB", "AUX"}
        ):
            roots.append(child)
    return roots


def is_forced(child: Token) -> bool:
    """Dependents kept with their head beyond FORCED_DEPS: the content of 'X says' (alone
    it is no headline) and the rest of a name ('General' in 'General Motors')."""
    head = child.head
    if child.dep_ == "ccomp" and head.lemma_.lower() in REPORTING:
        return True
    return child.dep_ in {"compound", "flat"} and child.pos_ == head.pos_ == "PROPN"


def _decode_root(
    root: Token, scores: dict[int, float], max_words: int
) -> dict[int, tuple[float, frozenset[int]]]:
    """Tree knapsack: best total score of a subtree rooted at ``root`` for each word count."""

    def best(node: Token) -> dict[int, tuple[float, frozenset[int]]]:
        table = {_word_cost(node): (scores[node.i], frozenset([node.i]))}
        for child in node.children:
            if child.i not in scores:
                continue
            sub = best(child)
            forced = child.dep_ in FORCED_DEPS or is_forced(child)
            merged: dict[int, tuple[float, frozenset[int]]] = {} if forced else dict(table)
            for n1, (s1, k1) in table.items():
                for n2, (s2, k2) in sub.items():
                    n = n1 + n2
                    if n > max_words:
                        continue
                    s = s1 + s2
                    if n not in merged or s > merged[n][0]:
                        merged[n] = (s, k1 | k2)
            table = merged
            if not table:
                return {}
        return table

    return best(root)


def _furniture_tokens(sent: Span) -> set[int]:
    """Tokens inside page furniture glued to the sentence ("... inbox + Subscribe Floods
    have closed ..."): the decoder may not keep them."""
    from summarizer.furniture import furniture_spans

    spans = furniture_spans(sent.text)
    if not spans:
        return set()
    base = sent.start_char
    return {t.i for t in sent if any(a <= t.idx - base < b for a, b in spans)}


@dataclass(frozen=True)
class Candidate:
    text: str
    score: float
    root: int  # the doc index of the tree's root


def candidates(sent: Span, model: Model | None = None, limit: int = 6) -> list[Candidate]:
    """Headline candidates compressed from ``sent``, best first."""
    model = model or load_model()
    if model is None:
        return []
    blocked = _furniture_tokens(sent)
    scores = {
        t.i: model.logit(t, sent) - model.bias
        for t in sent
        if not t.is_space and t.i not in blocked
    }
    found: list[Candidate] = []
    seen: set[str] = set()
    roots = [r for r in root_candidates(sent) if r.i in scores]
    if not roots:  # the parse hung the story on a furniture word: start at its clauses
        roots = [
            t for t in sent if t.i in scores and t.pos_ in {"VERB", "AUX"} and t.head.i in blocked
        ]
    for root in roots:
        table = _decode_root(root, scores, model.max_words)
        ranked = sorted(
            ((s, n, k) for n, (s, k) in table.items() if n >= model.min_words),
            key=lambda x: (-x[0], x[1]),
        )
        for score, _n, kept in ranked[:limit]:
            text = render(sent, kept)
            if text and len(text) <= MAX_CHARS and text.lower() not in seen:
                seen.add(text.lower())
                found.append(Candidate(text, score, root.i))
    found.sort(key=lambda c: -c.score)
    return found[:limit]


# ----------------------------------------------------------------------------- style


def _plural_subject(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            if child.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in child.children):
                return True
            return child.lower_ in {"we", "they", "i", "you", "both"}
    return False


_IRREGULAR_3SG = {"be": "is", "have": "has", "do": "does", "go": "goes"}


def present(lemma: str, plural: bool) -> str:
    """The present-tense form headlines use for a recent past ('has cut' -> 'cuts')."""
    if lemma == "be":
        return "are" if plural else "is"
    if plural:
        return lemma
    if lemma in _IRREGULAR_3SG:
        return _IRREGULAR_3SG[lemma]
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _restyle(sent: Span, kept: set[int]) -> dict[int, str | None]:
    """Per-token rewrites (None: drop) that turn kept lead words into headline style."""
    doc = sent.doc
    out: dict[int, str | None] = {}
    for i in sorted(kept):
        tok = doc[i]
        if (
            (tok.dep_ == "det" and tok.lower_ in ARTICLES)
            or (tok.is_punct and tok.text not in {"-", "%", "$", "£", "€"})
            or (tok.dep_ == "poss" and tok.lower_ in _POSSESSIVES)  # "boosts its profits"
            or (tok.dep_ == "mark" and tok.lower_ == "that")  # "says that X" -> "says X"
        ):
            out[i] = None
    for i in sorted(kept):
        verb = doc[i]
        if verb.pos_ not in {"VERB", "AUX"} or verb.dep_ in {"aux", "auxpass", "relcl", "acl"}:
            continue  # a relative clause keeps its tense ("who appeared in")
        auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"} and c.i in kept]
        lemmas = [a.lemma_.lower() for a in auxes]
        has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)
        if any(lem in {"will", "shall"} for lem in lemmas):
            for a in auxes:
                out[a.i] = "to" if a.lemma_.lower() in {"will", "shall"} else out.get(a.i)
            # "will be given" -> "to be given" stays; nothing else to change
        elif any(a.tag_ == "MD" or a.lemma_.lower() in {"do", "to"} for a in auxes):
            continue
        elif any(a.dep_ == "auxpass" for a in auxes):
            for a in auxes:  # passive: "has been thrown out" -> "thrown out"
                out[a.i] = None
        elif "have" in lemmas or (auxes and "be" in lemmas and verb.tag_ == "VBG"):
            for a in auxes:
                out[a.i] = None
            if has_subject or verb.tag_ == "VBG":
                out[i] = present(verb.lemma_.lower(), _plural_subject(verb))
        elif not auxes and verb.tag_ == "VBD" and has_subject:
            out[i] = present(verb.lemma_.lower(), _plural_subject(verb))
        # "X is to restate" -> "X to restate"
        if (
            verb.lemma_.lower() == "be"
            and not auxes
            and any(
                c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
                for c in verb.children
            )
            and not any(c.dep_ in {"attr", "acomp"} for c in verb.children)
        ):
            out[i] = None
    return out


def _close_coordination(sent: Span, kept: set[int]) -> set[int]:
    """A kept conjunct brings its 'and'/'or'; a kept 'and' with no conjunct is dropped."""
    doc = sent.doc
    kept = set(kept)
    for i in list(kept):
        tok = doc[i]
        if tok.dep_ == "conj" and tok.head.i in kept:
            for sib in tok.head.children:
                if sib.dep_ == "cc" and tok.head.i < sib.i < tok.i:
                    kept.add(sib.i)
    for i in list(kept):
        tok = doc[i]
        if tok.dep_ in {"cc", "preconj"} and not any(
            s.dep_ == "conj" and s.i in kept for s in tok.head.children
        ):
            kept.discard(i)
    return kept


def render(sent: Span, kept: frozenset[int] | set[int]) -> str:
    """The headline text of a kept token set: lead order, headline style, one line."""
    doc = sent.doc
    kept = _close_coordination(sent, set(kept))
    rewrites = _restyle(sent, kept)
    pieces: list[tuple[int, str]] = []
    for i in sorted(kept):
        text = rewrites.get(i, doc[i].text)
        if text:
            pieces.append((i, text))
    # no leading conjunctions or adverbial glue ("But", "However", "Meanwhile")
    while pieces and doc[pieces[0][0]].dep_ in {"cc", "mark", "punct", "prep"} and len(pieces) > 3:
        if doc[pieces[0][0]].dep_ == "prep":
            break
        pieces.pop(0)
    while pieces and doc[pieces[-1][0]].is_punct and pieces[-1][1] not in {"%"}:
        pieces.pop()
    if not pieces:
        return ""
    out = [pieces[0][1]]
    for (prev, _), (i, text) in zip(pieces, pieces[1:]):
        glued = prev + 1 == i and not doc[prev].whitespace_
        if text == "-" and not glued:
            continue
        out.append(text if glued or doc[i].dep_ == "case" else " " + text)
    line = "".join(out).strip()
    line = " ".join(line.split())
    return line[:1].upper() + line[1:] if line else ""


def compress_score(sent: Span, model: Model | None = None) -> float:
    """Mean keep log-odds of a sentence's tokens: how headline-like the sentence is."""
    model = model or load_model()
    if model is None or not len(sent):
        return -math.inf
    return sum(model.logit(t, sent) for t in sent) / len(sent)
