"""Slow and malformed clients against the real uvicorn server with GuardedH11Protocol.

Attack: connections that send half a request (or nothing) and wait. uvicorn alone keeps
them open forever; the guarded protocol answers 408 and closes each one at its deadline.
Raw sockets on 127.0.0.1; each wait is bounded by a socket timeout well past the deadline.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from test_server_load import FakePipeline

from app.api import Settings, create_app
from app.http_protocol import GuardedH11Protocol

DEADLINE_S = 0.5
WAIT_S = 10.0  # far past the deadline: a socket still open by then stays open forever


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    settings = Settings(header_timeout_s=DEADLINE_S, body_timeout_s=DEADLINE_S, keep_alive_s=1)
    fake = FakePipeline()
    app = create_app(settings, pipeline_factory=lambda _b: fake)
    protocol = type("TestProtocol", (GuardedH11Protocol,), {"settings": settings})
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", http=protocol, lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield sock.getsockname()
    srv.should_exit = True
    thread.join(10)
    sock.close()


def read_until_closed(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes; fails if it keeps the socket open."""
    conn.settimeout(WAIT_S)
    data = b""
    while True:
        try:
            chunk = conn.recv(65536)
        except TimeoutError:
            pytest.fail(f"the server kept a slow connection open ({data[:80]!r})")
        if not chunk:
            return data
        data += chunk


def json_error(response: bytes) -> tuple[int, dict]:
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"application/json" in head.lower()
    return status, json.loads(body)["error"]


def test_many_connections_with_partial_headers_are_all_closed(server):
    conns = []
    for _ in range(40):
        conn = socket.create_connection(server)
        conn.sendall(b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conns.append(conn)
    for conn in conns:
        status, error = json_error(read_until_closed(conn))
        assert status == 408 and error["code"] == "request_timeout"
        conn.close()


def test_a_connection_that_sends_nothing_is_closed(server):
    with socket.create_connection(server) as conn:
        status, _ = json_error(read_until_closed(conn))
        assert status == 408


def test_a_body_that_never_finishes_is_closed(server):
    with socket.create_connection(server) as conn:
        conn.sendall(
            b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"text": "'
        )
        read_until_closed(conn)  # closed, whatever the app managed to say


def test_a_dripping_header_does_not_reset_the_deadline(server):
    with socket.create_connection(server) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: ")
        answered = b""
        for _ in range(int(WAIT_S / 0.1)):  # a byte every 0.1 s, well inside any gap limit
            readable, _, _ = select.select([conn], [], [], 0.1)
            if readable:
                answered = read_until_closed(conn)
                break
            conn.sendall(b"X")
        status, _ = json_error(answered)
        assert status == 408


def test_malformed_http_gets_the_json_error_shape(server):
    with socket.create_connection(server) as conn:
        conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        status, error = json_error(read_until_closed(conn))
        assert status == 400 and error["code"] == "bad_request"


def read_response(conn: socket.socket) -> bytes:
    conn.settimeout(WAIT_S)
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def test_a_normal_request_on_a_kept_alive_connection_still_works(server):
    with socket.create_connection(server) as conn:
        for _ in range(2):
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(conn).startswith(b"HTTP/1.1 200")
        # idle past keep-alive: closed without a 408 (no request was pending)
        assert read_until_closed(conn) == b""
