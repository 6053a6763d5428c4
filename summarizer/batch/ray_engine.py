"""The Ray engine: the same chunks on Ray Data, on this machine or on a cluster.

``ray.data.from_items`` (ids and paths, not texts) -> ``map_batches`` with an actor pool
whose actors each hold one loaded Pipeline (built once per actor, in its constructor).
Each actor writes the records of the batch it briefed to a shard of its own
(``summarizer.batch.shards``: a local directory or a ``pyarrow.fs`` URI such as s3://),
then that shard's manifest entry; only ids, ok flags and error lines go back to the
driver. With ``--out FILE.jsonl`` the driver merges the shards into the file at the end.

On a cluster the workers read the input files themselves: the inputs must be visible at
the same path on every node (a shared filesystem), and newsum must be installed there.
Ray is imported only here, and only when this engine is chosen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from summarizer.batch.inputs import Item
from summarizer.batch.shards import ShardDir
from summarizer.batch.worker import (
    PipelineFactory,
    Result,
    brief_chunk,
    error_result,
    limit_threads,
    make_pipeline,
)
from summarizer.errors import NewsumError

RAY_MISSING = "the ray engine needs Ray: pip install 'newsum[ray]'"


class RayUnavailable(NewsumError):
    code = "ray_unavailable"


def import_ray():
    try:
        import ray
        import ray.data
    except ImportError:
        raise RayUnavailable(RAY_MISSING) from None
    return ray


class BriefBatch:
    """A Ray Data callable class: one Pipeline per actor, one chunk per call."""

    def __init__(self, factory: PipelineFactory, shards: ShardDir | None = None):
        limit_threads()
        self.pipeline = factory()
        limit_threads()
        self.shards = shards

    def __call__(self, batch: dict) -> dict:
        items = [Item.from_dict(json.loads(raw)) for raw in batch["item"]]
        results = brief_chunk(self.pipeline, items)
        if self.shards is not None:  # records stay here; the driver gets ids and errors
            self.shards.write_shard((r.id, r.digest, r.line) for r in results if r.ok)
            results = [r if not r.ok else Result(r.id, True, "", r.digest) for r in results]
        return {
            "id": [r.id for r in results],
            "ok": [r.ok for r in results],
            "line": [r.line for r in results],
        }


def _init(ray, address: str | None, workers: int | None) -> bool:
    """Connect to ``address`` or start a local Ray; True if we started it (and stop it)."""
    if ray.is_initialized():
        return False
    options = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, **options)
    except Exception as exc:
        where = f"reach the Ray cluster at {address}" if address else "start a local Ray"
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise RayUnavailable(f"cannot {where}: {first_line}") from None
    return True


@contextmanager
def ray_session(address: str | None = None, workers: int | None = None) -> Iterator[None]:
    """Ray up (connected or started) for the duration; a Ray we started is shut down after.

    Entered before the output is opened, so that an unreachable cluster is a bad argument
    (exit 2) and not a run in which everything failed."""
    ray = import_ray()
    started = _init(ray, address, workers)
    try:
        yield
    finally:
        if started:
            ray.shutdown()


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
) -> None:
    """Brief every Item on Ray; ``workers`` actors (default: every CPU of the cluster).

    With ``shards``, ok results reach ``on_results`` with an empty line: their records
    are in the shards already."""
    ray = import_ray()
    factory = factory or partial(make_pipeline, backend, model)
    started = _init(ray, address, workers)
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # "progress bars disabled" etc.
    written: set[str] = set()
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # ours is enough
        context.print_on_execution_start = False
        context.enable_auto_log_stats = False
        size = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        size = min(size, len(items))
        dataset = ray.data.from_items([{"item": json.dumps(item.to_dict())} for item in items])
        briefs = dataset.map_batches(
            BriefBatch,
            fn_constructor_kwargs={"factory": factory, "shards": shards},
            batch_size=chunk_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=size),
            num_cpus=1,
        )
        for batch in briefs.iter_batches(batch_size=None, batch_format="numpy"):
            results = [
                Result(str(i), bool(ok), str(line))
                for i, ok, line in zip(batch["id"], batch["ok"], batch["line"])
            ]
            written.update(r.id for r in results)
            on_results(results)
    except NewsumError:
        raise
    except Exception as exc:  # the job died; what was written stays, the rest is failed
        reason = f"ray job failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        lost = [error_result(item, reason) for item in items if item.id not in written]
        if lost:
            on_results(lost)
    finally:
        if started:
            ray.shutdown()
