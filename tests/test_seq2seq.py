"""The seq2seq generator on tiny random-weight BART and T5 models built at test time.

Random weights write nonsense, so these tests check what the plumbing promises: one
brief per article in order, batching that changes nothing, long articles read whole by
map-reduce with a warning, the guard catching the nonsense, clear errors.
"""

from __future__ import annotations

import json

import pytest
from tiny_models import MAX_POSITIONS, SAMPLES, assert_evidence_valid, tiny_model
from typer.testing import CliRunner

from summarizer import analyse
from summarizer.errors import ModelUnavailable
from summarizer.generate import Article, get_generator
from summarizer.generate.prompts import load_prompt
from summarizer.pipeline import Pipeline

pytestmark = pytest.mark.slow
OPTIONS = {"num_beams": 1, "max_new_tokens": 24}


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    """Tiny matrices: more threads only add contention on a shared 2-core runner."""
    monkeypatch.setenv("NEWSUM_THREADS", "1")


@pytest.fixture(scope="module", params=["bart", "t5"])
def model_dir(request, tmp_path_factory):
    return tiny_model(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def bart(tmp_path_factory):
    return tiny_model("bart", tmp_path_factory)


def _articles(*texts: str) -> list[Article]:
    return [Article(text=t, doc=analyse.parse(t)) for t in texts]


def test_every_sample_gets_a_valid_brief(model_dir):
    pipeline = Pipeline("seq2seq", str(model_dir), **OPTIONS).load()
    clean = [pipeline.ingest(p.read_text(encoding="utf-8")) for p in SAMPLES]
    for brief, item in zip(pipeline.summarize_clean(clean, with_source=True), clean):
        assert brief.meta.generator.backend == "seq2seq"
        assert brief.meta.generator.model == str(model_dir)
        assert brief.headline and brief.summary and "\n" not in brief.headline
        assert len(brief.headline) <= 110
        assert brief.source == item.text
        assert_evidence_valid(brief, brief.source)
        # ~500 words is several times the tiny model's 128 positions: read whole, not cut
        assert not brief.meta.truncated
        assert any("sentence windows" in w for w in brief.meta.warnings)


def test_batching_gives_the_same_text_as_one_at_a_time(bart):
    generator = get_generator("seq2seq", str(bart), batch_size=4, **OPTIONS)
    texts = ["Short note on the port.", SAMPLES[0].read_text(encoding="utf-8")[:300], "Rain."]
    together = generator.generate(_articles(*texts))
    alone = [generator.generate(_articles(t))[0] for t in texts]
    assert [d.summary for d in together] == [d.summary for d in alone]


def test_t5_reads_its_task_prefix_from_prompts(tmp_path_factory):
    generator = get_generator("seq2seq", str(tiny_model("t5", tmp_path_factory))).load()
    assert generator.family == "t5"
    assert generator._prefix("summary") == load_prompt("t5_summary") == "summarize: {text}"
    assert generator._prefix("headline") == load_prompt("t5_headline")


def test_a_long_sentence_without_punctuation_is_cut_between_words(bart):
    words = " ".join(f"word{i % 50}" for i in range(MAX_POSITIONS * 6))
    (draft,) = get_generator("seq2seq", str(bart), **OPTIONS).generate(_articles(words))
    assert not draft.truncated
    assert "sentence windows" in draft.warnings[0]


def test_the_window_cap_truncates_and_says_so(bart):
    text = SAMPLES[1].read_text(encoding="utf-8")
    generator = get_generator("seq2seq", str(bart), max_windows=2, **OPTIONS)
    (draft,) = generator.generate(_articles(text))
    assert draft.truncated
    assert any("only the first 2" in w for w in draft.warnings)


def test_the_model_is_loaded_once_per_process(bart):
    first = get_generator("seq2seq", str(bart)).load()
    second = get_generator("seq2seq", str(bart), num_beams=2).load()
    assert first._loaded["model"] is second._loaded["model"]


def test_threads_loading_at_once_share_one_model(bart, tmp_path):
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    fresh = shutil.copytree(bart, tmp_path / "copy")  # a path no test has loaded yet
    with ThreadPoolExecutor(4) as pool:
        loaded = list(pool.map(lambda _: get_generator("seq2seq", str(fresh)).load(), range(4)))
    assert len({id(g._loaded["model"]) for g in loaded}) == 1


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailable, match="no-such-model"):
        Pipeline("seq2seq", str(tmp_path / "no-such-model")).load()


def test_a_broken_model_directory_is_a_clear_error(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "bart"}')
    with pytest.raises(ModelUnavailable, match="cannot load model"):
        Pipeline("seq2seq", str(tmp_path)).load()


def test_cli_summarize_with_a_local_model_directory(bart):
    from app.cli import build_app

    app = build_app()

    result = CliRunner().invoke(
        app, ["summarize", str(SAMPLES[2]), "--backend", "seq2seq", "--model", str(bart)]
    )
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    assert brief["meta"]["generator"] == {"backend": "seq2seq", "model": str(bart)}


def test_cli_reports_a_missing_model_in_one_line(tmp_path):
    from app.cli import build_app

    app = build_app()

    missing = str(tmp_path / "absent")
    result = CliRunner().invoke(
        app, ["summarize", str(SAMPLES[2]), "--backend", "seq2seq", "--model", missing]
    )
    assert result.exit_code == 2
    assert "absent" in result.stderr and "Traceback" not in result.output
