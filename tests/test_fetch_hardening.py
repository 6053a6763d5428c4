"""Fetch attacks: a server that drips bytes, allowlists that open a whole host, refusal
messages that leak resolved addresses, IPv6 forms that hide an internal IPv4 address.

Servers here listen on 127.0.0.1 only; the rest is decided before any connection.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from support import local_site

from summarizer.errors import FetchError
from summarizer.fetch import FetchPolicy, check_url, fetch_url, is_public

PAGE = b"<html><head><title>Slow</title></head><body><p>The page.</p></body></html>"
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    + f"Content-Length: {len(PAGE)}\r\nConnection: close\r\n\r\n".encode()
)


@contextmanager
def drip_server(head_every: float = 0.0, body_every: float = 0.0):
    """Answers each connection with RESPONSE + PAGE, one byte per ``*_every`` seconds."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    served: list[int] = []  # bytes sent on each connection before it ended

    def handle(conn: socket.socket) -> None:
        sent = 0
        try:
            conn.recv(65536)
            for part, every in ((RESPONSE, head_every), (PAGE, body_every)):
                for i in range(len(part)):
                    if stop.is_set():
                        return
                    conn.sendall(part[i : i + 1])
                    sent += 1
                    if every:
                        time.sleep(every)
        except OSError:
            pass  # the client hung up: what a deadline should do
        finally:
            served.append(sent)
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", served
    finally:
        stop.set()
        server.close()


def test_a_server_dripping_header_bytes_hits_the_overall_deadline():
    # every byte arrives well inside the read timeout; all headers would take ~9 s
    with drip_server(head_every=0.1) as (url, served):
        policy = FetchPolicy(allowlist=("127.0.0.1",), timeout_s=1.0)
        with pytest.raises(FetchError, match="timed out"):
            fetch_url(f"{url}/page", policy)
        for _ in range(100):  # the server notices the hang-up at its next write
            if served:
                break
            time.sleep(0.05)
    # the socket was closed mid-headers (about 10 of ~90 bytes), not after all of them
    assert served and served[0] < len(RESPONSE) // 2


def test_a_server_dripping_body_bytes_hits_the_overall_deadline():
    with drip_server(body_every=0.1) as (url, _served):
        policy = FetchPolicy(allowlist=("127.0.0.1",), timeout_s=1.0)
        with pytest.raises(FetchError, match="timed out"):
            fetch_url(f"{url}/page", policy)


def test_a_prompt_server_is_still_fetched():
    with drip_server() as (url, _served):
        page = fetch_url(f"{url}/page", FetchPolicy(allowlist=("127.0.0.1",), timeout_s=5))
        assert page.content == PAGE


# -- allowlist ports -----------------------------------------------------------------------


def test_an_allowlist_entry_with_a_port_allows_that_port_only():
    with local_site({"/p": (200, "text/plain", b"ok")}) as site:
        port = int(site.rsplit(":", 1)[1])
        assert fetch_url(f"{site}/p", FetchPolicy(allowlist=(f"127.0.0.1:{port}",))).content
        with pytest.raises(FetchError, match="non-public address"):
            fetch_url(f"{site}/p", FetchPolicy(allowlist=(f"127.0.0.1:{port + 1}",)))


def no_dns(host, port):
    raise AssertionError("no resolving here")


@pytest.mark.parametrize(
    ("entry", "allowed", "refused"),
    [
        ("intranet.example:8080", "http://intranet.example:8080/", "http://intranet.example/"),
        ("10.0.0.5:443", "https://10.0.0.5/", "http://10.0.0.5/"),
        ("10.0.0.0/8:8443", "https://10.1.2.3:8443/", "https://10.1.2.3:22/"),
        ("[fd00::1]:8443", "https://[fd00::1]:8443/", "https://[fd00::1]/"),
        ("fd00::1", "https://[fd00::1]:1234/", "https://[fd00::2]/"),
    ],
)
def test_allowlist_entries_take_an_optional_port(entry, allowed, refused):
    policy = FetchPolicy(allowlist=(entry,))

    def resolver(host, port):
        return ["192.168.7.7"]

    check_url(allowed, policy, resolver)
    with pytest.raises(FetchError, match="non-public address"):
        check_url(refused, policy, resolver)


# -- refusal messages and embedded addresses ---------------------------------------------


def test_refusals_never_name_the_resolved_address():
    for answer in ("10.20.30.40", "fd12:3456::9", "127.0.0.1", "2002:a14:1e28::1"):
        with pytest.raises(FetchError) as caught:
            check_url("http://probe.example/", FetchPolicy(), lambda h, p, a=answer: [a])
        message = str(caught.value)
        assert answer not in message and "10.20.30.40" not in message


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::", False),  # 6to4 of 169.254.169.254
        ("2002:c0a8:101::", False),  # 6to4 of 192.168.1.1
        ("2002:5db8:d822::", True),  # 6to4 of 93.184.216.34
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 of 93.184.216.34
        ("192.0.0.8", False),
        ("192.0.0.9", False),
        ("192.0.0.170", False),
        ("::ffff:10.0.0.1", False),
        ("93.184.216.34", True),
    ],
)
def test_addresses_that_embed_ipv4_are_judged_by_what_they_embed(address, public):
    assert is_public(ipaddress.ip_address(address)) is public
