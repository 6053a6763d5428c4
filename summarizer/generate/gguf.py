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

import atexit
import contextlib
import importlib.util
import os
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
ENV_REPACK = "NEWSUM_GGUF_REPACK"
#: Context when the file does not say (llama.cpp's own default is the trained size).
DEFAULT_CONTEXT = 4096
#: Tokens a chat template adds around each message ("<|im_start|>user\n" ... "<|im_end|>\n").
TEMPLATE_TOKENS = 12
_lock = threading.RLock()


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


@contextlib.contextmanager
def _repacking(enabled: bool):
    """Load with llama.cpp's CPU weight repacking on or off (off unless NEWSUM_GGUF_REPACK=1).

    With 0.3.36 on this project's AVX-512 machine, decoding more than one token at a time
    from repacked Q4_K weights crashes the process (SIGSEGV in ``llama_decode``); without
    repacking it runs. llama-cpp-python does not expose the switch
    (``llama_model_params.use_extra_bufts``), so it is set on the defaults it reads.
    """
    import llama_cpp.llama as high

    if enabled:
        yield
        return
    low = high.llama_cpp
    original = low.llama_model_default_params

    def defaults():
        params = original()
        if hasattr(params, "use_extra_bufts"):
            params.use_extra_bufts = False
        return params

    with _lock:
        low.llama_model_default_params = defaults
        try:
            yield
        finally:
            low.llama_model_default_params = original


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
            with _repacking(os.environ.get(ENV_REPACK, "").strip() in {"1", "true", "yes"}):
                llama = Llama(
                    model_path=path,
                    n_ctx=n_ctx,
                    n_threads=threads,
                    n_threads_batch=threads,
                    seed=0,
                    verbose=False,
                )
        except Exception as exc:
            raise loading.load_failed(self.model, exc) from exc
        # freed while the interpreter still works (llama-cpp-python's own finaliser runs
        # after its C bindings are gone and prints a TypeError at exit)
        atexit.register(llama.close)
        return llama

    @property
    def context(self) -> int:
        return int(self._llama.n_ctx())

    def _tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _fit(self, article: Article) -> tuple[str, str | None]:
        budget = self.context - self.max_new_tokens - self._prompt_tokens(self.messages(""))
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

    def _prompt_tokens(self, messages: list[dict]) -> int:
        """Tokens of a conversation with a margin for the chat template's own tokens."""
        return sum(self._tokens(m["content"]) + TEMPLATE_TOKENS for m in messages) + 16

    def _fitting(self, messages: list[dict]) -> list[dict]:
        """A retry without the failed reply when the whole would overflow the context (the
        correction still names what was wrong)."""
        room = self.context - self.max_new_tokens
        if len(messages) > 2 and self._prompt_tokens(messages) > room:
            return [m for m in messages if m["role"] != "assistant"]
        return messages

    def _reply(self, conversations: Sequence[list[dict]]) -> list[str | CallFailed]:
        schema = reply_json_schema()
        replies: list[str | CallFailed] = []
        for messages in conversations:
            try:
                with _lock:  # one llama.cpp context: one decode at a time
                    out = self._llama.create_chat_completion(
                        messages=self._fitting(messages),
                        response_format={"type": "json_object", "schema": schema},
                        temperature=0.0,
                        max_tokens=self.max_new_tokens,
                        seed=0,
                    )
            except ValueError as exc:  # the prompt does not fit the context after all
                replies.append(CallFailed(str(exc).splitlines()[0][:200]))
                continue
            replies.append(out["choices"][0]["message"].get("content") or "")
        return replies
