"""Next steps: future and scheduled actions with actor and time as written; not past
events, not hypotheticals."""

import pytest

from summarizer.analyse import parse
from summarizer.postprocess import extract


@pytest.fixture(scope="module")
def steps():
    def _steps(text: str):
        return extract(parse(text)).next_steps

    return _steps


@pytest.mark.parametrize(
    ("sentence", "actor", "when"),
    [
        (
            "The transport board will publish its findings next week.",
            "transport board",
            "next week",
        ),
        ("The council is due to vote on the budget on Thursday.", "council", "on Thursday"),
        ("The regulator is set to announce new rules in March.", "regulator", "in March"),
        ("The Greens plan to table an amendment next month.", "Greens", "next month"),
        ("The minister is expected to resign on Friday.", "minister", "on Friday"),
        ("Paid leave will rise to nine months by 2027.", "Paid leave", "by 2027"),
        ("Talks between the two unions begin on Monday.", "Talks", "on Monday"),
        ("The new stadium is also due to open next summer.", "stadium", "next summer"),
    ],
)
def test_future_cue_gives_a_next_step(steps, sentence, actor, when):
    found = steps(sentence)
    assert len(found) == 1, found
    assert actor.lower() in (found[0].actor or "").lower()
    assert found[0].when == when
    assert found[0].evidence.text == sentence


def test_action_is_the_verb_phrase(steps):
    (step,) = steps("The transport board will publish its findings next week.")
    assert step.action.startswith("publish its findings")


def test_undated_will_is_a_next_step_without_when(steps):
    (step,) = steps("The ministers will discuss the new defence plan.")
    assert step.when is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The council voted on the budget on Thursday.",
        "The strike could spread to other ports next week.",
        "If the talks fail, the union will strike.",
        "The minister would resign if the bill failed.",
        "The minister planned to resign last year.",
        "The reform will not happen.",
        "The mayor is likely to back the plan.",
        "The aim is to cut waiting lists by half.",
        "One of the things we must do is to build more homes.",
        "The rules were already going to expire in the spring.",
    ],
)
def test_past_and_hypothetical_are_not_next_steps(steps, sentence):
    assert steps(sentence) == []
