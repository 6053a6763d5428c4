"""Helpers shared by the tests (import as `from support import ...`)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def assert_evidence_valid(brief, source: str) -> int:
    """Every item's evidence is an exact span of the source; returns how many were checked."""
    spans = [e for a in brief.key_actors for e in a.evidence]
    spans += [item.evidence for item in (*brief.claims, *brief.denials, *brief.next_steps)]
    for ev in spans:
        assert 0 <= ev.start <= ev.end <= len(source), ev
        assert source[ev.start : ev.end] == ev.text, ev
    return len(spans)


@contextmanager
def local_site(routes: dict[str, tuple[int, str, bytes]], redirects: dict[str, str] | None = None):
    """A tiny web server on 127.0.0.1 for fetch tests; yields its base URL.

    ``routes`` maps a path to (status, content type, body); ``redirects`` maps a path to
    the Location of a 302. Anything else is a 404.
    """
    redirects = redirects or {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
                return
            status, ctype, body = routes.get(self.path, (404, "text/plain", b"no"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_ready(base: str, proc, log: Path, seconds: float = 120) -> None:
    """Poll /readyz until 200; fail with the server's log if it dies or takes too long."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "not ready in time:\n" + log.read_text()[-3000:]
        time.sleep(0.2)


@contextmanager
def serve_process(log: Path, *args: str, env: dict[str, str], ready_s: float = 120):
    """A real `newsum serve` on a free 127.0.0.1 port; yields (base URL, process).

    ``env`` is the whole environment of the server; its output goes to ``log``.
    """
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc, log, ready_s)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# Chromium switches for headless page tests and the review-page bench: no sandbox (root in
# CI), no GPU, and nothing that reaches the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
