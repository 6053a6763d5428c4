"""Seq2seq throughput on CPU: the one-article-at-a-time baseline vs ours batched vs CT2 int8.

A model shaped like sshleifer/distilbart-cnn-12-6 (d_model 1024, 12 encoder + 6 decoder
layers, 16 heads, FFN 4096, vocab 50265) with random weights, 16 articles of ~500 words
from ../shared/eval/dev.jsonl (samples/ when absent), exactly 64 new tokens each (min =
max), greedy decoding for all three:

  (a) baseline: transformers ``pipeline("summarization")`` one article at a time. That
      pipeline is gone from transformers 5 (no "summarization" task), so when it is
      missing the baseline is what it did: tokenizer -> model.generate -> decode, one
      article per call;
  (b) our Seq2SeqGenerator, batched;
  (c) our CT2Generator on an int8 conversion (``newsum convert``), batched, with the
      process-wide CPU settings it applies itself (``ct2_cpu``: heap kept, AVX512
      kernels where the CPU has them), named in its line of the output.

All three do the same work: the same articles (one window each: ~500 words is under the
model's 1,024 tokens, so no map-reduce), truncated the same way, the same number of new
tokens (min = max, so no early end), greedy, the same thread count (torch threads for (a)
and (b); ``inter_threads`` x ``intra_threads`` for (c), planned from that count).

Each variant runs in its own subprocess so that peak RSS is its own. The three processes
load their models first, then take turns: round 1 times a, b, c, round 2 b, c, a, round 3
c, a, b (3 rounds by default), and the median per variant is kept. Timing them in turns,
not one variant's runs after the other's, matters on a shared machine: a neighbour's burst
then slows every variant a little instead of one variant a lot (two torch threads on two
cores stall badly when another process takes one of them, which once made the ratio ~46).
Prints tokens/s, the CPU seconds per timed run (more than threads x wall: other processes
took cores), peak RSS and the ratios b/a and c/a; the last line is
``ratio_ct2_int8_over_pipeline=<float>``. ``--quick`` runs a small model on 4 articles
(under a minute). Random weights: only speed is meaningful, not the text.

    .venv/bin/python bench/seq2seq_speed.py [--quick] [--threads N] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
sys.path.insert(0, str(ROOT))

FULL = {
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 6,
    "heads": 16,
    "ffn": 4096,
    "vocab": 50265,
    "articles": 16,
    "new_tokens": 64,
}
QUICK = dict(FULL, d_model=256, encoder_layers=2, decoder_layers=1, heads=4, ffn=1024)
QUICK.update(articles=4, new_tokens=24)


def all_texts() -> list[str]:
    if DEV.exists():
        return [json.loads(line)["text"] for line in DEV.open(encoding="utf-8")]
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]


def articles(n: int, words: int = 500) -> list[str]:
    """n articles of about ``words`` words (the closest in length first, cut if longer)."""
    texts = all_texts()
    texts.sort(key=lambda t: abs(len(t.split()) - words))
    chosen = [" ".join(t.split()[:words]) for t in texts[:n]]
    while len(chosen) < n:
        chosen.append(chosen[len(chosen) % len(texts)])
    return chosen


def build_model(out: Path, shape: dict) -> Path:
    """Random-weight BART of the given shape; a byte-level BPE tokenizer trained on the
    articles, padded with unreachable filler tokens to the model's vocabulary size."""
    import torch
    from tokenizers import (
        ByteLevelBPETokenizer,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
    )
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    # Trained on the evaluation articles so that tokens per word are near real BART's.
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(all_texts(), vocab_size=16000, min_frequency=2, special_tokens=specials)
    trained = json.loads(bpe._tokenizer.to_str())
    vocab: dict[str, int] = trained["model"]["vocab"]
    merges = [
        tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["model"]["merges"]
    ]
    for i in range(shape["vocab"] - len(vocab)):
        vocab[f"<filler_{i}>"] = len(vocab)
    bpe = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    bpe.add_special_tokens(specials)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=1024,
    )
    config = BartConfig(
        vocab_size=shape["vocab"],
        d_model=shape["d_model"],
        encoder_layers=shape["encoder_layers"],
        decoder_layers=shape["decoder_layers"],
        encoder_attention_heads=shape["heads"],
        decoder_attention_heads=shape["heads"],
        encoder_ffn_dim=shape["ffn"],
        decoder_ffn_dim=shape["ffn"],
        max_position_embeddings=1024,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=None,
    )
    torch.manual_seed(0)
    BartForConditionalGeneration(config).eval().save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


# ---- one variant, in a subprocess --------------------------------------------------------


def prepare_variant(variant: str, model: str, shape: dict, threads: int):
    """(description, the timed call) of one variant, its model loaded and warmed up."""
    import torch

    torch.set_num_threads(threads)
    texts = articles(shape["articles"])
    n = shape["new_tokens"]
    if variant == "pipeline":
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline

        tokenizer = AutoTokenizer.from_pretrained(model)
        net = AutoModelForSeq2SeqLM.from_pretrained(model).eval()
        try:
            summarizer = pipeline("summarization", model=net, tokenizer=tokenizer)
            how = 'pipeline("summarization")'

            def one(text: str) -> None:
                summarizer(text, min_new_tokens=n, max_new_tokens=n, truncation=True)
        except KeyError:  # transformers 5: the task is gone; do what it did
            how = "tokenizer -> generate -> decode, one article per call"

            def one(text: str) -> None:
                enc = tokenizer([text], return_tensors="pt", truncation=True)
                with torch.inference_mode():
                    out = net.generate(**enc, num_beams=1, min_new_tokens=n, max_new_tokens=n)
                tokenizer.batch_decode(out, skip_special_tokens=True)

        one(texts[0][:200])  # warm-up (lazy inits), not timed

        def timed() -> None:
            for text in texts:
                one(text)
    else:
        from summarizer import analyse
        from summarizer.generate import Article, get_generator

        backend = "seq2seq" if variant == "ours" else "ct2"
        generator = get_generator(
            backend,
            model,
            num_beams=1,
            max_new_tokens=n,
            min_new_tokens=n,
            batch_size=shape["articles"],
            threads=threads,
        ).load()
        how = f"{backend} generator, batch of {shape['articles']}"
        if backend == "ct2":  # the process-wide CPU settings in force (ct2_cpu)
            cpu = generator._loaded.get("cpu") or {}
            how += f"; kernels {cpu.get('isa') or 'default'}, heap kept {cpu.get('malloc')}"
        docs = [Article(text=t, doc=analyse.parse(t)) for t in texts]
        generator.generate(docs[:1])  # warm-up, not timed

        def timed() -> None:
            generator.generate(docs)

    return how, timed


def serve_variant(variant: str, model: str, shape: dict, threads: int) -> None:
    """In the variant's subprocess: load, say so, then one timed run per "go" line on
    stdin (wall and CPU seconds back as a JSON line); "done" answers with the peak RSS."""
    how, timed = prepare_variant(variant, model, shape, threads)
    print(json.dumps({"how": how}), flush=True)
    for line in sys.stdin:
        if line.strip() == "go":
            wall, cpu = time.perf_counter(), time.process_time()
            timed()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(json.dumps({"seconds": wall, "cpu_s": cpu}), flush=True)
        else:
            print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)
            return


def summarise(runs: list[dict], tokens: int) -> dict:
    """The median of the timed runs, and (slowest - fastest) / median."""
    times = [r["seconds"] for r in runs]
    mid = statistics.median(times)
    return {
        "seconds": mid,
        "spread": (max(times) - min(times)) / mid,
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "tokens_per_s": tokens / mid,
    }


def peak_rss_mb() -> float:
    """This process's peak RSS. Not getrusage's ru_maxrss: Linux carries that over from the
    parent across fork + exec, so every variant would report the converter's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Variant:
    """One variant's subprocess, its model loaded, waiting for "go"."""

    def __init__(self, variant: str, model: Path, quick: bool, threads: int):
        cmd = [sys.executable, __file__, "--variant", variant, "--model", str(model)]
        cmd += ["--threads", str(threads)] + (["--quick"] if quick else [])
        env = dict(os.environ, TRANSFORMERS_VERBOSITY="error", TOKENIZERS_PARALLELISM="false")
        self.name = variant
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        self.how = self._answer()["how"]

    def _answer(self) -> dict:
        while line := self.proc.stdout.readline():
            if line.startswith("{"):  # not a library's own print
                return json.loads(line)
        raise SystemExit(f"variant {self.name} failed (see its error above)")

    def ask(self, what: str) -> dict:
        self.proc.stdin.write(what + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def close(self) -> dict:
        answer = self.ask("done")
        self.proc.wait(timeout=60)
        return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small model, 4 articles")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per variant, median kept (default 3)"
    )
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    shape = QUICK if args.quick else FULL
    if args.variant:
        serve_variant(args.variant, args.model, shape, args.threads)
        return

    with tempfile.TemporaryDirectory(prefix="newsum-bench-") as tmp:
        started = time.perf_counter()
        model = build_model(Path(tmp) / "hf", shape)
        from summarizer.generate.ct2 import convert

        ct2 = convert(str(model), Path(tmp) / "ct2-int8", quantization="int8")
        print(
            f"model: BART d_model={shape['d_model']} layers={shape['encoder_layers']}+"
            f"{shape['decoder_layers']} heads={shape['heads']} ffn={shape['ffn']} "
            f"vocab={shape['vocab']} (random weights); {shape['articles']} articles of ~500 "
            f"words, {shape['new_tokens']} new tokens each, greedy, {args.threads} threads, "
            f"median of {args.repeat}; "
            f"built + converted in {time.perf_counter() - started:.0f}s",
            flush=True,
        )
        names = ("pipeline", "ours", "ct2_int8")
        paths = {"pipeline": model, "ours": model, "ct2_int8": ct2}
        variants = {n: Variant(n, paths[n], args.quick, args.threads) for n in names}
        runs: dict[str, list[dict]] = {n: [] for n in names}
        for round_ in range(max(1, args.repeat)):  # in turns, the order rotated
            for name in names[round_ % 3 :] + names[: round_ % 3]:
                runs[name].append(variants[name].ask("go"))
        results = {}
        tokens = shape["new_tokens"] * shape["articles"]
        for name in names:
            r = results[name] = summarise(runs[name], tokens)
            rss = variants[name].close()["peak_rss_mb"]
            print(
                f"{name:9s} {r['tokens_per_s']:8.1f} tokens/s  {r['seconds']:7.1f}s "
                f"(cpu {r['cpu_s']:6.1f}s)  spread {r['spread']:4.0%}  peak RSS {rss:7.0f} MB"
                f"  ({variants[name].how})",
                flush=True,
            )
    base = results["pipeline"]["tokens_per_s"]
    print(f"ratio_ours_batched_over_pipeline={results['ours']['tokens_per_s'] / base:.2f}")
    print(f"ratio_ct2_int8_over_pipeline={results['ct2_int8']['tokens_per_s'] / base:.2f}")


if __name__ == "__main__":
    main()
