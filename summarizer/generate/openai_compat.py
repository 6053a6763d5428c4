"""Any OpenAI-compatible chat-completions server writes the brief (vLLM, llama.cpp's
server, Ollama, TGI, hosted APIs).

httpx rather than the ``openai`` package: httpx is already a dependency (the API, URL
fetch), so this backend works from the default install; we use one endpoint, and owning
the retry loop lets it honour ``Retry-After``, count tries and keep the API key out of
every message and log line (it travels only in the Authorization header).

The reply schema (``reply.py``) goes as ``response_format`` (``json_schema``), so servers
that constrain decoding return valid JSON; the reply is still checked here like any other.
Transient failures (429, 5xx, timeouts, refused connections) are retried with exponential
backoff, or after the server's ``Retry-After``; an article whose calls all fail gets the
rule-based brief and a warning, so one bad call never loses a batch. A rejected key (401,
403) is a configuration error for every article: ModelUnavailable, one line.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from summarizer.errors import ModelUnavailable
from summarizer.generate.base import Article
from summarizer.generate.llm import CallFailed, ReplyGenerator
from summarizer.generate.reply import reply_json_schema

ENV_URL = "NEWSUM_LLM_URL"
ENV_MODEL = "NEWSUM_LLM_MODEL"
ENV_API_KEY = "NEWSUM_LLM_API_KEY"
ENV_TIMEOUT = "NEWSUM_LLM_TIMEOUT"
ENV_RETRIES = "NEWSUM_LLM_RETRIES"
ENV_CONCURRENCY = "NEWSUM_LLM_CONCURRENCY"
DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRIES = 3
DEFAULT_CONCURRENCY = 4
#: Articles longer than this many characters are cut at a sentence (about 6k tokens).
DEFAULT_MAX_INPUT_CHARS = 24_000
MAX_RETRY_WAIT = 60.0

_slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_slots_guard = threading.Lock()


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def chat_url(base: str) -> str:
    """``http://host:8000/v1`` -> ``http://host:8000/v1/chat/completions`` (a full URL stays)."""
    base = base.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class OpenAIGenerator(ReplyGenerator):
    """Chat completions over HTTP, concurrent up to a limit shared by the whole process."""

    backend = "openai"

    def __init__(
        self,
        model: str | None = None,
        *,
        url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        concurrency: int | None = None,
        max_new_tokens: int = 1024,
        max_input_chars: int = DEFAULT_MAX_INPUT_CHARS,
        backoff: float = 0.5,
    ):
        super().__init__()
        self.model = model or os.environ.get(ENV_MODEL)
        url = url or os.environ.get(ENV_URL)
        if not url or not url.startswith(("http://", "https://")):
            raise ModelUnavailable(
                f"the openai backend needs a server URL: set {ENV_URL} "
                "(e.g. http://127.0.0.1:8080/v1)"
            )
        if not self.model:
            raise ModelUnavailable(
                f"the openai backend needs a model name: set {ENV_MODEL} or pass --model"
            )
        self.url = chat_url(url)
        self._api_key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        self.timeout = timeout if timeout is not None else _env_number(ENV_TIMEOUT, DEFAULT_TIMEOUT)
        self.retries = int(
            retries if retries is not None else _env_number(ENV_RETRIES, DEFAULT_RETRIES)
        )
        self.concurrency = max(
            1,
            int(
                concurrency
                if concurrency is not None
                else _env_number(ENV_CONCURRENCY, DEFAULT_CONCURRENCY)
            ),
        )
        self.max_new_tokens = max_new_tokens
        self.max_input_chars = max_input_chars
        self.backoff = backoff
        self._client = None
        self._client_lock = threading.Lock()
        self._sleep = time.sleep  # tests record the waits instead of sleeping

    def __repr__(self) -> str:  # never the key
        return f"OpenAIGenerator(url={self.url!r}, model={self.model!r})"

    def load(self) -> OpenAIGenerator:
        """Open the HTTP connection pool (no request is made)."""
        import httpx

        with self._client_lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
                    limits=httpx.Limits(max_connections=self.concurrency),
                )
        return self

    @property
    def _slot(self) -> threading.BoundedSemaphore:
        key = (self.url, self.concurrency)
        with _slots_guard:
            return _slots.setdefault(key, threading.BoundedSemaphore(self.concurrency))

    def _fit(self, article: Article) -> tuple[str, str | None]:
        if len(article.text) <= self.max_input_chars:
            return article.text, None
        end = 0
        for sent in article.doc.sents:
            if sent.end_char > self.max_input_chars:
                break
            end = sent.end_char
        end = end or self.max_input_chars
        note = (
            f"article is {len(article.text)} characters, more than the llm server is sent "
            f"({self.max_input_chars}): only the first {len(article.text[:end].split())} "
            "words were read"
        )
        return article.text[:end], note

    def request_body(self, messages: list[dict]) -> dict:
        return {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_new_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "newsum_brief", "schema": reply_json_schema()},
            },
        }

    def _reply(self, conversations: Sequence[list[dict]]) -> list[str | CallFailed]:
        self.load()
        if len(conversations) == 1:
            return [self._call(conversations[0])]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(conversations))) as pool:
            return list(pool.map(self._call, conversations))

    def _call(self, messages: list[dict]) -> str | CallFailed:
        import httpx

        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        body = self.request_body(messages)
        reason = "no attempt"
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2**attempt * (1 + 0.25 * random.random())
            try:
                with self._slot:
                    response = self._client.post(self.url, json=body, headers=headers)
            except httpx.TimeoutException:
                reason = f"timed out after {self.timeout:g} s"
            except httpx.TransportError as exc:
                reason = f"cannot reach {self.url} ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    return self._content(response)
                if status in (401, 403):
                    raise ModelUnavailable(
                        f"the llm server at {self.url} rejected the API key (HTTP {status}); "
                        f"check {ENV_API_KEY}"
                    )
                reason = f"HTTP {status}"
                if status != 429 and status < 500:
                    detail = " ".join(response.text.split())[:200]
                    return CallFailed(f"{reason}: {detail}" if detail else reason)
                told = retry_after(response.headers.get("Retry-After"))
                if told is not None:
                    wait = told
            if attempt < self.retries:
                self._sleep(min(wait, MAX_RETRY_WAIT))
        tries = self.retries + 1
        return CallFailed(f"{reason}, {tries} {'try' if tries == 1 else 'tries'}")

    @staticmethod
    def _content(response) -> str | CallFailed:
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            return CallFailed("the server's answer is not a chat completion")
        return content if isinstance(content, str) else ""
