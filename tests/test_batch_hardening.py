"""Batch attacks: forged or stale resume lines, two writers on one --out, symlink loops,
unwritable outputs, and an endless stdin for `newsum summarize -`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_batch_local import FakePipeline, _job
from test_batch_support import read_jsonl, write_articles

from summarizer.batch import BadArguments, run_batch
from summarizer.batch.output import exclusive

ROOT = Path(__file__).resolve().parents[1]


def test_forged_resume_lines_do_not_count_as_done(tmp_path):
    feed = tmp_path / "feed"
    write_articles(feed, 3)
    out = tmp_path / "out.jsonl"
    forged = [
        {"id": "story-000.txt", "brief": None},  # "done" with no brief
        {"id": "story-001.txt", "path": "x", "brief": {"headline": "made up"}},  # not a brief
        {"id": "elsewhere.txt", "brief": "kept: not an input of this run"},
    ]
    out.write_text("".join(json.dumps(r) + "\n" for r in forged))
    counts = run_batch(_job(tmp_path, [feed], workers=1, resume=True), factory=FakePipeline)
    assert (counts.done, counts.skipped) == (3, 0)
    records = {r["id"]: r for r in read_jsonl(out)}
    assert sorted(records) == ["elsewhere.txt", "story-000.txt", "story-001.txt", "story-002.txt"]
    assert all(records[f"story-00{n}.txt"]["brief"]["headline"] for n in range(3))


def test_a_changed_input_is_briefed_again_with_a_warning(tmp_path, capsys):
    feed = tmp_path / "feed"
    write_articles(feed, 3)
    out = tmp_path / "out.jsonl"
    run_batch(_job(tmp_path, [feed], workers=1), factory=FakePipeline)
    first = {r["id"]: r for r in read_jsonl(out)}
    assert all(len(r["input_sha256"]) == 64 for r in first.values())
    changed = feed / "story-001.txt"
    changed.write_text("The new ferry left Marlow on Sunday, the operator said.\n")
    counts = run_batch(_job(tmp_path, [feed], workers=1, resume=True), factory=FakePipeline)
    assert (counts.done, counts.skipped) == (1, 2)
    records = read_jsonl(out)
    assert [r["id"] for r in records].count("story-001.txt") == 1
    again = next(r for r in records if r["id"] == "story-001.txt")
    assert again["brief"]["headline"].startswith("The new ferry")
    assert again["input_sha256"] != first["story-001.txt"]["input_sha256"]
    assert "1 record(s)" in capsys.readouterr().err


def test_a_second_writer_on_the_same_out_is_refused(tmp_path):
    feed = tmp_path / "feed"
    write_articles(feed, 2)
    out = tmp_path / "out.jsonl"
    out.write_text("")
    with exclusive(out):  # another run holds it
        with pytest.raises(BadArguments, match="another newsum batch run"):
            run_batch(_job(tmp_path, [feed], workers=1), factory=FakePipeline)
        assert out.read_text() == ""  # nothing truncated, nothing written
    assert run_batch(_job(tmp_path, [feed], workers=1), factory=FakePipeline).done == 2


def test_a_symlink_loop_is_one_error_and_the_rest_is_briefed(tmp_path):
    feed = tmp_path / "feed"
    write_articles(feed, 2)
    (feed / "loop.txt").symlink_to(feed / "loop.txt")
    counts = run_batch(_job(tmp_path, [feed], workers=1), factory=FakePipeline)
    assert (counts.done, counts.failed) == (2, 1)
    [error] = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["id"] == "loop.txt" and "loop" in error["reason"]


def test_no_repair_file_is_left_when_the_repair_fails(tmp_path, monkeypatch):
    from summarizer.batch import output

    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "brief": {}}\n{"broken\n')

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", full_disk)
    with pytest.raises(OSError):
        output.scan_done(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def cli(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, **kwargs)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only directories")
def test_a_read_only_output_directory_is_one_line_and_exit_2(tmp_path):
    feed = tmp_path / "feed"
    write_articles(feed, 1)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    proc = cli("batch", str(feed), "--out", str(locked / "out.jsonl"), stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=120)
    text = err.decode()
    errors_said = [line for line in text.splitlines() if line.startswith("newsum: error:")]
    assert proc.returncode == 2 and len(errors_said) == 1 and "Traceback" not in text, text


def test_endless_stdin_is_cut_at_the_limit_not_read_to_the_end():
    total = 120 * 1024 * 1024  # far past the 8 MB any article may take
    proc = cli("summarize", "-", stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    written = [0]

    def feed() -> None:
        block = b"\0" * (1 << 20)
        try:
            while written[0] < total:
                proc.stdin.write(block)
                written[0] += len(block)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    writer.join(30)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "limit" in lines[0], lines
    assert written[0] < total  # it stopped reading; the rest was never taken in


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_exit_2(tmp_path):
    feed = tmp_path / "feed"
    write_articles(feed, 1)
    errors = tmp_path / "errors.jsonl"
    proc = cli(
        "batch", str(feed), "--out", "/dev/full", "--errors", str(errors), "--workers", "1",
        stderr=subprocess.PIPE,
    )  # fmt: skip
    _, err = proc.communicate(timeout=120)
    text = err.decode()
    errors_said = [line for line in text.splitlines() if line.startswith("newsum: error:")]
    assert proc.returncode == 2 and len(errors_said) == 1 and "Traceback" not in text, text
