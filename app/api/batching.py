"""Micro-batching: concurrent requests share one generator call, off the event loop.

Requests put jobs on a bounded asyncio queue (full -> the caller answers 429). One
collector task takes the first waiting job, gathers more until the batch is full or
``max_wait`` has passed, and hands the batch to a single inference thread, which calls
``summarize_clean`` once per backend in the batch. Jobs arrive already ingested and
validated, so a bad article can never poison a batch; should a batch still fail, its
articles are retried one by one so that only the culprit gets the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from app.api.metrics import Metrics, backend_label
from summarizer.deadline import Deadline
from summarizer.errors import DeadlineExceeded

log = logging.getLogger("newsum.api")


class QueueFull(Exception):
    """No room for the job(s): the caller should answer 429."""


@dataclass
class Job:
    backend: str
    pipeline: Any  # summarizer.pipeline.Pipeline (or a test double with summarize_clean)
    clean: Any  # summarizer.ingest.CleanText
    future: asyncio.Future = field(repr=False)
    max_claims: int | None = None  # the request's cap on claims (None: the pipeline's)
    deadline: Deadline | None = None  # the request's; cancelled when it stops waiting


class MicroBatcher:
    def __init__(
        self,
        metrics: Metrics,
        *,
        max_size: int = 8,
        max_wait_ms: float = 5.0,
        queue_max: int = 64,
    ):
        self.metrics = metrics
        self.max_size = max_size
        self.max_wait = max_wait_ms / 1000
        self.queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=queue_max)
        self._arrived = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsum-infer")
        self._task: asyncio.Task | None = None
        self.busy_since: float | None = None  # monotonic start of the running inference

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._collect(), name="newsum-batcher")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        while not self.queue.empty():
            job = self.queue.get_nowait()
            if not job.future.done():
                job.future.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- producer side ---------------------------------------------------------------
    def room(self) -> int:
        return self.queue.maxsize - self.queue.qsize()

    def submit(
        self,
        backend: str,
        pipeline: Any,
        cleans: list[Any],
        max_claims: int | None = None,
        deadline: Deadline | None = None,
    ) -> list[asyncio.Future]:
        """Queue all of cleans or none of them (QueueFull); never awaits, so it is atomic."""
        if len(cleans) > self.room():
            raise QueueFull
        loop = asyncio.get_running_loop()
        futures = []
        for clean in cleans:
            job = Job(backend, pipeline, clean, loop.create_future(), max_claims, deadline)
            self.queue.put_nowait(job)
            futures.append(job.future)
        self.metrics.queue_depth.set(self.queue.qsize())
        self._arrived.set()
        return futures

    # -- consumer side ---------------------------------------------------------------
    async def _collect(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            deadline = loop.time() + self.max_wait
            while len(batch) < self.max_size:
                if not self.queue.empty():
                    batch.append(self.queue.get_nowait())
                    continue
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), remaining)
            self.metrics.queue_depth.set(self.queue.qsize())
            live = [job for job in batch if not job.future.done()]  # timed out while waiting
            if not live:
                continue
            self.busy_since = time.monotonic()
            try:
                outcomes = await loop.run_in_executor(self._executor, self._infer, live)
            except Exception as exc:  # the executor itself failed: fail these jobs, go on
                outcomes = [exc] * len(live)
            finally:
                self.busy_since = None
            for job, outcome in zip(live, outcomes):
                if job.future.done():
                    continue
                if isinstance(outcome, BaseException):
                    job.future.set_exception(outcome)
                else:
                    job.future.set_result(outcome)

    def _infer(self, jobs: list[Job]) -> list[Any]:
        """In the inference thread: one summarize_clean per backend present in the batch
        (each article keeps its own claims cap)."""
        outcomes: list[Any] = [None] * len(jobs)
        groups: dict[str, list[int]] = {}
        for i, job in enumerate(jobs):
            groups.setdefault(job.backend, []).append(i)
        for backend, indexes in groups.items():
            pipeline = jobs[indexes[0]].pipeline
            cleans = [jobs[i].clean for i in indexes]
            caps = [jobs[i].max_claims for i in indexes]
            deadlines = [jobs[i].deadline for i in indexes]
            group = self._run_group(backend, pipeline, cleans, caps, deadlines)
            for i, outcome in zip(indexes, group):
                outcomes[i] = outcome
        return outcomes

    def _run_group(
        self,
        backend: str,
        pipeline: Any,
        cleans: list[Any],
        caps: list[int | None],
        deadlines: list[Deadline | None],
    ) -> list[Any]:
        started = time.perf_counter()
        options: dict[str, Any] = {"max_claims": caps} if any(c is not None for c in caps) else {}
        deadline = Deadline.all_of(deadlines)
        if deadline is not None:  # the work stops once no request waits for it
            options["deadline"] = deadline
        try:
            results: list[Any] = pipeline.summarize_clean(cleans, with_source=True, **options)
        except Exception as exc:
            if len(cleans) == 1:
                return [exc]
            if not isinstance(exc, DeadlineExceeded):
                log.warning("batch of %d failed (%s); retrying one by one", len(cleans), exc)
            return [
                self._run_group(backend, pipeline, [c], [cap], [d])[0]
                for c, cap, d in zip(cleans, caps, deadlines, strict=True)
            ]
        label = backend_label(backend)
        self.metrics.inference.labels(label).observe(time.perf_counter() - started)
        self.metrics.batch_size.labels(label).observe(len(cleans))
        return results
