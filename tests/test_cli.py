"""The CLI as a user runs it: a real subprocess, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest
from support import SAMPLES, assert_evidence_valid

from summarizer.schema import StructuredSummary

CLI = [sys.executable, "-m", "app.cli"]


def run(*args, stdin: bytes | None = None):
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=120)


def test_summarize_seed_nato_names_actors_claims_denial_and_next_step(seed_nato_path):
    proc = run("summarize", str(seed_nato_path), "--format", "json", "--with-source")
    assert proc.returncode == 0, proc.stderr.decode()
    brief = StructuredSummary.model_validate_json(proc.stdout)
    names = {a.name for a in brief.key_actors} | {x for a in brief.key_actors for x in a.aliases}
    assert {"Jens Stoltenberg", "Russia"} <= names
    assert "NATO" in names or "North Atlantic Treaty Organization" in names
    assert brief.claims
    assert any("groundless" in d.evidence.text and "Russia" in d.speaker for d in brief.denials)
    assert any(
        "Thursday" in (s.when or "") and "defense ministers" in s.evidence.text
        for s in brief.next_steps
    )
    assert assert_evidence_valid(brief, brief.source) > 5
    assert "ADVERTISEMENT" not in brief.source


def test_markdown_for_several_files_prints_every_brief():
    proc = run("summarize", *map(str, SAMPLES[:3]), "--format", "markdown")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().count("\n# ") + proc.stdout.decode().startswith("# ") == 3


def test_stdin_and_title():
    text = b"The city council will vote on the new budget on Monday, the mayor said.\n"
    proc = run(
        "summarize", "-", "--title", "Council to vote  on budget | Example Times", stdin=text
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["headline"] == "Council to vote on budget"


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (b"", "empty"),
        (b"   \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"x " * 2_500_000, "limit"),
        (b"\xc3\x28\xa0\xa1\xe2\x28\xa1" * 20, "utf-8"),
    ],
    ids=["empty", "whitespace", "png", "5MB", "invalid-utf8"],
)
def test_bad_input_exits_2_with_one_clear_line(payload, needle):
    proc = run("summarize", "-", stdin=payload)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert len(err.strip().splitlines()) == 1 and err.startswith("newsum: error:")
    assert needle in err.lower()
    assert "Traceback" not in err


def test_missing_file_and_unknown_format_exit_2(tmp_path):
    proc = run("summarize", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode()
    proc = run("summarize", str(SAMPLES[0]), "--format", "yaml")
    assert proc.returncode == 2 and "unknown format" in proc.stderr.decode()


def test_schema_command_prints_the_committed_schema():
    from summarizer.schema import json_schema

    proc = run("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == json.loads(json.dumps(json_schema()))


def test_max_claims_flag(tmp_path):
    sample = next(p for p in SAMPLES if p.name == "natural-disaster.txt")
    counts = []
    for cap in ("3", "32"):
        proc = run("summarize", str(sample), "--max-claims", cap)
        assert proc.returncode == 0, proc.stderr.decode()
        counts.append(len(StructuredSummary.model_validate_json(proc.stdout).claims))
    assert counts[0] == 3 and counts[1] > 8
    proc = run("summarize", str(sample), "--max-claims", "0")
    assert proc.returncode == 2 and b"max-claims" in proc.stderr
