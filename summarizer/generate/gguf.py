"""A GGUF file writes the brief in-process through llama.cpp (``llama-cpp-python``).

Why not transformers for GGUF: it de-quantises the file to fp32 (a 1.5B Q4 model took
9 GB and minutes per article here); llama.cpp runs the quantised weights as they are.
The reply schema (``reply.py``) is turned into a grammar by llama.cpp, so every token
the model picks keeps the reply valid JSON within the schema's bounds. The model is
loaded once per process (shared by path, context and threads); threads default to the
cores this process may use; the context size is the one the file was trained with
(``<arch>.context_length``), capped by ``max_input_tokens`` when given. The chat template
is the file's own (``tokenizer.chat_template``).

Needs the optional extra: ``pip install 'newsum[gguf]'``.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarizer.errors import ModelUnavailable
from summarizer.generate import loading
from summarizer.generate.base import Article
from summarizer.generate.llm import CallFailed, ReplyGenerator
from summarizer.generate.reply import reply_json_schema

EXTRA = "gguf"
#: Context when the file does not say (llama.cpp's own default is the trained size).
DEFAULT_CONTEXT = 4096
_lock = threading.Lock()


def missing_extra() -> str | None:
    """One line naming the extra when llama-cpp-python is not installed, else None."""
    if importlib.util.find_spec("llama_cpp") is None:
        return (
            f"running a .gguf model needs the optional extra [{EXTRA}] "
            f"(pip install 'newsum[{EXTRA}]'), which installs llama-cpp-python"
        )
    return None


def trained_context(path: str) -> int | None:
    """``<arch>.context_length`` from the file's metadata, or None when it cannot be read."""
    try:
        from gguf import GGUFReader

        reader = GGUFReader(path)
        arch_field = reader.fields["general.architecture"]
        arch = bytes(arch_field.parts[arch_field.data[0]]).decode()
        field = reader.fields[f"{arch}.context_length"]
        return int(field.parts[field.data[0]][0])
    except Exception:  # no gguf package, an odd file: llama.cpp decides
        return None


class GGUFGenerator(ReplyGenerator):
    """llama.cpp chat completion under the reply schema's grammar, one article at a time."""

    backend = "gguf"

    def __init__(
        self,
        model: str | None = None,
        *,
        threads: int | None = None,
        max_new_tokens: int = 1024,
        max_input_tokens: int | None = None,
        device: str | None = None,  # accepted for a uniform interface; llama.cpp runs on CPU
        batch_size: int | None = None,
    ):
        super().__init__()
        self.model = loading.configured_model(model)
        if not Path(self.model).expanduser().is_file():
            raise ModelUnavailable(f"model {self.model!r} is not a .gguf file on this machine")
        why = missing_extra()
        if why:
            raise ModelUnavailable(why)
        self.threads = threads
        self.max_new_tokens = max_new_tokens
        self.max_input_tokens = max_input_tokens
        self._llama: Any = None

    def load(self) -> GGUFGenerator:
        if self._llama is None:
            path = str(Path(self.model).expanduser().resolve())
            threads = loading.cpu_threads(self.threads)
            trained = trained_context(path) or DEFAULT_CONTEXT
            n_ctx = min(trained, self.max_input_tokens) if self.max_input_tokens else trained
            key = ("gguf", path, n_ctx, threads)
            self._llama = loading.shared(key, lambda: self._build(path, n_ctx, threads))
        return self

    def _build(self, path: str, n_ctx: int, threads: int):
        from llama_cpp import Llama

        try:
            return Llama(
                model_path=path,
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                seed=0,
                verbose=False,
            )
        except Exception as exc:
            raise loading.load_failed(self.model, exc) from exc

    @property
    def context(self) -> int:
        return int(self._llama.n_ctx())

    def _tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _fit(self, article: Article) -> tuple[str, str | None]:
        overhead = sum(self._tokens(m["content"]) + 8 for m in self.messages(""))
        budget = self.context - self.max_new_tokens - overhead
        sents = [s for s in article.doc.sents if s.text.strip()]
        lengths = [self._tokens(s.text) + 1 for s in sents]
        if sum(lengths) <= budget:
            return article.text, None
        used, end = 0, 0
        for sent, n in zip(sents, lengths):
            if used + n > budget:
                break
            used += n
            end = sent.end_char
        if not end:
            raise ModelUnavailable(
                f"model {self.model!r} has no room for the article: context {self.context} "
                f"tokens, {self.max_new_tokens} reserved for the reply"
            )
        note = (
            f"article is {sum(lengths)} tokens, more than the llm context leaves room for "
            f"({budget}): only the first {len(article.text[:end].split())} words were read"
        )
        return article.text[:end], note

    def _reply(self, conversations: Sequence[list[dict]]) -> list[str | CallFailed]:
        schema = reply_json_schema()
        replies: list[str | CallFailed] = []
        for messages in conversations:
            with _lock:  # one llama.cpp context: one decode at a time
                out = self._llama.create_chat_completion(
                    messages=messages,
                    response_format={"type": "json_object", "schema": schema},
                    temperature=0.0,
                    max_tokens=self.max_new_tokens,
                    seed=0,
                )
            replies.append(out["choices"][0]["message"].get("content") or "")
        return replies
