"""The Slack bot end to end: real slack_bolt and slack_sdk, a real newsum API, a fake Slack.

Everything listens on 127.0.0.1: the newsum API (the ASGI app under uvicorn), the bot
(its HTTP mode under uvicorn), and one local web server that plays Slack's Web API,
the commands' response_url, the article pages the API fetches, and an overloaded API.
Requests to the bot are signed with the test's own signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
import uvicorn
from test_slack_blocks import assert_valid_block_kit

from app.slack.bot import create_bolt_app
from app.slack.server import create_http_app
from app.slack.settings import SlackSettings

pytestmark = pytest.mark.slow

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "U0NEWSUM"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# Slack drops a request whose answer takes longer than this; the bot must ack well inside it.
SLACK_ACK_LIMIT_S = 3.0


# -- local servers ---------------------------------------------------------------------


class LocalWeb:
    """Fake Slack Web API + response_url + article pages + an overloaded newsum API."""

    def __init__(self, real_api_url: str | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.pages: dict[str, str] = {}
        self.real_api_url = real_api_url
        self.busy_hits: dict[str, int] = {}
        self._cond = threading.Condition()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str, headers=None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                page = web.pages.get(self.path)
                if page is None:
                    self._send(404, b"not found", "text/plain")
                else:
                    self._send(200, page.encode(), "text/html; charset=utf-8")

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/busy/"):
                    return self._busy(raw)
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:
                    body = dict(parse_qsl(raw.decode()))
                call = {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                with web._cond:
                    web.calls.append(call)
                    web._cond.notify_all()
                if self.path == "/api/auth.test":
                    answer = {"ok": True, "team_id": "T1", "user_id": BOT_USER, "bot_id": "B1"}
                elif self.path == "/api/chat.postMessage" and body.get("channel") == "C0PRIVATE":
                    answer = {"ok": False, "error": "not_in_channel"}
                elif self.path == "/api/chat.postMessage":
                    answer = {"ok": True, "channel": body.get("channel"), "ts": "1800000000.1"}
                else:  # a response_url
                    return self._send(200, b"ok", "text/plain")
                self._send(200, json.dumps(answer).encode(), "application/json")

            def _busy(self, raw: bytes) -> None:
                """/busy/<n>/v1/summarize: 429 for the first n calls, then the real API."""
                budget = int(self.path.split("/")[2])
                with web._cond:
                    hits = web.busy_hits[self.path] = web.busy_hits.get(self.path, 0) + 1
                if hits > budget:
                    real = httpx.post(
                        f"{web.real_api_url}/v1/summarize",
                        content=raw,
                        headers={
                            "Content-Type": "application/json",
                            "Authorization": self.headers.get("Authorization", ""),
                        },
                        timeout=30,
                    )
                    return self._send(real.status_code, real.content, "application/json")
                error = {"error": {"code": "overloaded", "message": "too many articles waiting"}}
                headers = {"Retry-After": "1"}
                self._send(429, json.dumps(error).encode(), "application/json", headers)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def response_url(self) -> str:
        return f"{self.url}/respond/{uuid.uuid4().hex}"

    def posts(self, path: str) -> list[dict[str, Any]]:
        with self._cond:
            return [c["body"] for c in self.calls if c["path"] == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The bodies posted to ``path``, once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c["body"] for c in self.calls if c["path"] == path]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"nothing posted to {path} within {timeout} s")
                self._cond.wait(left)

    def wait_for_thread(self, channel: str, thread_ts: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in self.posts("/api/chat.postMessage"):
                if body.get("channel") == channel and body.get("thread_ts") == thread_ts:
                    return body
            time.sleep(0.05)
        raise AssertionError(f"no reply in thread {channel}/{thread_ts} within {timeout} s")


def serve_asgi(asgi_app: Any) -> tuple[str, Callable[[], None]]:
    """Serve an ASGI app with uvicorn in a thread on 127.0.0.1; returns (url, stop)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(asgi_app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        sock.close()

    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


def free_port_url() -> str:
    """A 127.0.0.1 URL where nothing listens: the newsum API is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def newsum_api() -> Iterator[str]:
    """The real newsum API, allowed to fetch pages from 127.0.0.1."""
    from app.api import Settings, create_app

    settings = Settings(api_keys=["test-api-key"], fetch_allowlist=["127.0.0.1"])
    url, stop = serve_asgi(create_app(settings))
    yield url
    stop()


@pytest.fixture(scope="module")
def web(newsum_api: str) -> Iterator[LocalWeb]:
    local = LocalWeb(real_api_url=newsum_api)
    yield local
    local.close()


@pytest.fixture(scope="module")
def start_bot(web: LocalWeb, newsum_api: str) -> Iterator[Callable[..., str]]:
    """Start a bot in HTTP mode against the fake Slack; returns its /slack/events URL."""
    stops = []

    def start(**overrides: Any) -> str:
        values = {
            "slack_signing_secret": SECRET,
            "slack_bot_token": BOT_TOKEN,
            "slack_api_url": f"{web.url}/api/",
            "newsum_api_url": newsum_api,
            "newsum_api_key": "test-api-key",
            "newsum_api_timeout": 30.0,
            "brief_visibility": "in_channel",
        }
        bolt_app = create_bolt_app(SlackSettings(**(values | overrides)))
        url, stop = serve_asgi(create_http_app(bolt_app))
        stops.append(stop)
        return f"{url}/slack/events"

    yield start
    for stop in stops:
        stop()


@pytest.fixture(scope="module")
def bot(start_bot: Callable[..., str]) -> str:
    return start_bot()


# -- signed requests -------------------------------------------------------------------


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    """Slack's v0 signature: HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post_signed(
    url: str,
    body: str,
    content_type: str,
    *,
    secret: str = SECRET,
    age_s: int = 0,
    headers: dict[str, str] | None = None,
) -> tuple[httpx.Response, float]:
    """POST as Slack would; returns the response and how long the answer took."""
    timestamp = int(time.time()) - age_s
    all_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(body, timestamp, secret),
    } | (headers or {})
    started = time.perf_counter()
    response = httpx.post(url, content=body.encode(), headers=all_headers, timeout=30)
    return response, time.perf_counter() - started


def slash_command(text: str, response_url: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "newsroom",
            "channel_id": "C0DESK",
            "channel_name": "desk",
            "user_id": "U0EDITOR",
            "user_name": "editor",
            "command": "/brief",
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": f"{time.time_ns()}.{uuid.uuid4().hex[:8]}",
        }
    )


def mention_event(text: str, ts: str, thread_ts: str | None = None) -> str:
    event = {"type": "app_mention", "user": "U0EDITOR", "text": text, "ts": ts}
    event |= {"channel": "C0DESK", "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
        }
    )


def sample_text(name: str | None = None) -> str:
    paths = sorted(SAMPLES.glob("*.txt"))
    path = next(p for p in paths if p.stem == name) if name else paths[0]
    return path.read_text(encoding="utf-8")


FORM = "application/x-www-form-urlencoded"


# -- tests -----------------------------------------------------------------------------


def test_brief_is_acked_at_once_and_arrives_at_response_url(bot: str, web: LocalWeb):
    response_url = web.response_url()
    response, elapsed = post_signed(bot, slash_command(sample_text(), response_url), FORM)
    assert response.status_code == 200
    assert response.text == "Summarising\u2026"
    # Done-when: the ack leaves most of Slack's 3 s for the network.
    assert elapsed < SLACK_ACK_LIMIT_S / 2, f"ack took {elapsed:.2f} s"

    [message] = web.wait_for(response_url.removeprefix(web.url))
    assert message["response_type"] == "in_channel"
    assert_valid_block_kit(message)
    header = message["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"]
    assert message["text"].startswith(header["text"]["text"][:40])
    assert "extractive" in message["blocks"][-1]["elements"][0]["text"]


def test_brief_of_a_url_fetches_the_page(bot: str, web: LocalWeb):
    article = sample_text()
    paragraphs = "".join(f"<p>{p}</p>" for p in article.split("\n\n") if p.strip())
    web.pages["/news/harbour-trial.html"] = (
        "<html><head><title>Harbour trial</title></head><body><nav>Home | World</nav>"
        f"<article>{paragraphs}</article><footer>Copyright Newsroom</footer></body></html>"
    )
    page_url = f"{web.url}/news/harbour-trial.html"
    response_url = web.response_url()
    response, _ = post_signed(bot, slash_command(page_url, response_url), FORM)
    assert response.status_code == 200

    [message] = web.wait_for(response_url.removeprefix(web.url))
    assert_valid_block_kit(message)
    assert f"<{page_url}|source>" in message["blocks"][-1]["elements"][0]["text"]
    first_words = " ".join(article.split()[:4])
    summary = message["blocks"][1]["text"]["text"]
    assert summary.startswith(first_words) or first_words in message["text"]


def test_mention_in_a_thread_is_answered_in_that_thread(bot: str, web: LocalWeb):
    body = mention_event(
        f"<@{BOT_USER}> {sample_text()}", ts="1700000100.000200", thread_ts="1700000000.000100"
    )
    response, _ = post_signed(bot, body, "application/json")
    assert response.status_code == 200

    reply = web.wait_for_thread("C0DESK", "1700000000.000100")
    assert_valid_block_kit(reply)
    auth = [c["auth"] for c in web.calls if c["path"] == "/api/chat.postMessage"]
    assert f"Bearer {BOT_TOKEN}" in auth


def shortcut(text: str, ts: str, response_url: str, channel: str = "C0DESK") -> str:
    payload = {
        "type": "message_action",
        "callback_id": "brief_message",
        "trigger_id": f"{time.time_ns()}.shortcut",
        "response_url": response_url,
        "team": {"id": "T1", "domain": "newsroom"},
        "channel": {"id": channel, "name": "desk"},
        "user": {"id": "U0EDITOR", "name": "editor"},
        "message": {"type": "message", "user": "U0REPORTER", "text": text, "ts": ts},
        "message_ts": ts,
        "api_app_id": "A1",
        "token": "legacy",
    }
    return urlencode({"payload": json.dumps(payload)})


def test_shortcut_briefs_the_message_in_its_thread(bot: str, web: LocalWeb):
    body = shortcut(sample_text(), "1700000300.000300", web.response_url())
    response, elapsed = post_signed(bot, body, FORM)
    assert response.status_code == 200 and elapsed < SLACK_ACK_LIMIT_S / 2

    reply = web.wait_for_thread("C0DESK", "1700000300.000300")
    assert_valid_block_kit(reply)


def test_shortcut_where_the_bot_cannot_post_answers_privately(bot: str, web: LocalWeb):
    response_url = web.response_url()
    body = shortcut(sample_text(), "1700000350.000350", response_url, channel="C0PRIVATE")
    post_signed(bot, body, FORM)

    [message] = web.wait_for(response_url.removeprefix(web.url))
    assert message["response_type"] == "ephemeral"
    assert_valid_block_kit(message)


def test_brief_without_an_article_explains_itself(bot: str, web: LocalWeb):
    response_url = web.response_url()
    response, _ = post_signed(bot, slash_command("   ", response_url), FORM)
    assert response.status_code == 200
    assert response.text.startswith("Give me an article to brief")
    time.sleep(0.3)
    assert web.posts(response_url.removeprefix(web.url)) == []


def test_url_verification_is_answered(bot: str):
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    response, _ = post_signed(bot, body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


def test_a_bad_signature_is_rejected(bot: str, web: LocalWeb):
    response_url = web.response_url()
    body = slash_command("Some text.", response_url)
    response, _ = post_signed(bot, body, FORM, secret="not-the-secret")
    assert response.status_code == 401
    time.sleep(0.3)
    assert web.posts(response_url.removeprefix(web.url)) == []


def test_a_stale_timestamp_is_rejected(bot: str, web: LocalWeb):
    response_url = web.response_url()
    body = slash_command("Some text.", response_url)
    response, _ = post_signed(bot, body, FORM, age_s=6 * 60)  # signed right, but replayable
    assert response.status_code == 401
    time.sleep(0.3)
    assert web.posts(response_url.removeprefix(web.url)) == []


def test_a_retried_event_gives_one_brief(bot: str, web: LocalWeb):
    body = mention_event(f"<@{BOT_USER}> {sample_text()}", ts="1700000400.000400")
    first, _ = post_signed(bot, body, "application/json")
    retry, _ = post_signed(
        bot,
        body,
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert first.status_code == retry.status_code == 200
    assert retry.headers.get("x-slack-no-retry") == "1"

    web.wait_for_thread("C0DESK", "1700000400.000400")
    time.sleep(1.0)
    replies = [
        b for b in web.posts("/api/chat.postMessage") if b.get("thread_ts") == "1700000400.000400"
    ]
    assert len(replies) == 1


def test_an_api_that_is_down_gets_a_friendly_message(start_bot, web: LocalWeb):
    bot = start_bot(newsum_api_url=free_port_url())
    response_url = web.response_url()
    response, elapsed = post_signed(bot, slash_command("Some text.", response_url), FORM)
    assert response.status_code == 200 and elapsed < SLACK_ACK_LIMIT_S / 2

    [message] = web.wait_for(response_url.removeprefix(web.url))
    assert message["response_type"] == "ephemeral"
    assert "blocks" not in message
    assert message["text"] == (
        ":warning: newsum is unreachable right now. Please try again in a few minutes."
    )


def test_an_overloaded_api_is_retried_once_after_retry_after(start_bot, web: LocalWeb):
    bot = start_bot(newsum_api_url=f"{web.url}/busy/1")
    response_url = web.response_url()
    started = time.monotonic()
    post_signed(bot, slash_command(sample_text(), response_url), FORM)

    [message] = web.wait_for(response_url.removeprefix(web.url))
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured
    assert web.busy_hits["/busy/1/v1/summarize"] == 2
    assert_valid_block_kit(message)


def test_an_api_still_overloaded_after_the_retry_gets_a_friendly_message(start_bot, web):
    bot = start_bot(newsum_api_url=f"{web.url}/busy/99")
    response_url = web.response_url()
    post_signed(bot, slash_command(sample_text(), response_url), FORM)

    [message] = web.wait_for(response_url.removeprefix(web.url))
    assert web.busy_hits["/busy/99/v1/summarize"] == 2  # one call, one retry, no more
    assert message["text"] == ":warning: newsum is busy right now. Please try again in a minute."
    assert message["response_type"] == "ephemeral"


def test_a_brief_too_big_for_slack_is_clipped_to_valid_block_kit(bot: str, web: LocalWeb):
    firsts = ("Ana", "Bo", "Cy", "Di", "Ed", "Flo")
    lasts = ("Ward", "Lund", "Marsh", "Oakes", "Pike", "Quill", "Rowe", "Stone")
    names = [f"{first} {last}" for first in firsts for last in lasts]
    padding = " and ".join(f"the {w} budget line" for w in ("harbour", "rail", "school") * 40)
    sentences = [
        f'"The council will cut {padding} by {i + 3} percent," {name} said on Monday.'
        for i, name in enumerate(names[:8])
    ]
    sentences += [f"{name} denied that the harbour would close." for name in names]
    # denials are capped (32) like claims: next steps make up the rest
    sentences += [f"{name} will inspect the rail depot on Friday." for name in names[8:32]]
    article = "\n\n".join(sentences)

    direct = httpx.post(
        f"{web.real_api_url}/v1/summarize",
        json={"text": article},
        headers={"Authorization": "Bearer test-api-key"},
        timeout=60,
    ).json()
    # One block per item would pass 50 blocks; one field per statement would pass 2,000 chars.
    items = [*direct["key_actors"], *direct["claims"], *direct["denials"], *direct["next_steps"]]
    assert len(items) > 50
    assert max(len(c["statement"]) for c in direct["claims"]) > 2000

    response_url = web.response_url()
    post_signed(bot, slash_command(article, response_url), FORM)
    [message] = web.wait_for(response_url.removeprefix(web.url), timeout=60)
    assert_valid_block_kit(message)
    fields = [f["text"] for b in message["blocks"] for f in b.get("fields", [])]
    assert any(f.endswith("\u2026") for f in fields)  # the long quotes were clipped cleanly


def newsum_command() -> list[str]:
    script = Path(sys.executable).with_name("newsum")
    return (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from app.cli import main; main()"]
    )


def test_newsum_slack_runs_the_bot_from_the_environment(web: LocalWeb, newsum_api: str):
    port = int(free_port_url().rsplit(":", 1)[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NEWSUM_"))}
    env |= {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{web.url}/api/",
        "NEWSUM_API_URL": newsum_api,
        "NEWSUM_API_KEY": "test-api-key",
        "BRIEF_VISIBILITY": "ephemeral",
    }
    proc = subprocess.Popen(
        [*newsum_command(), "slack", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "newsum slack did not start"
            time.sleep(0.1)

        response_url = web.response_url()
        response, elapsed = post_signed(
            f"{base}/slack/events", slash_command(sample_text(), response_url), FORM
        )
        assert response.status_code == 200 and elapsed < SLACK_ACK_LIMIT_S / 2
        [message] = web.wait_for(response_url.removeprefix(web.url))
        assert message["response_type"] == "ephemeral"  # BRIEF_VISIBILITY
        assert_valid_block_kit(message)
    finally:
        proc.terminate()
        proc.wait(10)


def test_newsum_slack_socket_mode_needs_an_app_token():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NEWSUM_"))}
    env["SLACK_BOT_TOKEN"] = BOT_TOKEN
    done = subprocess.run(
        [*newsum_command(), "slack", "--socket-mode"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "newsum: error: SLACK_APP_TOKEN (xapp-\u2026) is required in Socket Mode"
    ]
