"""`newsum batch` end to end: exit codes, progress output, and SIGKILL then --resume."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_batch_support import read_jsonl, write_articles
from typer.testing import CliRunner

import app.cli as cli
from summarizer.batch.progress import Counts, progress_for
from summarizer.schema import StructuredSummary

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
app = cli.build_app() if hasattr(cli, "build_app") else cli.app  # commands register lazily


def _batch(*args: str):
    return runner.invoke(app, ["batch", *args])


def test_every_sample_gets_one_valid_brief_and_exit_0(tmp_path):
    out = tmp_path / "out.jsonl"
    result = _batch(str(ROOT / "samples"), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    records = read_jsonl(out)
    samples = sorted(p.name for p in (ROOT / "samples").glob("*.txt"))
    assert sorted(r["id"] for r in records) == samples  # the README is not an article
    for record in records:
        StructuredSummary.model_validate(record["brief"])
    assert "8 done, 0 skipped, 0 failed" in result.output
    assert read_jsonl(tmp_path / "out.errors.jsonl") == []


def test_some_failed_exits_3_and_names_the_errors_file(tmp_path):
    write_articles(tmp_path / "feed", 2)
    (tmp_path / "feed" / "empty.md").write_text("")
    errors = tmp_path / "failed.jsonl"
    result = _batch(
        str(tmp_path / "feed"), "-o", str(tmp_path / "o.jsonl"), "--errors", str(errors), "-w", "1"
    )
    assert result.exit_code == 3, result.output
    [error] = read_jsonl(errors)
    assert error["id"] == "empty.md" and error["path"].endswith("feed/empty.md")
    assert error["reason"] and str(errors) in result.output


def test_bad_arguments_exit_2_with_one_line(tmp_path):
    out = tmp_path / "out.jsonl"
    write_articles(tmp_path / "feed", 1)
    cases = [
        [str(tmp_path / "nothing-here")],
        [str(tmp_path / "feed"), "--workers", "0"],
        [str(tmp_path / "feed"), "--engine", "spark"],
        [str(tmp_path / "feed"), "--out", str(tmp_path / "no-such-dir" / "out.jsonl")],
    ]
    for args in cases:
        result = _batch(*args, *(["--out", str(out)] if "--out" not in args else []))
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("newsum: error: ") and result.output.count("\n") == 1
    out.write_text('{"id": "x", "path": "x", "brief": {}}\n')
    result = _batch(str(tmp_path / "feed"), "--out", str(out))
    assert result.exit_code == 2 and "--resume" in result.output


def test_progress_is_a_bar_on_a_terminal_and_log_lines_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, expected in ((Terminal(), "briefing"), (io.StringIO(), "3 to brief")):
        counts = Counts(total=3)
        with progress_for(counts, stream) as progress:
            counts.done, counts.failed = 2, 1
            progress.update()
        text = stream.getvalue()
        assert expected in text and "2 done, 0 skipped, 1 failed" in text, text


def test_sigkill_mid_run_then_resume_briefs_every_input_exactly_once(tmp_path):
    paths = write_articles(tmp_path / "feed", 30)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-c", "from app.cli import main; main()", "batch"]
    args = [str(tmp_path / "feed"), "--out", str(out), "--workers", "2", "--chunk-size", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(
        [*command, *args], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.02)
        assert first.poll() is None, "the run ended before it could be killed"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the run and its workers, like a crash
        first.wait()
    lines_before = out.read_bytes().count(b"\n")
    assert 3 <= lines_before < len(paths)
    done_ids = {r["id"] for r in read_jsonl(out)}
    missing = sorted({p.name for p in paths} - done_ids)
    with out.open("ab") as fh:  # as if the kill had landed in the middle of a write
        fh.write(json.dumps({"id": missing[0], "path": "x", "brief": {}}).encode()[:30])

    second = subprocess.run(
        [*command, *args, "--resume"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert f"{lines_before} skipped" in second.stderr
    records = read_jsonl(out)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == len(paths)
    assert set(ids) == {p.name for p in paths}
    for record in records:
        StructuredSummary.model_validate(record["brief"])


def test_ray_missing_or_unreachable_exits_2_before_touching_the_output(tmp_path, monkeypatch):
    import types

    write_articles(tmp_path / "feed", 2)
    out = tmp_path / "out.jsonl"
    args = [str(tmp_path / "feed"), "--out", str(out), "--engine", "ray"]

    monkeypatch.setitem(sys.modules, "ray", None)  # "import ray" now raises ImportError
    result = _batch(*args)
    assert result.exit_code == 2 and "pip install 'newsum[ray]'" in result.output

    def refuse(**options):
        raise ConnectionError(f"Could not connect to {options['address']}\nmore detail")

    fake = types.SimpleNamespace(is_initialized=lambda: False, init=refuse)
    monkeypatch.setitem(sys.modules, "ray", fake)
    monkeypatch.setitem(sys.modules, "ray.data", types.SimpleNamespace())
    result = _batch(*args, "--ray-address", "ray://nowhere:10001")
    assert result.exit_code == 2, result.output
    assert result.output == (
        "newsum: error: cannot reach the Ray cluster at ray://nowhere:10001: "
        "Could not connect to ray://nowhere:10001\n"
    )
    assert not out.exists()
