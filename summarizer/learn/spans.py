"""Annotations we add, stored as character spans over the shared texts, never as text.

The shared gold files hold strings (names, evidence sentences). The annotations newsum's
own annotators add live in ``summarizer/learn/annotations/*.jsonl`` as offsets into the
``text`` of the article with that id in ``../shared/eval``: a name, alias, speaker,
next-step actor, time phrase or evidence sentence is ``[start, end]``. ``decode`` turns a
record back into the gold shape ``validate_gold.py`` and the scorer read, with the text
read at run time; ``encode`` turns an annotator's gold line into spans (what
``python -m summarizer.learn.spans import`` writes). Paraphrases the annotators wrote
(statement, denies, action) are not stored: nothing scores them, and the evidence
sentence stands in for them.

    python -m summarizer.learn.spans import ARTICLES.jsonl GOLD.jsonl OUT.jsonl
    python -m summarizer.learn.spans export OUT.jsonl [--eval-dir DIR] > GOLD.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ANNOTATIONS_DIR = Path(__file__).parent / "annotations"
Span = list[int]  # [start, end)


class SpanError(ValueError):
    """A string of an annotation is not in its article, or a span is out of range."""


def _find(text: str, value: str | None, near: Span | None = None) -> Span | None:
    """The span of ``value`` in ``text``: inside ``near`` (the item's evidence) when it
    occurs there, else its first occurrence."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise SpanError(f"not a string: {value!r}")
    if near is not None:
        at = text.find(value, near[0], near[1])
        if at >= 0:
            return [at, at + len(value)]
    at = text.find(value)
    if at < 0:
        raise SpanError(f"not in the text: {value[:60]!r}")
    return [at, at + len(value)]


def encode(gold: dict, text: str) -> dict:
    """One gold record (strings) as spans over ``text``; SpanError if a string is absent."""
    out: dict = {"id": gold["id"], "key_actors": [], "claims": [], "denials": [], "next_steps": []}
    for a in gold.get("key_actors") or []:
        out["key_actors"].append(
            {
                "name": _find(text, a["name"]),
                "type": a.get("type") or "other",
                "aliases": [_find(text, al) for al in a.get("aliases") or []],
            }
        )
    for c in gold.get("claims") or []:
        ev = _find(text, c["evidence"])
        out["claims"].append({"speaker": _find(text, c.get("speaker"), ev), "evidence": ev})
    for d in gold.get("denials") or []:
        ev = _find(text, d["evidence"])
        out["denials"].append(
            {
                "speaker": _find(text, d.get("speaker"), ev),
                "evidence": ev,
                "rebuts_claim": d.get("rebuts_claim"),
            }
        )
    for s in gold.get("next_steps") or []:
        ev = _find(text, s["evidence"])
        out["next_steps"].append(
            {
                "actor": _find(text, s.get("actor"), ev),
                "when": _find(text, s.get("when"), ev),
                "evidence": ev,
            }
        )
    return out


def _cut(text: str, span: Span | None) -> str | None:
    if span is None:
        return None
    start, end = span
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise SpanError(f"span {span!r} outside a text of {len(text)} characters")
    return text[start:end]


def decode(record: dict, text: str) -> dict:
    """A span record as a gold record with strings cut from ``text``."""
    gold: dict = {
        "id": record["id"],
        "key_actors": [],
        "claims": [],
        "denials": [],
        "next_steps": [],
    }
    for a in record.get("key_actors") or []:
        gold["key_actors"].append(
            {
                "name": _cut(text, a["name"]),
                "type": a.get("type") or "other",
                "aliases": [_cut(text, s) for s in a.get("aliases") or []],
            }
        )
    for c in record.get("claims") or []:
        ev = _cut(text, c["evidence"])
        gold["claims"].append(
            {"speaker": _cut(text, c.get("speaker")), "statement": ev, "evidence": ev}
        )
    for d in record.get("denials") or []:
        ev = _cut(text, d["evidence"])
        gold["denials"].append(
            {
                "speaker": _cut(text, d.get("speaker")),
                "denies": ev,
                "evidence": ev,
                "rebuts_claim": d.get("rebuts_claim"),
            }
        )
    for s in record.get("next_steps") or []:
        ev = _cut(text, s["evidence"])
        gold["next_steps"].append(
            {
                "actor": _cut(text, s.get("actor")),
                "action": ev,
                "when": _cut(text, s.get("when")),
                "evidence": ev,
            }
        )
    return gold


def annotation_files(folder: Path = ANNOTATIONS_DIR) -> list[Path]:
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def load_records(paths: list[Path] | None = None) -> list[dict]:
    """Every span record of the project's annotation files, in file order."""
    records = []
    for path in annotation_files() if paths is None else paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def _texts(path: Path) -> dict[str, str]:
    rows = (
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )
    return {str(r["id"]): r.get("text") or "" for r in rows}


def main(argv: list[str]) -> int:
    if len(argv) >= 4 and argv[0] == "import":
        texts = _texts(Path(argv[1]))
        lines = []
        for line in Path(argv[2]).read_text(encoding="utf-8").splitlines():
            if line.strip():
                gold = json.loads(line)
                lines.append(
                    json.dumps(encode(gold, texts[str(gold["id"])]), separators=(",", ":"))
                )
        Path(argv[3]).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} articles -> {argv[3]}")
        return 0
    if len(argv) >= 2 and argv[0] == "export":
        from summarizer.learn.data import TEXT_FILES, default_eval_dir

        eval_dir = (
            Path(argv[3]) if len(argv) >= 4 and argv[2] == "--eval-dir" else default_eval_dir()
        )
        texts: dict[str, str] = {}
        for name in TEXT_FILES:
            texts.update(_texts(eval_dir / name))
        for record in load_records([Path(argv[1])]):
            print(json.dumps(decode(record, texts[str(record["id"])]), ensure_ascii=False))
        return 0
    usage = "\n".join(line.strip() for line in __doc__.strip().splitlines()[-2:])
    print(f"usage:\n{usage}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
