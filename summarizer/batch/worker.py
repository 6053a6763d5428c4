"""Brief one chunk of Items: the work every engine (in-process, process pool, Ray) runs.

A chunk is read, then briefed as one batch (one ``nlp.pipe``, one batched generation).
Results come back as finished JSON lines, so the process that writes them only writes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from summarizer.batch.inputs import Item, input_sha256, read_row
from summarizer.errors import NewsumError


@dataclass(frozen=True)
class Result:
    id: str
    ok: bool
    line: str  # a record of the output file if ok, else of the errors file
    digest: str | None = None  # the input's sha256 (ok results; shard manifests list it)


def error_result(item: Item, reason: str) -> Result:
    return Result(item.id, False, json.dumps({"id": item.id, "path": item.path, "reason": reason}))


def _ok_result(item: Item, brief: Any, digest: str | None = None) -> Result:
    record = {"id": item.id, "path": item.path, "input_sha256": digest}
    head = json.dumps(record, ensure_ascii=False)[:-1]
    return Result(item.id, True, f'{head}, "brief": {brief.model_dump_json()}}}', digest)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, NewsumError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"  # a bug, but only this article's


def load_clean(item: Item, max_chars: int | None = None):
    """The cleaned text of one Item (raises InputError and friends for bad inputs)."""
    from summarizer.ingest import DEFAULT_MAX_CHARS, ingest, read_path

    max_chars = max_chars or DEFAULT_MAX_CHARS
    if item.offset is not None:
        text, title = read_row(item)
        return ingest(text, title=title, max_chars=max_chars)
    return read_path(item.file, max_chars=max_chars)


def brief_chunk(pipeline: Any, items: Sequence[Item]) -> list[Result]:
    """Results for every Item, in order; one bad article never fails the others."""
    results: dict[int, Result] = {}
    digests: dict[int, str] = {}
    cleans, positions = [], []
    max_chars = getattr(pipeline, "max_chars", None)
    for i, item in enumerate(items):
        if item.error:
            results[i] = error_result(item, item.error)
            continue
        try:
            cleans.append(load_clean(item, max_chars))
            digests[i] = input_sha256(item)
            positions.append(i)
        except Exception as exc:
            results[i] = error_result(items[i], _reason(exc))
    if cleans:
        try:
            briefs = pipeline.summarize_clean(cleans)
            for i, brief in zip(positions, briefs):
                results[i] = _ok_result(items[i], brief, digests[i])
        except Exception:
            # Somebody in the batch broke it: brief them one by one to find out who.
            for i, clean in zip(positions, cleans):
                try:
                    brief = pipeline.summarize_clean([clean])[0]
                    results[i] = _ok_result(items[i], brief, digests[i])
                except Exception as exc:
                    results[i] = error_result(items[i], _reason(exc))
    return [results[i] for i in range(len(items))]


PipelineFactory = Callable[[], Any]


class WorkerSetupError(NewsumError):
    """A worker could not build its Pipeline (unknown backend, missing model): the run
    stops, since every other worker would fail the same way."""

    code = "worker_setup_failed"


def make_pipeline(backend: str = "extractive", model: str | None = None) -> Any:
    """The real Pipeline, loaded (the default factory of every engine)."""
    with _torch_hidden(backend):
        from summarizer.pipeline import Pipeline

        return Pipeline(backend=backend, model=model).load()


@contextmanager
def _torch_hidden(backend: str | None) -> Iterator[None]:
    """spaCy without torch, for the extractive backend (which never uses it).

    ``import spacy`` imports thinc, which imports torch whenever it is installed, only to
    offer PyTorch-backed layers that en_core_web_sm does not have: ~1 s of CPU of the
    ~2 s a worker, an actor or a one-worker run spends loading its Pipeline. While spaCy
    is imported and its model loaded, ``import torch`` fails (thinc then records "no
    torch"); afterwards torch imports as usual, for anything that does want it."""
    wanted = (backend or "extractive").strip().lower() != "extractive"
    if wanted or "torch" in sys.modules or "spacy" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


def brief_to_shards(pipeline: Any, items: Sequence[Item], shards: Any | None) -> list[Result]:
    """``brief_chunk``; with ``shards`` (a ShardDir), the ok records are written to a shard
    here and come back without their lines (the caller gets ids, digests and errors)."""
    results = brief_chunk(pipeline, items)
    if shards is not None:
        shards.write_shard((r.id, r.digest, r.line) for r in results if r.ok)
        results = [r if not r.ok else Result(r.id, True, "", r.digest) for r in results]
    return results


def limit_threads() -> None:
    """One compute thread per worker process: N workers each starting N torch/BLAS
    threads would fight over the same cores. Call before torch is imported."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


# ---- a plain process holding a Pipeline (the Ray actors' and the head start's) ----------

_pipeline = None  # this process's Pipeline, built by init_process
_setup_error: str | None = None


def init_process(factory: PipelineFactory) -> None:
    """Pool initializer: build the Pipeline once (a failure is raised at the first chunk,
    where the caller sees it: an initializer that raises only breaks the pool)."""
    global _pipeline, _setup_error
    limit_threads()
    try:
        _pipeline = factory()
    except Exception as exc:
        _setup_error = str(exc) if isinstance(exc, NewsumError) else f"{type(exc).__name__}: {exc}"
    limit_threads()


def process_ready() -> None:
    """Returns once the initializer has run (the Pipeline is loaded, or failed to)."""


def brief_in_process(items: list[Item], shards: Any | None) -> list[Result]:
    if _setup_error is not None:
        raise WorkerSetupError(_setup_error)
    return brief_to_shards(_pipeline, items, shards)


class PipelineProcess:
    """One spawned child process that loads the Pipeline and briefs the chunks sent to it
    (into ``shards`` when given). ``brief`` raises BrokenProcessPool if the child dies."""

    def __init__(self, factory: PipelineFactory, shards: Any | None, *, hide_main: bool = False):
        self.shards = shards
        self.pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_process,
            initargs=(factory,),
        )
        with _main_hidden() if hide_main else nullcontext():
            self._ready = self.pool.submit(process_ready)  # the child starts here

    def wait_ready(self) -> None:
        self._ready.result()

    def brief(self, items: list[Item]) -> list[Result]:
        return self.pool.submit(brief_in_process, items, self.shards).result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Spawn without re-running this process's main script in the child.

    A spawned child first runs its parent's ``__main__`` file; in a Ray actor that is Ray's
    ``default_worker.py``, which imports Ray (~0.4 s of CPU) for nothing. Without a
    ``__file__`` on ``__main__``, multiprocessing leaves it out."""
    main = sys.modules.get("__main__")
    missing = object()
    saved = main.__dict__.pop("__file__", missing) if main is not None else missing
    try:
        yield
    finally:
        if saved is not missing:
            main.__file__ = saved  # type: ignore[union-attr]
