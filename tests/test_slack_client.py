"""The bot's newsum API client: one retry honouring Retry-After, friendly errors only."""

from __future__ import annotations

import httpx
import pytest

from app.slack import client as client_module
from app.slack.client import BriefError, NewsumClient, parse_retry_after

BRIEF = {"headline": "H", "summary": "S", "meta": {"generator": {"backend": "extractive"}}}


def make_client(handler, **kwargs) -> NewsumClient:
    return NewsumClient("http://newsum.test", transport=httpx.MockTransport(handler), **kwargs)


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(client_module.time, "sleep", waited.append)
    return waited


def test_sends_text_or_url_with_the_api_key():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=BRIEF)

    client = make_client(handler, api_key="k-123")
    assert client.summarize(text="Some article.") == BRIEF
    assert client.summarize(url="http://127.0.0.1/a", title="T") == BRIEF
    assert [r.url.path for r in seen] == ["/v1/summarize", "/v1/summarize"]
    assert seen[0].headers["Authorization"] == "Bearer k-123"
    assert seen[0].read() == b'{"text":"Some article."}'
    assert seen[1].read() == b'{"url":"http://127.0.0.1/a","title":"T"}'


def test_429_is_retried_once_after_retry_after(sleeps):
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=BRIEF)]
    )
    client = make_client(lambda request: next(answers))
    assert client.summarize(text="x") == BRIEF
    assert sleeps == [2.0]


def test_429_twice_becomes_a_friendly_message(sleeps):
    calls = []

    def handler(request):
        calls.append(request)
        body = {"error": {"code": "overloaded", "message": "too many articles waiting"}}
        return httpx.Response(429, headers={"Retry-After": "1"}, json=body)

    with pytest.raises(BriefError, match="busy right now"):
        make_client(handler).summarize(text="x")
    assert len(calls) == 2
    assert sleeps == [1.0]


def test_a_retry_after_too_long_to_wait_is_not_waited(sleeps):
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": "120"})

    with pytest.raises(BriefError, match="busy"):
        make_client(handler, max_retry_after=10).summarize(text="x")
    assert len(calls) == 1
    assert sleeps == []


def test_bad_input_passes_on_the_api_message():
    def handler(request):
        body = {"error": {"code": "fetch_failed", "message": "the page answered 404"}}
        return httpx.Response(422, json=body)

    with pytest.raises(BriefError) as info:
        make_client(handler).summarize(url="http://127.0.0.1/missing")
    assert str(info.value) == "newsum could not brief that: the page answered 404"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "rejected the bot's API key"),
        (500, "on its side (error 500)"),
        (504, "took too long"),
        (418, "error 418"),
    ],
)
def test_other_errors_are_short_and_plain(status, expected):
    client = make_client(lambda request: httpx.Response(status, text="Traceback (most recent..."))
    with pytest.raises(BriefError) as info:
        client.summarize(text="x")
    assert expected in str(info.value)
    assert "Traceback" not in str(info.value)


def test_an_unreachable_api_is_reported_plainly():
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(BriefError, match="unreachable"):
        make_client(handler).summarize(text="x")


def test_a_timeout_is_reported_plainly():
    def handler(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(BriefError, match="took too long"):
        make_client(handler).summarize(text="x")


def test_retry_after_accepts_seconds_and_http_dates():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:25 GMT", now=now) == pytest.approx(5.0)
