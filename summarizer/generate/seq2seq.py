"""Abstractive summaries from an encoder-decoder model (BART, PEGASUS, T5/FLAN-T5).

Family-aware: BART and PEGASUS read the raw article; T5-family models read a task prefix
from ``prompts/``. Articles are batched (windows of all articles sorted by length, so
padding stays small). Articles longer than the model reads at once are summarised by
map-reduce over sentence windows (``windows.py``); the Draft's warnings say so.

The headline is generated from the lead with the T5 headline prompt, or, for BART-style
models that only know how to summarise, compressed from the first summary sentence.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.generate import loading
from summarizer.generate.base import HEADLINE_MAX_CHARS, Article, Draft, Generator
from summarizer.generate.prompts import fill, load_prompt
from summarizer.generate.windows import make_windows, split_sentences

T5_FAMILY = {"t5", "mt5", "umt5", "longt5", "switch_transformers"}
# Models without learned position limits (T5's relative positions) still get a cap:
# attention cost grows with the square of the input.
DEFAULT_MAX_INPUT = 1024
MAX_SUMMARY_SENTENCES = 4
MAX_REDUCE_ROUNDS = 4
_SPACE = re.compile(r"\s+")


@dataclass
class _Plan:
    """One article's way through map-reduce."""

    windows: list[str]
    tokens: int
    partials: list[str] = field(default_factory=list)
    rounds: int = 0
    skipped: int = 0


def _tidy(text: str) -> str:
    text = text.replace("<n>", " ")  # PEGASUS's newline token
    return _SPACE.sub(" ", text).strip()


def _take_max_length(generation_config) -> int:
    """The model's own output limit as a count of new tokens; max_length is then cleared so
    that transformers does not warn about both limits on every call (we always pass
    max_new_tokens)."""
    explicit = generation_config.to_diff_dict()
    limit = generation_config.max_new_tokens
    if not limit and explicit.get("max_length"):
        limit = int(explicit["max_length"]) - 1  # max_length counts the decoder start token
    generation_config.max_length = None
    return limit or 128


def _one_line(text: str, limit: int = HEADLINE_MAX_CHARS) -> str:
    from summarizer.generate.extractive import _shorten, strip_dateline

    text = strip_dateline(_tidy(text)).rstrip(" .")
    return _shorten(text, limit)


class Seq2SeqGenerator(loading.LoadsOnce, Generator):
    """transformers AutoModelForSeq2SeqLM + AutoTokenizer, loaded once per process."""

    backend = "seq2seq"

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        threads: int | None = None,
        num_beams: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        max_input_tokens: int | None = None,
        batch_size: int = 8,
        max_windows: int = 32,
    ):
        self.model = loading.configured_model(model)
        self.device = device
        self.threads = threads
        self.num_beams = num_beams
        self.max_new_tokens = max_new_tokens
        self.min_new_tokens = min_new_tokens
        self.max_input_tokens = max_input_tokens
        self.batch_size = max(1, batch_size)
        self.max_windows = max(1, max_windows)
        self._loaded: dict[str, Any] | None = None
        self._run_lock = threading.Lock()

    # ---- loading ---------------------------------------------------------------------

    def _build(self, path: str, local_only: bool, device: str) -> dict[str, Any]:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        if device == "cpu":
            torch.set_num_threads(loading.cpu_threads(self.threads))
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=local_only)
            model = AutoModelForSeq2SeqLM.from_pretrained(path, local_files_only=local_only)
        except Exception as exc:  # transformers raises OSError, ValueError, KeyError...
            raise loading.load_failed(self.model, exc) from exc
        model.to(device).eval()
        config = model.config
        return {
            "default_max_new": _take_max_length(model.generation_config),
            "tokenizer": tokenizer,
            "model": model,
            "device": device,
            "family": config.model_type,
            "model_max_input": self._max_input(tokenizer, config.to_dict()),
        }

    def _max_new(self, override: int | None = None) -> int:
        return override or self.max_new_tokens or self._loaded["default_max_new"]

    def _max_input(self, tokenizer, config: dict) -> int:
        limits = [
            config.get("max_position_embeddings"),
            config.get("n_positions") if config.get("model_type") not in T5_FAMILY else None,
            tokenizer.model_max_length if tokenizer.model_max_length < 1_000_000 else None,
        ]
        limits = [int(x) for x in limits if x]
        return min(limits) if limits else DEFAULT_MAX_INPUT

    @property
    def max_input(self) -> int:
        """Input tokens per model call: the model's limit, or less if configured."""
        limit = self.load()._loaded["model_max_input"]
        return min(limit, self.max_input_tokens) if self.max_input_tokens else limit

    @property
    def tokenizer(self):
        return self.load()._loaded["tokenizer"]

    @property
    def family(self) -> str:
        return self.load()._loaded["family"]

    # ---- the model call (overridden by the CTranslate2 generator) --------------------

    def _run(self, texts: Sequence[str], *, max_new_tokens: int | None = None) -> list[str]:
        """Generate one text per input text (already prefixed, already short enough)."""
        import torch

        loaded = self._loaded
        tokenizer, model = loaded["tokenizer"], loaded["model"]
        kwargs: dict[str, Any] = {"do_sample": False}
        if self.num_beams:
            kwargs["num_beams"] = self.num_beams
        kwargs["max_new_tokens"] = self._max_new(max_new_tokens)
        if self.min_new_tokens is not None and not max_new_tokens:
            kwargs["min_new_tokens"] = self.min_new_tokens
        encoded = tokenizer(
            list(texts),
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=self.max_input,
        ).to(loaded["device"])
        with torch.inference_mode():
            output = model.generate(**encoded, **kwargs)
        return [_tidy(t) for t in tokenizer.batch_decode(output, skip_special_tokens=True)]

    # ---- batching and map-reduce -----------------------------------------------------

    def _count(self, texts: Sequence[str]) -> list[int]:
        ids = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def _prefix(self, kind: str) -> str:
        """The T5 task template ("summarize: {text}") or "{text}" for BART/PEGASUS."""
        if self.family in T5_FAMILY:
            return load_prompt(f"t5_{kind}")
        return "{text}"

    def _budget(self) -> int:
        """Article tokens one model call may take: the limit less specials and prompt."""
        prompt = fill(self._prefix("summary"), text="")
        specials = len(self.tokenizer("", add_special_tokens=True)["input_ids"])
        overhead = specials + (self._count([prompt])[0] if prompt.strip() else 0)
        return max(16, self.max_input - overhead - 2)

    def _batched(self, texts: list[str], kind: str = "summary", **kwargs) -> list[str]:
        """Run every text through the model, longest first in batches, results in order."""
        if not texts:
            return []
        template = self._prefix(kind)
        prompts = [fill(template, text=t) for t in texts]
        order = sorted(range(len(prompts)), key=lambda i: -len(prompts[i]))
        results: list[str] = [""] * len(prompts)
        with self._run_lock:  # one generate at a time per process: CPU threads are shared
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                for i, out in zip(chunk, self._run([prompts[i] for i in chunk], **kwargs)):
                    results[i] = out
        return results

    def _plan(self, article: Article, budget: int) -> _Plan:
        sentences = [s.text for s in article.doc.sents if s.text.strip()] or [article.text]
        windows = make_windows(sentences, self._count, budget)
        plan = _Plan(windows=windows, tokens=sum(self._count(sentences)))
        if len(windows) > self.max_windows:
            plan.skipped = len(windows) - self.max_windows
            plan.windows = windows[: self.max_windows]
        return plan

    def _reduce(self, plans: list[_Plan], budget: int) -> None:
        """Summarise joined partial summaries until each article has one."""
        for _ in range(MAX_REDUCE_ROUNDS):
            todo: list[tuple[_Plan, list[str]]] = []
            for plan in plans:
                if len(plan.partials) <= 1:
                    continue
                sentences = [s for p in plan.partials for s in split_sentences(p)]
                windows = make_windows(sentences, self._count, budget)
                if len(windows) >= len(plan.partials):  # not shrinking: stop here
                    plan.partials = [" ".join(plan.partials)]
                    continue
                todo.append((plan, windows))
            if not todo:
                return
            outputs = iter(self._batched([w for _, ws in todo for w in ws]))
            for plan, windows in todo:
                plan.partials = [next(outputs) for _ in windows]
                plan.rounds += 1
        for plan in plans:  # rounds exhausted (should not happen): keep what we have
            plan.partials = [" ".join(plan.partials)]

    def generate(self, articles: Sequence[Article]) -> list[Draft]:
        self.load()
        budget = self._budget()
        plans = [self._plan(a, budget) for a in articles]
        outputs = iter(self._batched([w for p in plans for w in p.windows]))
        for plan in plans:
            plan.partials = [next(outputs) for _ in plan.windows]
        self._reduce(plans, budget)
        summaries = [
            " ".join(split_sentences(p.partials[0] if p.partials else "")[:MAX_SUMMARY_SENTENCES])
            for p in plans
        ]
        headlines = self._headlines(articles, plans, summaries)
        return [
            self._draft(plan, summary, headline, budget)
            for plan, summary, headline in zip(plans, summaries, headlines)
        ]

    def _headlines(
        self, articles: Sequence[Article], plans: list[_Plan], summaries: list[str]
    ) -> list[str]:
        if self.family in T5_FAMILY:
            leads = [p.windows[0] if p.windows else "" for p in plans]
            return [_one_line(h) for h in self._batched(leads, "headline", max_new_tokens=32)]
        return [self._compress(s) for s in summaries]

    @staticmethod
    def _compress(summary: str) -> str:
        """A BART-style model only summarises: its headline is the first summary sentence,
        compressed like the extractive lead (main clause, no subordinate material)."""
        from summarizer import analyse
        from summarizer.generate.extractive import headline_from_lead

        first = (split_sentences(summary) or [""])[0]
        if not first:
            return ""
        sents = list(analyse.parse(first).sents)
        return headline_from_lead(sents[0]) if sents else _one_line(first)

    def _draft(self, plan: _Plan, summary: str, headline: str, budget: int) -> Draft:
        warnings = []
        windows = len(plan.windows) + plan.skipped
        if windows > 1:
            warnings.append(
                f"article is {plan.tokens} tokens, more than the model reads at once "
                f"({budget}): summarised {windows} sentence windows, then their summaries "
                f"({plan.rounds} reduce round{'s' if plan.rounds != 1 else ''})"
            )
        if plan.skipped:
            warnings.append(
                f"only the first {len(plan.windows)} of {windows} windows were read "
                f"(max_windows={self.max_windows}); the rest of the article was skipped"
            )
        if not summary.strip():
            warnings.append(f"{self.backend} model {self.model!r} produced no summary text")
        return Draft(
            headline=headline, summary=summary, warnings=warnings, truncated=plan.skipped > 0
        )
