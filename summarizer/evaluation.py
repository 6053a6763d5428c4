"""Measure briefs against references: the engine behind ``newsum eval``.

Takes a ``brief_fn(text, title)`` callable rather than importing the pipeline, so that
this module stays cheap to import and its tests need no spaCy. The brief is made once
per article, always with ``title=None`` (the extractive generator would otherwise echo
the real headline back), and every metric reuses it.

Figures:

- gold (hand annotations): precision/recall/F1 of key actors, claims, denials and next
  steps; claim (and denial) speaker accuracy; denial-to-claim link accuracy;
- evidence validity: the share of evidence spans with ``source[start:end] == text``;
- headline ROUGE-1/2/L against real titles, summary ROUGE-1/2/Lsum against reference
  summaries, each beside a Lead-3 baseline on the same rows;
- actor recall against Giveme5W1H "who" phrases.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from summarizer.errors import InputError, NewsumError
from summarizer.schema import StructuredSummary

BriefFn = Callable[[str, str | None], StructuredSummary]

TOP_ACTORS = 8
LEAD_SENTENCES = 3
LEAD_HEADLINE_WORDS = 15
HEADLINE_SOURCES = ("bbc-politics", "giveme5w1h-gold")
SUMMARY_SOURCES = ("cnn-dailymail",)
FIELDS = ("key_actors", "claims", "denials", "next_steps")
FUZZY_THRESHOLD = 0.6
DETAIL_LIMIT = 200  # invalid-evidence examples kept in the report


# --------------------------------------------------------------------------- loading


def load_jsonl(path: str | Path) -> list[dict]:
    """One JSON object a line; blank lines are skipped; a bad line names its number."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    rows: list[dict] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: malformed JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise InputError(f"{path}:{number}: expected a JSON object")
        rows.append(obj)
    return rows


class GoldSet(dict):
    """Gold annotations by id; remembers the folder they came from (for ``<id>.txt``)."""

    folder: Path | None = None


def load_gold(path: str | Path) -> GoldSet:
    """Gold annotations by article id."""
    gold = GoldSet()
    gold.folder = Path(path).parent
    for number, obj in enumerate(load_jsonl(path), start=1):
        if not obj.get("id"):
            raise InputError(f"{path}: gold record {number} has no id")
        gold[str(obj["id"])] = obj
    return gold


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "corp", "no", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9])|\n\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: a small regex splitter, good enough for Lead-3."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == ".":
            word = re.search(r"([\w.]+)$", text[start : m.start()])
            token = word.group(1) if word else ""
            bare = token.lower().strip(".")
            # "Mr. Smith", "J. Smith", "U.S. Army": not sentence ends.
            if bare in _ABBREVIATIONS or len(bare) == 1 or "." in bare:
                continue
        end = m.start() + len(m.group(0).rstrip())
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def lead3_summary(text: str, n: int = LEAD_SENTENCES) -> str:
    """The Lead-3 baseline: the first three sentences."""
    return " ".join(split_sentences(text)[:n])


def lead_headline(text: str, words: int = LEAD_HEADLINE_WORDS) -> str:
    """The Lead baseline's headline: the first sentence, cut to about 15 words."""
    sentences = split_sentences(text)
    return " ".join(sentences[0].split()[:words]) if sentences else ""


# --------------------------------------------------------------------------- locating

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace and unify quotes; map each output char to its source offset."""
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        out.append(ch.translate(_QUOTES))
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def locate(source: str, sentence: str) -> tuple[int, int] | None:
    """Span of a gold evidence sentence in the cleaned source.

    Exact find, else a whitespace/quote-normalised find, else the best fuzzy match over
    windows of one to three of our sentences (None below FUZZY_THRESHOLD).
    """
    sentence = sentence.strip()
    if not sentence:
        return None
    at = source.find(sentence)
    if at >= 0:
        return at, at + len(sentence)
    norm_source, where = _normalise_with_map(source)
    norm_sentence, _ = _normalise_with_map(sentence)
    at = norm_source.find(norm_sentence)
    if at >= 0:
        return where[at], where[at + len(norm_sentence) - 1] + 1
    spans = sentence_spans(source)
    best, best_ratio = None, FUZZY_THRESHOLD
    for i in range(len(spans)):
        for j in range(i, min(i + 3, len(spans))):
            start, end = spans[i][0], spans[j][1]
            candidate, _ = _normalise_with_map(source[start:end])
            matcher = difflib.SequenceMatcher(None, candidate, norm_sentence, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = (start, end), ratio
    return best


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# --------------------------------------------------------------------------- actor names

_POSSESSIVE = re.compile(r"'s\b|(?<=s)'(?=\s|$)")


def name_tokens(name: str) -> tuple[str, ...]:
    """Comparable tokens of a name: lower case, no "the ", no possessive, no dots."""
    s = name.translate(_QUOTES).lower().strip()
    s = _POSSESSIVE.sub("", s).replace(".", "")
    tokens = re.findall(r"\w+", s)
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    return tuple(tokens)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return 0 < n <= len(big) and any(big[i : i + n] == small for i in range(len(big) - n + 1))


def name_match(a: str | Iterable[str], b: str | Iterable[str]) -> int:
    """2: some forms are equal; 1: one is a full-token run inside the other; 0: no match."""
    forms_a = [name_tokens(x) for x in ([a] if isinstance(a, str) else a)]
    forms_b = [name_tokens(x) for x in ([b] if isinstance(b, str) else b)]
    best = 0
    for ta in forms_a:
        for tb in forms_b:
            if not ta or not tb:
                continue
            if ta == tb:
                return 2
            if _contains(ta, tb) or _contains(tb, ta):
                best = 1
    return best


def _actor_forms(actor: Any) -> list[str]:
    if isinstance(actor, dict):
        return [actor.get("name") or "", *(actor.get("aliases") or [])]
    return [actor.name, *actor.aliases]


def _expand_speaker(speaker: str | None, actors: list[Any]) -> list[str]:
    """A speaker's surface forms: those of the actor it names (exact first), else itself."""
    if not speaker:
        return []
    for wanted in (2, 1):
        for actor in actors:
            forms = _actor_forms(actor)
            if name_match(speaker, forms) == wanted:
                return [speaker, *forms]
    return [speaker]


# --------------------------------------------------------------------------- matching


def _greedy(pairs: list[tuple[tuple, int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching: best-scored (pred, gold) pairs first."""
    pairs.sort(key=lambda p: (tuple(-x for x in p[0]), p[1], p[2]))
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    matched = []
    for _, pi, gi in pairs:
        if pi not in used_pred and gi not in used_gold:
            used_pred.add(pi)
            used_gold.add(gi)
            matched.append((pi, gi))
    return sorted(matched, key=lambda m: m[1])


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
    if f is None and p is not None and r is not None:
        f = 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def _ratio(correct: int, total: int) -> dict:
    return {"correct": correct, "total": total, "accuracy": correct / total if total else None}


def _span(ev: Any) -> tuple[int, int]:
    return ev.start, ev.end


def score_article(brief: StructuredSummary | None, gold: dict, source: str) -> dict:
    """One article against its gold record: counts, matches and what was missed."""
    out: dict[str, Any] = {"id": gold.get("id")}
    gold_actors = list(gold.get("key_actors") or [])
    pred_actors = list(brief.key_actors) if brief else []

    # Key actors: top 8 predicted, matched by name/alias.
    top = pred_actors[:TOP_ACTORS]
    pairs = []
    for pi, actor in enumerate(top):
        for gi, gactor in enumerate(gold_actors):
            strength = name_match(_actor_forms(actor), _actor_forms(gactor))
            if strength:
                pairs.append(((strength,), pi, gi))
    matched = _greedy(pairs)
    hit_pred = {pi for pi, _ in matched}
    hit_gold = {gi for _, gi in matched}
    out["key_actors"] = {
        **_prf(len(matched), len(top) - len(matched), len(gold_actors) - len(matched)),
        "matched": [[top[pi].name, gold_actors[gi].get("name")] for pi, gi in matched],
        "missed": [a.get("name") for gi, a in enumerate(gold_actors) if gi not in hit_gold],
        "spurious": [a.name for pi, a in enumerate(top) if pi not in hit_pred],
    }

    unlocated: list[str] = []
    gold_spans: dict[str, list[tuple[int, int] | None]] = {}
    for field in ("claims", "denials", "next_steps"):
        spans = []
        for item in gold.get(field) or []:
            span = locate(source, item.get("evidence") or "")
            if span is None:
                unlocated.append(item.get("evidence") or "")
            spans.append(span)
        gold_spans[field] = spans
    out["unlocated"] = unlocated

    for field in ("claims", "denials", "next_steps"):
        gitems = list(gold.get(field) or [])
        pitems = list(getattr(brief, field)) if brief else []
        pairs = []
        for pi, item in enumerate(pitems):
            pspan = _span(item.evidence)
            for gi, gspan in enumerate(gold_spans[field]):
                shared = _overlap(pspan, gspan)
                if not shared:
                    continue
                union = max(pspan[1], gspan[1]) - min(pspan[0], gspan[0])
                agrees = 0
                if field != "next_steps":
                    agrees = int(_speaker_ok(item.speaker, gitems[gi].get("speaker"), brief, gold))
                pairs.append(((round(shared / union, 6), agrees), pi, gi))
        matched = _greedy(pairs)
        hit_pred = {pi for pi, _ in matched}
        hit_gold = {gi for _, gi in matched}
        detail = {
            **_prf(len(matched), len(pitems) - len(matched), len(gitems) - len(matched)),
            "missed": [g.get("evidence") for gi, g in enumerate(gitems) if gi not in hit_gold],
            "spurious": [p.evidence.text for pi, p in enumerate(pitems) if pi not in hit_pred],
        }
        if field in ("claims", "denials"):
            wrong = []
            for pi, gi in matched:
                p, g = pitems[pi], gitems[gi]
                if not _speaker_ok(p.speaker, g.get("speaker"), brief, gold):
                    wrong.append(
                        {"evidence": g.get("evidence"), "gold": g.get("speaker"), "ours": p.speaker}
                    )
            detail["speaker"] = {**_ratio(len(matched) - len(wrong), len(matched)), "wrong": wrong}
        if field == "denials":
            detail["link"] = _link_accuracy(matched, pitems, gitems, brief, gold_spans["claims"])
        out[field] = detail
    return out


def _speaker_ok(ours: str | None, theirs: str | None, brief: Any, gold: dict) -> bool:
    ours_forms = _expand_speaker(ours, list(brief.key_actors) if brief else [])
    gold_forms = _expand_speaker(theirs, list(gold.get("key_actors") or []))
    return bool(ours_forms and gold_forms and name_match(ours_forms, gold_forms))


def _link_accuracy(
    matched: list[tuple[int, int]],
    pitems: list[Any],
    gitems: list[dict],
    brief: Any,
    gold_claim_spans: list[tuple[int, int] | None],
) -> dict:
    """Matched denials with a gold rebutted claim: does ours point at a claim there?"""
    claims = {c.id: c for c in (brief.claims if brief else [])}
    total, wrong = 0, []
    for pi, gi in matched:
        target = gitems[gi].get("rebuts_claim")
        if target is None or not 0 <= target < len(gold_claim_spans):
            continue
        total += 1
        rebuts = pitems[pi].rebuts
        claim = claims.get(rebuts) if rebuts else None
        if claim is None or not _overlap(_span(claim.evidence), gold_claim_spans[target]):
            wrong.append(
                {
                    "evidence": gitems[gi].get("evidence"),
                    "rebuts": rebuts,
                    "ours": claim.evidence.text if claim else None,
                }
            )
    return {**_ratio(total - len(wrong), total), "wrong": wrong}


# --------------------------------------------------------------------------- evidence


def evidence_items(brief: StructuredSummary) -> list[tuple[str, Any]]:
    """Every (field, Evidence) of a brief, actors' evidence included."""
    items: list[tuple[str, Any]] = []
    for actor in brief.key_actors:
        items.extend(("key_actors", ev) for ev in actor.evidence)
    for field in ("claims", "denials", "next_steps"):
        items.extend((field, item.evidence) for item in getattr(brief, field))
    return items


def _evidence_valid(source: str, ev: Any) -> bool:
    return 0 <= ev.start <= ev.end <= len(source) and source[ev.start : ev.end] == ev.text


# --------------------------------------------------------------------------- ROUGE & who


def _rouge_scorer(types: list[str]):
    from rouge_score import rouge_scorer  # lazy: pulls in nltk

    return rouge_scorer.RougeScorer(types, use_stemmer=True)


def _lsum_text(text: str) -> str:
    return "\n".join(split_sentences(text))


_WHO_STOP = {
    "the", "a", "an", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
    "least", "several", "some", "many", "two", "three", "four", "five", "six", "seven",
    "mr", "mrs", "ms", "dr", "sir", "president", "prime", "minister", "his", "her", "their",
}  # fmt: skip


def who_found(phrase: str, actors: list[Any]) -> bool:
    """A "who" phrase overlaps an actor: containment either way, or a shared name token."""
    phrase_tokens = name_tokens(phrase)
    if not phrase_tokens:
        return False
    capitalised = {
        t.lower().replace(".", "")
        for t in re.findall(r"[\w.]+", phrase.translate(_QUOTES))
        if t[:1].isupper()
    }
    capitalised -= _WHO_STOP
    for actor in actors:
        for form in _actor_forms(actor):
            tokens = name_tokens(form)
            if not tokens:
                continue
            if _contains(phrase_tokens, tokens) or _contains(tokens, phrase_tokens):
                return True
            if capitalised & set(tokens):
                return True
    return False


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rouge_block(scores: list[dict[str, float]], keys: tuple[str, ...]) -> dict:
    return {k: _mean([s[k] for s in scores]) for k in keys}


# --------------------------------------------------------------------------- evaluate


def evaluate(
    rows: list[dict],
    brief_fn: BriefFn,
    gold: dict | None = None,
    *,
    gold_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Brief every row (and every gold id found only as ``<gold_dir>/<id>.txt``); score.

    Returns a JSON-serialisable report; see ``format_report`` for the human view.
    """
    gold = gold or {}
    warnings: list[str] = []
    work = [dict(r) for r in rows]
    known = {str(r.get("id")) for r in work}
    folder = Path(gold_dir) if gold_dir is not None else getattr(gold, "folder", None)
    for gid in gold:
        if gid in known:
            continue
        path = folder / f"{gid}.txt" if folder is not None else None
        if path is None or not path.is_file():
            warnings.append(f"gold id {gid!r}: not in the data and no {gid}.txt beside the gold")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        work.append({"id": gid, "source": "file", "title": None, "text": text})

    head_keys = ("rouge1", "rouge2", "rougeL")
    sum_keys = ("rouge1", "rouge2", "rougeLsum")
    head_scorer = sum_scorer = None
    headline: dict[str, dict[str, list]] = {}
    summary: dict[str, dict[str, list]] = {}
    who = {"articles": 0, "phrases": 0, "found": 0, "missed": []}
    evidence = {"valid": 0, "total": 0, "invalid": []}
    errors: list[dict] = []
    per_article: list[dict] = []
    total = len(work)

    for index, row in enumerate(work, start=1):
        rid = str(row.get("id"))
        text = row.get("text") or ""
        brief: StructuredSummary | None = None
        try:
            brief = brief_fn(text, None)
        except NewsumError as exc:
            errors.append({"id": rid, "code": exc.code, "message": str(exc)})
        source = text
        if brief is not None:
            if brief.source is None:
                warnings.append(f"{rid}: brief has no source; offsets checked against the input")
            else:
                source = brief.source
            for field, ev in evidence_items(brief):
                evidence["total"] += 1
                if _evidence_valid(source, ev):
                    evidence["valid"] += 1
                elif len(evidence["invalid"]) < DETAIL_LIMIT:
                    evidence["invalid"].append(
                        dict(id=rid, field=field, start=ev.start, end=ev.end, text=ev.text)
                    )

            kind = row.get("source")
            title = row.get("title")
            if kind in HEADLINE_SOURCES and title:
                head_scorer = head_scorer or _rouge_scorer(list(head_keys))
                bucket = headline.setdefault(kind, {"ours": [], "lead3": []})
                for name, candidate in (("ours", brief.headline), ("lead3", lead_headline(text))):
                    result = head_scorer.score(title, candidate)
                    bucket[name].append({k: result[k].fmeasure for k in head_keys})
            reference = row.get("reference_summary")
            if kind in SUMMARY_SOURCES and reference:
                sum_scorer = sum_scorer or _rouge_scorer(list(sum_keys))
                bucket = summary.setdefault(kind, {"ours": [], "lead3": []})
                for name, candidate in (("ours", brief.summary), ("lead3", lead3_summary(text))):
                    result = sum_scorer.score(_lsum_text(reference), _lsum_text(candidate))
                    bucket[name].append({k: result[k].fmeasure for k in sum_keys})
            phrases = [p for p in (row.get("who") or []) if isinstance(p, str) and p.strip()]
            if phrases:
                who["articles"] += 1
                for phrase in phrases:
                    who["phrases"] += 1
                    if who_found(phrase, brief.key_actors):
                        who["found"] += 1
                    else:
                        who["missed"].append({"id": rid, "who": phrase})

        if rid in gold:
            detail = score_article(brief, {**gold[rid], "id": rid}, source)
            if brief is None:
                detail["error"] = errors[-1]["message"]
            per_article.append(detail)
        if progress is not None:
            progress(index, total)

    report: dict[str, Any] = {
        "articles": total,
        "errors": errors,
        "warnings": warnings,
        "evidence_validity": {
            "valid": evidence["valid"],
            "total": evidence["total"],
            "rate": evidence["valid"] / evidence["total"] if evidence["total"] else None,
            "invalid": evidence["invalid"],
        },
        "headline": _rouge_section(headline, head_keys),
        "summary": _rouge_section(summary, sum_keys),
        "who": {
            **{k: who[k] for k in ("articles", "phrases", "found")},
            "recall": who["found"] / who["phrases"] if who["phrases"] else None,
            "missed": who["missed"],
        },
        "gold": _gold_section(per_article) if gold else None,
    }
    return report


def _rouge_section(buckets: dict[str, dict[str, list]], keys: tuple[str, ...]) -> dict:
    by_source = {
        kind: {
            "n": len(b["ours"]),
            "ours": _rouge_block(b["ours"], keys),
            "lead3": _rouge_block(b["lead3"], keys),
        }
        for kind, b in sorted(buckets.items())
    }
    ours = [s for b in buckets.values() for s in b["ours"]]
    lead = [s for b in buckets.values() for s in b["lead3"]]
    overall = {"n": len(ours), "ours": _rouge_block(ours, keys), "lead3": _rouge_block(lead, keys)}
    return {"by_source": by_source, "overall": overall}


def _gold_section(per_article: list[dict]) -> dict:
    fields = {}
    for field in FIELDS:
        tp = sum(a[field]["tp"] for a in per_article)
        fp = sum(a[field]["fp"] for a in per_article)
        fn = sum(a[field]["fn"] for a in per_article)
        fields[field] = _prf(tp, fp, fn)

    def pooled(field: str, key: str) -> dict:
        correct = sum(a[field][key]["correct"] for a in per_article)
        total = sum(a[field][key]["total"] for a in per_article)
        return _ratio(correct, total)

    return {
        "articles": len(per_article),
        "unlocated": sum(len(a["unlocated"]) for a in per_article),
        "fields": fields,
        "claim_speaker_accuracy": pooled("claims", "speaker"),
        "denial_speaker_accuracy": pooled("denials", "speaker"),
        "denial_link_accuracy": pooled("denials", "link"),
        "per_article": per_article,
    }


# --------------------------------------------------------------------------- report


def _fmt(value: float | None, scale: float = 100.0) -> str:
    return "    -" if value is None else f"{value * scale:5.1f}"


def format_report(report: dict) -> str:
    """A compact plain-text table of the report's headline figures."""
    lines = [f"articles: {report['articles']}   errors: {len(report['errors'])}"]
    for err in report["errors"][:10]:
        lines.append(f"  error {err['id']}: {err['message']}")
    for warning in report.get("warnings", [])[:10]:
        lines.append(f"  warning: {warning}")

    gold = report.get("gold")
    if gold:
        lines += ["", f"gold ({gold['articles']} articles, {gold['unlocated']} unlocated)"]
        lines.append(f"  {'field':<12} {'P':>5} {'R':>5} {'F1':>5} {'tp':>5} {'fp':>5} {'fn':>5}")
        for field, s in gold["fields"].items():
            lines.append(
                f"  {field:<12} {_fmt(s['precision'])} {_fmt(s['recall'])} {_fmt(s['f1'])}"
                f" {s['tp']:>5} {s['fp']:>5} {s['fn']:>5}"
            )
        for label, key in (
            ("claim speaker", "claim_speaker_accuracy"),
            ("denial speaker", "denial_speaker_accuracy"),
            ("denial link", "denial_link_accuracy"),
        ):
            r = gold[key]
            lines.append(f"  {label:<15} {_fmt(r['accuracy'])}  ({r['correct']}/{r['total']})")
        lines.append("  per article F1 (tp/fp/fn):")
        width = max((len(str(a["id"])) for a in gold["per_article"]), default=2)
        lines.append(f"    {'id':<{width}} " + " ".join(f"{f:<16}" for f in FIELDS).rstrip())
        for a in gold["per_article"]:
            cells = " ".join(
                f"{_fmt(a[f]['f1'])} {a[f]['tp']}/{a[f]['fp']}/{a[f]['fn']}".ljust(16)
                for f in FIELDS
            )
            flag = "  ERROR" if a.get("error") else ""
            lines.append(f"    {str(a['id']):<{width}} {cells.rstrip()}{flag}")

    ev = report["evidence_validity"]
    lines += ["", f"evidence validity {_fmt(ev['rate'])}  ({ev['valid']}/{ev['total']})"]

    for title, key, keys in (
        ("headline ROUGE F1 (vs title)", "headline", ("rouge1", "rouge2", "rougeL")),
        ("summary ROUGE F1 (vs reference)", "summary", ("rouge1", "rouge2", "rougeLsum")),
    ):
        section = report[key]
        if not section["overall"]["n"]:
            continue
        lines += ["", title]
        head = " ".join(f"{k:>9}" for k in keys)
        lines.append(f"  {'source':<18} {'n':>4} {'system':<6} {head}")
        groups = [*section["by_source"].items()]
        if len(groups) > 1:
            groups.append(("overall", section["overall"]))
        for name, block in groups:
            for system in ("ours", "lead3"):
                cells = " ".join(f"{_fmt(block[system][k]):>9}" for k in keys)
                label, n = (name, str(block["n"])) if system == "ours" else ("", "")
                lines.append(f"  {label:<18} {n:>4} {system:<6} {cells}")

    who = report["who"]
    if who["phrases"]:
        lines += [
            "",
            f"who recall {_fmt(who['recall'])}  ({who['found']}/{who['phrases']} phrases,"
            f" {who['articles']} articles)",
        ]
    return "\n".join(lines)
