"""URL fetch: pages from a local server (127.0.0.1 allowlisted) and the SSRF refusals.

No test sends a packet to a non-loopback address: refusals happen before connecting, and
host names resolve through a stub resolver.
"""

from __future__ import annotations

import pytest
from support import local_site

from summarizer.errors import FetchError
from summarizer.fetch import FetchPolicy, check_url, fetch_url, is_public

PAGE = b"<html><head><title>Dam opens</title></head><body><p>The dam opened.</p></body></html>"


ROUTES = {
    "/page": (200, "text/html; charset=utf-8", PAGE),
    "/plain": (200, "text/plain", b"Just text."),
    "/pdf": (200, "application/pdf", b"%PDF-1.4"),
    "/missing": (404, "text/html", b"gone"),
    "/big": (200, "text/html", b"x" * 5000),
}
REDIRECTS = {
    "/hop": "/page",
    "/to-private": "http://10.0.0.1/admin",
    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    "/loop": "/loop",
}


@pytest.fixture(scope="module")
def site():
    with local_site(ROUTES, REDIRECTS) as url:
        yield url


LOCAL = FetchPolicy(allowlist=("127.0.0.1",), timeout_s=5)


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"resolver must not be called for {host}")


def test_fetches_an_html_page_from_an_allowlisted_address(site):
    page = fetch_url(f"{site}/page", LOCAL)
    assert page.html and page.content == PAGE and page.charset == "utf-8"
    assert isinstance(page.text(), str)


def test_plain_text_is_accepted_and_marked_as_not_html(site):
    page = fetch_url(f"{site}/plain", LOCAL)
    assert not page.html and page.content == b"Just text."


def test_redirects_within_the_allowlist_are_followed(site):
    assert fetch_url(f"{site}/hop", LOCAL).url.endswith("/page")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/pdf", "unsupported content type 'application/pdf'"),
        ("/missing", "HTTP 404"),
        ("/big", "the limit is 1,000"),
        ("/loop", "too many redirects"),
    ],
)
def test_bad_pages_raise_fetch_error(site, path, message):
    policy = FetchPolicy(allowlist=("127.0.0.0/8",), max_bytes=1000, max_redirects=2)
    with pytest.raises(FetchError, match=message):
        fetch_url(site + path, policy)


def test_loopback_is_refused_without_the_allowlist(site):
    with pytest.raises(FetchError, match="non-public address"):
        fetch_url(f"{site}/page", FetchPolicy())


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_a_redirect_to_an_internal_address_is_refused_before_connecting(site, path):
    with pytest.raises(FetchError, match="non-public address"):
        fetch_url(site + path, LOCAL)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.100.100.200/",
        "http://[fd00:ec2::254]/",
    ],
)
def test_internal_literal_addresses_are_refused(url):
    with pytest.raises(FetchError, match="non-public address"):
        check_url(url, FetchPolicy(), resolver=no_dns)


def test_a_name_resolving_to_a_private_address_is_refused():
    def resolver(host, port):
        return ["93.184.216.34", "10.1.2.3"]  # one bad answer is enough to refuse

    with pytest.raises(FetchError, match="non-public address") as caught:
        check_url("https://news.example/story", FetchPolicy(), resolver=resolver)
    assert "10.1.2.3" not in str(caught.value)  # no DNS oracle for the internal network


def test_a_public_name_yields_the_checked_address_to_connect_to():
    def resolver(host, port):
        assert (host, port) == ("news.example", 443)
        return ["93.184.216.34"]

    assert check_url("https://news.example/story", FetchPolicy(), resolver) == "93.184.216.34"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("gopher://x/", "only http and https"),
        ("http://user:pw@news.example/", "credentials"),
        ("http://metadata.google.internal/", "metadata host"),
        ("http:///nohost", "no host"),
    ],
)
def test_unsupported_urls_are_refused(url, message):
    with pytest.raises(FetchError, match=message):
        check_url(url, FetchPolicy(), resolver=no_dns)


def test_allowlist_takes_hosts_ips_and_networks():
    policy = FetchPolicy(allowlist=("intranet.example", "10.0.0.0/8", " ", "::1"))

    def resolver(host, port):
        return ["192.168.7.7"]

    assert check_url("http://intranet.example/", policy, resolver) == "192.168.7.7"
    assert check_url("http://10.9.9.9/", policy, no_dns) == "10.9.9.9"
    assert check_url("http://[::1]:8080/", policy, no_dns) == "::1"
    with pytest.raises(FetchError):
        check_url("http://other.example/", policy, resolver)


def test_is_public():
    import ipaddress

    assert is_public(ipaddress.ip_address("93.184.216.34"))
    assert not is_public(ipaddress.ip_address("127.0.0.1"))
    assert not is_public(ipaddress.ip_address("172.16.0.1"))
