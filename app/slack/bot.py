"""The slack_bolt App: ``/brief``, @mentions and the "Brief this message" shortcut.

Each listener acknowledges at once (Slack allows 3 seconds) and does the slow part, the
API call, in a lazy listener on bolt's thread pool. Failures become one friendly line.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.slack.blocks import brief_message, error_message
from app.slack.client import BriefError, NewsumClient
from app.slack.dedup import SeenIds, dedup_middleware
from app.slack.request_text import BriefRequest, parse_brief_request
from app.slack.settings import SlackSettings
from app.slack.verify import quiet_bolt_logger

log = logging.getLogger(__name__)

COMMAND = "/brief"
SHORTCUT_CALLBACK_ID = "brief_message"
WORKING = "Summarising\u2026"
USAGE = (
    "Give me an article to brief: `/brief <article text or URL>`, "
    "or mention me with a URL or some text."
)
NO_TEXT = "That message has no text to brief."


def _fetch_brief(client: NewsumClient, request: BriefRequest) -> dict[str, Any]:
    """The Slack message (text + blocks) for one request, or a friendly error message."""
    try:
        brief = client.summarize(text=request.text, url=request.url)
    except BriefError as exc:
        return error_message(str(exc))
    except Exception:  # the bot must answer something, never leave "Summarising…" hanging
        log.exception("unexpected failure while briefing")
        return error_message("Something went wrong while briefing. Please try again.")
    try:
        return brief_message(brief, source_url=request.url)
    except Exception:
        log.exception("could not render a brief")
        return error_message("newsum sent a brief the bot could not display.")


def _message_text(message: dict[str, Any]) -> str:
    """The text of a message, with its attachments' text (link previews, forwards)."""
    parts = [message.get("text") or ""]
    for attachment in message.get("attachments") or []:
        parts.append(attachment.get("text") or attachment.get("fallback") or "")
    return "\n\n".join(p for p in parts if p.strip())


def create_bolt_app(
    settings: SlackSettings,
    newsum: NewsumClient | None = None,
    seen: SeenIds | None = None,
) -> App:
    """The bot; ``settings.slack_api_url`` points its WebClient at another Slack API."""
    if newsum is None:
        newsum = NewsumClient(
            settings.newsum_api_url,
            api_key=settings.newsum_api_key,
            timeout=settings.newsum_api_timeout,
            max_retry_after=settings.newsum_api_max_retry_after,
        )
    web_kwargs: dict[str, Any] = {"token": settings.slack_bot_token}
    if settings.slack_api_url:
        web_kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=WebClient(**web_kwargs),
        token_verification_enabled=settings.slack_token_verification,
        # Listeners ack first and work in lazy listeners, so this also suits FaaS hosts.
        process_before_response=False,
        name="newsum",
        logger=quiet_bolt_logger(),  # bolt logs request bodies at INFO/DEBUG: not here
    )
    app.middleware(dedup_middleware(seen or SeenIds()))
    visibility = settings.brief_visibility

    # /brief <text or URL> ---------------------------------------------------------------
    def ack_command(ack: Ack, command: dict[str, Any]) -> None:
        if parse_brief_request(command.get("text", "")) is None:
            ack(text=USAGE)
        else:
            ack(text=WORKING)

    def brief_command(command: dict[str, Any], respond: Respond) -> None:
        request = parse_brief_request(command.get("text", ""))
        if request is None:
            return
        message = _fetch_brief(newsum, request)
        response_type = visibility if "blocks" in message else "ephemeral"
        respond(**message, response_type=response_type, replace_original=False)

    app.command(COMMAND)(ack=ack_command, lazy=[brief_command])

    # @newsum <text or URL> ----------------------------------------------------------------
    def ack_event(ack: Ack) -> None:
        ack()

    def brief_mention(event: dict[str, Any], client: WebClient) -> None:
        thread_ts = event.get("thread_ts") or event.get("ts")
        request = parse_brief_request(event.get("text", ""))
        message = error_message(USAGE) if request is None else _fetch_brief(newsum, request)
        try:
            client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, **message)
        except SlackApiError as exc:
            log.warning("could not reply to a mention: %s", exc.response.get("error"))

    app.event("app_mention")(ack=ack_event, lazy=[brief_mention])

    # "Brief this message" ------------------------------------------------------------------
    def ack_shortcut(ack: Ack) -> None:
        ack()

    def brief_shortcut(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        msg = body.get("message") or {}
        # A message that is only a link gets the linked page briefed, as with /brief.
        request = parse_brief_request(_message_text(msg))
        if request is None:
            respond(text=NO_TEXT, response_type="ephemeral")
            return
        message = _fetch_brief(newsum, request)
        channel = (body.get("channel") or {}).get("id")
        thread_ts = msg.get("thread_ts") or msg.get("ts")
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
        except SlackApiError as exc:
            # E.g. not_in_channel: the bot was not invited; tell the person privately.
            log.info("shortcut reply in thread failed: %s", exc.response.get("error"))
            respond(**message, response_type="ephemeral")

    app.shortcut(SHORTCUT_CALLBACK_ID)(ack=ack_shortcut, lazy=[brief_shortcut])

    @app.error
    def on_error(error: Exception, logger: logging.Logger) -> None:
        logger.error("unhandled error in the Slack bot: %s", error, exc_info=error)

    return app
