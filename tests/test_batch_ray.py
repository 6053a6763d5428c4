"""The Ray engine on a local Ray with 2 CPUs: same output, same resume rule."""

from __future__ import annotations

import json

import pytest
from test_batch_support import article, read_jsonl, write_articles

from summarizer.batch import BatchJob, run_batch
from summarizer.schema import StructuredSummary

pytest.importorskip("ray.data")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # Ray's own DataContext fields
]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module: run_batch leaves a Ray it did not start running."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_a_small_folder_on_local_ray_matches_the_local_engine(tmp_path, local_ray):
    feed = tmp_path / "feed"
    write_articles(feed, 10)
    (feed / "empty.txt").write_text("")
    (feed / "rows.jsonl").write_text(json.dumps({"id": "r1", "text": article(42)}) + "\n")
    out = tmp_path / "out.jsonl"
    counts = run_batch(BatchJob(inputs=[str(feed)], out=out, workers=2, engine="ray"))
    records = read_jsonl(out)
    ids = sorted(r["id"] for r in records)
    assert ids == sorted([f"story-{n:03d}.txt" for n in range(10)] + ["r1"])
    for record in records:
        StructuredSummary.model_validate(record["brief"])
    [error] = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["id"] == "empty.txt"
    assert (counts.done, counts.failed) == (11, 1)

    # Resume on Ray skips what is done, like the local engine.
    write_articles(feed, 2, start=10)
    job = BatchJob(inputs=[str(feed)], out=out, workers=2, engine="ray", resume=True)
    again = run_batch(job)
    assert (again.done, again.skipped) == (2, 11)
    assert len({r["id"] for r in read_jsonl(out)}) == len(read_jsonl(out)) == 13


def test_workers_write_shards_and_a_manifest_that_resume_reads(tmp_path, local_ray):
    from summarizer.batch import BadArguments, shard_job
    from summarizer.batch.inputs import discover, input_sha256
    from summarizer.batch.shards import ShardDir

    feed = tmp_path / "feed"
    write_articles(feed, 8)
    (feed / "empty.txt").write_text("")
    out = f"{tmp_path}/shards/"
    options = dict(inputs=[str(feed)], workers=2, engine="ray", chunk_size=3)
    counts = run_batch(shard_job(out, **options))
    assert (counts.done, counts.failed) == (8, 1)
    parts = sorted((tmp_path / "shards").glob("part-*.jsonl"))
    assert len(parts) >= 3  # 8 articles in chunks of 3: one shard per chunk, from the workers
    records = [r for p in parts for r in read_jsonl(p)]
    assert sorted(r["id"] for r in records) == [f"story-{n:03d}.txt" for n in range(8)]
    for record in records:
        StructuredSummary.model_validate(record["brief"])
    digests = {i.id: input_sha256(i) for i in discover([str(feed)]) if i.id != "empty.txt"}
    assert ShardDir(out).done() == digests
    [error] = read_jsonl(tmp_path / "shards" / "errors.jsonl")
    assert error["id"] == "empty.txt"

    with pytest.raises(BadArguments, match="--resume"):
        run_batch(shard_job(out, **options))

    # Resume: two new articles and one changed are briefed, the rest skipped.
    write_articles(feed, 2, start=8)
    (feed / "story-000.txt").write_text(article(99), encoding="utf-8")
    again = run_batch(shard_job(out, resume=True, **options))
    assert (again.done, again.skipped) == (3, 7)
    merged = [json.loads(line) for line in ShardDir(out).merged_lines()]
    assert sorted(r["id"] for r in merged) == [f"story-{n:03d}.txt" for n in range(10)]
    [changed] = [r for r in merged if r["id"] == "story-000.txt"]
    assert changed["input_sha256"] == input_sha256(
        next(i for i in discover([str(feed)]) if i.id == "story-000.txt")
    )


def test_file_output_merges_shards_left_by_a_run_stopped_before_its_merge(tmp_path, local_ray):
    from summarizer.batch.shards import ShardDir

    feed = tmp_path / "feed"
    write_articles(feed, 6)
    done = tmp_path / "done.jsonl"  # what a stopped run had written to its shards
    run_batch(BatchJob(inputs=[str(feed / "story-00[0-2].txt")], out=done, workers=1))
    left = ShardDir(f"{tmp_path / 'out.jsonl'}.shards").create()
    left.write_shard((r["id"], r["input_sha256"], json.dumps(r)) for r in read_jsonl(done))

    out = tmp_path / "out.jsonl"
    job = BatchJob(inputs=[str(feed)], out=out, workers=2, engine="ray", resume=True)
    counts = run_batch(job)
    assert (counts.done, counts.skipped) == (3, 3)
    assert sorted(r["id"] for r in read_jsonl(out)) == [f"story-{n:03d}.txt" for n in range(6)]
    assert not (tmp_path / "out.jsonl.shards").exists()  # merged, then removed
