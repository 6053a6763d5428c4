"""What a Slack message asks to brief, and how duplicate deliveries are recognised."""

from __future__ import annotations

from app.slack.dedup import SeenIds, delivery_key
from app.slack.request_text import BriefRequest, parse_brief_request


def test_a_mention_with_a_slack_formatted_link_is_a_url_request():
    raw = "<@U0BOT> <https://example.org/news/harbour?a=1&amp;b=2|example.org/news/harbour>"
    assert parse_brief_request(raw) == BriefRequest(url="https://example.org/news/harbour?a=1&b=2")


def test_a_bare_url_from_a_slash_command_is_a_url_request():
    assert parse_brief_request("  http://127.0.0.1:8080/a ") == BriefRequest(
        url="http://127.0.0.1:8080/a"
    )


def test_text_keeps_its_paragraphs_and_loses_slack_markup():
    raw = "<@U0BOT> The council met.   It voted &lt;no&gt;.\n\nMore at <https://x.org> <!here>"
    assert parse_brief_request(raw) == BriefRequest(
        text="The council met. It voted <no>.\n\nMore at https://x.org"
    )


def test_nothing_to_brief_is_none():
    assert parse_brief_request("<@U0BOT>   ") is None
    assert parse_brief_request("") is None


def test_seen_ids_flag_duplicates_until_they_expire():
    now = [0.0]
    seen = SeenIds(ttl=60, clock=lambda: now[0])
    assert seen.add("event:Ev1")
    assert not seen.add("event:Ev1")
    now[0] = 61.0
    assert seen.add("event:Ev1")


def test_seen_ids_stay_bounded():
    seen = SeenIds(ttl=60, max_ids=3, clock=lambda: 0.0)
    for i in range(10):
        seen.add(str(i))
    assert len(seen) == 3


def test_a_delivery_is_named_by_its_event_id_else_its_trigger_id():
    assert delivery_key({"event_id": "Ev1", "trigger_id": "t"}) == "event:Ev1"
    assert delivery_key({"trigger_id": "123.456"}) == "trigger:123.456"
    assert delivery_key({"type": "url_verification"}) is None
