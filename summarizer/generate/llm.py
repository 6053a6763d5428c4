"""An instruction-tuned causal LM writes the whole brief as JSON; only grounded items survive.

The prompt is the model's own chat template around the files in ``prompts/`` (a system
message, a user message, one instruction per JSON field). The reply is parsed leniently
(code fences, prose before or after, trailing commas), validated, and every claim,
denial or next step it proposes is kept only if it maps to a real source sentence
(``grounding.py``). Headline and summary then go through the pipeline's faithfulness
guard like any generated text.

GGUF files load through transformers (``--model path/to/model.gguf``; needs the ``gguf``
package). Articles longer than the context budget are cut at a sentence boundary, and
the Draft says so (``truncated``, a warning).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from summarizer.generate import loading
from summarizer.generate.base import Article, Draft, Generator
from summarizer.generate.prompts import fill, load_prompt
from summarizer.generate.seq2seq import MAX_SUMMARY_SENTENCES, _one_line, _tidy
from summarizer.generate.windows import split_sentences

FIELDS = ("headline", "summary", "claims", "denials", "next_steps")
DEFAULT_MAX_INPUT = 4096
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")

    speaker: str | None = None
    statement: str | None = None
    quote: str | None = None
    actor: str | None = None
    action: str | None = None
    when: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, value):
        return None if value is None else str(value)


class LLMReply(BaseModel):
    """What we accept from the model: every field optional, unknown keys ignored."""

    model_config = ConfigDict(extra="ignore")

    headline: str = ""
    summary: str = ""
    claims: list[_Item] = []
    denials: list[_Item] = []
    next_steps: list[_Item] = []

    @field_validator("headline", "summary", mode="before")
    @classmethod
    def _joined(cls, value):
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)

    @field_validator("claims", "denials", "next_steps", mode="before")
    @classmethod
    def _items(cls, value):
        if not isinstance(value, list):
            return []
        return [
            {"statement": v, "action": v} if isinstance(v, str) else v
            for v in value
            if isinstance(v, str | dict)
        ]


def parse_reply(text: str) -> LLMReply | None:
    """The first JSON object in ``text`` (fenced or not, prose around it), or None."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for start in [m.start() for m in re.finditer(r"\{", candidate)][:20]:
            chunk = candidate[start:]
            for attempt in (chunk, _TRAILING_COMMA.sub(r"\1", chunk)):
                try:
                    value, _ = decoder.raw_decode(attempt)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    try:
                        return LLMReply.model_validate(value)
                    except ValidationError:
                        return None
    return None


class LLMGenerator(loading.LoadsOnce, Generator):
    """transformers AutoModelForCausalLM + chat template, greedy, batched with left padding."""

    backend = "llm"

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        threads: int | None = None,
        max_new_tokens: int = 512,
        max_input_tokens: int | None = None,
        batch_size: int = 4,
    ):
        self.model = loading.configured_model(model)
        self.device = device
        self.threads = threads
        self.max_new_tokens = max_new_tokens
        self.max_input_tokens = max_input_tokens
        self.batch_size = max(1, batch_size)
        self._loaded: dict[str, Any] | None = None
        self._run_lock = threading.Lock()

    def _build(self, path: str, local_only: bool, device: str) -> dict[str, Any]:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if device == "cpu":
            torch.set_num_threads(loading.cpu_threads(self.threads))
        kwargs: dict[str, Any] = {"local_files_only": local_only}
        if path.endswith(".gguf"):
            kwargs["gguf_file"] = Path(path).name
            path = str(Path(path).parent)
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
            model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
        except Exception as exc:
            raise loading.load_failed(self.model, exc) from exc
        model.to(device).eval()
        tokenizer.padding_side = "left"  # decoder-only: pad on the left to batch
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        limits = [
            getattr(model.config, "max_position_embeddings", None),
            tokenizer.model_max_length if tokenizer.model_max_length < 1_000_000 else None,
        ]
        return {
            "tokenizer": tokenizer,
            "model": model,
            "device": device,
            "model_limit": min([int(x) for x in limits if x] or [DEFAULT_MAX_INPUT]),
        }

    @property
    def context(self) -> int:
        """Tokens of prompt + reply this generator allows (the model's limit or less)."""
        return min(self._loaded["model_limit"], self.max_input_tokens or DEFAULT_MAX_INPUT)

    # ---- prompts -----------------------------------------------------------------------

    def messages(self, article_text: str) -> list[dict[str, str]]:
        fields = "\n".join(load_prompt(f"llm_{name}") for name in FIELDS)
        user = fill(load_prompt("llm_user"), article=article_text, fields=fields)
        return [
            {"role": "system", "content": load_prompt("llm_system")},
            {"role": "user", "content": user},
        ]

    def prompt(self, article_text: str) -> str:
        """The full model input: the model's chat template around our messages."""
        tokenizer = self._loaded["tokenizer"]
        messages = self.messages(article_text)
        if getattr(tokenizer, "chat_template", None):
            return tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        return "\n\n".join(m["content"] for m in messages) + "\n\n"

    def _fit(self, article: Article) -> tuple[str, str | None]:
        """The article, cut at a sentence boundary if the prompt would overflow the context."""
        tokenizer = self._loaded["tokenizer"]
        overhead = len(tokenizer(self.prompt(""), add_special_tokens=False)["input_ids"])
        budget = self.context - self.max_new_tokens - overhead
        sents = [s for s in article.doc.sents if s.text.strip()]
        ids = (
            tokenizer([s.text for s in sents], add_special_tokens=False)["input_ids"]
            if sents
            else []
        )
        lengths = [len(x) for x in ids]
        if sum(lengths) + len(lengths) <= budget:
            return article.text, None
        used, end = 0, 0
        for sent, n in zip(sents, lengths):
            if used + n + 1 > budget:
                break
            used += n + 1
            end = sent.end_char
        kept = article.text[:end]
        if not kept:
            raise loading.ModelUnavailable(
                f"model {self.model!r} has no room for the article: context "
                f"{self.context} tokens, {self.max_new_tokens} reserved for the reply"
            )
        note = (
            f"article is {sum(lengths)} tokens, more than the llm context leaves room for "
            f"({budget}): only the first {len(article.text[:end].split())} words were read"
        )
        return kept, note

    # ---- the model call (tests replace it with scripted replies) ---------------------

    def _complete(self, prompts: Sequence[str]) -> list[str]:
        """The model's reply to each full prompt (greedy)."""
        import torch

        tokenizer, model = self._loaded["tokenizer"], self._loaded["model"]
        replies: list[str] = []
        with self._run_lock:
            for start in range(0, len(prompts), self.batch_size):
                batch = list(prompts[start : start + self.batch_size])
                encoded = tokenizer(
                    batch, return_tensors="pt", padding=True, add_special_tokens=False
                ).to(self._loaded["device"])
                with torch.inference_mode():
                    output = model.generate(
                        **encoded,
                        do_sample=False,
                        max_new_tokens=self.max_new_tokens,
                        pad_token_id=tokenizer.pad_token_id,
                    )
                new = output[:, encoded["input_ids"].shape[1] :]
                replies.extend(tokenizer.batch_decode(new, skip_special_tokens=True))
        return replies

    # ---- the generator -------------------------------------------------------------------

    def generate(self, articles: Sequence[Article]) -> list[Draft]:
        from summarizer.faithfulness import SourceIndex
        from summarizer.generate.grounding import ground_items

        self.load()
        fitted = [self._fit(a) for a in articles]
        replies = self._complete([self.prompt(text) for text, _ in fitted])
        drafts = []
        for article, (_, note), reply in zip(articles, fitted, replies):
            warnings = [note] if note else []
            parsed = parse_reply(reply)
            if parsed is None:
                warnings.append(f"llm {self.model!r} did not reply with a JSON object")
                drafts.append(Draft("", "", warnings=warnings, truncated=bool(note)))
                continue
            summary = " ".join(split_sentences(_tidy(parsed.summary))[:MAX_SUMMARY_SENTENCES])
            grounded = ground_items(
                parsed.model_dump(), article.doc, SourceIndex.build(article.doc)
            )
            drafts.append(
                Draft(
                    headline=_one_line(parsed.headline),
                    summary=summary,
                    warnings=warnings,
                    truncated=bool(note),
                    items=grounded.as_items(),
                )
            )
        return drafts
