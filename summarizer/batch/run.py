"""One batch run: discover, skip what is done, brief the rest on an engine, write as it comes.

The process that calls ``run_batch`` is the only writer of the output and errors files,
whatever the engine; workers hand back finished lines. Records are fsynced after every
chunk, so a crash loses at most the chunks in flight, and those are redone on --resume.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TextIO

from summarizer.batch.inputs import Item, NoInputs, discover, input_sha256
from summarizer.batch.output import LineAppender, OutputBusy, exclusive, scan_done
from summarizer.batch.progress import Counts, progress_for
from summarizer.batch.worker import (
    PipelineFactory,
    Result,
    WorkerSetupError,
    error_result,
    make_pipeline,
)
from summarizer.errors import NewsumError

ENGINES = ("local", "ray")


class BadArguments(NewsumError):
    """The run cannot start as asked (CLI exit code 2)."""

    code = "bad_arguments"


@dataclass
class BatchJob:
    inputs: list[str]
    out: Path
    errors: Path | None = None  # default: <out stem>.errors.jsonl next to out
    workers: int | None = None  # default: every CPU here (local), of the cluster (ray)
    chunk_size: int = 16
    resume: bool = False
    overwrite: bool = False
    engine: str = "local"
    ray_address: str | None = None
    backend: str = "extractive"
    model: str | None = None

    @property
    def errors_path(self) -> Path:
        return self.errors or default_errors_path(self.out)


def default_errors_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.errors.jsonl")


def check(job: BatchJob) -> None:
    """Raise BadArguments for anything that makes the run pointless or unsafe to start."""
    if job.workers is not None and job.workers < 1:
        raise BadArguments(f"--workers must be at least 1, not {job.workers}")
    if job.chunk_size < 1:
        raise BadArguments(f"--chunk-size must be at least 1, not {job.chunk_size}")
    if job.engine not in ENGINES:
        raise BadArguments(f"unknown engine {job.engine!r}; choose one of: {', '.join(ENGINES)}")
    if job.ray_address and job.engine != "ray":
        raise BadArguments("--ray-address needs --engine ray")
    if job.resume and job.overwrite:
        raise BadArguments("--resume and --overwrite contradict each other; choose one")
    for label, path in (("--out", job.out), ("--errors", job.errors_path)):
        if path.is_dir():
            raise BadArguments(f"{label} {path} is a directory")
        if not path.parent.is_dir():
            raise BadArguments(f"{label}: directory {path.parent} does not exist")
    if job.out.resolve() == job.errors_path.resolve():
        raise BadArguments("--out and --errors must be different files")
    nonempty = job.out.exists() and job.out.stat().st_size > 0
    if nonempty and not (job.resume or job.overwrite):
        raise BadArguments(
            f"{job.out} already holds results; pass --resume to continue it "
            "or --overwrite to start again"
        )


def _chunk_size(job: BatchJob, n: int) -> int:
    # Small runs get smaller chunks so that every worker has some; big runs use job.chunk_size.
    workers = job.workers or os.cpu_count() or 1
    return max(1, min(job.chunk_size, math.ceil(n / (workers * 2))))


def run_batch(
    job: BatchJob, *, factory: PipelineFactory | None = None, stream: TextIO | None = None
) -> Counts:
    """Run the job; returns the counts (``failed > 0`` means some inputs went to errors)."""
    check(job)
    try:
        items = list(discover(job.inputs))
    except NoInputs as exc:
        raise BadArguments(str(exc)) from None
    if not items:
        raise BadArguments("no inputs found (looked for " + ", ".join(job.inputs) + ")")
    try:
        with exclusive(job.out):  # held until the run ends: one writer per --out
            return _run_locked(job, items, factory, stream)
    except OutputBusy as exc:
        raise BadArguments(str(exc)) from None


def _resumable(items: list[Item]) -> tuple[Callable[[dict], bool], set[str]]:
    """accept(record) for scan_done: a record counts only if its brief validates against
    the schema and its input_sha256 matches the input as it is now; the ids refused."""
    from pydantic import ValidationError

    from summarizer.schema import StructuredSummary

    by_id = {item.id: item for item in items if not item.error}
    digests: dict[str, str | None] = {}
    refused: set[str] = set()

    def accept(record: dict) -> bool:
        item = by_id.get(record["id"])
        if item is None:
            return True  # not an input of this run: left as it is
        if item.id not in digests:
            try:
                digests[item.id] = input_sha256(item)
            except OSError:
                digests[item.id] = None
        try:
            StructuredSummary.model_validate(record["brief"])
        except ValidationError:
            refused.add(item.id)
            return False
        if record.get("input_sha256") != digests[item.id] or digests[item.id] is None:
            refused.add(item.id)
            return False
        return True

    return accept, refused


def _run_locked(
    job: BatchJob, items: list[Item], factory: PipelineFactory | None, stream: TextIO | None
) -> Counts:
    done_ids: set[str] = set()
    if job.resume:
        accept, refused = _resumable(items)
        done_ids, _dropped = scan_done(job.out, accept)
        if refused:
            print(
                f"newsum batch: warning: {len(refused)} record(s) in {job.out} do not match "
                "their input now (changed, or not a valid brief); briefing them again",
                file=stream or sys.stderr,
            )
    bad = [item for item in items if item.error]
    todo = [item for item in items if not item.error and item.id not in done_ids]
    counts = Counts(total=len(bad) + len(todo), skipped=len(items) - len(bad) - len(todo))
    factory = _checked_factory(job, factory, len(todo)) if todo else factory

    with (
        _engine_session(job, todo),
        LineAppender(job.out, truncate=not job.resume) as out,
        LineAppender(job.errors_path, truncate=True) as errors,
        progress_for(counts, stream) as progress,
    ):

        def on_results(results: list[Result]) -> None:
            for result in results:
                (out if result.ok else errors).write(result.line)
                if result.ok:
                    counts.done += 1
                else:
                    counts.failed += 1
            out.sync()
            errors.sync()
            progress.update()

        if bad:
            on_results([error_result(item, item.error or "bad input") for item in bad])
        if todo:
            try:
                _run_engine(job, todo, on_results, factory)
            except WorkerSetupError as exc:
                raise BadArguments(str(exc)) from None
    return counts


def _workers(job: BatchJob, n: int) -> int:
    return min(job.workers or os.cpu_count() or 1, n)


def _checked_factory(
    job: BatchJob, factory: PipelineFactory | None, n: int
) -> PipelineFactory | None:
    """Refuse an unknown backend or a missing model before the output is touched, where
    that is cheap: one worker builds its Pipeline here anyway, and Ray's start is slow
    enough. A process pool checks in its workers instead (the parent never imports spaCy),
    and the run stops at the first chunk."""
    if job.engine == "local" and _workers(job, n) == 1:
        try:
            pipeline = (factory or partial(make_pipeline, job.backend, job.model))()
        except NewsumError as exc:
            raise BadArguments(str(exc)) from None
        return lambda: pipeline
    if job.engine == "ray" and factory is None:
        from summarizer.generate import get_generator

        try:
            get_generator(job.backend, job.model)
        except NewsumError as exc:
            raise BadArguments(str(exc)) from None
    return factory


def _engine_session(job: BatchJob, todo: list[Item]):
    if job.engine == "ray" and todo:
        from summarizer.batch.ray_engine import ray_session

        return ray_session(job.ray_address, job.workers)
    return nullcontext()


def _run_engine(job: BatchJob, todo: list[Item], on_results, factory) -> None:
    workers = _workers(job, len(todo))
    chunk = _chunk_size(job, len(todo))
    if job.engine == "ray":
        from summarizer.batch.ray_engine import run_ray

        run_ray(
            todo,
            on_results,
            workers=job.workers,
            chunk_size=chunk,
            address=job.ray_address,
            factory=factory,
            backend=job.backend,
            model=job.model,
        )
        return
    from summarizer.batch.local import run_local

    run_local(
        todo,
        on_results,
        workers=workers,
        chunk_size=chunk,
        factory=factory,
        backend=job.backend,
        model=job.model,
    )
