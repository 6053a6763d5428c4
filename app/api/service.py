"""The summarise flow behind the routes: fetch/ingest -> cache -> micro-batch -> brief.

Everything blocking runs in threads; errors of one item are that item's alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from app.api.batching import MicroBatcher, QueueFull
from app.api.cache import BriefCache, cache_key
from app.api.errors import ApiError, from_library
from app.api.metrics import Metrics
from app.api.models import SummarizeRequest
from app.api.settings import Settings
from summarizer.deadline import Deadline
from summarizer.errors import DeadlineExceeded, ModelUnavailable, NewsumError
from summarizer.fetch import FetchPolicy, fetch_url

log = logging.getLogger("newsum.api")

PipelineFactory = Callable[[str], Any]


def default_pipeline_factory(settings: Settings) -> PipelineFactory:
    """Pipelines from the library; NEWSUM_MODEL applies to the default backend only."""

    def make(backend: str) -> Any:
        from summarizer.pipeline import Pipeline

        model = settings.model if backend == settings.backend else None
        return Pipeline(backend=backend, model=model, max_chars=settings.max_chars).load()

    return make


@dataclass
class Prepared:
    """An item after fetch + ingest: ready for the queue, or already answered."""

    backend: str
    pipeline: Any = None
    clean: Any = None
    key: str | None = None
    brief: Any = None
    error: ApiError | None = None
    max_claims: int | None = None


async def run_sync(fn: Callable[..., Any], *args: Any) -> Any:
    return await anyio.to_thread.run_sync(fn, *args)


class Service:
    def __init__(
        self, settings: Settings, metrics: Metrics, pipeline_factory: PipelineFactory | None
    ):
        self.settings = settings
        self.metrics = metrics
        self.factory = pipeline_factory or default_pipeline_factory(settings)
        self.cache = BriefCache(settings.cache_size)
        self.fetch_policy = FetchPolicy(
            allowlist=tuple(settings.fetch_allowlist),
            timeout_s=settings.fetch_timeout_s,
            connect_timeout_s=settings.fetch_connect_timeout_s,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
        )
        self.fetch = fetch_url  # tests may swap in a stub
        # URL fetches wait on other servers: their own small pool, so that slow pages
        # cannot take the threads that ingest (and plain-text requests) need
        self._fetch_pool: ThreadPoolExecutor | None = None  # made by start(), per lifespan
        self._fetch_slots: asyncio.Semaphore | None = None
        self.batcher: MicroBatcher | None = None
        self.ready = False
        self.load_error: str | None = None
        self._pipelines: dict[str, Any] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._preload_task: asyncio.Task | None = None

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        s = self.settings
        self.batcher = MicroBatcher(
            self.metrics,
            max_size=s.batch_max_size,
            max_wait_ms=s.batch_max_wait_ms,
            queue_max=s.queue_max,
        )
        self.batcher.start()
        self._fetch_pool = ThreadPoolExecutor(s.fetch_workers, "newsum-fetch")
        self._fetch_slots = asyncio.Semaphore(s.fetch_workers)
        if s.preload:
            self._preload_task = asyncio.create_task(self._preload())
        else:
            self._set_ready()

    async def stop(self) -> None:
        if self._preload_task and not self._preload_task.done():
            self._preload_task.cancel()
        if self.batcher:
            await self.batcher.stop()
        if self._fetch_pool:
            self._fetch_pool.shutdown(wait=False, cancel_futures=True)

    async def _preload(self) -> None:
        try:
            await self.pipeline(self.settings.backend)
        except ApiError as exc:
            self.load_error = exc.message
            log.error("default backend %r failed to load: %s", self.settings.backend, exc.message)
            return
        self._set_ready()

    def _set_ready(self) -> None:
        self.ready = True
        self.metrics.ready.set(1)

    async def pipeline(self, backend: str) -> Any:
        """The Pipeline for backend, created (and loaded) once, in a thread."""
        found = self._pipelines.get(backend)
        if found is not None:
            return found
        lock = self._locks.setdefault(backend, asyncio.Lock())
        async with lock:
            if backend not in self._pipelines:
                try:
                    self._pipelines[backend] = await run_sync(self.factory, backend)
                except ModelUnavailable as exc:
                    self._locks.pop(backend, None)  # made-up names must not pile up locks
                    raise from_library(exc) from None
                except NewsumError as exc:  # get_generator: no such backend
                    self._locks.pop(backend, None)
                    raise ApiError(422, "unknown_backend", str(exc)) from None
            return self._pipelines[backend]

    # -- the flow --------------------------------------------------------------------
    async def summarize(self, requests: list[SummarizeRequest]) -> list[Any]:
        """One outcome per request: a StructuredSummary or an ApiError.

        Raises ApiError(429) when the queue cannot take the items.
        """
        assert self.batcher is not None, "service not started"
        deadline = time.monotonic() + self.settings.request_timeout_s
        work_deadline = Deadline(deadline)  # checked by the pipeline between stages
        if self.batcher.room() == 0:
            raise self._overloaded()
        try:
            prepared = await asyncio.wait_for(
                asyncio.gather(*(self._prepare(r) for r in requests)),
                timeout=self.settings.request_timeout_s,
            )
        except TimeoutError:
            raise self._timed_out() from None
        waiting = [p for p in prepared if p.clean is not None]
        futures: list[asyncio.Future] = []
        try:
            for p in waiting:  # no await in this loop: all are queued or none
                if self.batcher.room() < len(waiting) - len(futures):
                    raise QueueFull
                futures += self.batcher.submit(
                    p.backend, p.pipeline, [p.clean], p.max_claims, work_deadline
                )
        except QueueFull:
            for future in futures:
                future.cancel()
            raise self._overloaded() from None
        if futures:
            remaining = max(0.0, deadline - time.monotonic())
            await asyncio.wait(futures, timeout=remaining)
        if not all(f.done() for f in futures):
            work_deadline.cancel()  # nobody waits any more: the inference thread stops
        for p, future in zip(waiting, futures):
            if not future.done():
                future.cancel()
                p.error = self._timed_out()
            elif not future.cancelled() and isinstance(future.exception(), DeadlineExceeded):
                p.error = self._timed_out()
            elif future.cancelled():  # the service is shutting down
                p.error = ApiError(503, "shutting_down", "the service is stopping; retry later")
            elif isinstance(future.exception(), NewsumError):
                p.error = from_library(future.exception())
            elif future.exception() is not None:
                log.error("inference failed", exc_info=future.exception())
                p.error = ApiError(500, "internal_error", "inference failed; it has been logged")
            else:
                p.brief = future.result()
                if p.key:
                    self.cache.put(p.key, p.brief)
        return [p.error or p.brief for p in prepared]

    def stuck_for(self) -> float:
        """Seconds the running inference has gone past the request deadline (0: none)."""
        since = self.batcher.busy_since if self.batcher else None
        if since is None:
            return 0.0
        return max(0.0, time.monotonic() - since - self.settings.request_timeout_s)

    def _timed_out(self) -> ApiError:
        self.metrics.rejected.labels("timeout").inc()
        limit = self.settings.request_timeout_s
        return ApiError(504, "timeout", f"no brief within {limit:g} s; try again later")

    def _overloaded(self) -> ApiError:
        self.metrics.rejected.labels("queue_full").inc()
        retry = str(self.settings.retry_after_s)
        return ApiError(
            429, "overloaded", "too many articles waiting; retry later", {"Retry-After": retry}
        )

    async def _prepare(self, request: SummarizeRequest) -> Prepared:
        # one name per backend: case variants must not each build a pipeline and a cache
        backend = (request.backend or self.settings.backend).strip().lower()
        item = Prepared(backend=backend)
        try:
            item.pipeline = await self.pipeline(backend)
            kind = request.source_kind
            if kind == "url":
                page = await self._fetch(request.url)
                data, html = page.text(), page.html
                kind = "html" if html else "text"
            else:
                data, html = getattr(request, kind), kind == "html"
            model = getattr(getattr(item.pipeline, "generator", None), "model", None)
            # the pipeline's own cap asked for explicitly is the default: one cache entry
            default = getattr(item.pipeline, "max_claims", None)
            item.max_claims = None if request.max_claims == default else request.max_claims
            item.key = cache_key(kind, data, request.title, backend, model, item.max_claims)
            cached = self.cache.get(item.key)
            self.metrics.cache.labels("hit" if cached is not None else "miss").inc()
            if cached is not None:
                item.brief = cached
                return item
            item.clean = await run_sync(self._ingest, item.pipeline, data, request.title, html)
        except ApiError as exc:
            item.error = exc
        except NewsumError as exc:
            item.error = from_library(exc)
        return item

    async def _fetch(self, url: str) -> Any:
        """Fetch in the fetch pool. A slot is held until the thread is done (not just
        until the request gives up), so abandoned fetches cannot pile up behind it."""
        assert self._fetch_pool is not None and self._fetch_slots is not None, "not started"
        slots, pool = self._fetch_slots, self._fetch_pool
        await slots.acquire()
        loop = asyncio.get_running_loop()

        def work() -> Any:
            try:
                return self.fetch(url, self.fetch_policy)
            finally:
                loop.call_soon_threadsafe(slots.release)

        return await loop.run_in_executor(pool, work)

    @staticmethod
    def _ingest(pipeline: Any, data: str | bytes, title: str | None, html: bool) -> Any:
        return pipeline.ingest(data, title, html=html)
