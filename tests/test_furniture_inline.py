"""Inline page furniture (run into story lines) never reaches the headline or the summary.

Every line here was written for these tests.
"""

from __future__ import annotations

import pytest

from summarizer.furniture import furniture_hits, has_furniture, strip_furniture


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Get council updates directly to your inbox + Subscribe", "newsletter"),
        ("Thank you for subscribing. We have more newsletters", "newsletter"),
        ("Could not subscribe, try again later Invalid Email The vote", "newsletter"),
        ("Share this article Facebook Twitter WhatsApp", "share"),
        ("Image copyright Reuters Image caption The flooded high street", "photo credit"),
        ("Crowds at the gates (Photo: Jane Roe/AP)", "photo credit"),
        ("Read more: How the vote was won", "read more"),
        ("The shape of the county budget In graphics", "gallery"),
    ],
)
def test_inline_furniture_is_found(text, kind):
    assert kind in {k for k, _ in furniture_hits(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Customers who subscribe to the new broadband service will pay less.",
        "She urged pupils to read more books over the summer.",
        "The photo was taken in 1990 by a local teacher.",
        "The council said it would share the costs with its neighbours.",
        "He will take over as editor in January.",
    ],
)
def test_story_prose_is_not_furniture(text):
    assert furniture_hits(text) == []


def test_strip_keeps_the_story_words():
    line = "Image copyright Reuters Image caption Floods closed the high street on Monday"
    assert strip_furniture(line) == "Floods closed the high street on Monday"


ARTICLE = (
    "Get county updates directly to your inbox + Subscribe Thank you for subscribing "
    "Could not subscribe, try again later Invalid Email Floods have closed the main road "
    "into Ashby after two days of heavy rain, the county council said.\n\n"
    "Image copyright Reuters Image caption The flooded high street Engineers expect the road "
    "to reopen on Friday. Read more: Ashby's wettest winters. Buses are being diverted "
    "through Orton, and schools in the town will stay shut until the water falls."
)


def test_no_furniture_in_the_brief(pipeline):
    brief = pipeline.summarize(ARTICLE)
    assert not has_furniture(brief.headline), brief.headline
    assert not has_furniture(brief.summary), brief.summary
    assert "Floods" in brief.summary
