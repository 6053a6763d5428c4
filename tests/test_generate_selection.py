"""Choosing a generator: by name, by configuration, and ``auto``."""

from __future__ import annotations

import pytest
from tiny_models import SAMPLES, tiny_model

from summarizer.errors import ModelUnavailable, NewsumError
from summarizer.generate import BACKENDS, get_generator, resolve_auto
from summarizer.pipeline import Pipeline

TEXT = SAMPLES[0].read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    monkeypatch.delenv("NEWSUM_MODEL", raising=False)
    monkeypatch.delenv("NEWSUM_ALLOW_DOWNLOAD", raising=False)
    monkeypatch.setenv("NEWSUM_THREADS", "1")


def test_every_backend_has_a_name():
    assert BACKENDS == ("extractive", "seq2seq", "ct2", "llm", "gguf", "openai", "auto")
    with pytest.raises(NewsumError, match="unknown backend 'gpt'"):
        get_generator("gpt")


def test_auto_without_a_local_model_is_the_extractive_default(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSUM_MODEL", str(tmp_path / "not-here"))
    brief = Pipeline("auto").summarize(TEXT)
    assert brief.meta.generator.backend == "extractive"
    assert brief.meta.generator.model is None


def test_auto_uses_the_configured_model_when_it_is_here(monkeypatch, tmp_path_factory):
    bart = str(tiny_model("bart", tmp_path_factory))
    monkeypatch.setenv("NEWSUM_MODEL", bart)
    assert resolve_auto() == ("seq2seq", bart)
    brief = Pipeline("auto", max_new_tokens=16, num_beams=1).summarize(TEXT)
    assert brief.meta.generator.backend == "seq2seq"
    assert brief.meta.generator.model == bart


def test_auto_picks_llm_for_a_causal_model(tmp_path_factory):
    causal = str(tiny_model("causal", tmp_path_factory))
    assert resolve_auto(causal) == ("llm", causal)


def test_an_explicit_backend_never_falls_back_silently():
    with pytest.raises(ModelUnavailable, match="newsum-test/not-a-model"):
        Pipeline("seq2seq", "newsum-test/not-a-model").load()


def test_a_hub_id_is_not_downloaded_unless_allowed():
    with pytest.raises(ModelUnavailable, match="NEWSUM_ALLOW_DOWNLOAD=1"):
        get_generator("seq2seq", "newsum-test/not-a-model").load()


def test_the_production_default_is_configurable(monkeypatch):
    assert get_generator("seq2seq").model == "sshleifer/distilbart-cnn-12-6"
    monkeypatch.setenv("NEWSUM_MODEL", "facebook/bart-large-cnn")
    assert get_generator("seq2seq").model == "facebook/bart-large-cnn"
