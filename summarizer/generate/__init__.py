"""Generators by name: the embedded extractive default and model-backed ones.

``auto`` picks the configured model (``--model`` / NEWSUM_MODEL, else the production
default) when it is on this machine, else the extractive default; an explicit backend
whose model cannot load raises ModelUnavailable instead of silently falling back.
``llm`` with a ``.gguf`` file runs it through llama.cpp (``gguf``); ``openai`` is any
OpenAI-compatible server (NEWSUM_LLM_URL), with no weights in this process.
"""

from __future__ import annotations

from summarizer.errors import NewsumError
from summarizer.generate.base import Article, Draft, Generator

BACKENDS = ("extractive", "seq2seq", "ct2", "llm", "gguf", "openai", "auto")

__all__ = ["BACKENDS", "Article", "Draft", "Generator", "get_generator", "resolve_auto"]


def resolve_auto(model: str | None = None) -> tuple[str, str | None]:
    """(backend, model) that ``auto`` means on this machine, without loading anything."""
    from summarizer.generate import loading

    name = loading.configured_model(model)
    found = loading.local_path(name)
    if found is None:
        return "extractive", None
    if found.suffix == ".gguf":
        return "gguf", name
    if loading.is_ct2_dir(found):
        return "ct2", name
    config = loading.read_config(found)
    if config.get("is_encoder_decoder"):
        return "seq2seq", name
    if any(a.endswith("ForCausalLM") for a in config.get("architectures") or []):
        return "llm", name
    return "extractive", None


def get_generator(backend: str = "extractive", model: str | None = None, **options) -> Generator:
    """Build the generator named by ``backend`` (weights load later, on first use)."""
    backend = (backend or "extractive").strip().lower()
    if backend == "auto":
        backend, model = resolve_auto(model)
    if backend == "extractive":
        from summarizer.generate.extractive import ExtractiveGenerator

        return ExtractiveGenerator(**options)
    if backend == "seq2seq":
        from summarizer.generate.seq2seq import Seq2SeqGenerator

        return Seq2SeqGenerator(model, **options)
    if backend == "ct2":
        from summarizer.generate.ct2 import CT2Generator

        return CT2Generator(model, **options)
    if backend == "gguf" or (backend == "llm" and str(model or "").endswith(".gguf")):
        from summarizer.generate.gguf import GGUFGenerator

        return GGUFGenerator(model, **options)
    if backend == "openai":
        from summarizer.generate.openai_compat import OpenAIGenerator

        return OpenAIGenerator(model, **options)
    if backend == "llm":
        from summarizer.generate.llm import LLMGenerator

        return LLMGenerator(model, **options)
    raise NewsumError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
