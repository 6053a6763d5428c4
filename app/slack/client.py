"""The newsum API client the bot uses: one call, one retry on 429, friendly errors.

Every failure becomes a ``BriefError`` whose message is fit to show in Slack as is:
short, no stack trace, no internal detail beyond the API's own error message.
"""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

import httpx

log = logging.getLogger(__name__)

# Status codes worth one retry after Retry-After: the API is overloaded, not broken.
RETRYABLE = frozenset({429, 503})
MAX_MESSAGE_CHARS = 300
TOO_SLOW = "newsum took too long to answer. Please try again, or send a shorter text."


class BriefError(Exception):
    """A failure to get a brief, with a message written for the person in Slack."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _api_error_message(response: httpx.Response) -> str | None:
    """The ``error.message`` of the API's JSON error body, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return body["detail"]
    return None


def _clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def friendly_message(response: httpx.Response) -> str:
    """What to tell the person in Slack about a non-2xx answer from the API."""
    status = response.status_code
    detail = _api_error_message(response)
    if status in RETRYABLE:
        return "newsum is busy right now. Please try again in a minute."
    if status == 504:
        return TOO_SLOW
    if status in (401, 403):
        return "newsum rejected the bot's API key. Please tell whoever runs the bot."
    if 400 <= status < 500 and detail:
        return _clip(f"newsum could not brief that: {detail}")
    if 400 <= status < 500:
        return f"newsum could not brief that (error {status})."
    return f"newsum ran into a problem on its side (error {status}). Please try again later."


class NewsumClient:
    """A thread-safe client of ``POST /v1/summarize``."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retry_after: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"User-Agent": "newsum-slack/0.1", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.max_retry_after = max_retry_after
        # The connect timeout is short: an API that is down should be reported quickly.
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def summarize(
        self, *, text: str | None = None, url: str | None = None, title: str | None = None
    ) -> dict[str, Any]:
        """The brief (StructuredSummary JSON) of ``text`` or of the page at ``url``."""
        if (text is None) == (url is None):
            raise ValueError("give exactly one of text or url")
        payload: dict[str, Any] = {"url": url} if url is not None else {"text": text}
        if title:
            payload["title"] = title
        response = self._post(payload)
        if response.status_code in RETRYABLE:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            wait = 1.0 if wait is None else wait
            if wait <= self.max_retry_after:
                log.info("newsum API answered %s; retrying in %.1fs", response.status_code, wait)
                time.sleep(wait)
                response = self._post(payload)
        if response.is_success:
            try:
                return response.json()
            except ValueError:
                raise BriefError("newsum sent an answer the bot could not read.") from None
        log.warning("newsum API answered %s: %s", response.status_code, response.text[:500])
        raise BriefError(friendly_message(response))

    def _post(self, payload: dict[str, Any]) -> httpx.Response:
        try:
            return self._http.post("/v1/summarize", json=payload)
        except httpx.TimeoutException:
            log.warning("newsum API timed out", exc_info=True)
            raise BriefError(TOO_SLOW) from None
        except httpx.HTTPError:
            log.warning("newsum API unreachable", exc_info=True)
            raise BriefError(
                "newsum is unreachable right now. Please try again in a few minutes."
            ) from None
