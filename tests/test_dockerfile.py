"""The Dockerfile, read as data (no Docker engine runs here): the points the service needs."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


@pytest.fixture(scope="module")
def steps():
    return instructions()


def args_of(steps, name):
    return [rest for word, rest in steps if word == name]


def test_slim_python_311_base(steps):
    [base] = args_of(steps, "FROM")
    assert base.startswith("python:3.11-slim")


def test_runs_as_a_non_root_user(steps):
    users = args_of(steps, "USER")
    assert users and users[-1] not in ("root", "0")
    assert any("useradd" in run for run in args_of(steps, "RUN"))
    # USER comes after every install step
    last_user = max(i for i, (w, _) in enumerate(steps) if w == "USER")
    assert all(i < last_user for i, (w, _) in enumerate(steps) if w == "RUN")


def test_cpu_torch_from_the_cpu_index(steps):
    runs = " ".join(args_of(steps, "RUN"))
    assert "torch==2.13.0" in runs
    assert "--index-url https://download.pytorch.org/whl/cpu" in runs


def test_spacy_model_is_hash_checked_and_newsum_installed_with_constraints(steps):
    runs = args_of(steps, "RUN")
    assert any("--require-hashes" in r and "requirements/models.txt" in r for r in runs)
    assert any(re.search(r"pip install -c constraints\.txt \.(\s|$)", r) for r in runs)
    torch_at = next(i for i, r in enumerate(runs) if "torch==" in r)
    newsum_at = next(i for i, r in enumerate(runs) if "-c constraints.txt" in r)
    assert torch_at < newsum_at  # CPU torch first, so pip never pulls a CUDA build


def test_optional_model_id_is_baked_and_pointed_to(steps):
    assert any(a.startswith("MODEL_ID") for a in args_of(steps, "ARG"))
    bake = next(r for r in args_of(steps, "RUN") if "MODEL_ID" in r)
    assert "snapshot_download" in bake and 'if [ -n "$MODEL_ID" ]' in bake
    env = " ".join(args_of(steps, "ENV"))
    assert 'NEWSUM_MODEL="${MODEL_ID:+/models/baked}"' in env
    assert "HF_HUB_OFFLINE=1" in env


def test_healthcheck_hits_healthz(steps):
    [check] = args_of(steps, "HEALTHCHECK")
    assert "CMD" in check and "/healthz" in check


def test_uvicorn_entrypoint_serves_the_app_on_all_interfaces(steps):
    [entry] = args_of(steps, "ENTRYPOINT")
    argv = json.loads(entry)
    assert argv[:2] == ["uvicorn", "app.server:app"]
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    assert argv[argv.index("--port") + 1] == "8000"
    assert "8000" in args_of(steps, "EXPOSE")
    # read deadlines and the connection cap live in the protocol (issue 14)
    assert argv[argv.index("--http") + 1] == "app.http_protocol:GuardedH11Protocol"


def test_copied_paths_exist_and_dockerignore_keeps_the_context_small(steps):
    for copy in args_of(steps, "COPY"):
        *sources, _dest = shlex.split(copy)
        for source in sources:
            assert (ROOT / source).exists(), source
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "tests"} <= set(ignored)
