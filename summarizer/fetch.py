"""Fetch one article page by URL, refusing to reach internal addresses (SSRF guard).

A URL given by a user must never make us talk to ourselves, the private network or a
cloud metadata service. So, for every hop (redirects are followed by hand):

- only http/https, no credentials in the URL, no known metadata host names;
- the host is resolved here and *every* address it resolves to must be public
  (not loopback, private, link-local, multicast, reserved, unspecified, shared or
  documentation space) unless it is in the explicit allowlist;
- the connection goes to the address that was checked (Host header and TLS SNI keep
  the name), so a DNS answer that changes between check and connect cannot slip by.

Only HTML and plain text are accepted, with a byte cap, connect/read timeouts and one
wall-clock deadline over connect, headers and body: every socket operation waits at
most until that deadline, so a server that drips a byte every few seconds cannot hold
the thread (it once held threads for minutes). Every refusal raises FetchError before
any byte leaves the machine, and never names the address a host resolved to (that
would make the service a DNS oracle for the internal network).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpcore
import httpx

from summarizer.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

# Names that lead to instance metadata on the big clouds even without DNS tricks.
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
# Forms that embed an IPv4 address: judged by the address they embed.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IETF protocol assignments (192.0.0.8 and others count as global in Python 3.11).
IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")
# Metadata addresses that the ``is_global`` test alone would not catch everywhere.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)

USER_AGENT = "newsum/0.1 (+https://newsum.invalid; article fetcher)"


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do. ``allowlist`` holds host names, IP addresses or CIDR networks,
    each optionally limited to one port (``intranet.example:8080``, ``10.0.0.5:443``,
    ``[fd00::1]:8443``, ``10.0.0.0/8:443``)."""

    allowlist: Sequence[str] = ()
    timeout_s: float = 10.0
    connect_timeout_s: float = 5.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    _hosts: frozenset[tuple[str, int | None]] = field(init=False, repr=False, compare=False)
    _networks: tuple[tuple[Network, int | None], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hosts, networks = parse_allowlist(self.allowlist)
        object.__setattr__(self, "_hosts", hosts)
        object.__setattr__(self, "_networks", networks)

    def host_allowed(self, host: str, port: int | None = None) -> bool:
        name = host.lower().rstrip(".")
        return (name, None) in self._hosts or (port is not None and (name, port) in self._hosts)

    def address_allowed(self, address: IPAddress, port: int | None = None) -> bool:
        return any(
            address in net and (only is None or only == port)
            for net, only in self._networks
            if net.version == address.version
        )


@dataclass
class FetchedPage:
    """The body of the last hop and what it claims to be."""

    url: str
    content: bytes
    content_type: str
    charset: str | None
    html: bool

    def text(self) -> str | bytes:
        """Decoded with the charset the server declared; raw bytes when it declared none."""
        if self.charset:
            try:
                return self.content.decode(self.charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return self.content


def _split_port(entry: str) -> tuple[str, int | None]:
    """``name:8080`` -> (name, 8080); IPv6 takes a port only in brackets (``[::1]:8080``)."""
    if entry.startswith("["):
        inside, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return inside, int(port) if port.isdigit() else None
    head, sep, tail = entry.rpartition(":")
    if sep and tail.isdigit() and ":" not in head:
        return head, int(tail)
    return entry, None


def parse_allowlist(
    entries: Iterable[str],
) -> tuple[frozenset[tuple[str, int | None]], tuple[tuple[Network, int | None], ...]]:
    """Split allowlist entries into (host name, port) and (network, port) pairs (a bare IP
    is a /32 or /128; port None: any port)."""
    hosts: set[tuple[str, int | None]] = set()
    networks: list[tuple[Network, int | None]] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        name, port = _split_port(entry)
        try:
            networks.append((ipaddress.ip_network(name, strict=False), port))
        except ValueError:
            hosts.add((name.lower().rstrip("."), port))
    return frozenset(hosts), tuple(networks)


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses that are not metadata services.

    IPv6 forms that carry an IPv4 address (mapped, 6to4 ``2002::/16``, NAT64
    ``64:ff9b::/96``) are judged by the address they carry.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    return not (
        address in METADATA_ADDRESSES
        or (address.version == 4 and address in IETF_PROTOCOL)
        or not address.is_global
        or address.is_multicast
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (A and AAAA)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"cannot resolve host {host!r}") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str, policy: FetchPolicy, resolver: Resolver = system_resolver) -> str:
    """Validate url and resolve its host; returns the checked address to connect to.

    Raises FetchError for anything not allowed, before any connection is made.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"not a valid URL: {url[:200]!r}") from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchError("only http and https URLs can be fetched")
    host = parsed.host.lower().rstrip(".")
    if not host:
        raise FetchError("the URL has no host")
    if parsed.userinfo:
        raise FetchError("URLs with credentials are not fetched")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    host_allowed = policy.host_allowed(host, port)
    if host in METADATA_HOSTS and not host_allowed:
        raise FetchError(f"refusing to fetch {host!r}: cloud metadata host")

    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    raw_addresses = [str(literal)] if literal else resolver(host, port)
    if not raw_addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    addresses = []
    for raw in raw_addresses:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        if not (host_allowed or policy.address_allowed(address, port) or is_public(address)):
            # the resolved address is not named: that would answer DNS questions about
            # the internal network for whoever asks
            raise FetchError(
                f"refusing to fetch {host!r}: it resolves to a non-public address; "
                "add it to NEWSUM_FETCH_ALLOWLIST if this is intended"
            )
        addresses.append(address)
    return str(addresses[0])


def _media_type(header: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every wait ends at the fetch's deadline (read timeouts alone reset
    with each byte, so a drip of one byte every few seconds never trips them)."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream, self._deadline = stream, deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        left = self._left(timeout, httpcore.ConnectTimeout)
        tls = self._stream.start_tls(ssl_context, server_hostname, left)
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    """Plain sockets, each wrapped in a _DeadlineStream; connecting is bounded too."""

    def __init__(self, deadline: float):
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch deadline passed")
        timeout = left if timeout is None else min(timeout, left)
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self.deadline)


def _deadline_transport(deadline: float) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool._network_backend = _DeadlineBackend(deadline)  # no public hook in httpx
    return transport


def fetch_url(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    resolver: Resolver = system_resolver,
    transport: httpx.BaseTransport | None = None,
) -> FetchedPage:
    """Fetch an HTML or plain-text page, re-checking every redirect hop."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout_s
    timeout = httpx.Timeout(policy.timeout_s, connect=policy.connect_timeout_s)
    transport = transport or _deadline_transport(deadline)
    with httpx.Client(
        timeout=timeout, follow_redirects=False, transport=transport, trust_env=False
    ) as client:
        for _hop in range(policy.max_redirects + 1):
            response_or_next = _fetch_hop(client, url, policy, resolver, deadline)
            if isinstance(response_or_next, FetchedPage):
                return response_or_next
            url = response_or_next
        raise FetchError(f"too many redirects (more than {policy.max_redirects})")


def _fetch_hop(
    client: httpx.Client, url: str, policy: FetchPolicy, resolver: Resolver, deadline: float
) -> FetchedPage | str:
    """One request: a page, or the next URL to try when redirected."""
    address = check_url(url, policy, resolver)
    target = httpx.URL(url)
    headers = {
        "Host": target.netloc.decode("ascii"),
        "User-Agent": policy.user_agent,
        "Accept": "text/html, application/xhtml+xml, text/plain;q=0.8",
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    request = client.build_request(
        "GET", target.copy_with(host=address), headers=headers, extensions=extensions
    )
    try:
        response = client.send(request, stream=True)
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out fetching {target.host}") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch {target.host}: {type(exc).__name__}") from exc
    try:
        if response.status_code in REDIRECT_CODES:
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"redirect without a Location from {target.host}")
            return urljoin(str(target), location)
        if not 200 <= response.status_code < 300:
            raise FetchError(f"{target.host} answered HTTP {response.status_code}")
        media_type, charset = _media_type(response.headers.get("content-type", ""))
        if media_type not in HTML_TYPES | TEXT_TYPES:
            raise FetchError(
                f"unsupported content type {media_type or 'none'!r}; only HTML and plain text"
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchError(f"page is {int(declared):,} bytes; the limit is {policy.max_bytes:,}")
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > policy.max_bytes:
                    raise FetchError(f"page is larger than the limit of {policy.max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out fetching {target.host}")
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {target.host}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {target.host}: {type(exc).__name__}") from exc
        return FetchedPage(
            url=url,
            content=bytes(body),
            content_type=media_type,
            charset=charset,
            html=media_type in HTML_TYPES,
        )
    finally:
        response.close()
