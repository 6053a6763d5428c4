"""Fetch one article page by URL, refusing to reach internal addresses (SSRF guard).

A URL given by a user must never make us talk to ourselves, the private network or a
cloud metadata service. So, for every hop (redirects are followed by hand):

- only http/https, no credentials in the URL, no known metadata host names;
- the host is resolved here and *every* address it resolves to must be public
  (not loopback, private, link-local, multicast, reserved, unspecified, shared or
  documentation space) unless it is in the explicit allowlist;
- the connection goes to the address that was checked (Host header and TLS SNI keep
  the name), so a DNS answer that changes between check and connect cannot slip by.

Only HTML and plain text are accepted, with a byte cap, connect/read timeouts and an
overall deadline. Every refusal raises FetchError before any byte leaves the machine.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

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
# Metadata addresses that the ``is_global`` test alone would not catch everywhere.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)

USER_AGENT = "newsum/0.1 (+https://newsum.invalid; article fetcher)"


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do. ``allowlist`` holds host names, IP addresses or CIDR networks."""

    allowlist: Sequence[str] = ()
    timeout_s: float = 10.0
    connect_timeout_s: float = 5.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    _hosts: frozenset[str] = field(init=False, repr=False, compare=False)
    _networks: tuple[Network, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hosts, networks = parse_allowlist(self.allowlist)
        object.__setattr__(self, "_hosts", hosts)
        object.__setattr__(self, "_networks", networks)

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self._hosts

    def address_allowed(self, address: IPAddress) -> bool:
        return any(address in net for net in self._networks if net.version == address.version)


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


def parse_allowlist(entries: Iterable[str]) -> tuple[frozenset[str], tuple[Network, ...]]:
    """Split allowlist entries into host names and networks (a bare IP is a /32 or /128)."""
    hosts: set[str] = set()
    networks: list[Network] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            hosts.add(entry.lower().rstrip("."))
    return frozenset(hosts), tuple(networks)


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses that are not metadata services."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address in METADATA_ADDRESSES
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
    host_allowed = policy.host_allowed(host)
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
        if not (host_allowed or policy.address_allowed(address) or is_public(address)):
            raise FetchError(
                f"refusing to fetch {host!r}: it resolves to a non-public address ({address}); "
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
