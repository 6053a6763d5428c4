"""Batch runs on the local engine: bad inputs isolated, crashes survived, resume exact."""

from __future__ import annotations

import json
import os

import pytest
from test_batch_support import read_jsonl, write_articles

from summarizer.batch import BadArguments, BatchJob, run_batch
from summarizer.batch.inputs import discover
from summarizer.batch.local import run_local
from summarizer.schema import GeneratorInfo, Meta, StructuredSummary


class FakePipeline:
    """Briefs instantly; raises on "BOOM" and kills its process on "CRASH" (module level,
    so that spawned workers can unpickle it)."""

    max_chars = 200_000

    def summarize_clean(self, items):
        for clean in items:
            if "CRASH" in clean.text:
                os._exit(1)
            if "BOOM" in clean.text:
                raise RuntimeError("boom")
        return [
            StructuredSummary(
                headline=clean.text[:30],
                summary=clean.text[:80],
                meta=Meta(
                    generator=GeneratorInfo(backend="fake"),
                    language=clean.language,
                    source_chars=len(clean.text),
                    elapsed_ms=0.0,
                ),
            )
            for clean in items
        ]


def _job(tmp_path, inputs, **options) -> BatchJob:
    return BatchJob(inputs=[str(p) for p in inputs], out=tmp_path / "out.jsonl", **options)


def test_bad_inputs_go_to_the_errors_file_and_the_rest_is_briefed(tmp_path, pipeline):
    feed = tmp_path / "feed"
    write_articles(feed, 2)
    (feed / "page.html").write_text(
        "<html><head><title>Dam opens | Wire</title></head><body><nav>Home</nav><article>"
        "<p>The Holtby dam opened on Monday, officials said.</p><p>Engineer Ana Ruiz said "
        "the dam would protect 4,000 homes. It cost 12 million pounds.</p></article></body>"
        "</html>"
    )
    (feed / "notes.md").write_text(
        "# Ferry returns\n\nThe Marlow ferry resumed service on Friday after repairs, the "
        "operator said. Captain Tomas Berg said crossings would run hourly until May."
    )
    (feed / "latin1.txt").write_bytes(
        "The café in Dunmore reopened on Sunday, its owner said. Lena Fischer said the "
        "renovation cost 40,000 euros and took six months.".encode("cp1252")
    )
    (feed / "empty.txt").write_text("  \n")
    (feed / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (feed / "huge.txt").write_text("Word " * 170_000)  # 850 kB: past 4 bytes x 200,000 chars
    rows = [
        json.dumps({"id": "row-1", "text": "Carnford opened a library on Monday. " * 3}),
        '{"id": "row-2", "text": "cut',
        json.dumps({"id": "row-3", "title": "No text"}),
        json.dumps({"id": "row-1", "text": "Same id again. It is a duplicate."}),
    ]
    (feed / "rows.jsonl").write_text("\n".join(rows) + "\n")

    counts = run_batch(_job(tmp_path, [feed], workers=1), factory=lambda: pipeline)

    done = {r["id"]: r for r in read_jsonl(tmp_path / "out.jsonl")}
    errors = {r["id"]: r["reason"] for r in read_jsonl(tmp_path / "out.errors.jsonl")}
    assert sorted(done) == [
        "latin1.txt", "notes.md", "page.html", "row-1", "story-000.txt", "story-001.txt"
    ]  # fmt: skip
    assert sorted(errors) == [
        "binary.txt", "empty.txt", "huge.txt", "row-1", "row-3", "rows.jsonl#2"
    ]  # fmt: skip
    assert (counts.done, counts.failed) == (6, 6)
    assert "duplicate id" in errors["row-1"]
    assert "limit" in errors["huge.txt"]
    assert "malformed" in errors["rows.jsonl#2"] and '"text"' in errors["row-3"]
    for record in done.values():
        brief = StructuredSummary.model_validate(record["brief"])
        assert brief.headline and brief.summary
    assert "café" in done["latin1.txt"]["brief"]["summary"]
    assert done["row-1"]["path"].endswith("rows.jsonl#1")


def test_one_article_that_breaks_the_batch_fails_alone(tmp_path):
    write_articles(tmp_path / "feed", 5)
    (tmp_path / "feed" / "story-002.txt").write_text("This one goes BOOM. " * 5)
    counts = run_batch(_job(tmp_path, [tmp_path / "feed"], workers=1), factory=FakePipeline)
    assert (counts.done, counts.failed) == (4, 1)
    [error] = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["id"] == "story-002.txt" and error["reason"] == "RuntimeError: boom"


def test_a_worker_that_dies_loses_only_the_article_that_killed_it(tmp_path):
    write_articles(tmp_path / "feed", 12)
    (tmp_path / "feed" / "story-005.txt").write_text("This one will CRASH the worker. " * 3)
    items = list(discover([str(tmp_path / "feed")]))
    results = []
    run_local(items, results.extend, workers=2, chunk_size=2, factory=FakePipeline)
    assert_only_the_crasher_failed(results)


def assert_only_the_crasher_failed(results, total: int = 12) -> None:
    """Every article answered once; only story-005 (which kills its worker) failed: its
    chunk was retried alone, then article by article (both engines)."""
    by_id = {r.id: r for r in results}
    assert len(results) == len(by_id) == total
    assert [i for i, r in sorted(by_id.items()) if not r.ok] == ["story-005.txt"]
    assert "died" in json.loads(by_id["story-005.txt"].line)["reason"]


def test_resume_briefs_only_what_is_missing(tmp_path):
    feed = tmp_path / "feed"
    write_articles(feed, 4)
    first = run_batch(_job(tmp_path, [feed], workers=1), factory=FakePipeline)
    write_articles(feed, 3, start=4)
    with pytest.raises(BadArguments, match="--resume"):
        run_batch(_job(tmp_path, [feed], workers=1), factory=FakePipeline)
    again = run_batch(_job(tmp_path, [feed], workers=1, resume=True), factory=FakePipeline)
    assert (first.done, again.done, again.skipped) == (4, 3, 4)
    ids = [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")]
    assert sorted(ids) == [f"story-{n:03d}.txt" for n in range(7)]
    fresh = run_batch(_job(tmp_path, [feed], workers=1, overwrite=True), factory=FakePipeline)
    assert fresh.done == 7 and len(read_jsonl(tmp_path / "out.jsonl")) == 7


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 0}, "--workers"),
        ({"chunk_size": 0}, "--chunk-size"),
        ({"engine": "spark"}, "unknown engine"),
        ({"ray_address": "auto"}, "--engine ray"),
        ({"resume": True, "overwrite": True}, "contradict"),
        ({"backend": "nonesuch", "workers": 1}, "unknown backend"),
        ({"backend": "nonesuch", "engine": "ray"}, "unknown backend"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(tmp_path, options, message):
    write_articles(tmp_path / "feed", 1)
    with pytest.raises(BadArguments, match=message):
        run_batch(_job(tmp_path, [tmp_path / "feed"], **options))
    assert not (tmp_path / "out.jsonl").exists()


def _unavailable_pipeline():
    from summarizer.errors import ModelUnavailable

    raise ModelUnavailable("model /models/nowhere not found")


def test_workers_that_cannot_load_their_model_stop_the_run_with_the_reason(tmp_path):
    write_articles(tmp_path / "feed", 4)
    job = _job(tmp_path, [tmp_path / "feed"], workers=2)
    with pytest.raises(BadArguments, match="nowhere not found"):
        run_batch(job, factory=_unavailable_pipeline)
