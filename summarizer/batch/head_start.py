"""While the run's own Ray starts, brief the first chunks beside it.

A Ray that ``newsum batch`` starts on this machine takes 2–3 s to come up (GCS, raylet,
agents) and its actors another second or two to import spaCy and load the model; on a
small machine the CPUs are partly idle meanwhile. So, before ``ray.init``, the driver
starts one helper process that loads the Pipeline and briefs small chunks, taken from the
same chunk source as the actors and written to shards exactly as an actor writes them,
until the first actor is ready. Then it finishes the chunk in hand and exits, out of the
actors' way. The output, the manifest and ``--resume`` are the same as without it: a
chunk is a chunk, whoever briefs it.

A process rather than a thread of the driver: briefing holds the GIL, which would slow
``ray.init`` (in the main thread, where Ray wants it) and the driver's feeding loop.
Only for a Ray of our own: on a cluster (``--ray-address``) the driver may be a laptop
outside it, and the cluster's CPUs are the ones asked for.
"""

from __future__ import annotations

import threading
from typing import Any

from summarizer.batch.chunks import GuidedChunks
from summarizer.batch.inputs import Item
from summarizer.batch.worker import PipelineFactory, PipelineProcess, Result

# Small chunks, so that the helper is done soon after the actors are up (~0.1 s an article).
CHUNK = 4


class HeadStart:
    """One helper process briefing chunks from ``chunks`` until ``stop()``.

    Its results wait in ``take_results()`` for the driver's loop to report them (the
    driver alone writes the errors file and the progress). A chunk the helper could not
    brief (its Pipeline failed to load, its process died) is handed back in ``returned``
    for the actors, which then fail or succeed with it as they would have anyway."""

    def __init__(
        self,
        chunks: GuidedChunks[Item],
        factory: PipelineFactory,
        shards: Any | None,
        chunk: int = CHUNK,
    ):
        self.chunks, self.shards, self.chunk = chunks, shards, chunk
        self.returned: list[list[Item]] = []
        self.briefed = 0  # articles (for the bench and the tests)
        self._results: list[list[Result]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._process = PipelineProcess(factory, shards)
        self._thread = threading.Thread(target=self._run, name="newsum-head-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                chunk = self.chunks.take(self.chunk)
                if chunk is None:
                    return
                try:
                    results = self._process.brief(chunk)
                except BaseException:  # not briefed here (Ctrl-C included): the actors will
                    with self._lock:
                        self.returned.append(chunk)
                    return
                with self._lock:
                    self._results.append(results)
                    self.briefed += len(chunk)
        finally:
            self._process.pool.shutdown(wait=False, cancel_futures=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def take_results(self) -> list[Result]:
        with self._lock:
            results = [r for batch in self._results for r in batch]
            self._results.clear()
        return results

    def take_returned(self) -> list[list[Item]]:
        with self._lock:
            returned = list(self.returned)
            self.returned.clear()
        return returned

    def stop(self) -> None:
        """Take no more chunks (the one in hand is finished)."""
        self._stop.set()

    def close(self, timeout: float | None = None) -> None:
        """Stop and wait for the chunk in hand and the helper process."""
        self._stop.set()
        self._thread.join(timeout)
        self._process.close()
