"""What ``newsum serve --workers N`` shares between its worker processes: metrics and readiness.

The workers are uvicorn's (one listening socket, the kernel hands each connection to one
worker; uvicorn restarts a worker that dies). They share nothing on the request path. What
must be seen across them goes through prometheus_client's multiprocess mode: every worker
writes its metric values to files in PROMETHEUS_MULTIPROC_DIR (a fresh temporary
directory made by ``serve``), so any worker can answer /metrics for all of them and
/readyz can count the workers whose ``newsum_ready`` gauge is 1.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
WORKERS_ENV = "NEWSUM_SERVE_WORKERS"
# Compute threads per worker: N workers each starting one thread per core would fight over
# the same cores (torch and CTranslate2 read NEWSUM_THREADS; spaCy/thinc and BLAS the rest).
THREAD_ENVS = ("NEWSUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
_PID_FILE = re.compile(r"_(\d+)\.db$")


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV)) and expected_workers() > 1


def expected_workers() -> int:
    value = os.environ.get(WORKERS_ENV, "")
    return int(value) if value.isdigit() else 1


@contextmanager
def shared_state(workers: int) -> Iterator[None]:
    """For ``serve`` before uvicorn starts N > 1 workers: a fresh metrics directory and
    each worker's share of the cores in the environment the workers inherit; the
    directory is removed when the server stops."""
    if workers <= 1:
        yield
        return
    folder = tempfile.mkdtemp(prefix="newsum-metrics-")
    saved = {k: os.environ.get(k) for k in (MULTIPROC_ENV, WORKERS_ENV, *THREAD_ENVS)}
    os.environ[MULTIPROC_ENV] = folder
    os.environ[WORKERS_ENV] = str(workers)
    share = str(max(1, default_workers() // workers))
    for key in THREAD_ENVS:  # the cores shared out, unless the operator said otherwise
        os.environ.setdefault(key, share)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_dead_workers() -> None:
    """Forget the live gauges of workers that are gone (a killed worker's files stay
    behind; uvicorn does not call prometheus_client's mark_process_dead)."""
    from prometheus_client import multiprocess as mp

    folder = os.environ.get(MULTIPROC_ENV)
    if not folder or not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        found = _PID_FILE.search(name)
        if found and not _alive(int(found.group(1))):
            mp.mark_process_dead(int(found.group(1)), folder)


def forget_this_worker() -> None:
    """On a clean stop: this worker's live gauges (readiness, queue depth) go."""
    from prometheus_client import multiprocess as mp

    folder = os.environ.get(MULTIPROC_ENV)
    if folder and os.path.isdir(folder):
        mp.mark_process_dead(os.getpid(), folder)


def render_all() -> bytes:
    """/metrics for every worker: counters and histograms summed, gauges as declared."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return generate_latest(registry)


def ready_workers() -> int:
    """How many live worker processes have their ``newsum_ready`` gauge at 1."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    ready = set()
    for metric in registry.collect():
        if metric.name != "newsum_ready":
            continue
        for sample in metric.samples:
            pid = sample.labels.get("pid", "")
            if sample.value >= 1 and pid.isdigit() and _alive(int(pid)):
                ready.add(pid)
    return len(ready)
