"""The Ray engine: the same chunks on Ray actors, on this machine or on a cluster.

``--workers`` actors (``num_cpus=1`` each) each build one Pipeline in their constructor
(spaCy and the model load once per actor) and brief one chunk per call. The driver feeds
them directly: two calls in flight per actor (one running, one queued, so an actor never
waits for a round trip), chunks cut by ``guided_chunks`` (full ones first, smaller ones
at the end so that the actors finish together), the next chunk going to the actor that
answered. Plain actors rather than Ray Data, which this engine used before: on a 2-core
machine Ray Data's streaming executor (a scheduling thread in the driver, a stats actor,
``import ray.data`` itself) cost more than the second actor brought, and a batch run
needs none of what it offers (docs/batch.md, "Where Ray's time goes").

Each actor writes the records of the chunk it briefed to a shard of its own
(``summarizer.batch.shards``: a local directory or a ``pyarrow.fs`` URI such as s3://),
then that shard's manifest entry; only ids, ok flags and error lines go back to the
driver. With ``--out FILE.jsonl`` the driver merges the shards into the file at the end.

An actor that dies (killed, out of memory, a crash in native code) fails the calls it
held; the engine starts a replacement, retries those chunks alone on an idle actor, splits
a chunk that kills its actor twice and retries it article by article, and records the
article that kills one once more as failed, as the local engine does. An actor that
cannot start at all, or cannot build its Pipeline, stops the run (WorkerSetupError).

A Ray that this engine starts itself (no ``--ray-address``) runs its workers at the
driver's priority, and while it starts, a helper process briefs the first chunks from the
same chunk source (``summarizer.batch.head_start``) until the first actor is ready.

On a cluster the workers read the input files themselves: the inputs must be visible at
the same path on every node (a shared filesystem), and newsum must be installed there.
Ray is imported only here, and only when this engine is chosen.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from functools import partial

from summarizer.batch.chunks import GuidedChunks
from summarizer.batch.inputs import Item
from summarizer.batch.shards import ShardDir
from summarizer.batch.worker import (
    PipelineFactory,
    PipelineProcess,
    Result,
    WorkerSetupError,
    error_result,
    limit_threads,
    make_pipeline,
)
from summarizer.errors import NewsumError

RAY_MISSING = "the ray engine needs Ray: pip install 'newsum[ray]'"
IN_FLIGHT = 2  # calls per actor: one running, one queued behind it
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class RayUnavailable(NewsumError):
    code = "ray_unavailable"


def import_ray():
    try:
        import ray
    except ImportError:
        raise RayUnavailable(RAY_MISSING) from None
    return ray


def check_ray_installed() -> None:
    """RayUnavailable now if Ray is missing, without importing it (~0.3 s saved for the
    helper that starts before it: ``run_ray``)."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise RayUnavailable(RAY_MISSING)


class BriefActor:
    """A Ray actor: one chunk per call, briefed by a plain child process that loads the
    Pipeline once, in the constructor (so an actor is ready when its model is).

    The child does the work because the same code runs slower inside a Ray worker process
    than in a plain one: 8.34-8.39 s of main-thread CPU for 96 articles in an actor
    against 7.69-7.81 s in a process the actor spawned (and 7.96-8.00 s in the driver),
    measured one at a time on a quiet machine. Ray's runtime shares the process (about
    twenty threads, a main thread that wakes ~100 times a second); the child has none of
    it. Only ids and errors (and, without shards, the finished lines) come back over the
    pipe. If the child dies, the actor exits too, so that the driver sees a dead actor and
    retries, splits and records the chunk as for any other death."""

    def __init__(self, factory: PipelineFactory, shards: ShardDir | None = None):
        limit_threads()
        # Ray's default_worker.py is the actor's main script: not re-run in the child
        self.process = PipelineProcess(factory, shards, hide_main=True)
        self.process.wait_ready()  # a setup error is raised at the first call instead

    def brief(self, items: list[Item]) -> list[Result]:
        try:
            # records stay there, in a shard; the driver gets ids and errors
            return self.process.brief(items)
        except BrokenProcessPool:
            os._exit(1)


def _init(ray, address: str | None, workers: int | None) -> bool:
    """Connect to ``address`` or start a local Ray; True if we started it (and stop it)."""
    if ray.is_initialized():
        return False
    options = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **options)
        else:
            # "local": a new Ray of our own, even where `ray start` left one running
            # (plain ray.init() would join that one, and refuse num_cpus). Its workers run
            # at this process's priority: Ray's default (niceness +15, to keep a shared
            # cluster's raylet responsive) left our actors behind every other job here,
            # the local engine's workers included.
            ray.init(
                address="local",
                num_cpus=workers,
                include_dashboard=False,
                _system_config={"worker_niceness": 0},
                **options,
            )
    except Exception as exc:
        where = f"reach the Ray cluster at {address}" if address else "start a local Ray"
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise RayUnavailable(f"cannot {where}: {first_line}") from None
    return True


def _shutdown(ray) -> None:
    """``ray.shutdown()`` for a Ray we started, less its longest wait.

    It stops Ray's processes one after another, each with SIGTERM and up to a second to
    exit; the autoscaler monitor (which has nothing to scale on one machine) takes the
    whole second, every time. It is killed first, so the shutdown takes ~0.3 s, not ~1.3 s.
    Reaches into Ray's private node object; if that ever moves, the plain shutdown runs."""
    try:
        from ray._private import ray_constants
        from ray._private import worker as ray_worker

        node = ray_worker._global_node
        for info in node.all_processes.get(ray_constants.PROCESS_TYPE_MONITOR, []):
            info.process.kill()
            info.process.wait(timeout=1)
    except Exception:
        pass
    ray.shutdown()


@contextmanager
def ray_session(address: str | None = None, workers: int | None = None) -> Iterator[None]:
    """A cluster connected for the duration (Ray checked to be installed, without address).

    Entered before the output is opened, so that an unreachable cluster is a bad argument
    (exit 2) and not a run in which everything failed. A Ray of our own is started later,
    by ``run_ray``, so that the first chunks are briefed while it starts."""
    if not address:
        check_ray_installed()
        yield
        return
    ray = import_ray()
    started = _init(ray, address, workers)
    try:
        yield
    finally:
        if started:
            _shutdown(ray)


def run_ray(
    items: Sequence[Item],
    on_results: Callable[[list[Result]], None],
    *,
    workers: int | None = None,
    chunk_size: int = 16,
    address: str | None = None,
    factory: PipelineFactory | None = None,
    backend: str = "extractive",
    model: str | None = None,
    shards: ShardDir | None = None,
) -> int:
    """Brief every Item on Ray; ``workers`` actors (default: every CPU of the cluster).

    With ``shards``, ok results reach ``on_results`` with an empty line: their records
    are in the shards already. Where this starts a Ray of its own, a helper process
    briefs the first chunks while Ray and the actors start (``head_start``); returns how
    many articles it briefed (0 on a Ray already up)."""
    factory = factory or partial(make_pipeline, backend, model)
    head = None
    # Ray not imported yet: not up in this process either (the helper starts first)
    if not address and ("ray" not in sys.modules or not sys.modules["ray"].is_initialized()):
        from summarizer.batch.head_start import HeadStart

        size = max(1, min(workers or os.cpu_count() or 1, len(items)))
        chunks = GuidedChunks(items, chunk_size, size)
        head = HeadStart(chunks, factory, shards)
    try:
        ray = import_ray()
        started = _init(ray, address, workers)
        if head is None:
            size = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            size = max(1, min(size, len(items)))
            chunks = GuidedChunks(items, chunk_size, size)
        try:
            _Feed(ray, items, on_results, size, chunks, factory, shards, head).run()
        finally:
            if started:
                _shutdown(ray)
    finally:
        if head is not None:
            head.close()
    return head.briefed if head is not None else 0


class _Slot:
    """One actor and the number of calls it holds."""

    def __init__(self, handle):
        self.handle = handle
        self.calls = 0
        self.retrying = False  # holds a retried chunk, alone
        self.dead = False


class _Feed:
    """The driver's loop: keep every actor fed, hand results on, replace dead actors."""

    def __init__(self, ray, items, on_results, size, chunks, factory, shards, head=None):
        self.ray = ray
        self.items = items
        self.on_results = on_results
        self.chunks: GuidedChunks[Item] = chunks
        self.head = head  # the helper briefing while the actors start, or None
        self.actor_class = ray.remote(num_cpus=1)(BriefActor)
        self.factory, self.shards = factory, shards
        self.slots = [self._start() for _ in range(size)]
        self.in_flight: dict = {}  # ObjectRef -> (slot, chunk, attempts)
        self.retry: deque[tuple[list[Item], int]] = deque()
        self.pending: deque[list[Item]] = deque()  # chunks the helper handed back
        self.reported: set[str] = set()
        self.deaths_in_a_row = 0

    def _start(self) -> _Slot:
        return _Slot(self.actor_class.remote(self.factory, self.shards))

    def run(self) -> None:
        ray = self.ray
        try:
            # The helper stops as soon as one actor is ready (its constructor has run).
            ready = [s.handle.__ray_ready__.remote() for s in self.slots] if self.head else []
            for slot in self.slots:
                self._fill(slot)
            while True:
                helping = self._helping()
                if not (self.in_flight or helping):
                    break
                refs = ready + list(self.in_flight)
                if not refs:  # everything is taken; the helper finishes the last chunks
                    time.sleep(0.05)
                    continue
                timeout = 0.05 if helping else None
                done, _ = ray.wait(refs, num_returns=1, timeout=timeout)
                if not done:
                    continue
                [ref] = done
                if ref in ready:
                    self.head.stop()
                    ready = []
                    continue
                slot, chunk, attempts = self.in_flight.pop(ref)
                slot.calls -= 1
                results = self._collect(ref, slot, chunk, attempts)
                if results is not None:
                    self._report(results)
                for each in self.slots:
                    self._fill(each)
        except NewsumError:
            raise
        except Exception as exc:  # the job died; what was written stays, the rest is failed
            if self.head is not None:  # its chunk in hand is written: report it first
                self.head.close()
                self._helping(refill=False)
            reason = f"ray job failed: {type(exc).__name__}: {_first_line(exc)}"
            lost = [error_result(i, reason) for i in self.items if i.id not in self.reported]
            if lost:
                self._report(lost)
        finally:
            for slot in self.slots:  # frees a cluster's CPUs now, not when Ray collects them
                with suppress(Exception):  # the cluster is gone already
                    ray.kill(slot.handle)

    def _helping(self, refill: bool = True) -> bool:
        """Report what the helper briefed and take back what it could not; True while it
        still runs."""
        if self.head is None:
            return False
        running = self.head.running  # read first: its last results are in by then
        results = self.head.take_results()
        if results:
            self._report(results)
        returned = self.head.take_returned()
        if returned and refill:
            self.pending.extend(returned)
            for slot in self.slots:
                self._fill(slot)
        return running

    def _collect(self, ref, slot: _Slot, chunk: list[Item], attempts: int) -> list | None:
        """The chunk's results; None when its actor died (the chunk is queued again)."""
        ray = self.ray
        try:
            results = ray.get(ref)
        except ray.exceptions.RayActorError as exc:
            if getattr(exc, "actor_init_failed", False):  # it never started: nor will others
                raise WorkerSetupError(f"ray actors cannot start: {_gist(exc)}") from None
            self._bury(slot, exc)
            self._broken(chunk, attempts + 1)
            return None
        except ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None) or exc
            if isinstance(cause, WorkerSetupError):
                raise WorkerSetupError(str(cause)) from None
            reason = f"ray worker failed: {type(cause).__name__}: {_first_line(cause)}"
            results = [error_result(item, reason) for item in chunk]
        self.deaths_in_a_row = 0
        if attempts:
            slot.retrying = False
        return results

    def _bury(self, slot: _Slot, exc: Exception) -> None:
        """Replace a dead actor (once, whichever of its calls reports it first)."""
        if slot.dead:
            return
        slot.dead = True
        self.deaths_in_a_row += 1
        if self.deaths_in_a_row > len(self.slots) + 2:
            raise RuntimeError(f"ray actors keep dying: {_gist(exc)}")
        self.slots[self.slots.index(slot)] = self._start()

    def _broken(self, chunk: list[Item], attempts: int) -> None:
        if attempts < 2:
            self.retry.append((chunk, attempts))
        elif len(chunk) > 1:  # the chunk is guilty: find the article, one at a time
            self.retry.extend(([item], 1) for item in chunk)
        else:
            reason = "the ray actor died while briefing this article (twice)"
            self._report([error_result(chunk[0], reason)])

    def _fill(self, slot: _Slot) -> None:
        """Up to IN_FLIGHT calls on ``slot``; a retried chunk waits for an idle actor and
        runs alone on it, so that a second death is that chunk's doing."""
        while slot.calls < IN_FLIGHT and not slot.retrying:
            if self.retry:
                if slot.calls:
                    return
                chunk, attempts = self.retry.popleft()
                slot.retrying = True
            else:
                chunk = self.pending.popleft() if self.pending else self.chunks.take()
                attempts = 0
                if chunk is None:
                    return
            self.in_flight[slot.handle.brief.remote(chunk)] = (slot, chunk, attempts)
            slot.calls += 1

    def _report(self, results: list[Result]) -> None:
        self.reported.update(r.id for r in results)
        self.on_results(results)


def _gist(exc: BaseException) -> str:
    """First and last line of a Ray error: where it happened, and the exception itself
    (an actor that failed to start puts the traceback in between)."""
    lines = [x for x in _COLOUR.sub("", str(exc)).strip().splitlines() if x.strip()]
    if len(lines) > 1:
        return f"{lines[0][:200]} ... {lines[-1].strip()[:300]}"
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    text = _COLOUR.sub("", str(exc)).strip()  # Ray colours the names in its messages
    return (text.splitlines() or [type(exc).__name__])[0][:300]
