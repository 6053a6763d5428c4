"""The newsum HTTP API: ``create_app(settings)`` builds a configured FastAPI app.

Module map: settings (env), models (bodies), service (the flow), batching (queue and
inference thread), cache (LRU), fetch lives in summarizer.fetch, errors (JSON errors),
middleware (ids, body cap, access log), metrics (Prometheus), routes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import errors
from app.api.metrics import Metrics
from app.api.middleware import ServiceMiddleware
from app.api.routes import ops, v1
from app.api.service import PipelineFactory, Service
from app.api.settings import Settings, check_api_keys

__all__ = ["Settings", "create_app"]


def create_app(
    settings: Settings | None = None, *, pipeline_factory: PipelineFactory | None = None
) -> FastAPI:
    """A fresh app with its own settings, metrics registry, queue and cache.

    ``pipeline_factory(backend) -> Pipeline`` is for tests (slow or failing doubles);
    by default it builds and loads ``summarizer.pipeline.Pipeline``.
    """
    settings = settings or Settings()
    check_api_keys(settings.api_keys)
    metrics = Metrics()
    svc = Service(settings, metrics, pipeline_factory)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from app.api import workers

        if workers.multiprocess():
            workers.reap_dead_workers()  # a killed predecessor's readiness is not ours
        await svc.start()
        try:
            yield
        finally:
            await svc.stop()
            if workers.multiprocess():
                workers.forget_this_worker()

    app = FastAPI(
        title="newsum",
        version="0.1.0",
        summary="Structured news briefs: headline, actors, claims vs denials, next steps.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.service = svc
    errors.install(app)
    app.include_router(ops)
    app.include_router(v1)
    if settings.ui:  # the review page (app/web), a client of /v1 like any other
        from app.web import mount_review_page

        mount_review_page(app)
    app.add_middleware(ServiceMiddleware, metrics=metrics, max_body_bytes=settings.max_body_bytes)
    return app
