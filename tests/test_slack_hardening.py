"""Attacks on the Slack endpoint: huge unsigned bodies, bodies in the logs, malformed
timestamps. Each is sent in-process (ASGI) to the real bolt app behind create_http_app."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

import httpx
import pytest

from app.slack.bot import create_bolt_app
from app.slack.server import create_http_app
from app.slack.settings import SlackSettings
from app.slack.verify import signature_problem

SECRET = "hardening-secret"
MARKER = "BODY-MARKER-7f3a"


@pytest.fixture
def anyio_backend():
    return "asyncio"


def make_app(**http_options):
    settings = SlackSettings(
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-1",
        slack_token_verification=False,
        slack_api_url="http://127.0.0.1:9/api/",  # never the real Slack
    )
    bolt = create_bolt_app(settings)
    dispatched = []
    real = bolt.dispatch
    bolt.dispatch = lambda req: dispatched.append(req) or real(req)
    return create_http_app(bolt, **http_options), dispatched


async def post(app, body: bytes, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.post("/slack/events", content=body, headers=headers)


def signed(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    sig = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


@pytest.mark.anyio
async def test_an_unsigned_body_over_the_cap_is_refused_before_parsing(caplog):
    caplog.set_level(logging.DEBUG)
    app, dispatched = make_app(max_body_bytes=64 * 1024)
    body = b'{"type": "event_callback", "x": "' + MARKER.encode() * 200_000 + b'"}'  # 3 MB
    r = await post(app, body, {"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert dispatched == []
    assert MARKER not in caplog.text


@pytest.mark.anyio
async def test_a_chunked_body_over_the_cap_is_cut_while_reading():
    app, dispatched = make_app(max_body_bytes=64 * 1024)

    async def chunks():
        for _ in range(100):
            yield b"x" * 16 * 1024

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        r = await client.post("/slack/events", content=chunks())
    assert r.status_code == 413 and dispatched == []


@pytest.mark.anyio
async def test_unsigned_bodies_never_reach_bolt_or_the_log(caplog):
    caplog.set_level(logging.DEBUG)  # before the app: bolt copies the root level
    app, dispatched = make_app()
    form = urlencode({"command": "/brief", "text": MARKER * 1000}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers |= signed(form) | {"X-Slack-Signature": "v0=" + "0" * 64}
    r = await post(app, form, headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert dispatched == []
    assert MARKER not in caplog.text


@pytest.mark.anyio
async def test_bolt_logs_no_bodies_even_for_signed_requests_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    app, dispatched = make_app()
    body = b'{"type": "url_verification", "token": "t", "challenge": "' + MARKER.encode() + b'"}'
    r = await post(app, body, {"Content-Type": "application/json", **signed(body)})
    assert r.status_code == 200 and r.json() == {"challenge": MARKER}
    assert len(dispatched) == 1
    assert MARKER not in caplog.text


@pytest.mark.anyio
@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "-5", "9" * 40, " 17e8"])
async def test_a_malformed_timestamp_is_401_not_500(timestamp):
    app, dispatched = make_app()
    body = b"command=%2Fbrief&text=hi"
    headers = signed(body) | {"X-Slack-Request-Timestamp": timestamp}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    r = await post(app, body, headers)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "unauthorized" and dispatched == []


def test_signature_checks_run_on_raw_bytes():
    body = "text=caf\u00e9 \xff".encode("latin-1")  # not UTF-8: must not matter
    headers = {k.lower(): v for k, v in signed(body).items()}
    assert signature_problem(SECRET, headers, body) is None
    assert signature_problem(SECRET, headers, body + b"x") == "invalid X-Slack-Signature"
    stale = signed(body, str(int(time.time()) - 600))
    stale = {k.lower(): v for k, v in stale.items()}
    assert signature_problem(SECRET, stale, body) == "stale X-Slack-Request-Timestamp"
    assert signature_problem("", headers, body) == "invalid X-Slack-Signature"
