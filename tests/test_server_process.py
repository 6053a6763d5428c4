"""A real `newsum serve` process on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from support import serve_process

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "samples" / "diplomatic-dispute.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["1", "2"], ids=["1-worker", "2-workers"])
def server(tmp_path_factory, request):
    log = tmp_path_factory.mktemp("serve") / "stdout.log"
    env = {**os.environ, "NEWSUM_API_KEYS": "test-key", "NEWSUM_BATCH_MAX_WAIT_MS": "2"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    args = ("--host", "127.0.0.1", "--workers", request.param)
    with serve_process(log, *args, env=env, ready_s=120) as (base, _):
        yield base, log


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
