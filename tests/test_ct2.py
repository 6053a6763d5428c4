"""CTranslate2: conversion of tiny models and decoding equal to transformers'."""

from __future__ import annotations

import pytest
from tiny_models import SAMPLES, assert_evidence_valid, tiny_model
from typer.testing import CliRunner

from summarizer.errors import ModelUnavailable
from summarizer.generate import get_generator, resolve_auto
from summarizer.generate.ct2 import convert
from summarizer.pipeline import Pipeline

pytestmark = pytest.mark.slow
TEXTS = [SAMPLES[0].read_text(encoding="utf-8")[:400], "The port reopened on Monday.", "Rain."]


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    monkeypatch.setenv("NEWSUM_THREADS", "1")


@pytest.fixture(scope="module")
def bart(tmp_path_factory):
    return tiny_model("bart", tmp_path_factory)


@pytest.fixture(scope="module")
def bart_int8(bart, tmp_path_factory):
    from app.cli import build_app

    app = build_app()

    out = tmp_path_factory.mktemp("bart-int8")
    result = CliRunner().invoke(
        app, ["convert", str(bart), str(out), "--quantization", "int8", "--force"]
    )
    assert result.exit_code == 0, result.output
    return out


def _transformers_greedy(model_dir, texts, max_new_tokens):
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    out = []
    for text in texts:  # one at a time: no padding in the reference
        encoded = tokenizer([text], return_tensors="pt", truncation=True)
        with torch.inference_mode():
            ids = model.generate(
                **encoded, num_beams=1, do_sample=False, max_new_tokens=max_new_tokens
            )[0].tolist()
        out.append(ids[1:])  # drop the decoder start token, which CTranslate2 does not return
    return out


@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_float32_greedy_output_equals_transformers_token_for_token(kind, tmp_path_factory):
    source = tiny_model(kind, tmp_path_factory)
    out = convert(str(source), tmp_path_factory.mktemp(f"{kind}-f32"), quantization="float32")
    expected = _transformers_greedy(source, TEXTS, 20)
    got = get_generator("ct2", str(out)).token_ids(TEXTS, 20)
    assert got == expected
    assert all(len(ids) >= 5 for ids in got)  # not a trivial early stop


def test_int8_model_briefs_every_sample(bart_int8):
    pipeline = Pipeline("ct2", str(bart_int8), max_new_tokens=24).load()
    clean = [pipeline.ingest(p.read_text(encoding="utf-8")) for p in SAMPLES]
    for brief in pipeline.summarize_clean(clean, with_source=True):
        assert brief.meta.generator.backend == "ct2"
        assert brief.headline and brief.summary
        assert any("sentence windows" in w for w in brief.meta.warnings)
        assert_evidence_valid(brief, brief.source)


def test_auto_recognises_a_converted_model(bart_int8):
    assert resolve_auto(str(bart_int8)) == ("ct2", str(bart_int8))


def test_ct2_backend_needs_a_converted_directory(bart):
    with pytest.raises(ModelUnavailable, match="newsum convert"):
        get_generator("ct2", str(bart)).load()


def test_convert_refuses_a_causal_model_in_one_line(tmp_path_factory, tmp_path):
    from app.cli import build_app

    app = build_app()

    causal = tiny_model("causal", tmp_path_factory)
    result = CliRunner().invoke(app, ["convert", str(causal), str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "not an encoder-decoder" in result.stderr
    assert "Traceback" not in result.output


def test_convert_keeps_a_non_empty_output_directory(bart, tmp_path):
    from app.cli import build_app

    app = build_app()

    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["convert", str(bart), str(tmp_path)])
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("cores", "env_inter", "expected"),
    [(1, None, (1, 1)), (2, None, (1, 2)), (6, None, (1, 6)), (8, None, (2, 4))]
    + [(16, None, (4, 4)), (2, "2", (2, 1)), (16, "1", (1, 16)), (3, "9", (3, 1))],
)
def test_thread_plan_splits_the_cores_between_replicas(monkeypatch, cores, env_inter, expected):
    from summarizer.generate.ct2 import thread_plan

    monkeypatch.delenv("NEWSUM_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(cores)))
    if env_inter:
        monkeypatch.setenv("NEWSUM_CT2_INTER_THREADS", env_inter)
    else:
        monkeypatch.delenv("NEWSUM_CT2_INTER_THREADS", raising=False)
    assert thread_plan() == expected
    monkeypatch.setenv("NEWSUM_THREADS", "4")  # the override wins over the core count
    assert thread_plan()[0] * thread_plan()[1] <= 4


def test_translator_gets_the_planned_threads(bart_int8, monkeypatch):
    monkeypatch.setenv("NEWSUM_THREADS", "8")
    # _build, not load(): loaded models are shared per process whatever the threads
    loaded = get_generator("ct2", str(bart_int8))._build(str(bart_int8), True, "cpu")
    assert loaded["threads"] == (2, 4)
    assert loaded["translator"].num_translators == 2


def test_token_batches_give_the_same_text_as_one_at_a_time(bart, tmp_path_factory):
    out = convert(str(bart), tmp_path_factory.mktemp("bart-f32-batching"), quantization="float32")
    texts = [TEXTS[0], TEXTS[1], TEXTS[0][:150], TEXTS[2], TEXTS[0][:250]] * 3
    tokens = get_generator("ct2", str(out), max_new_tokens=12).load()
    assert tokens._batch_options()["batch_type"] == "tokens"
    single = get_generator("ct2", str(out), max_new_tokens=12, batch_tokens=0, batch_size=1)
    assert single.load()._batch_options() == {"max_batch_size": 1, "batch_type": "examples"}
    got = tokens._batched(texts)
    assert got == single._batched(texts)
    assert len(set(got)) > 1  # different inputs, different outputs: order was kept
