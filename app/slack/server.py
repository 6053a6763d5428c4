"""Running the bot: HTTP mode (``POST /slack/events``) or Socket Mode (SLACK_APP_TOKEN)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool

from app.slack.bot import create_bolt_app
from app.slack.settings import SlackSettings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def create_http_app(bolt_app: App) -> FastAPI:
    """One endpoint for commands, events and shortcuts, plus a health check."""
    api = FastAPI(title="newsum Slack bot", docs_url=None, redoc_url=None, openapi_url=None)

    @api.post(EVENTS_PATH)
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        # bolt's dispatch blocks until the listener acks; keep it off the event loop.
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    @api.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return api


def run_http(settings: SlackSettings, host: str, port: int) -> None:
    import uvicorn

    if not settings.slack_signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode")
    bolt_app = create_bolt_app(settings)
    log.info("newsum Slack bot on http://%s:%d%s", host, port, EVENTS_PATH)
    uvicorn.run(create_http_app(bolt_app), host=host, port=port, log_level="info")


def run_socket_mode(settings: SlackSettings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not settings.slack_app_token:
        raise ValueError("SLACK_APP_TOKEN (xapp-…) is required in Socket Mode")
    # Socket Mode requests come over an authenticated websocket: there is nothing to sign.
    bolt_app = create_bolt_app(settings)
    # The bot's WebClient carries SLACK_API_URL; apps.connections.open goes there too.
    web_client = WebClient(token=settings.slack_app_token, base_url=bolt_app.client.base_url)
    SocketModeHandler(bolt_app, settings.slack_app_token, web_client=web_client).start()
