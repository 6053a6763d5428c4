"""The routes: a few lines each over Service; validation is the pydantic models'."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from app.api.errors import ApiError, ErrorResponse, validation_message
from app.api.models import BatchRequest, BatchResponse, Health, SummarizeRequest
from app.api.service import Service
from summarizer.confidence import apply_min_confidence
from summarizer.render import render, to_json
from summarizer.schema import StructuredSummary, json_schema

MARKDOWN = "text/markdown; charset=utf-8"


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    reasons = {
        400: "The body cannot be parsed (not UTF-8 JSON).",
        401: "Missing or wrong API key (when NEWSUM_API_KEYS is set).",
        413: "Body, article or batch over its limit (the message names it).",
        422: "Invalid request or an article that cannot be briefed.",
        429: "Queue full; retry after Retry-After seconds.",
        500: "Unexpected failure (logged; no details leak).",
        503: "The requested backend or model is unavailable.",
        504: "No brief within NEWSUM_REQUEST_TIMEOUT_S.",
    }
    out: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse, "description": reasons[code]} for code in codes
    }
    if 429 in out:
        out[429]["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        }
    return out


async def service(request: Request) -> Service:  # async: no thread hop per request
    return request.app.state.service


async def require_key(request: Request) -> None:
    """Bearer auth on /v1/* when keys are configured; compared in constant time."""
    keys: list[str] = request.app.state.settings.api_keys
    if not keys:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    given = given.strip()
    ok = False
    for key in keys:  # no early exit: the time taken does not depend on which key matched
        ok |= secrets.compare_digest(given.encode(), key.encode())
    if scheme.lower() != "bearer" or not ok:
        raise ApiError(
            401,
            "unauthorized",
            "missing or invalid API key; send Authorization: Bearer <key>",
            {"WWW-Authenticate": "Bearer"},
        )


ops = APIRouter(tags=["operations"])
v1 = APIRouter(prefix="/v1", tags=["summarize"], dependencies=[Depends(require_key)])


@ops.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive (says nothing about models)."""
    return Health(status="ok")


@ops.get(
    "/readyz",
    response_model=Health,
    responses={
        503: {
            "model": Health,
            "description": "Models not loaded (yet), or inference stuck past its deadline.",
        }
    },
)
async def readyz(svc: Service = Depends(service)) -> Any:
    """Ready once the default backend's models are loaded, and while inference keeps up
    (not-ready while one inference runs past the request deadline)."""
    from app.api import workers

    stuck = svc.stuck_for()
    if svc.ready and workers.multiprocess():  # every worker, not only the one asked
        up, want = workers.ready_workers(), workers.expected_workers()
        if up < want:
            detail = f"{up} of {want} workers ready"
            return JSONResponse(Health(status="loading", detail=detail).model_dump(), 503)
    if svc.ready and stuck > 0:
        detail = f"inference has run {stuck:.0f} s past the request deadline"
        return JSONResponse(Health(status="busy", detail=detail).model_dump(), status_code=503)
    if svc.ready:
        return Health(status="ready")
    status = "failed" if svc.load_error else "loading"
    body = Health(status=status, detail=svc.load_error)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=503)


@ops.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)


@v1.get("/schema", responses=_errors(401))
async def schema() -> dict[str, Any]:
    """The JSON Schema of the brief (StructuredSummary)."""
    return json_schema()


@v1.post(
    "/summarize",
    response_model=StructuredSummary,
    responses={
        200: {
            "description": "The brief: JSON, or Markdown when format is markdown.",
            "content": {MARKDOWN.split(";")[0]: {"schema": {"type": "string"}}},
        },
        **_errors(400, 401, 413, 422, 429, 500, 503, 504),
    },
)
async def summarize(body: SummarizeRequest, svc: Service = Depends(service)) -> Response:
    """Brief one article given as text, HTML or a URL."""
    [outcome] = await svc.summarize([body])
    if isinstance(outcome, ApiError):
        raise outcome
    brief = _shaped(outcome, body.with_source, body.min_confidence)
    if body.format == "markdown":
        return Response(render(brief, "markdown"), media_type=MARKDOWN)
    return Response(to_json(brief, indent=None), media_type="application/json")


@v1.post(
    "/summarize/batch",
    response_model=BatchResponse,
    responses=_errors(400, 401, 413, 422, 429, 500, 503, 504),
)
async def summarize_batch(body: BatchRequest, svc: Service = Depends(service)) -> Any:
    """Brief many articles; each gets its brief or its own error."""
    limit = svc.settings.max_batch_items
    if len(body.items) > limit:
        raise ApiError(
            413,
            "batch_too_large",
            f"batch has {len(body.items)} items; the limit is {limit} (NEWSUM_MAX_BATCH_ITEMS)",
        )
    items = [_batch_item(raw) for raw in body.items]
    valid = [item for item in items if isinstance(item, SummarizeRequest)]
    briefed = iter(await svc.summarize(valid) if valid else [])
    outcomes = [item if isinstance(item, ApiError) else next(briefed) for item in items]
    results = []
    for i, (item, outcome) in enumerate(zip(items, outcomes)):
        if isinstance(outcome, ApiError):
            results.append(
                {"index": i, "error": {"code": outcome.code, "message": outcome.message}}
            )
        elif item.format == "markdown":
            shaped = _shaped(outcome, False, item.min_confidence)
            results.append({"index": i, "markdown": render(shaped, "markdown")})
        else:
            outcome = _shaped(outcome, True, item.min_confidence)
            exclude = None if item.with_source else {"source"}
            results.append({"index": i, "brief": outcome.model_dump(mode="json", exclude=exclude)})
    failed = sum("error" in r for r in results)
    return JSONResponse({"results": results, "succeeded": len(results) - failed, "failed": failed})


def _batch_item(raw: Any) -> SummarizeRequest | ApiError:
    """One batch item validated alone: the request, or this item's own 422 error."""
    if isinstance(raw, SummarizeRequest):
        return raw
    try:
        return SummarizeRequest.model_validate(raw)
    except ValidationError as exc:
        return ApiError(422, "invalid_request", validation_message(exc))


def _shaped(
    brief: StructuredSummary, with_source: bool, min_confidence: float | None = None
) -> StructuredSummary:
    """Cached briefs keep their source and every item; drop what the request did not ask for."""
    brief = apply_min_confidence(brief, min_confidence)
    return brief if with_source else brief.model_copy(update={"source": None})
