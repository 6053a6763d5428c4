"""``serve --workers N``: one listening socket per worker (SO_REUSEPORT) instead of one shared.

Why: uvicorn's workers share the parent's one listening socket. A new connection wakes
every idle worker and the first to run accepts *all* connections that are waiting
(asyncio accepts up to the backlog per wake-up); a keep-alive connection then stays with
that worker. A client that opens its pool at once (8 connections) landed 7:1 or 8:0 on one
worker, which did all the work while the other idled: ``bench/load.py`` measured 2 workers
at 0.96-1.2x one worker. With SO_REUSEPORT every worker listens on its own socket bound to
the same address, and the kernel hashes each new connection to one of the listening
sockets: connections spread evenly whatever the timing, and no worker is woken for a
connection it will not get.

How it fits uvicorn's supervisor (which still spawns, watches and restarts the workers):
the parent binds a :class:`ReservedPort` (SO_REUSEPORT, never listening, so no connection
waits on it) and hands it to uvicorn as the workers' socket. uvicorn pickles its sockets
into every worker it spawns; a ReservedPort pickles as "bind a fresh SO_REUSEPORT socket
to this address", so each worker, a restarted one too, gets its own, and asyncio starts
listening on it when the worker's app has started. A worker that dies takes its socket out
of the kernel's group: new connections go to the others until its replacement listens
(connections it had accepted, or that were waiting in its own queue, are dropped: clients
see a transport error and may retry).

Linux only (elsewhere SO_REUSEPORT does not balance): other platforms keep uvicorn's
shared socket. A second server started on the same port is refused (address in use) once
any worker of the first listens.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any


def supported() -> bool:
    """SO_REUSEPORT with the kernel balancing connections over the sockets (Linux >= 3.9)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn decides


class ReservedPort(socket.socket):
    """The parent's hold on the address; pickled into a worker it becomes that worker's
    own socket (see the module docstring)."""

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return (worker_socket, (int(self.family), self.getsockname()))


def reserve(host: str, port: int) -> ReservedPort:
    """Bind (host, port) for the workers; OSError when the address is taken.

    A probe bind without SO_REUSEPORT first: with it alone, the bind would succeed next to
    any other SO_REUSEPORT server of this user on the port, and the two would share it.
    """
    family = _family(host)
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
        probe.bind((host.strip("[]"), port))
        address = probe.getsockname()  # port 0: the one the kernel chose
    sock = ReservedPort(family, socket.SOCK_STREAM)
    try:
        _set_options(sock)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def worker_socket(family: int, address: tuple) -> socket.socket:
    """In a worker (while it unpickles what uvicorn sent it): its own socket on address,
    bound but not listening yet, so nothing is routed to it before the app has started."""
    # proto given, not 0: asyncio sets TCP_NODELAY only on connections accepted from an
    # IPPROTO_TCP socket, and without it every response waited ~40 ms (Nagle + delayed ACK)
    sock = socket.socket(socket.AddressFamily(family), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        _set_options(sock)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        print(f"newsum serve: worker cannot bind {address[:2]}: {exc}", file=sys.stderr)
        from uvicorn.config import STARTUP_FAILURE

        sys.exit(STARTUP_FAILURE)  # uvicorn's supervisor stops instead of restarting
    sock.set_inheritable(True)
    return sock


def _set_options(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def bind(config: Any) -> socket.socket:
    """The socket uvicorn hands the workers of config (a uvicorn.Config, workers > 1): a
    ReservedPort on Linux, else uvicorn's own shared one. OSError when the address is
    taken."""
    if not supported():
        return config.bind_socket()
    sock = reserve(config.host, config.port)
    host, port = sock.getsockname()[:2]
    logging.getLogger("uvicorn.error").info(
        "newsum serve: %d workers on %s:%d, a SO_REUSEPORT socket each", config.workers, host, port
    )
    return sock


def supervise(config: Any, sock: socket.socket) -> None:
    """uvicorn's supervisor: spawns the workers with sock, restarts any that dies, stops
    them on SIGINT/SIGTERM."""
    from uvicorn.supervisors import Multiprocess

    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
