"""The local engine: chunks of Items over a pool of worker processes on this machine.

Each worker builds its Pipeline once (in the pool initializer) and briefs whole chunks;
the parent only writes the finished lines, in the order chunks complete. Workers are
started with ``spawn`` (forkserver where available) rather than ``fork``: forking a
parent that already runs torch or BLAS threads can deadlock the child.

A worker that dies (killed, out of memory, a segfault in native code) breaks the whole
pool; the chunks in flight are then retried in a fresh pool, one at a time so that the
culprit is known; a chunk that breaks the pool again is split and its articles retried
one by one, and the article that breaks it once more is recorded as failed. A crash
never loses the rest of the run, nor the innocent articles next to the culprit.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice

from summarizer.batch.chunks import guided_chunks
from summarizer.batch.inputs import Item
from summarizer.batch.worker import (
    PipelineFactory,
    Result,
    WorkerSetupError,
    brief_chunk,
    brief_in_process,
    error_result,
    init_process,
    make_pipeline,
)

OnResults = Callable[[list[Result]], None]


def _run_chunk(items: list[Item]) -> list[Result]:
    # the pool's initializer (worker.init_process) built this process's Pipeline once
    return brief_in_process(items, None)


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _context():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["summarizer.batch.preload"])
    return context


def run_local(
    items: Sequence[Item],
    on_results: OnResults,
    *,
    workers: int = 1,
    chunk_size: int = 16,
    factory: PipelineFactory | None = None,
    backend: str = "extractive",
    model: str | None = None,
) -> None:
    """Brief every Item, calling ``on_results`` (in this process) with each chunk's results."""
    factory = factory or partial(make_pipeline, backend, model)
    if workers <= 1:
        pipeline = factory()
        for chunk in chunked(items, chunk_size):
            on_results(brief_chunk(pipeline, chunk))
        return
    # smaller chunks towards the end, so that the workers finish together
    _run_pool(guided_chunks(items, chunk_size, workers), on_results, workers, factory)


def _run_pool(
    chunks: Iterator[list[Item]], on_results: OnResults, workers: int, factory: PipelineFactory
) -> None:
    # A few chunks queued per worker keeps them busy without reading millions of ids ahead.
    max_in_flight = workers * 2
    retry: list[tuple[list[Item], int]] = []  # (chunk, attempts so far)
    while True:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=init_process,
            initargs=(factory,),
        )
        in_flight: dict[Future, tuple[list[Item], int]] = {}
        broken: list[tuple[list[Item], int]] = []
        try:
            while True:
                while len(in_flight) < max_in_flight:
                    if retry:
                        # Alone in the pool, so that a second crash is this chunk's doing.
                        if not in_flight:
                            job = retry.pop(0)
                            in_flight[pool.submit(_run_chunk, job[0])] = job
                        break
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    in_flight[pool.submit(_run_chunk, chunk)] = (chunk, 0)
                if not in_flight:
                    return
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk, attempts = in_flight.pop(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        broken.append((chunk, attempts + 1))
                        continue
                    except WorkerSetupError:
                        raise
                    except Exception as exc:  # e.g. a result that cannot be pickled
                        reason = f"worker failed: {type(exc).__name__}: {exc}"
                        results = [error_result(item, reason) for item in chunk]
                    on_results(results)
                if broken:
                    broken.extend((c, a + 1) for c, a in in_flight.values())
                    in_flight.clear()
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for chunk, attempts in broken:
            if attempts < 2:
                retry.append((chunk, attempts))
            elif len(chunk) > 1:  # the chunk is guilty: find the article, one at a time
                retry.extend(([item], 1) for item in chunk)
            else:
                reason = "the worker process died while briefing this article (twice)"
                on_results([error_result(chunk[0], reason)])
