"""Attacks on the HTTP API that once took it down or grew it without bound, each
reproduced in-process (ASGI, 127.0.0.1 semantics) against a fake pipeline."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from test_server_load import TEXT, FakePipeline

from app.api import Settings, create_app


@pytest.fixture
def anyio_backend():
    return "asyncio"


@asynccontextmanager
async def serving(factory, **settings) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    app = create_app(Settings(cache_size=8, **settings), pipeline_factory=factory)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, app


async def ready(client: httpx.AsyncClient) -> None:
    for _ in range(500):
        if (await client.get("/readyz")).status_code == 200:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not ready")


# -- /metrics labels ---------------------------------------------------------------------


@pytest.mark.anyio
async def test_made_up_http_methods_do_not_grow_metrics():
    fake = FakePipeline()
    async with serving(lambda _b: fake) as (client, _app):
        await ready(client)
        await client.request("XWARM", "/v1/summarize")  # the series "other" now exists
        baseline = len((await client.get("/metrics")).content)
        for i in range(500):
            r = await client.request(f"X{i:04d}", "/v1/summarize")
            assert r.status_code in (404, 405) and "error" in r.json()
        body = (await client.get("/metrics")).text
    assert "X0001" not in body and 'method="other"' in body
    assert len(body) < baseline + 2_000  # a counter's value grows, not its series


@pytest.mark.anyio
async def test_backend_names_are_case_normalised_before_pipelines_and_metrics():
    fake = FakePipeline()
    built: list[str] = []
    lock = threading.Lock()

    def factory(backend):
        with lock:
            built.append(backend)
        return fake

    async with serving(factory) as (client, app):
        await ready(client)
        variants = ["extractive", "EXTRACTIVE", "Extractive", " extractive", "eXtRaCtIvE"]
        for i, name in enumerate(variants * 8):
            body = {"text": f"{TEXT} Case {i}.", "backend": name.strip()}
            r = await client.post("/v1/summarize", json=body)
            assert r.status_code == 200, r.text
        metrics = (await client.get("/metrics")).text
    assert built == ["extractive"]
    assert set(app.state.service._pipelines) == {"extractive"}
    count = "newsum_inference_seconds_count"
    series = [line for line in metrics.splitlines() if line.startswith(count)]
    assert len(series) == 1 and 'backend="extractive"' in series[0]


# -- URL fetches -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_slow_fetches_run_in_a_small_pool_and_do_not_starve_text_requests():
    """Attack: waves of URLs whose servers answer too slowly. Each request gets its
    504, at most ``fetch_workers`` fetch threads exist, and plain text is still served."""
    fake = FakePipeline()
    running, most = [0], [0]
    lock = threading.Lock()
    release = threading.Event()

    def slow_fetch(url, policy):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            release.wait(5)  # a fetch held until its own deadline
            raise AssertionError("the request gave up long before")
        finally:
            with lock:
                running[0] -= 1

    async with serving(lambda _b: fake, request_timeout_s=0.3, fetch_workers=2) as (client, app):
        app.state.service.fetch = slow_fetch
        await ready(client)
        threads_before = threading.active_count()
        urls = [
            client.post("/v1/summarize", json={"url": f"https://slow.example/{i}"})
            for i in range(20)
        ]
        responses = await asyncio.gather(*urls)
        assert [r.status_code for r in responses] == [504] * 20
        text = await client.post("/v1/summarize", json={"text": f"{TEXT} Plain."})
        assert text.status_code == 200  # while the fetch threads are still held
        assert most[0] <= 2
        names = [t.name for t in threading.enumerate()]
        # two fetch threads, the inference thread, one worker for the text's ingest
        assert threading.active_count() - threads_before <= 4, names
        release.set()


# -- batch items one by one --------------------------------------------------------------


@pytest.mark.anyio
async def test_a_bad_batch_item_gets_its_own_error_and_the_others_are_briefed():
    fake = FakePipeline()
    bad = [
        {"text": "a", "html": "<p>b</p>"},  # two sources
        {"text": 42},  # not a string
        {"text": TEXT, "colour": "red"},  # unknown field
        {"text": TEXT, "title": "x" * 1001},  # over-long title
        "just a string",  # not an object
    ]
    items = [{"text": f"{TEXT} First."}, *bad, {"text": f"{TEXT} Last.", "with_source": "true"}]
    async with serving(lambda _b: fake) as (client, _app):
        await ready(client)
        r = await client.post("/v1/summarize/batch", json={"items": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["succeeded"], body["failed"]) == (2, 5)
    results = body["results"]
    assert [r["index"] for r in results] == list(range(7))
    assert "brief" in results[0] and "brief" in results[6]
    for result in results[1:6]:
        assert result["error"]["code"] == "invalid_request", result
    assert "exactly one of" in results[1]["error"]["message"]
    assert "title" in results[4]["error"]["message"]


# -- API keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [" ", ",", " , ,"])
def test_a_set_but_blank_key_list_refuses_to_start(monkeypatch, value):
    from pydantic import ValidationError

    monkeypatch.setenv("NEWSUM_API_KEYS", value)
    with pytest.raises(ValidationError, match="holds no key"):
        Settings()


def test_unset_or_empty_keys_mean_no_auth(monkeypatch):
    monkeypatch.setenv("NEWSUM_API_KEYS", "")
    assert Settings().api_keys == []


def test_keys_a_client_cannot_send_refuse_to_start_without_echoing_them():
    with pytest.raises(ValueError, match="key 2") as caught:
        create_app(Settings(api_keys=["ascii-key", "clé-secrète"]))
    assert "secr" not in str(caught.value)


def test_serve_warns_loudly_when_auth_is_off_on_a_public_interface(monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from app.api import reuseport
    from app.cli import build_app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    # --workers N > 1: the sockets are reserved, then uvicorn's supervisor would run
    monkeypatch.setattr(reuseport, "supervise", lambda config, sock: calls.append(config))
    monkeypatch.delenv("NEWSUM_API_KEYS", raising=False)
    monkeypatch.setenv("NEWSUM_BIND_HOST", "")  # serve sets it; restored after the test
    runner = CliRunner()
    result = runner.invoke(build_app(), ["serve", "--host", "0.0.0.0", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.output and "NEWSUM_API_KEYS" in result.output
    assert calls and calls[0]["proxy_headers"] is False  # no X-Forwarded-For by default
    args = ["serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2"]
    quiet = runner.invoke(build_app(), args)
    assert quiet.exit_code == 0 and "WARNING" not in quiet.output, quiet.output
    assert calls[1].workers == 2 and calls[1].proxy_headers is False
    monkeypatch.setenv("NEWSUM_API_KEYS", ",")
    refused = runner.invoke(build_app(), ["serve"])
    assert refused.exit_code == 2 and "holds no key" in refused.output
    assert len(calls) == 2


def test_the_asgi_entry_point_warns_when_auth_is_off(monkeypatch, caplog):
    from app import server

    monkeypatch.delenv("NEWSUM_BIND_HOST", raising=False)
    caplog.clear()  # the import itself may have warned already
    with caplog.at_level("WARNING", logger="newsum.api"):
        server.warn_if_open(Settings())
        server.warn_if_open(Settings(api_keys=["k"]))
    assert [r.getMessage() for r in caplog.records].count(
        "NEWSUM_API_KEYS is not set: /v1/* answers anyone who can reach this server"
    ) == 1
