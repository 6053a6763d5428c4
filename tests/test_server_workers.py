"""`newsum serve --workers 2`: one port, two processes, shared metrics and readiness, and a
worker killed mid-request."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from support import serve_process

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "samples" / "diplomatic-dispute.txt").read_text(encoding="utf-8")
pytestmark = pytest.mark.slow


def worker_pids(parent: int) -> set[int]:
    """uvicorn's worker processes: the parent's children started by multiprocessing spawn."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    found = set()
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.add(pid)
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve-workers") / "out.log"
    env = {**os.environ, "NEWSUM_BATCH_MAX_WAIT_MS": "2"}
    env.pop("NEWSUM_API_KEYS", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with serve_process(log, "--workers", "2", env=env, ready_s=180) as (base, proc):
        yield base, proc, log


def _summarized(metrics: str) -> float:
    pattern = r'newsum_requests_total\{[^}]*route="/v1/summarize"[^}]*status="200"[^}]*\} (\S+)'
    return sum(float(x) for x in re.findall(pattern, metrics))


def test_two_workers_share_one_port_and_one_metrics_page(server):
    base, proc, _log = server
    assert len(worker_pids(proc.pid)) == 2
    before = _summarized(httpx.get(f"{base}/metrics").text)
    for _ in range(6):  # a new connection each: the kernel spreads them over the workers
        r = httpx.post(f"{base}/v1/summarize", json={"text": ARTICLE}, timeout=60)
        assert r.status_code == 200, r.text
    # whichever worker answers /metrics counts all six
    for _ in range(4):
        assert _summarized(httpx.get(f"{base}/metrics").text) - before == 6
    assert httpx.get(f"{base}/readyz").json()["status"] == "ready"


def test_a_worker_killed_mid_request_gives_clean_errors_and_the_server_recovers(server):
    base, proc, log = server
    workers = worker_pids(proc.pid)
    victim = min(workers)
    outcomes: list[str] = []
    stop = time.monotonic() + 4

    def client() -> None:
        while time.monotonic() < stop:
            try:
                r = httpx.post(f"{base}/v1/summarize", json={"text": ARTICLE * 3}, timeout=60)
                outcomes.append(str(r.status_code))
            except httpx.TransportError as exc:  # the connection dropped: a clean error
                outcomes.append(type(exc).__name__)
                retry = httpx.post(f"{base}/v1/summarize", json={"text": ARTICLE}, timeout=60)
                outcomes.append(f"retry {retry.status_code}")

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # four clients on two workers: both are busy now
    os.kill(victim, signal.SIGKILL)
    for t in threads:
        t.join()
    assert outcomes
    for outcome in outcomes:
        assert outcome in {"200", "retry 200"} or outcome.endswith("Error"), outcomes

    # uvicorn replaces the dead worker; /readyz is 503 until the new one has loaded
    deadline = time.monotonic() + 180
    while True:
        now = worker_pids(proc.pid)
        try:
            ready = httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            ready = False
        if ready and len(now) == 2 and victim not in now:
            break
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)
    assert now != workers
    r = httpx.post(f"{base}/v1/summarize", json={"text": ARTICLE}, timeout=60)
    assert r.status_code == 200 and r.json()["headline"]


def test_shared_state_sets_up_and_cleans_up_the_environment(monkeypatch):
    from app.api import workers

    monkeypatch.setattr(workers, "default_workers", lambda: 4)
    for key in (workers.MULTIPROC_ENV, workers.WORKERS_ENV, *workers.THREAD_ENVS):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the operator's choice is kept
    with workers.shared_state(2):
        folder = os.environ[workers.MULTIPROC_ENV]
        assert os.path.isdir(folder) and os.environ[workers.WORKERS_ENV] == "2"
        assert os.environ["NEWSUM_THREADS"] == "2" and os.environ["OMP_NUM_THREADS"] == "3"
    assert not os.path.exists(folder)
    assert workers.MULTIPROC_ENV not in os.environ and "NEWSUM_THREADS" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "3"
    with workers.shared_state(1):  # one worker: plain single-process metrics
        assert workers.MULTIPROC_ENV not in os.environ
