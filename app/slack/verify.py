"""Slack request checks that run before anything reads or parses the body.

An unsigned 75 MB body once drove the bot to 2 GB and a 500, and slack_bolt wrote
rejected bodies to the log. So: the body is read only up to a cap, its v0 signature is
checked on the raw bytes (HMAC-SHA256 of ``v0:<timestamp>:<body>``), and only a
request Slack signed reaches bolt, whose own logging is held to warnings with no bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import AsyncIterator, Mapping

MAX_AGE_S = 5 * 60  # Slack's replay window
DEFAULT_MAX_BODY_BYTES = 256 * 1024


class TooLarge(Exception):
    """The body is over the cap (declared or actually sent)."""


async def read_capped(declared: str | None, chunks: AsyncIterator[bytes], max_bytes: int) -> bytes:
    """The body, read chunk by chunk; TooLarge as soon as it passes ``max_bytes``."""
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLarge
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge
        parts.append(chunk)
    return b"".join(parts)


def signature_problem(
    secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> str | None:
    """None when Slack signed this body; otherwise why not (said in the 401)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "missing or malformed X-Slack-Request-Timestamp"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_AGE_S:
        return "stale X-Slack-Request-Timestamp"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not secret or not hmac.compare_digest(
        expected.encode(), signature.encode("latin-1", "replace")
    ):
        return "invalid X-Slack-Signature"
    return None


class _NoBodies(logging.Filter):
    """Warnings and errors only, and none that quote a request body."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        if "body" in record.getMessage().lower():
            record.msg, record.args = (
                "slack_bolt: %s (details withheld: request body)",
                (record.levelname.lower(),),
            )
        return True


def quiet_bolt_logger() -> logging.Logger:
    """The base logger for slack_bolt: every bolt logger copies its level and filter."""
    logger = logging.getLogger("newsum.slack.bolt")
    logger.setLevel(logging.WARNING)
    if not any(isinstance(f, _NoBodies) for f in logger.filters):
        logger.addFilter(_NoBodies())
    return logger
