"""Every error leaves as ``{"error": {"code", "message"}}``; no stack trace ever does."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from summarizer.errors import DeadlineExceeded, InputTooLarge, ModelUnavailable, NewsumError

log = logging.getLogger("newsum.api")


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An error with its HTTP status, code and a message meant for the client."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def from_library(exc: NewsumError) -> ApiError:
    """Map a library error to its HTTP status (the message is already user-facing)."""
    if isinstance(exc, InputTooLarge):
        return ApiError(413, exc.code, str(exc))
    if isinstance(exc, ModelUnavailable):
        return ApiError(503, exc.code, str(exc))
    if isinstance(exc, DeadlineExceeded):
        return ApiError(504, exc.code, "no brief within the deadline; try again later")
    code = exc.code if exc.code != "error" else "bad_request"
    return ApiError(422, code, str(exc))


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def validation_message(exc: RequestValidationError | ValidationError) -> str:
    errs = list(exc.errors())
    if len(errs) > 1:  # "or null" branches of optional fields add noise, not news
        errs = [e for e in errs if e.get("type") != "none_required"] or errs
    parts = []
    for err in errs[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body" and not _is_branch(p))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            msg, loc = "the body is not valid JSON", ""
        elif err.get("type") == "model_attributes_type":
            msg = "the body must be a JSON object sent as Content-Type: application/json"
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def _is_branch(part: object) -> bool:
    """pydantic's names for union branches in a location ("constrained-str", "function-...")."""
    return isinstance(part, str) and ("-" in part or "[" in part)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the JSON error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(NewsumError)
    async def _library_error(_request: Request, exc: NewsumError) -> JSONResponse:
        err = from_library(exc)
        return error_response(err.status, err.code, err.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 400:  # FastAPI could not even decode the body
            message = "the body cannot be parsed; send UTF-8 JSON"
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "internal error; it has been logged")
