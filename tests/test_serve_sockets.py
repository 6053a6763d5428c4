"""The sockets behind ``serve --workers N``: one SO_REUSEPORT socket per worker, made from
the parent's ReservedPort as uvicorn pickles it into each worker, and TCP_NODELAY on every
accepted connection."""

from __future__ import annotations

import io
import pickle
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest
import uvicorn

from app.api import Settings, create_app, reuseport
from app.http_protocol import GuardedH11Protocol

ROOT = Path(__file__).resolve().parents[1]

linux_only = pytest.mark.skipif(not reuseport.supported(), reason="SO_REUSEPORT balancing: Linux")


def as_a_worker_gets_it(sock: socket.socket) -> socket.socket:
    """What a spawned worker unpickles (multiprocessing's pickler, as uvicorn sends it)."""
    buffer = io.BytesIO()
    ForkingPickler(buffer).dump([sock])
    return pickle.loads(buffer.getvalue())[0]


def listens(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))


@linux_only
def test_a_reserved_port_becomes_a_fresh_socket_on_the_same_address_in_each_worker():
    reserved = reuseport.reserve("127.0.0.1", 0)
    a, b = as_a_worker_gets_it(reserved), as_a_worker_gets_it(reserved)
    try:
        address = reserved.getsockname()
        assert address[1] > 0 and a.getsockname() == b.getsockname() == address
        assert len({reserved.fileno(), a.fileno(), b.fileno()}) == 3
        for sock in (reserved, a, b):
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
            assert not listens(sock)  # nothing is routed anywhere before a worker listens
        assert a.proto == socket.IPPROTO_TCP  # asyncio then sets TCP_NODELAY on accepted ones
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(address, timeout=5).close()
    finally:
        for sock in (reserved, a, b):
            sock.close()


@linux_only
def test_the_kernel_spreads_connections_over_the_workers_sockets_and_none_waits_on_the_parent():
    reserved = reuseport.reserve("127.0.0.1", 0)
    workers = [as_a_worker_gets_it(reserved) for _ in range(2)]
    for sock in workers:
        sock.listen(256)
        sock.settimeout(5)
    address = reserved.getsockname()
    try:
        accepted = [0, 0]
        for _ in range(200):
            socket.create_connection(address, timeout=5).close()
        for i, sock in enumerate(workers):
            sock.settimeout(0.5)
            try:
                while True:
                    sock.accept()[0].close()
                    accepted[i] += 1
            except TimeoutError:
                pass
        # every connection reached a worker; each got its share (below 50 of 200: ~1e-12)
        assert sum(accepted) == 200 and min(accepted) >= 50, accepted
    finally:
        for sock in (reserved, *workers):
            sock.close()


@linux_only
def test_an_address_in_use_is_refused_including_by_another_reuseport_server():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError):
            reuseport.reserve("127.0.0.1", other.getsockname()[1])
    first = reuseport.reserve("127.0.0.1", 0)
    worker = as_a_worker_gets_it(first)
    worker.listen()
    try:  # a second `serve --workers` on the same port must not join the first one's group
        with pytest.raises(OSError):
            reuseport.reserve("127.0.0.1", first.getsockname()[1])
    finally:
        worker.close()
        first.close()


@linux_only
def test_serve_says_in_one_line_when_it_cannot_listen():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        cmd = [sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--port", str(port)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    error = f"newsum: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert proc.stderr.strip().splitlines() == [error]


def test_connections_get_tcp_nodelay_even_from_a_socket_made_without_ipproto_tcp():
    """uvicorn makes its --workers socket with proto 0; asyncio then leaves Nagle on, and
    every response waited ~40 ms for the client's delayed ACK."""
    app = create_app(Settings(preload=False))
    sock = socket.socket()  # proto 0, like uvicorn's Config.bind_socket
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", http=GuardedH11Protocol, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        with socket.create_connection(sock.getsockname(), timeout=10) as client:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            [protocol] = server.server_state.connections
            accepted = protocol.transport.get_extra_info("socket")
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_other_platforms_keep_uvicorns_shared_socket(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not reuseport.supported()
    config = uvicorn.Config("app.server:app", host="127.0.0.1", port=0, workers=2)
    sock = reuseport.bind(config)
    try:
        assert type(sock) is socket.socket and not isinstance(sock, reuseport.ReservedPort)
    finally:
        sock.close()
