"""The review page's serving (app/web): files, headers and switching it off; no browser.

The page's behaviour in a real browser is tests/test_review_page.py.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from support import serve_process

from app.api import Settings, create_app
from app.web import ASSETS, page_bytes


@contextmanager
def newsum_serve(log: Path, *args: str, **env: str):
    """A real `newsum serve` subprocess (no NEWSUM_* from outside); yields its base URL.

    One worker: the page tests lean on one cache and one queue (a brief copied twice, a
    queue of one that fills); `serve --workers` is tested in test_server_workers.py.
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSUM_")}
    environ.update({"NEWSUM_BATCH_MAX_WAIT_MS": "2", **env})
    with serve_process(log, "--workers", "1", *args, env=environ, ready_s=90) as (base, _):
        yield base


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(preload=False))) as c:
        yield c


def test_page_files_are_served_under_a_strict_csp(client):
    for path, (_, media) in ASSETS.items():
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == media
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


def test_the_page_has_no_inline_code_nothing_from_elsewhere_and_no_html_injection():
    files = page_bytes()
    page = files["/"].decode()
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "inline script"
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), "inline style or handler"
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "a resource from elsewhere"
    script = files["/ui/app.js"].decode()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
    assert not re.search(r"https?://", files["/ui/app.css"].decode())
    weight = sum(len(body) for body in files.values())
    print(f"\nreview page weight: {weight} bytes (HTML+CSS+JS, uncompressed)")
    assert weight < 100_000


def test_the_page_stays_out_of_the_api_spec(client):
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_ui_false_leaves_the_page_out():
    with TestClient(create_app(Settings(preload=False, ui=False))) as c:
        r = c.get("/")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        assert c.get("/ui/app.js").status_code == 404
        assert c.get("/healthz").status_code == 200


@pytest.mark.slow
def test_newsum_serve_no_ui_serves_the_api_alone(tmp_path):
    with newsum_serve(tmp_path / "serve.log", "--no-ui", NEWSUM_PRELOAD="false") as base:
        assert httpx.get(base + "/").status_code == 404
        assert httpx.get(base + "/healthz").json()["status"] == "ok"
    with newsum_serve(tmp_path / "serve2.log", NEWSUM_PRELOAD="false") as base:
        r = httpx.get(base + "/")
        assert r.status_code == 200 and "textarea" in r.text
