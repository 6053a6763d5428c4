"""Running the bot: HTTP mode (``POST /slack/events``) or Socket Mode (SLACK_APP_TOKEN)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool

from app.slack.bot import create_bolt_app
from app.slack.settings import SlackSettings
from app.slack.verify import DEFAULT_MAX_BODY_BYTES, TooLarge, read_capped, signature_problem

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def create_http_app(
    bolt_app: App,
    *,
    signing_secret: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """One endpoint for commands, events and shortcuts, plus a health check.

    The body is capped and its signature checked on the raw bytes here, before bolt
    (or anything else) parses it; ``signing_secret`` defaults to the bolt app's.
    """
    api = FastAPI(title="newsum Slack bot", docs_url=None, redoc_url=None, openapi_url=None)
    secret = signing_secret if signing_secret is not None else bolt_app._signing_secret

    @api.post(EVENTS_PATH)
    async def slack_events(request: Request) -> Response:
        try:
            body = await read_capped(
                request.headers.get("content-length"), request.stream(), max_body_bytes
            )
        except TooLarge:
            message = f"request body is over the limit of {max_body_bytes:,} bytes"
            return _error(413, "payload_too_large", message, close=True)
        problem = signature_problem(secret, request.headers, body)
        if problem is not None:
            return _error(401, "unauthorized", problem)
        # bolt's dispatch blocks until the listener acks; keep it off the event loop.
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    @api.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return api


def _error(status: int, code: str, message: str, close: bool = False) -> JSONResponse:
    headers = {"Connection": "close"} if close else None
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def run_http(settings: SlackSettings, host: str, port: int) -> None:
    import uvicorn

    if not settings.slack_signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode")
    bolt_app = create_bolt_app(settings)
    log.info("newsum Slack bot on http://%s:%d%s", host, port, EVENTS_PATH)
    api = create_http_app(
        bolt_app,
        signing_secret=settings.slack_signing_secret,
        max_body_bytes=settings.slack_max_body_bytes,
    )
    uvicorn.run(api, host=host, port=port, log_level="info")


def run_socket_mode(settings: SlackSettings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not settings.slack_app_token:
        raise ValueError("SLACK_APP_TOKEN (xapp-…) is required in Socket Mode")
    # Socket Mode requests come over an authenticated websocket: there is nothing to sign.
    bolt_app = create_bolt_app(settings)
    # The bot's WebClient carries SLACK_API_URL; apps.connections.open goes there too.
    web_client = WebClient(token=settings.slack_app_token, base_url=bolt_app.client.base_url)
    SocketModeHandler(bolt_app, settings.slack_app_token, web_client=web_client).start()
