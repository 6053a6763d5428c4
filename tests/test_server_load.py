"""Behaviour under load: micro-batching, backpressure (429 + Retry-After), timeouts (504).

A fake pipeline (real ingest, slow fake inference) keeps these fast and deterministic.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace

import httpx
import pytest

from app.api import Settings, create_app
from summarizer.ingest import ingest
from summarizer.schema import GeneratorInfo, Meta, StructuredSummary

TEXT = "The harbour board met on Monday. It approved the new quay. Work starts in May."


class FakePipeline:
    """Ingests for real; 'infers' by sleeping, recording each batch it was given."""

    def __init__(self, delay: float = 0.0, fail_when: str | None = None, checks: bool = True):
        self.delay = delay
        self.fail_when = fail_when
        self.checks = checks  # False: ignores its deadline (work that cannot be stopped)
        self.batches: list[int] = []
        self.abandoned: list[float] = []  # seconds worked before a deadline stopped it
        self.generator = SimpleNamespace(model=None)
        self.lock = threading.Lock()

    def ingest(self, data, title=None, *, html=None):
        return ingest(data, title=title, html=html)

    def summarize_clean(self, items, *, with_source=False, deadline=None):
        with self.lock:
            self.batches.append(len(items))
        started = time.monotonic()
        while time.monotonic() - started < self.delay:  # stages, with a check after each
            time.sleep(min(0.02, self.delay))
            if self.checks and deadline is not None and deadline.passed:
                self.abandoned.append(time.monotonic() - started)
                deadline.check("the next stage")
        if self.fail_when and any(self.fail_when in c.text for c in items):
            raise RuntimeError("boom")
        return [self._brief(c, with_source) for c in items]

    @staticmethod
    def _brief(clean, with_source):
        meta = Meta(
            generator=GeneratorInfo(backend="fake"),
            language=clean.language,
            source_chars=len(clean.text),
            elapsed_ms=0.0,
        )
        source = clean.text if with_source else None
        return StructuredSummary(
            headline=clean.text[:20], summary=clean.text, meta=meta, source=source
        )


@asynccontextmanager
async def serving(pipeline: FakePipeline, **settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(cache_size=0, **settings), pipeline_factory=lambda _b: pipeline)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def post(client: httpx.AsyncClient, i: int, **extra):
    return client.post("/v1/summarize", json={"text": f"{TEXT} Item {i}.", **extra})


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_concurrent_requests_share_generator_batches():
    fake = FakePipeline(delay=0.05)
    async with serving(fake, batch_max_size=8, batch_max_wait_ms=20) as client:
        responses = await asyncio.gather(*(post(client, i) for i in range(16)))
    assert all(r.status_code == 200 for r in responses)
    assert sum(fake.batches) == 16
    assert max(fake.batches) > 1 and max(fake.batches) <= 8
    assert {r.json()["summary"] for r in responses} == {f"{TEXT} Item {i}." for i in range(16)}


@pytest.mark.anyio
async def test_batch_size_one_turns_batching_off():
    fake = FakePipeline(delay=0.01)
    async with serving(fake, batch_max_size=1) as client:
        responses = await asyncio.gather(*(post(client, i) for i in range(6)))
    assert all(r.status_code == 200 for r in responses)
    assert fake.batches == [1] * 6


@pytest.mark.anyio
async def test_a_full_queue_answers_429_with_retry_after_while_accepted_ones_finish():
    fake = FakePipeline(delay=0.2)
    async with serving(fake, queue_max=2, batch_max_size=1, retry_after_s=3) as client:
        responses = await asyncio.gather(*(post(client, i) for i in range(12)))
        statuses = [r.status_code for r in responses]
        assert set(statuses) <= {200, 429}
        assert statuses.count(429) >= 1 and statuses.count(200) >= 2
        for r in responses:
            if r.status_code == 429:
                assert r.headers["retry-after"] == "3"
                assert r.json()["error"]["code"] == "overloaded"
        metrics = (await client.get("/metrics")).text
        assert 'newsum_rejected_total{reason="queue_full"}' in metrics
        assert (await post(client, 99)).status_code == 200  # recovered


@pytest.mark.anyio
async def test_a_batch_that_does_not_fit_the_queue_is_refused_whole():
    fake = FakePipeline(delay=0.0)
    async with serving(fake, queue_max=2) as client:
        items = [{"text": f"{TEXT} {i}"} for i in range(3)]
        r = await client.post("/v1/summarize/batch", json={"items": items})
        assert r.status_code == 429
        r = await client.post("/v1/summarize/batch", json={"items": items[:2]})
        assert r.status_code == 200 and r.json()["succeeded"] == 2


@pytest.mark.anyio
async def test_timeout_is_a_504_json_error():
    fake = FakePipeline(delay=1.0)
    async with serving(fake, request_timeout_s=0.2) as client:
        started = time.perf_counter()
        r = await post(client, 1)
        assert time.perf_counter() - started < 0.9
        assert r.status_code == 504
        assert r.json()["error"]["code"] == "timeout"


@pytest.mark.anyio
async def test_a_failing_article_in_a_batch_fails_alone():
    fake = FakePipeline(delay=0.02, fail_when="poison")
    async with serving(fake, batch_max_size=8, batch_max_wait_ms=50) as client:
        bad = client.post("/v1/summarize", json={"text": f"{TEXT} poison here."})
        responses = await asyncio.gather(bad, *(post(client, i) for i in range(4)))
    assert responses[0].status_code == 500
    assert responses[0].json()["error"]["code"] == "internal_error"
    assert "boom" not in responses[0].text and "Traceback" not in responses[0].text
    assert [r.status_code for r in responses[1:]] == [200] * 4


@pytest.mark.anyio
async def test_a_slow_fetch_also_times_out_as_504():
    fake = FakePipeline()
    app = create_app(Settings(request_timeout_s=0.2), pipeline_factory=lambda _b: fake)

    def slow_fetch(url, policy):
        time.sleep(1.0)
        raise AssertionError("should have timed out first")

    app.state.service.fetch = slow_fetch
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            r = await client.post("/v1/summarize", json={"url": "https://news.example/a"})
    assert r.status_code == 504 and r.json()["error"]["code"] == "timeout"


def test_brief_cache_is_lru_and_keyed_by_content_and_options():
    from app.api.cache import BriefCache, cache_key

    cache = BriefCache(size=2)
    a, b, c = (cache_key("text", t, None, "extractive", None) for t in ("a", "b", "c"))
    cache.put(a, 1)
    cache.put(b, 2)
    assert cache.get(a) == 1  # a is now the most recent
    cache.put(c, 3)
    assert cache.get(b) is None and cache.get(a) == 1 and len(cache) == 2
    assert cache_key("text", "a", None, "seq2seq", None) != a
    assert cache_key("text", "a", "A title", "extractive", None) != a
    assert cache_key("html", "a", None, "extractive", None) != a


def test_settings_read_comma_lists_and_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSUM_FETCH_ALLOWLIST", "127.0.0.1, intranet.example,10.0.0.0/8")
    monkeypatch.setenv("NEWSUM_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("NEWSUM_BACKEND", "")
    s = Settings()
    assert s.fetch_allowlist == ["127.0.0.1", "intranet.example", "10.0.0.0/8"]
    assert s.max_body_bytes == 2048 and s.backend == "extractive" and s.api_keys == []


@pytest.mark.anyio
async def test_timed_out_work_is_abandoned_and_does_not_block_the_next_request():
    """Attack: an article that keeps the single inference thread busy far past the
    deadline. The work must stop at its next check, so the next request is served."""
    fake = FakePipeline(delay=30.0)
    async with serving(fake, request_timeout_s=0.3, batch_max_size=1) as client:
        r = await post(client, 1)
        assert r.status_code == 504 and r.json()["error"]["code"] == "timeout"
        for _ in range(200):  # the thread notices the cancelled deadline within a stage
            if fake.abandoned:
                break
            await asyncio.sleep(0.01)
        assert fake.abandoned and fake.abandoned[0] < fake.delay
        fake.delay = 0.0
        r = await post(client, 2)
        assert r.status_code == 200


@pytest.mark.anyio
async def test_readyz_is_503_while_inference_is_stuck_past_its_deadline():
    """Work that cannot be stopped (checks=False) holds the thread: /readyz must say so
    instead of 200, and recover once the thread is free."""
    fake = FakePipeline(delay=1.0, checks=False)
    async with serving(fake, request_timeout_s=0.2, batch_max_size=1) as client:
        for _ in range(300):  # the (fake) preload finishes
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.01)
        assert (await client.get("/readyz")).status_code == 200
        assert (await post(client, 1)).status_code == 504
        await asyncio.sleep(0.1)  # now > 0.2 s into a 1 s inference
        r = await client.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "busy", r.text
        for _ in range(300):
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.01)
        assert (await client.get("/readyz")).status_code == 200
