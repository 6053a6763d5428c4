"""uvicorn's h11 protocol with read deadlines, a connection cap and JSON 4xx bodies.

uvicorn waits forever for a request's headers and body: 400 slowloris connections that
sent half a request all stayed open. This protocol gives each request
``NEWSUM_HEADER_TIMEOUT_S`` to send its headers (from the first byte of a connection,
or of the next request on a kept-alive one) and ``NEWSUM_BODY_TIMEOUT_S`` for its body,
then answers 408 and closes; ``NEWSUM_LIMIT_CONCURRENCY`` and ``NEWSUM_KEEP_ALIVE_S`` fill
uvicorn's own settings when they were not given. Malformed HTTP gets the API's JSON
error shape instead of uvicorn's plain-text 400.

Used by ``newsum serve`` and the Docker image:
``uvicorn app.server:app --http app.http_protocol:GuardedH11Protocol``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from functools import lru_cache
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.api.settings import Settings

IMPORT_PATH = "app.http_protocol:GuardedH11Protocol"


@lru_cache(maxsize=1)
def _settings() -> Settings:
    return Settings()


def _json_response(status: int, reason: bytes, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\nconnection: close\r\n\r\n" % (status, reason, len(body))
    )
    return head + body


def _no_delay(transport: asyncio.Transport) -> None:
    """TCP_NODELAY on every connection. asyncio sets it only when the listening socket was
    made with proto=IPPROTO_TCP; uvicorn's own (``--workers``, ``--fd``) is made with 0, and
    there each response waited ~40 ms for the client's delayed ACK (Nagle)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class GuardedH11Protocol(H11Protocol):
    settings: Settings | None = None  # tests set one; else NEWSUM_* from the environment

    def __init__(self, config: Any, server_state: Any, app_state: dict, _loop=None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        s = self.settings or _settings()
        self.header_timeout = s.header_timeout_s
        self.body_timeout = s.body_timeout_s
        if self.limit_concurrency is None:
            self.limit_concurrency = s.limit_concurrency
        if config.timeout_keep_alive == 5:  # uvicorn's default: ours is the documented one
            self.timeout_keep_alive = s.keep_alive_s
        self._read_timer: asyncio.TimerHandle | None = None
        self._phase: str | None = None  # "headers" | "body" | None (nothing pending)

    # -- deadlines ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _no_delay(transport)
        self._arm("headers")  # a connection that never sends a byte is a slowloris too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow_state()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # kept alive: uvicorn's keep-alive timer runs until the next byte

    def _follow_state(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            self._arm("body")
        elif state is h11.IDLE:
            self._arm("headers")  # part of a (next) request line or headers is here
        else:  # DONE, MUST_CLOSE, ...: the request is in; the app has it now
            self._disarm()

    def _arm(self, phase: str) -> None:
        if self._phase == phase:
            return  # the deadline runs from the phase's start, not from each byte
        self._disarm()
        self._phase = phase
        delay = self.header_timeout if phase == "headers" else self.body_timeout
        self._read_timer = self.loop.call_later(delay, self._read_timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
        self._read_timer, self._phase = None, None

    def _read_timed_out(self) -> None:
        phase, self._read_timer, self._phase = self._phase, None, None
        if self.transport is None or self.transport.is_closing():
            return
        if phase == "headers" or not (self.cycle and self.cycle.response_started):
            limit = self.header_timeout if phase == "headers" else self.body_timeout
            message = f"the request's {phase} did not arrive within {limit:g} s"
            answer = _json_response(408, b"Request Timeout", "request_timeout", message)
            self.transport.write(answer)
        self.transport.close()

    # -- malformed HTTP -------------------------------------------------------------------
    def send_400_response(self, msg: str) -> None:
        self._disarm()
        self.transport.write(
            _json_response(400, b"Bad Request", "bad_request", "malformed HTTP request")
        )
        self.transport.close()
