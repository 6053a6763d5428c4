"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 for the openai backend.

It answers ``POST /v1/chat/completions`` from a script, one step per request: a reply
text (wrapped as a chat completion), an HTTP error with headers, or a hang longer than
the client's timeout. It records every request (headers, JSON body) and the most
requests it saw in flight at once.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Step:
    reply: str | None = None  # the assistant's message content
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before answering
    delay: float = 0.0  # seconds to wait before a normal answer (concurrency tests)


@dataclass
class FakeServer:
    url: str
    script: list[Step]
    key: str | None
    requests: list[dict] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def next_step(self) -> Step:
        with self.lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@contextmanager
def fake_llm_server(script: list[Step], key: str | None = None):
    """Yields a FakeServer whose ``url`` is the /v1 base; the last step repeats."""
    state = FakeServer(url="", script=list(script), key=key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            try:
                self._answer()
            finally:
                with state.lock:
                    state.in_flight -= 1

        def _answer(self):
            if state.key and self.headers.get("Authorization") != f"Bearer {state.key}":
                return self._send(401, {"error": {"message": "invalid api key"}})
            step = state.next_step()
            if step.hang:
                state.stop.wait(step.hang)
                return None
            if step.delay:
                state.stop.wait(step.delay)
            if step.status != 200:
                return self._send(step.status, {"error": {"message": "busy"}}, step.headers)
            completion = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": step.reply},
                        "finish_reason": "stop",
                    }
                ],
            }
            return self._send(200, completion)

        def _send(self, status, obj, headers=None):
            data = json.dumps(obj).encode()
            try:
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()
