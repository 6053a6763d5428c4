"""Next steps: future and scheduled actions with actor and time as written; not past
events, not hypotheticals."""

import pytest

from summarizer.analyse import parse

# the rules alone: the candidate generators the trained decisions read (test_decide.py)
from summarizer.postprocess import extract_rules as extract


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
        "The new licensing law will allow pubs to stay open later.",
        "The tax rise will mean higher bills by 2030.",
        "Occasionally a nurse would walk down to check on the patients, he told reporters.",
        "He said that whether voters chose one party or the other, it would change little.",
        "The mayor had suggested that the council would sell the land.",
        "The minister will say the economy is growing.",
        "The cheaper tickets will bring more visitors to the coast.",
        "The senator questioned what would be cut from the budget.",
        "She said she did not believe there would be a strike.",
        "He said raising the speed limit would cut journey times.",
    ],
)
def test_past_and_hypothetical_are_not_next_steps(steps, sentence):
    assert steps(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "when"),
    [
        ("The mayor said the council would publish its own figures.", None),
        ("The committee will resume its hearings in the autumn.", "in the autumn"),
        ("The board will meet for two days to review the plans agreed in 2003.", None),
        ("Officials said there will be a vote on the proposal on Tuesday.", "on Tuesday"),
        ("The minister will speak to farmers in Leeds on Friday.", "on Friday"),
    ],
)
def test_reported_plans_events_and_dated_speeches(steps, sentence, when):
    found = steps(sentence)
    assert len(found) == 1, found
    assert found[0].when == when


def test_passive_plan_names_the_agent_and_keeps_be(steps):
    (step,) = steps("The review is due to be published next month by the audit office.")
    assert "audit office" in (step.actor or "")
    assert step.action.startswith("be published")
    assert step.when == "next month"


def test_relative_pronoun_actor_is_its_antecedent(steps):
    found = steps("Ministers praised the regulator, which will publish new rules on Friday.")
    assert found and "regulator" in (found[0].actor or "")


def test_fronted_adverbial_is_not_part_of_the_action(steps):
    (step,) = steps("On Tuesday in Cardiff, the minister will open the new hospital wing.")
    assert step.action.startswith("open the new hospital wing")
    assert step.when == "On Tuesday"


def test_temporal_clause_dates_the_step(steps):
    (step,) = steps("The leader is expected to attack the plan as she starts a tour on Monday.")
    assert step.when == "on Monday"


def test_date_of_a_coordinated_clause_is_not_taken(steps):
    found = steps("We are going to cut the fee by 2030 and the aim is to scrap it by 2040.")
    assert found and found[0].when == "by 2030"


def test_condition_on_a_trailing_reporting_clause_is_a_hypothetical(steps):
    # the parser hangs "if ... wins" on "has claimed", itself hung on "will be raised"
    text = (
        "Council tax will be raised if the Greens win the next election, "
        "Tory leader Martin Hale has claimed.\n\n"
        "The Greens have said they do not want higher taxes for pensioners."
    )
    assert not any("Council tax" in s.evidence.text for s in steps(text))


@pytest.mark.parametrize(
    ("sentence", "when"),
    [
        ("The smoking ban comes into force on 18 February.", "on 18 February"),
        ("The mayor has vowed to rebuild the flooded school.", None),
        ("The Greens have pledged to scrap the toll after the election in May.", "in May"),
    ],
)
def test_timetable_present_and_pledges_are_next_steps(steps, sentence, when):
    found = steps(sentence)
    assert len(found) == 1 and found[0].when == when


@pytest.mark.parametrize(
    "sentence",
    ["The smoking ban came into force on 18 February.", "The law dates from 1998."],
)
def test_dated_past_is_not_a_timetable(steps, sentence):
    assert steps(sentence) == []
