"""Prometheus metrics, in a registry of their own so that each app instance counts alone.

Under ``newsum serve --workers N`` (N > 1) prometheus_client runs in multiprocess mode
(app/api/workers.py): values live in per-process files and /metrics adds up every
worker's; the gauges say how (queue depth summed over live workers, readiness per worker).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from summarizer.generate import BACKENDS

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)
# Label values come from fixed sets: a client that makes up HTTP methods or backend names
# must not grow /metrics (2,000 made-up methods once made it 79 MB).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER = "other"


def method_label(method: str) -> str:
    return method if method in METHODS else OTHER


def backend_label(backend: str) -> str:
    name = backend.strip().lower()
    return name if name in BACKENDS else OTHER


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "newsum_requests", "HTTP requests by route and status.",
            ["method", "route", "status"], registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "newsum_request_duration_seconds", "HTTP request latency by route.",
            ["method", "route"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.inference = Histogram(
            "newsum_inference_seconds", "Time of one generator batch (analyse+generate+post).",
            ["backend"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.batch_size = Histogram(
            "newsum_batch_size", "Articles per inference batch.",
            ["backend"], buckets=BATCH_BUCKETS, registry=r,
        )  # fmt: skip
        self.queue_depth = Gauge(
            "newsum_queue_depth", "Articles waiting for inference.", registry=r,
            multiprocess_mode="livesum",
        )  # fmt: skip
        self.rejected = Counter(
            "newsum_rejected", "Requests refused for load or time.", ["reason"], registry=r
        )
        self.cache = Counter("newsum_cache", "Brief cache lookups.", ["result"], registry=r)
        self.ready = Gauge(
            "newsum_ready", "1 once the default backend is loaded.", registry=r,
            multiprocess_mode="liveall",
        )  # fmt: skip

    def render(self) -> bytes:
        from app.api import workers

        if workers.multiprocess():
            return workers.render_all()
        return generate_latest(self.registry)
