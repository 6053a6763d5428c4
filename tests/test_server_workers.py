"""`newsum serve --workers 2`: one port, two processes, shared metrics and readiness, and a
worker killed mid-request."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
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


def tcp_table(state: str) -> list[tuple[int, int, int]]:
    """(local port, remote port, inode) of this namespace's IPv4 TCP sockets in state
    (0A: listening, 01: established), from /proc/net/tcp."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == state:
            local, remote = (int(f.split(":")[1], 16) for f in fields[1:3])
            rows.append((local, remote, int(fields[9])))
    return rows


def socket_owners(pids: set[int]) -> dict[int, int]:
    """inode -> pid, for the sockets the given processes hold open."""
    owners = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[int(target[8:-1])] = pid
    return owners


def worker_of(port: int, client_port: int, workers: set[int]) -> int | None:
    """The worker that accepted the connection from client_port to port (None: none yet)."""
    owners = socket_owners(workers)
    for local, remote, inode in tcp_table("01"):
        if local == port and remote == client_port and inode in owners:
            return owners[inode]
    return None


def open_connections(base: str, n: int) -> list[socket.socket]:
    """n keep-alive connections opened at once (as a client's pool does), each answered once
    so that a worker has accepted it."""
    host, port = base.removeprefix("http://").split(":")
    conns = [socket.create_connection((host, int(port)), timeout=30) for _ in range(n)]
    for conn in conns:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    for conn in conns:
        assert read_response(conn).startswith(b"HTTP/1.1 200")
    return conns


def read_response(conn: socket.socket) -> bytes:
    """One whole response on a kept-alive connection (head and Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, data
        body += chunk
    return head + b"\r\n\r\n" + body


def test_each_worker_listens_on_its_own_socket_and_connections_spread(server):
    """One shared socket let the first worker to wake accept a whole pool of connections
    (7 of 8 in bench/load.py) and keep them; SO_REUSEPORT gives each worker its own socket
    and the kernel spreads new connections over them."""
    base, proc, _log = server
    port = int(base.rsplit(":", 1)[1])
    workers = worker_pids(proc.pid)
    owners = socket_owners(workers)
    listening = [inode for local, _r, inode in tcp_table("0A") if local == port]
    assert len(listening) == 2, listening  # not one socket shared by both
    assert {owners.get(inode) for inode in listening} == workers
    assert not set(listening) & set(socket_owners({proc.pid}))  # the parent listens on none

    conns = open_connections(base, 32)
    try:
        per_worker = {pid: 0 for pid in workers}
        for conn in conns:
            per_worker[worker_of(port, conn.getsockname()[1], workers)] += 1
    finally:
        for conn in conns:
            conn.close()
    # the kernel hashes each connection to a socket: 32 fall at most 28:4 but for ~1e-6
    assert sum(per_worker.values()) == 32 and min(per_worker.values()) >= 4, per_worker


def _batch(n: int, tag: str) -> dict:
    """n distinct articles (no cache hits): about n x 0.1 s of one worker's CPU."""
    return {"items": [{"text": f"{ARTICLE}\n\nReference {tag}-{i}."} for i in range(n)]}


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def send_post(conn: socket.socket, path: str, payload: dict) -> None:
    body = json.dumps(payload).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    conn.sendall(head.encode() + body)


def read_all(conn: socket.socket) -> bytes:
    """Everything until the server closes (b"" when it dropped the connection unanswered)."""
    data = b""
    while True:
        try:
            chunk = conn.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def test_a_worker_killed_mid_request_gives_clean_errors_and_the_server_recovers(server):
    """The worker holding a request in flight is SIGKILLed: that client's connection closes
    with nothing sent (no half answer, no 5xx) and a retry succeeds; clients of the other
    worker go on; uvicorn starts a replacement, which listens again and briefs."""
    base, proc, log = server
    port = int(base.rsplit(":", 1)[1])
    workers = worker_pids(proc.pid)
    outcomes: list[str] = []
    stop = threading.Event()

    def background_client() -> None:  # new connections throughout, spread over both
        while not stop.is_set():
            try:
                r = httpx.post(f"{base}/v1/summarize", json={"text": ARTICLE}, timeout=60)
                outcomes.append(str(r.status_code))
            except httpx.TransportError as exc:  # its connection was on the killed worker
                outcomes.append(type(exc).__name__)
                retry = httpx.post(f"{base}/v1/summarize", json={"text": ARTICLE}, timeout=60)
                outcomes.append(f"retry {retry.status_code}")

    threads = [threading.Thread(target=background_client) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        [conn] = open_connections(base, 1)
        with conn:
            victim = worker_of(port, conn.getsockname()[1], workers)
            assert victim in workers
            cpu_before = _cpu_seconds(victim)
            send_post(conn, "/v1/summarize/batch", _batch(16, "k"))  # ~1.6 s of its CPU
            deadline = time.monotonic() + 30
            while _cpu_seconds(victim) - cpu_before < 0.3:  # it is briefing the batch now
                assert time.monotonic() < deadline, "the worker never started on the batch"
                time.sleep(0.02)
            os.kill(victim, signal.SIGKILL)
            assert read_all(conn) == b""  # dropped unanswered: the client knows to retry
        retry = httpx.post(f"{base}/v1/summarize/batch", json=_batch(2, "r"), timeout=60)
        assert retry.status_code == 200 and retry.json()["succeeded"] == 2
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(120)
    assert outcomes
    for outcome in outcomes:  # never a 5xx or any other status
        assert outcome in {"200", "retry 200"} or outcome.endswith("Error"), outcomes

    # uvicorn replaces the dead worker; /readyz is 503 until the new one has loaded
    deadline = time.monotonic() + 180
    while True:
        now = worker_pids(proc.pid)
        try:
            ready = httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            ready = False
        listening = [i for local, _r, i in tcp_table("0A") if local == port]
        if ready and len(now) == 2 and victim not in now and len(listening) == 2:
            break
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)
    (replacement,) = now - workers
    for _ in range(40):  # the replacement gets its share of new connections and briefs them
        [conn] = open_connections(base, 1)
        with conn:
            if worker_of(port, conn.getsockname()[1], now) != replacement:
                continue
            send_post(conn, "/v1/summarize", {"text": ARTICLE})
            answer = read_all(conn)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert json.loads(answer.partition(b"\r\n\r\n")[2])["headline"]
        break
    else:
        pytest.fail("no connection reached the replacement worker")


@pytest.fixture(scope="module")
def small_queue_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve-overload") / "out.log"
    env = {**os.environ, "NEWSUM_QUEUE_MAX": "4", "NEWSUM_BATCH_MAX_SIZE": "4"}
    env.update(NEWSUM_CACHE_SIZE="0", NEWSUM_RETRY_AFTER_S="1")
    env.pop("NEWSUM_API_KEYS", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with serve_process(log, "--workers", "2", env=env, ready_s=180) as (base, proc):
        yield base, proc


def test_64_simultaneous_requests_on_2_workers_get_only_200s_and_429s(small_queue_server):
    """Each worker keeps its own queue limit: overload is refused with 429 + Retry-After,
    never a 5xx, and what was accepted is briefed; /metrics counts it from both workers."""
    base, _proc = small_queue_server

    async def everyone_at_once() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
            bodies = [{"text": f"{ARTICLE}\n\nReference o-{i}."} for i in range(64)]
            return await asyncio.gather(*(client.post("/v1/summarize", json=b) for b in bodies))

    responses = asyncio.run(everyone_at_once())
    statuses = [r.status_code for r in responses]
    assert set(statuses) == {200, 429}, statuses
    for r in responses:
        if r.status_code == 429:
            assert r.headers["retry-after"] == "1"
            assert r.json()["error"]["code"] == "overloaded"
        else:
            assert r.json()["headline"]
    assert _summarized(httpx.get(f"{base}/metrics").text) == statuses.count(200)


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
