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
    # --out DIR/ (or a pyarrow.fs URI): Ray workers write shards + a manifest there, and
    # ``out`` is only where the default errors file goes (see shard_job)
    out_dir: str | None = None

    @property
    def errors_path(self) -> Path:
        if self.out_dir is not None:
            return self.errors or self.out
        return self.errors or default_errors_path(self.out)


def shard_job(out_dir: str, **options) -> BatchJob:
    """A job writing shards to ``out_dir``; its errors file defaults to
    ``DIR/errors.jsonl`` (local) or ``./<last part of the URI>.errors.jsonl``."""
    from summarizer.batch.shards import ShardDir

    shards = ShardDir(out_dir)
    if shards.is_local and "://" not in out_dir:
        return BatchJob(out=Path(out_dir) / "errors.jsonl", out_dir=out_dir, **options)
    name = out_dir.rstrip("/").rsplit("/", 1)[-1] or "shards"
    return BatchJob(out=Path(f"{name}.jsonl"), out_dir=out_dir, **options)


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
    if job.out_dir is not None:
        _check_shards(job)
        return
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


def _check_shards(job: BatchJob) -> None:
    if job.engine != "ray":
        raise BadArguments("--out DIR/ (shards) needs --engine ray; give a FILE.jsonl otherwise")
    from summarizer.batch.shards import ShardDir

    shards = ShardDir(job.out_dir)
    local = Path(job.out_dir) if "://" not in job.out_dir else None
    if local is not None and local.exists() and not local.is_dir():
        raise BadArguments(f"--out {job.out_dir} is a file, not a directory")
    if local is not None and not local.absolute().parent.is_dir():
        raise BadArguments(f"--out: directory {local.absolute().parent} does not exist")
    if job.errors and job.errors.is_dir():
        raise BadArguments(f"--errors {job.errors} is a directory")
    if job.errors and not job.errors.parent.is_dir():
        raise BadArguments(f"--errors: directory {job.errors.parent} does not exist")
    try:
        holds = shards.has_results()
    except (OSError, ValueError) as exc:  # bad URI, unknown scheme, no credentials
        raise BadArguments(f"--out {job.out_dir}: {str(exc).splitlines()[0][:300]}") from None
    if holds and not (job.resume or job.overwrite):
        raise BadArguments(
            f"{job.out_dir} already holds shards; pass --resume to continue it "
            "or --overwrite to start again"
        )


def _chunk_size(job: BatchJob, n: int) -> int:
    # Small runs get smaller chunks so that every worker has some at once (the engines then
    # cut smaller ones towards the end: summarizer.batch.chunks).
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
    if job.out_dir is not None:
        return _run_sharded(job, items, factory, stream)
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


def _done_in_shards(shards, items: list[Item]) -> set[str]:
    """Ids whose manifest sha256 matches their input now."""
    listed = shards.done()
    done = set()
    for item in items:
        if item.error or item.id not in listed:
            continue
        try:
            if listed[item.id] == input_sha256(item):
                done.add(item.id)
        except OSError:
            pass
    return done


def _run_sharded(
    job: BatchJob, items: list[Item], factory: PipelineFactory | None, stream: TextIO | None
) -> Counts:
    """--out DIR/: the workers write shards and manifest; here only errors and counts."""
    from summarizer.batch.shards import ShardDir

    shards = ShardDir(job.out_dir).create()
    if job.overwrite:
        shards.clear()
    done_ids = _done_in_shards(shards, items) if job.resume else set()
    # Ray starts in _brief, and only if something is left to brief
    return _brief(job, items, done_ids, factory, stream, out=None, shards=shards)


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
    in_file = set(done_ids)
    shards = None
    if job.engine == "ray":  # workers write shards next to --out; merged into it below
        from summarizer.batch.shards import ShardDir

        shards = ShardDir(f"{job.out}.shards").create()
        if job.resume:  # a run stopped before its merge left shards: done, merged below
            done_ids |= _done_in_shards(shards, items)
        else:
            shards.clear()
    with LineAppender(job.out, truncate=not job.resume) as out:
        counts = _brief(job, items, done_ids, factory, stream, out=out, shards=shards)
        if shards is not None:
            _merge(shards, out, skip=in_file)
            shards.remove()
    return counts


def _merge(shards, out: LineAppender, skip: set[str]) -> None:
    """Append the shards' records to ``out`` (ids already there skipped, so a merge cut
    short and resumed writes no id twice), then make them durable."""
    import json

    for line in shards.merged_lines():
        if json.loads(line)["id"] not in skip:
            out.write(line)
    out.sync()


def _brief(
    job: BatchJob,
    items: list[Item],
    done_ids: set[str],
    factory: PipelineFactory | None,
    stream: TextIO | None,
    *,
    out: LineAppender | None,
    shards=None,
) -> Counts:
    """Brief what is not done: records to ``out`` (or to ``shards``, by the workers),
    failures to the errors file, progress as it comes."""
    bad = [item for item in items if item.error]
    todo = [item for item in items if not item.error and item.id not in done_ids]
    counts = Counts(total=len(bad) + len(todo), skipped=len(items) - len(bad) - len(todo))
    factory = _checked_factory(job, factory, len(todo)) if todo else factory

    with (
        _engine_session(job, todo),
        LineAppender(job.errors_path, truncate=True) as errors,
        progress_for(counts, stream) as progress,
    ):

        def on_results(results: list[Result]) -> None:
            for result in results:
                if not result.ok:
                    errors.write(result.line)
                elif out is not None and result.line:
                    out.write(result.line)
                if result.ok:
                    counts.done += 1
                else:
                    counts.failed += 1
            if out is not None:
                out.sync()
            errors.sync()
            progress.update()

        if bad:
            on_results([error_result(item, item.error or "bad input") for item in bad])
        if todo:
            try:
                _run_engine(job, todo, on_results, factory, shards)
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
        if (job.backend or "extractive").strip().lower() == "extractive":
            return factory  # nothing to find; spares the driver spaCy's import (~1 s)
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


def _run_engine(job: BatchJob, todo: list[Item], on_results, factory, shards=None) -> None:
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
            shards=shards,
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
