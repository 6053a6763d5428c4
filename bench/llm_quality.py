"""LLM briefs on real weights beside the rule-based post-processor, on the gold articles.

    python bench/llm_quality.py MODEL [--n 5] [--gold ../shared/eval/dev-gold.jsonl]

MODEL is a ``.gguf`` file (llama.cpp in-process), a Hugging Face model directory
(transformers) or an ``http(s)://`` OpenAI-compatible server URL (model name from
``--server-model`` or NEWSUM_LLM_MODEL). Every gold article (dev-gold.jsonl; texts from
dev.jsonl or ``<id>.txt`` beside the gold, read at run time) is briefed twice on the same
text: by the rule-based pipeline and by the LLM pipeline (LLM items merged onto the
rule-based ones, after grounding and the checks). Both are scored with
``summarizer.evaluation.score_article``. Prints per-field P/R/F1 side by side, the share
of replies valid first time (and after the retry), the items each check removed, seconds
per article and peak RSS (of this process: for a server URL it excludes the server).

The last line is ``llm_over_rules_f1=<float>``: the pooled F1 of claims, denials and next
steps with the LLM over the same without it.
"""

from __future__ import annotations

import argparse
import resource
import signal
import sys
import time
from pathlib import Path

from summarizer.errors import NewsumError
from summarizer.evaluation import _gold_section, load_gold, load_jsonl, score_article
from summarizer.ingest import ingest
from summarizer.pipeline import Pipeline

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
FIELDS = ("key_actors", "claims", "denials", "next_steps")


def gold_articles(gold_path: Path, data_path: Path) -> list[tuple[str, str, dict]]:
    """(id, text, gold record) for every gold id with a text."""
    gold = load_gold(gold_path)
    texts = {str(r.get("id")): r.get("text") or "" for r in load_jsonl(data_path)}
    out = []
    for gid, record in gold.items():
        text = texts.get(gid)
        if text is None and (gold_path.parent / f"{gid}.txt").is_file():
            text = (gold_path.parent / f"{gid}.txt").read_text(encoding="utf-8")
        if text:
            out.append((gid, text, record))
    return out


def make_generator(model: str, server_model: str | None, max_input: int, max_new: int):
    if model.startswith(("http://", "https://")):
        from summarizer.generate.openai_compat import OpenAIGenerator

        return OpenAIGenerator(server_model, url=model, max_new_tokens=max_new)
    if model.endswith(".gguf"):
        from summarizer.generate.gguf import GGUFGenerator

        return GGUFGenerator(model, max_input_tokens=max_input, max_new_tokens=max_new)
    from summarizer.generate.llm import LLMGenerator

    return LLMGenerator(model, max_input_tokens=max_input, max_new_tokens=max_new)


def pooled_f1(section: dict, fields=("claims", "denials", "next_steps")) -> float:
    tp = sum(section["fields"][f]["tp"] for f in fields)
    fp = sum(section["fields"][f]["fp"] for f in fields)
    fn = sum(section["fields"][f]["fn"] for f in fields)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--n", type=int, default=0, help="first N gold articles (0: all)")
    parser.add_argument("--gold", type=Path, default=EVAL / "dev-gold.jsonl")
    parser.add_argument("--data", type=Path, default=EVAL / "dev.jsonl")
    parser.add_argument("--server-model", default=None)
    parser.add_argument("--max-input-tokens", type=int, default=4096)
    parser.add_argument("--max-new-tokens", type=int, default=1024)
    args = parser.parse_args(argv)

    articles = gold_articles(args.gold, args.data)
    if args.n:
        articles = articles[: args.n]
    rules = Pipeline().load()
    t0 = time.perf_counter()
    generator = make_generator(
        args.model, args.server_model, args.max_input_tokens, args.max_new_tokens
    )
    llm = Pipeline(generator=generator).load()
    load_s = time.perf_counter() - t0
    print(f"model {args.model}: loaded in {load_s:.1f} s; {len(articles)} articles", flush=True)

    scored = {"rules": [], "llm": []}
    seconds = []
    signal.signal(signal.SIGTERM, _stop)  # a `timeout` still gets the figures so far
    try:
        _run(articles, rules, llm, scored, seconds)
    except KeyboardInterrupt:
        print(f"  stopped: figures over the {len(scored['llm'])} articles done", flush=True)
    _report(scored, seconds, generator)
    return 0


def _stop(signum, frame):
    raise KeyboardInterrupt


def _run(articles, rules, llm, scored, seconds) -> None:
    for gid, text, record in articles:
        clean = ingest(text)
        base = rules.summarize_clean([clean], with_source=True)[0]
        t = time.perf_counter()
        try:
            brief = llm.summarize_clean([clean], with_source=True)[0]
        except NewsumError as exc:  # e.g. no room in the context: scored as an empty brief
            print(f"  {gid}: error: {exc}", flush=True)
            scored["rules"].append(score_article(base, record, base.source))
            scored["llm"].append(score_article(None, record, base.source))
            continue
        seconds.append(time.perf_counter() - t)
        scored["rules"].append(score_article(base, record, base.source))
        scored["llm"].append(score_article(brief, record, brief.source))
        notes = [w for w in brief.meta.warnings if w.startswith(("llm", "faithfulness"))]
        print(f"  {gid}: {seconds[-1]:.1f} s; " + (" | ".join(notes) or "no warnings"), flush=True)


def _report(scored, seconds, generator) -> None:
    if not seconds:
        print("no article finished")
        return
    sections = {name: _gold_section(rows) for name, rows in scored.items()}
    print(f"\n{'field':<12} {'rules P/R/F1':>20} {'llm P/R/F1':>20}")
    for field in FIELDS:
        cells = []
        for name in ("rules", "llm"):
            f = sections[name]["fields"][field]
            cells.append(f"{f['precision']:.2f}/{f['recall']:.2f}/{f['f1']:.2f}")
        print(f"{field:<12} {cells[0]:>20} {cells[1]:>20}")
    stats = generator.stats
    replies = max(1, stats["replies"])
    print(
        f"\nreplies: {stats['replies']}; valid first time {stats['valid_first'] / replies:.0%}, "
        f"after the retry {stats['valid_retry'] / replies:.0%}, failed {stats['failed']}"
    )
    removed = ", ".join(f"{k} {v}" for k, v in generator.removed.items()) or "none"
    print(f"removed by check: {removed}")
    per_article = sum(seconds) / max(1, len(seconds))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds per article (llm pipeline): {per_article:.1f}; peak RSS {rss_mb:.0f} MB")
    base_f1 = pooled_f1(sections["rules"])
    ratio = pooled_f1(sections["llm"]) / base_f1 if base_f1 else 0.0
    print(f"llm_over_rules_f1={ratio:.3f}")


if __name__ == "__main__":
    sys.exit(main())
