"""The annotated articles: gold records joined to their texts, parsed once, labelled.

Texts are read from the evaluation folder at run time (never copied into the project).
Each article is cleaned by ``ingest`` exactly as the pipeline cleans it, so gold
evidence is located in the same text the candidates' offsets index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from summarizer import analyse
from summarizer.evaluation import load_gold, load_jsonl, locate, name_match
from summarizer.ingest import ingest
from summarizer.learn.spans import decode, load_records
from summarizer.postprocess.features import Candidates, build_candidates

GOLD_FILES = ("dev-gold.jsonl", "train-gold.jsonl")
TEXT_FILES = ("dev.jsonl", "train.jsonl")
SENTENCE_FIELDS = ("claims", "denials", "next_steps")


def default_eval_dir() -> Path:
    """../shared/eval beside the checkout (where the project keeps its evaluation data)."""
    here = Path(__file__).resolve().parents[2]
    for base in (Path.cwd(), here):
        candidate = base.parent / "shared" / "eval"
        if candidate.is_dir():
            return candidate
    return here.parent / "shared" / "eval"


@dataclass
class Article:
    id: str
    topic: str
    group: str  # whitespace-normalised text: duplicates under two ids share a fold
    text: str  # cleaned
    gold: dict
    cands: Candidates | None = None
    origin: str = "shared"  # "shared": ../shared/eval's gold files; "newsum": our span files
    spans: dict[str, list[tuple[int, int] | None]] = field(default_factory=dict)


def topic_of(article_id: str, source: str | None) -> str:
    if article_id.startswith("seed"):
        return "seed"
    if source:
        return source.replace("bbc-", "bbc-").split("-gold")[0]
    return article_id.rsplit("-", 1)[0]


def _gold_sources(eval_dir: Path, rows: dict[str, dict], ours: bool):
    """(origin, id, gold record) of the shared gold files, then of our span files."""
    for name in GOLD_FILES:
        for gid, gold in load_gold(eval_dir / name).items():
            yield "shared", gid, gold
    if ours:
        for record in load_records():
            gid = str(record["id"])
            if gid in rows:
                yield "newsum", gid, decode(record, rows[gid].get("text") or "")


def load_articles(
    eval_dir: Path | None = None, parse: bool = True, ours: bool = True
) -> list[Article]:
    """Every annotated article (dev-gold + train-gold, then, with ``ours``, the span
    annotations of ``summarizer/learn/annotations``), cleaned and, by default, parsed."""
    eval_dir = Path(eval_dir or default_eval_dir())
    rows = {}
    for name in TEXT_FILES:
        for row in load_jsonl(eval_dir / name):
            rows[str(row["id"])] = row
    articles: list[Article] = []
    seen: set[str] = set()
    for origin, gid, gold in _gold_sources(eval_dir, rows, ours):
        if gid in seen:
            continue
        seen.add(gid)
        row = rows.get(gid)
        if row is not None:
            raw, source = row.get("text") or "", row.get("source")
        elif (eval_dir / f"{gid}.txt").is_file():
            raw, source = (eval_dir / f"{gid}.txt").read_text(encoding="utf-8"), None
        else:
            continue
        clean = ingest(raw)
        group = re.sub(r"\s+", " ", raw).strip()
        articles.append(
            Article(
                id=gid,
                topic=topic_of(gid, source),
                group=group,
                text=clean.text,
                gold={**gold, "id": gid},
                origin=origin,
            )
        )
    for art in articles:
        art.spans = {
            f: [locate(art.text, item.get("evidence") or "") for item in art.gold.get(f) or []]
            for f in SENTENCE_FIELDS
        }
    if parse:
        docs = analyse.parse_many([a.text for a in articles])
        for art, doc in zip(articles, docs, strict=True):
            art.cands = build_candidates(doc)
    return articles


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int] | None]) -> int | None:
    for i, g in enumerate(spans):
        if g is not None and span[0] < g[1] and g[0] < span[1]:
            return i
    return None


def sentence_labels(art: Article, field_name: str) -> list[int]:
    """1 for each candidate sentence whose span overlaps a gold item of the field."""
    spans = art.spans[field_name]
    return [
        int(_overlaps((c.sent.start_char, c.sent.end_char), spans) is not None)
        for c in art.cands.sentences
    ]


def gold_item_of(art: Article, field_name: str, sent) -> int | None:
    return _overlaps((sent.start_char, sent.end_char), art.spans[field_name])


def actor_labels(art: Article) -> list[int]:
    """1 for the one candidate actor that best names each gold key actor.

    Where two candidates name the same gold actor ("Blair" beside "Tony Blair"), only
    the better match (exact before partial, then more mentions) is a positive: the
    scorer counts the other as a false key actor, so the model must learn to drop it.
    """
    gold = art.gold.get("key_actors") or []
    forms = [[g.get("name") or "", *(g.get("aliases") or [])] for g in gold]
    out = [0] * len(art.cands.actors)
    pairs = []
    for ci, c in enumerate(art.cands.actors):
        mine = [c.info.name, *c.info.aliases]
        for gi, f in enumerate(forms):
            strength = name_match(mine, f)
            if strength:
                pairs.append((-strength, -len(c.info.mentions), ci, gi))
    used_c: set[int] = set()
    used_g: set[int] = set()
    for _, _, ci, gi in sorted(pairs):
        if ci not in used_c and gi not in used_g:
            used_c.add(ci)
            used_g.add(gi)
            out[ci] = 1
    return out


def link_pairs(art: Article) -> list[tuple[int, int, int]]:
    """(denial sentence, claim sentence, label) for each gold denial with a rebutted claim."""
    out = []
    claims = art.gold.get("claims") or []
    for gi, d in enumerate(art.gold.get("denials") or []):
        target = d.get("rebuts_claim")
        dspan = art.spans["denials"][gi]
        if target is None or dspan is None or not 0 <= target < len(claims):
            continue
        cspan = art.spans["claims"][target]
        if cspan is None:
            continue
        out.append((dspan[0], cspan[0], cspan[1]))
    return out
