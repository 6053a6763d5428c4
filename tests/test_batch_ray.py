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
