"""The Ray engine on a local Ray with 2 CPUs: same output, same resume rule."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_batch_support import article, read_jsonl, write_articles

from summarizer.batch import BatchJob, run_batch
from summarizer.schema import StructuredSummary

pytest.importorskip("ray")

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module: run_batch leaves a Ray it did not start running."""
    import ray

    # The actors unpickle the fake pipelines of test_batch_local: they need tests/ on
    # their path, and Ray's workers inherit this process's environment.
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), before or ""])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()
    if before is None:
        del os.environ["PYTHONPATH"]
    else:
        os.environ["PYTHONPATH"] = before


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


def test_an_actor_that_dies_loses_only_the_article_that_killed_it(tmp_path, local_ray):
    from test_batch_local import FakePipeline, assert_only_the_crasher_failed

    from summarizer.batch.inputs import discover
    from summarizer.batch.ray_engine import run_ray

    write_articles(tmp_path / "feed", 12)
    (tmp_path / "feed" / "story-005.txt").write_text("This one will CRASH the worker. " * 3)
    items = list(discover([str(tmp_path / "feed")]))
    results = []
    run_ray(items, results.extend, workers=2, chunk_size=2, factory=FakePipeline)
    assert_only_the_crasher_failed(results)  # retried alone on a fresh actor, then one by one


def test_actors_brief_in_a_plain_child_process_without_ray(tmp_path, local_ray):
    """The work runs in a process the actor spawned, free of Ray's runtime (the same code
    is slower inside a Ray worker), and that process is kept for the whole run."""
    from test_batch_support import WhereAmI

    from summarizer.batch.inputs import discover
    from summarizer.batch.ray_engine import run_ray

    write_articles(tmp_path / "feed", 12)
    items = list(discover([str(tmp_path / "feed")]))
    results = []
    run_ray(items, results.extend, workers=2, chunk_size=2, factory=WhereAmI)
    headlines = {json.loads(r.line)["brief"]["headline"] for r in results}
    assert {h.split(" ray ")[1] for h in headlines} == {"False"}
    assert 1 <= len(headlines) <= 2  # one process per actor, each loaded once
    assert all(int(h.split()[1]) != os.getpid() for h in headlines)


def test_actors_that_cannot_load_their_model_stop_the_run_with_the_reason(tmp_path, local_ray):
    from test_batch_local import _unavailable_pipeline

    from summarizer.batch import BadArguments

    write_articles(tmp_path / "feed", 4)
    job = BatchJob(inputs=[str(tmp_path / "feed")], out=tmp_path / "o.jsonl", engine="ray")
    with pytest.raises(BadArguments, match="nowhere not found"):
        run_batch(job, factory=_unavailable_pipeline)


def test_actors_that_cannot_even_start_stop_the_run_with_the_reason(
    tmp_path, local_ray, monkeypatch
):
    """A factory the cluster's workers cannot import (newsum or a plugin missing on the
    nodes): every actor dies starting; the run stops with the reason, exit 2."""
    from summarizer.batch import BadArguments

    (tmp_path / "only_here.py").write_text("class Factory:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # this process only, not Ray's workers
    from only_here import Factory

    write_articles(tmp_path / "feed", 3)
    job = BatchJob(inputs=[str(tmp_path / "feed")], out=tmp_path / "o.jsonl", engine="ray")
    with pytest.raises(BadArguments, match="cannot start.*No module named 'only_here'"):
        run_batch(job, factory=Factory)


def _newsum(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), RAY_USAGE_STATS_ENABLED="0", **(env or {}))
    cmd = [sys.executable, "-m", "app.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


def test_the_cli_starts_its_own_ray_writes_shards_and_stops_it(tmp_path):
    write_articles(tmp_path / "feed", 5)
    out = f"{tmp_path}/shards/"
    args = ["batch", str(tmp_path / "feed"), "--out", out, "--engine", "ray", "--workers", "2"]
    first = _newsum(*args)
    assert first.returncode == 0, first.stderr
    assert "5 done, 0 skipped, 0 failed" in first.stderr
    from summarizer.batch.shards import ShardDir

    assert len(ShardDir(out).done()) == 5
    second = _newsum(*args, "--resume")  # nothing left: Ray is not even started
    assert second.returncode == 0 and "0 done, 5 skipped" in second.stderr, second.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_cluster_started_with_ray_start_is_used_and_left_running(tmp_path):
    """``ray start --head`` (as on a real head node) and ``--ray-address``: the run uses
    that cluster's actors and leaves the cluster up for the next run."""
    port = _free_port()
    # Token authentication, as a real cluster has it: the head and newsum share a token.
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}
    env = dict(os.environ, PYTHONPATH=str(ROOT), RAY_USAGE_STATS_ENABLED="0", **auth)
    ray_cli = Path(sys.executable).with_name("ray")
    # Its own temp dir (short: Ray's socket paths must fit 107 bytes), so that the
    # "current cluster" file `ray start` writes is not /tmp/ray's: a plain ray.init()
    # anywhere on this machine would otherwise try to join this cluster (gone soon).
    temp = tempfile.mkdtemp(prefix="nsray")
    head = subprocess.Popen(
        [str(ray_cli), "start", "--head", f"--port={port}", "--num-cpus=2", "--block",
         "--include-dashboard=false", "--disable-usage-stats"],
        env=dict(env, RAY_TMPDIR=temp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        write_articles(tmp_path / "feed", 4)
        address = f"127.0.0.1:{port}"
        for n, out in enumerate(("a.jsonl", "b.jsonl")):
            args = ["batch", str(tmp_path / "feed"), "--out", str(tmp_path / out)]
            done = _newsum(*args, "--engine", "ray", "--ray-address", address, env=auth)
            assert done.returncode == 0, done.stderr
            assert sorted(r["id"] for r in read_jsonl(tmp_path / out)) == [
                f"story-{i:03d}.txt" for i in range(4)
            ]
            assert head.poll() is None, f"the cluster stopped after run {n}"
    finally:
        head.terminate()  # --block: the head stops its own processes
        head.wait(timeout=60)
        shutil.rmtree(temp, ignore_errors=True)


def test_a_new_local_ray_is_started_even_where_ray_start_left_its_address(tmp_path):
    """Without --ray-address the run starts a Ray of its own, as documented, even when
    the "current cluster" file names another one (here, one that is gone)."""
    temp = tempfile.mkdtemp(prefix="nsray")
    Path(temp, "ray").mkdir()
    Path(temp, "ray", "ray_current_cluster").write_text(f"127.0.0.1:{_free_port()}")
    write_articles(tmp_path / "feed", 2)
    out = str(tmp_path / "out.jsonl")
    try:
        done = _newsum("batch", str(tmp_path / "feed"), "--out", out, "--engine", "ray",
                       env={"RAY_TMPDIR": temp})  # fmt: skip
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 2
