"""The helper that briefs beside a starting Ray: same records, each article once."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from test_batch_local import FakePipeline, _unavailable_pipeline
from test_batch_support import write_articles

from summarizer.batch.chunks import GuidedChunks
from summarizer.batch.head_start import HeadStart
from summarizer.batch.inputs import discover
from summarizer.batch.local import run_local
from summarizer.batch.shards import ShardDir

ROOT = Path(__file__).resolve().parents[1]


class SlowPipeline(FakePipeline):
    """FakePipeline at 20 ms an article, so that a run takes long enough to share."""

    def summarize_clean(self, items):
        time.sleep(0.02 * len(items))
        return super().summarize_clean(items)


def _records(shards: ShardDir) -> dict[str, dict]:
    records = [json.loads(line) for line in shards.merged_lines()]
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == len(records)  # no article written twice
    return by_id


def _local_records(items) -> dict[str, dict]:
    results = []
    run_local(items, results.extend, workers=1, factory=FakePipeline)
    return {r.id: json.loads(r.line) for r in results if r.ok}


def test_the_helper_briefs_small_chunks_into_shards_until_stopped(tmp_path):
    write_articles(tmp_path / "feed", 40)
    items = list(discover([str(tmp_path / "feed")]))
    chunks = GuidedChunks(items, 16, 2)
    shards = ShardDir(str(tmp_path / "out")).create()
    head = HeadStart(chunks, SlowPipeline, shards, chunk=4)
    deadline = time.monotonic() + 120
    while head.briefed < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    head.stop()
    head.close()
    results = head.take_results()
    assert not head.running and not head.take_returned()
    assert 8 <= head.briefed == len(results) < 40
    assert [r.id for r in results] == [i.id for i in items[: len(results)]]  # from the front
    assert all(r.ok and r.line == "" for r in results)  # the records are in the shards
    assert _records(shards) == {
        i: r for i, r in _local_records(items).items() if i in {r.id for r in results}
    }
    assert chunks.take()[0] == items[len(results)]  # the rest is left for the actors


def test_a_helper_that_cannot_load_its_model_hands_its_chunk_back(tmp_path):
    write_articles(tmp_path / "feed", 6)
    items = list(discover([str(tmp_path / "feed")]))
    head = HeadStart(GuidedChunks(items, 16, 2), _unavailable_pipeline, None, chunk=4)
    head.close()
    assert head.briefed == 0 and not head.take_results()
    assert head.take_returned() == [items[:2]]  # 6 over 2 x 2 workers: a chunk of 2


@pytest.mark.slow
def test_a_cold_ray_run_shares_the_work_with_the_helper_and_writes_the_same(tmp_path, monkeypatch):
    ray = pytest.importorskip("ray")
    from summarizer.batch.ray_engine import run_ray

    assert not ray.is_initialized(), "needs a process without Ray up (a cold start)"
    # the actors unpickle SlowPipeline: tests/ on the path of Ray's workers too
    path = os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", path)
    write_articles(tmp_path / "feed", 200)
    items = list(discover([str(tmp_path / "feed")]))
    shards = ShardDir(str(tmp_path / "out")).create()
    results = []
    helped = run_ray(items, results.extend, workers=2, factory=SlowPipeline, shards=shards)
    assert not ray.is_initialized()  # the Ray it started is stopped
    assert sorted(r.id for r in results) == sorted(i.id for i in items)  # each once
    assert all(r.ok for r in results)
    # the helper briefed while Ray started, the actors the rest (4 s of work at least)
    assert 0 < helped < len(items)
    assert _records(shards) == _local_records(items)
