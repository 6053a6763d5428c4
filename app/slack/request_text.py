"""What the person asked to brief: a URL or some text, out of Slack's message markup."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# <@U123>, <@U123|name>: user mentions (the bot's own, in an app_mention).
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# <https://example.com/a|example.com/a> or <https://example.com/a>: Slack's link markup.
_LINK = re.compile(r"<((?:https?)://[^|>\s]+)(?:\|[^>]*)?>")
# Other markup: <#C123|general>, <!here>, <!subteam^S1|@team>.
_OTHER = re.compile(r"<[#!][^>]*>")
_BARE_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class BriefRequest:
    """Exactly one of ``url`` and ``text`` is set."""

    url: str | None = None
    text: str | None = None


def clean_slack_text(raw: str) -> str:
    """Plain text from Slack's message markup: mentions dropped, links unwrapped."""
    text = _MENTION.sub(" ", raw or "")
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _OTHER.sub(" ", text)
    # Slack escapes only &, < and >; html.unescape undoes exactly those (and no harm otherwise).
    text = html.unescape(text)
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()


def parse_brief_request(raw: str) -> BriefRequest | None:
    """A lone URL becomes a URL fetch; anything else is the article text; nothing is None."""
    text = clean_slack_text(raw)
    if not text:
        return None
    if _BARE_URL.match(text):
        return BriefRequest(url=text)
    return BriefRequest(text=text)
