"""The gguf backend: llama.cpp decoding a real tiny GGUF (written by the test) under the
reply schema's grammar; and the one-line error when the [gguf] extra is missing.

llama-cpp-python builds from source (6+ minutes on 2 cores), so it is not part of the
default test install: ``make test-gguf`` installs the extra and runs this file; without
it the llama.cpp tests skip with the reason.
"""

from __future__ import annotations

import importlib.util

import pytest
from test_llm import COURT
from tiny_models import SAMPLES, assert_evidence_valid
from typer.testing import CliRunner

from summarizer.errors import ModelUnavailable
from summarizer.generate import get_generator
from summarizer.generate.reply import check_reply
from summarizer.pipeline import Pipeline

needs_llama = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("gguf") is None,
    reason="llama-cpp-python / gguf not installed (the [gguf] extra): run `make test-gguf`",
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tiny_gguf import build_gguf

    return str(build_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf"))


@needs_llama
def test_the_tiny_gguf_decodes_valid_json_under_the_schema_grammar(tiny):
    from summarizer.generate.gguf import GGUFGenerator

    class Recording(GGUFGenerator):
        def _reply(self, conversations):
            self.raw = super()._reply(conversations)
            return self.raw

    generator = Recording(tiny, max_new_tokens=700, threads=1)
    brief = Pipeline(generator=generator).summarize(COURT, with_source=True)
    (raw,) = generator.raw
    assert check_reply(raw).valid  # random weights, yet every field within the schema
    assert generator.stats["valid_first"] == 1
    assert (brief.meta.generator.backend, brief.meta.generator.model) == ("gguf", tiny)
    assert brief.headline and brief.summary  # nonsense text: replaced by the guard
    assert any(w.startswith("faithfulness:") for w in brief.meta.warnings)
    assert_evidence_valid(brief, brief.source)


@needs_llama
def test_context_comes_from_the_file_and_long_articles_are_cut(tiny):
    from summarizer.generate.gguf import GGUFGenerator, trained_context

    assert trained_context(tiny) == 2048
    generator = GGUFGenerator(tiny, max_new_tokens=64, threads=1).load()
    assert generator.context == 2048
    smaller = GGUFGenerator(tiny, max_new_tokens=64, max_input_tokens=1536, threads=1).load()
    assert smaller.context == 1536
    brief = Pipeline(generator=smaller).summarize(COURT)  # ~3,000 byte tokens
    assert brief.meta.truncated
    assert any("more than the llm context" in w for w in brief.meta.warnings)


@needs_llama
def test_the_model_is_loaded_once_per_process(tiny):
    first = get_generator("llm", tiny, threads=1).load()  # llm + .gguf -> llama.cpp
    second = get_generator("gguf", tiny, threads=1).load()
    assert first.backend == "gguf" and first._llama is second._llama


def test_a_gguf_without_the_extra_is_one_line_naming_it(monkeypatch, tmp_path):
    import summarizer.generate.gguf as gguf_backend
    from app.cli import app

    real = importlib.util.find_spec
    monkeypatch.setattr(
        gguf_backend.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llama_cpp" else real(name, *a),
    )
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    with pytest.raises(ModelUnavailable, match=r"needs the optional extra \[gguf\]"):
        Pipeline("llm", str(model))
    article = next(p for p in SAMPLES if p.name == "court-case.txt")
    result = CliRunner().invoke(
        app, ["summarize", str(article), "--backend", "llm", "--model", str(model)]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "newsum: error: running a .gguf model needs the optional extra [gguf] "
        "(pip install 'newsum[gguf]'), which installs llama-cpp-python"
    ]
