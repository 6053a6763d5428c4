"""Shard directories without Ray: what a worker writes, what resume and merge read."""

from __future__ import annotations

import json
import pickle

import pytest
from typer.testing import CliRunner

from summarizer.batch.shards import ShardDir, is_shard_target

pytest.importorskip("pyarrow.fs")  # comes with the ray extra


def _line(i: str, note: str) -> str:
    return json.dumps({"id": i, "brief": {"note": note}})


def test_a_shard_and_its_manifest_entry_say_what_is_done(tmp_path):
    shards = ShardDir(str(tmp_path / "run")).create()
    assert not shards.has_results() and shards.done() == {}
    name = shards.write_shard([("a", "sha-a", _line("a", "1")), ("b", "sha-b", _line("b", "1"))])
    assert (tmp_path / "run" / name).read_text().count("\n") == 2
    entry = json.loads(
        (tmp_path / "run" / "manifest" / name.replace(".jsonl", ".json")).read_text()
    )
    assert entry["shard"] == name and entry["done"] == {"a": "sha-a", "b": "sha-b"}
    assert shards.has_results() and shards.done() == {"a": "sha-a", "b": "sha-b"}
    assert shards.write_shard([]) is None  # a batch with nothing ok writes no file
    assert not list((tmp_path / "run").glob("*.tmp-*"))


def test_the_newest_entry_wins_in_done_and_in_the_merge(tmp_path):
    shards = ShardDir(str(tmp_path)).create()
    shards.write_shard([("a", "old", _line("a", "old")), ("b", "sha-b", _line("b", "b"))])
    shards.write_shard([("a", "new", _line("a", "new"))])
    assert shards.done() == {"a": "new", "b": "sha-b"}
    merged = [json.loads(line) for line in shards.merged_lines()]
    assert sorted((r["id"], r["brief"]["note"]) for r in merged) == [("a", "new"), ("b", "b")]


def test_a_shard_without_entry_and_a_torn_entry_count_for_nothing(tmp_path):
    shards = ShardDir(str(tmp_path)).create()
    kept = shards.write_shard([("a", "sha-a", _line("a", "a"))])
    (tmp_path / "part-orphan.jsonl").write_text(_line("x", "x") + "\n")  # killed before its entry
    (tmp_path / "manifest" / "part-torn.json").write_text('{"shard": "part-to')
    (tmp_path / "manifest" / "part-gone.json").write_text(
        json.dumps({"shard": "part-gone.jsonl", "written": 1.0, "done": {"y": "s"}})
    )
    assert shards.done() == {"a": "sha-a"}
    assert [json.loads(x)["id"] for x in shards.merged_lines()] == ["a"]
    shards.clear()
    assert not shards.has_results() and not (tmp_path / kept).exists()


def test_shard_dirs_travel_to_workers_as_their_uri(tmp_path):
    shards = ShardDir(str(tmp_path)).create()
    shards.write_shard([("a", "s", _line("a", "a"))])
    copy = pickle.loads(pickle.dumps(shards))
    assert copy.uri == shards.uri and copy.done() == {"a": "s"}
    remote = ShardDir(f"file://{tmp_path}")
    assert remote.done() == {"a": "s"}


def test_what_counts_as_a_shard_target(tmp_path):
    assert is_shard_target("s3://bucket/run/") and is_shard_target("out/")
    assert is_shard_target(str(tmp_path))  # an existing directory
    assert not is_shard_target(str(tmp_path / "out.jsonl"))


def test_shards_need_the_ray_engine_in_one_line(tmp_path):
    from app.cli import build_app

    (tmp_path / "a.txt").write_text("The port reopened on Monday, officials said.")
    result = CliRunner().invoke(
        build_app(), ["batch", str(tmp_path / "a.txt"), "--out", f"{tmp_path}/shards/"]
    )
    assert result.exit_code == 2
    assert "needs --engine ray" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "shards").exists()
