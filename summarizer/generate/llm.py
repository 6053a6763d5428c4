"""An instruction-tuned LM writes the whole brief as JSON; only checked items survive.

The prompt is the files in ``prompts/`` (a system message, a user message, one
instruction per JSON field); in-process models wrap it in their own chat template. The
reply must satisfy a bounded JSON schema (``reply.py``): a reply that fails gets one
retry that says what was wrong, and if that fails too, only the fields that were never
valid fall back to the rule-based output, and ``meta.warnings`` names them. Every claim,
denial or next step is kept only if it maps to a real source sentence (``grounding.py``)
and passes the checks against the post-processor's own reading of that sentence
(``checks.py``). Headline and summary then go through the pipeline's faithfulness guard
like any generated text.

Backends share that flow (``ReplyGenerator``) and differ only in how a conversation
becomes a reply: transformers for Hugging Face directories (``LLMGenerator``, here),
llama.cpp for GGUF files (``gguf.py``), any OpenAI-compatible server (``openai.py``).
Articles longer than the context budget are cut at a sentence boundary, and the Draft
says so (``truncated``, a warning).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.generate import loading
from summarizer.generate.base import Article, Draft, Generator
from summarizer.generate.prompts import fill, load_prompt
from summarizer.generate.reply import (  # noqa: F401  (LLMReply, parse_reply: public names)
    FIELDS,
    CheckedReply,
    LLMReply,
    check_reply,
    combine,
    parse_reply,
)
from summarizer.generate.seq2seq import MAX_SUMMARY_SENTENCES, _one_line, _tidy
from summarizer.generate.windows import split_sentences

DEFAULT_MAX_INPUT = 4096
RETRY_REPLY_CHARS = 1500


@dataclass
class CallFailed:
    """A model call that gave no reply at all (a server error after its retries)."""

    reason: str


class ReplyGenerator(Generator):
    """The shared flow of every LLM backend: prompt, reply, schema check, one retry,
    field-by-field fallback, grounding and the source checks. Backends supply ``_reply``
    (conversations in, reply texts out) and may cut articles to their context (``_fit``).
    """

    def __init__(self) -> None:
        #: Counters over this generator's life (the quality bench reads them).
        self.stats = {"replies": 0, "valid_first": 0, "valid_retry": 0, "failed": 0}
        self.removed: dict[str, int] = {}

    def messages(self, article_text: str) -> list[dict[str, str]]:
        fields = "\n".join(load_prompt(f"llm_{name}") for name in FIELDS)
        user = fill(load_prompt("llm_user"), article=article_text, fields=fields)
        return [
            {"role": "system", "content": load_prompt("llm_system")},
            {"role": "user", "content": user},
        ]

    @staticmethod
    def retry_messages(checked: CheckedReply) -> list[dict[str, str]]:
        """The failed reply and what was wrong with it, for the one retry."""
        return [
            {"role": "assistant", "content": checked.raw[:RETRY_REPLY_CHARS]},
            {
                "role": "user",
                "content": "That reply does not match the required JSON schema ("
                + checked.reason()
                + "). Reply again with one JSON object with the fields headline, summary, "
                "claims, denials and next_steps, within the length limits, and nothing else.",
            },
        ]

    def _fit(self, article: Article) -> tuple[str, str | None]:
        """The article text the model reads, and a note if it was cut."""
        return article.text, None

    def _reply(self, conversations: Sequence[list[dict]]) -> list[str | CallFailed]:
        raise NotImplementedError

    def _attempts(self, conversations: list[list[dict]]) -> list[list[CheckedReply] | CallFailed]:
        """Each conversation's checked replies: one, or two when the first failed the schema."""
        results: list[list[CheckedReply] | CallFailed] = []
        for reply in self._reply(conversations):
            results.append(reply if isinstance(reply, CallFailed) else [check_reply(reply)])
        again = [
            i for i, r in enumerate(results) if not isinstance(r, CallFailed) and not r[0].valid
        ]
        if again:
            retried = self._reply(
                [conversations[i] + self.retry_messages(results[i][0]) for i in again]
            )
            for i, reply in zip(again, retried):
                if not isinstance(reply, CallFailed):
                    results[i].append(check_reply(reply))
        for r in results:
            self.stats["replies"] += 1
            if isinstance(r, CallFailed):
                self.stats["failed"] += 1
            elif r[0].valid:
                self.stats["valid_first"] += 1
            elif r[-1].valid:
                self.stats["valid_retry"] += 1
            else:
                self.stats["failed"] += 1
        return results

    def generate(self, articles: Sequence[Article]) -> list[Draft]:
        from summarizer.generate.checks import check_reply_items, stray_characters

        self.load()
        fitted = [self._fit(a) for a in articles]
        results = self._attempts([self.messages(text) for text, _ in fitted])
        drafts = []
        for article, (_, note), result in zip(articles, fitted, results):
            warnings = [note] if note else []
            if isinstance(result, CallFailed):
                warnings.append(
                    f"llm {self.model!r} gave no reply ({result.reason}); the brief is the "
                    "rule-based output"
                )
                drafts.append(Draft("", "", warnings=warnings, truncated=bool(note)))
                continue
            parsed, failed = combine(result)
            if all(a.value is None for a in result):
                warnings.append(f"llm {self.model!r} did not reply with a JSON object")
            if failed:
                tries = "twice" if len(result) > 1 else "once"
                warnings.append(
                    f"llm: reply failed the schema {tries} ({result[-1].reason()}); fell back "
                    f"to the rule-based output for: {', '.join(failed)}"
                )
            summary = " ".join(split_sentences(_tidy(parsed.summary))[:MAX_SUMMARY_SENTENCES])
            checked = check_reply_items(parsed, summary, article.doc)
            for name, count in checked.removed.items():
                self.removed[name] = self.removed.get(name, 0) + count
            warnings.extend(checked.warnings)
            headline = _one_line(parsed.headline)
            odd = stray_characters(headline, article.text) if headline else None
            if odd:
                warnings.append(f"llm checks: generated headline dropped ({odd})")
                headline = ""
            drafts.append(
                Draft(
                    headline=headline,
                    summary=checked.summary,
                    warnings=warnings,
                    truncated=bool(note),
                    items=checked.items.as_items(),
                )
            )
        return drafts


class LLMGenerator(loading.LoadsOnce, ReplyGenerator):
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
        super().__init__()
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

    def prompt(self, article_text: str) -> str:
        """The full model input: the model's chat template around our messages."""
        return self.render(self.messages(article_text))

    def render(self, messages: list[dict[str, str]]) -> str:
        """A conversation as the model reads it (its chat template, else plain text)."""
        tokenizer = self._loaded["tokenizer"]
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

    def _reply(self, conversations: Sequence[list[dict]]) -> list[str | CallFailed]:
        return list(self._complete([self.render(c) for c in conversations]))
