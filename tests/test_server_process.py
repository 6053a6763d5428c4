"""A real `newsum serve` process on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "samples" / "diplomatic-dispute.txt").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stdout.log"
    env = {**os.environ, "NEWSUM_API_KEYS": "test-key", "NEWSUM_BATCH_MAX_WAIT_MS": "2"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server not ready in 60 s:\n" + log.read_text()
            time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_newsum_serve_answers_over_http(server):
    base, log = server
    auth = {"Authorization": "Bearer test-key"}
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 401
        r = client.post("/v1/summarize", json={"text": ARTICLE}, headers=auth)
        assert r.status_code == 200, r.text
        assert r.json()["headline"]
        r = client.post(
            "/v1/summarize", content=b"{oops", headers={**auth, "content-type": "application/json"}
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
        assert "newsum_requests_total" in client.get("/metrics").text
    access = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    posts = [a for a in access if a["path"] == "/v1/summarize"]
    assert [a["status"] for a in posts] == [401, 200, 422]
    assert all(a["request_id"] and a["duration_ms"] >= 0 for a in posts)
