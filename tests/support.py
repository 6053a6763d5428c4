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
