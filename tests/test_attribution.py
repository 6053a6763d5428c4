"""Claims and denials, one attribution pattern per test: sentence in, item out."""

import pytest

from summarizer.analyse import parse

# the rules alone: the candidate generators the trained decisions read (test_decide.py)
from summarizer.postprocess import extract_rules as extract


@pytest.fixture(scope="module")
def run():
    def _run(text: str):
        doc = parse(text)
        return doc.text, extract(doc)

    return _run


def only_claim(ex):
    assert len(ex.claims) == 1, ex.claims
    return ex.claims[0]


def test_straight_quote_speaker_after(run):
    _, ex = run('"The bridge is safe to use," said Mayor Lena Ortiz.')
    claim = only_claim(ex)
    assert claim.speaker == "Lena Ortiz"
    assert claim.direct_quote is True
    assert "bridge is safe" in claim.statement


def test_curly_quote_colon_form(run):
    _, ex = run("Lena Ortiz said: \u201cThe bridge is safe to use.\u201d")
    claim = only_claim(ex)
    assert claim.speaker == "Lena Ortiz"
    assert claim.direct_quote is True


def test_quote_over_two_sentences_goes_to_its_speaker(run):
    text = '"We will reopen the road soon. The repairs are finished," Lena Ortiz told reporters.'
    _, ex = run(text)
    assert ex.claims
    assert all(c.speaker == "Lena Ortiz" for c in ex.claims)
    assert any("Lena Ortiz told reporters" in c.evidence.text for c in ex.claims)


def test_indirect_said_that(run):
    _, ex = run("Finance Minister Karel Dvorak said that fuel taxes would fall in the spring.")
    claim = only_claim(ex)
    assert claim.speaker == "Karel Dvorak"
    assert claim.direct_quote is False
    assert "fuel taxes would fall" in claim.statement


def test_told_reporters(run):
    _, ex = run("Karel Dvorak told reporters the budget was balanced for the first time.")
    assert only_claim(ex).speaker == "Karel Dvorak"


def test_according_to(run):
    _, ex = run("Unemployment rose to 7% in March, according to the National Statistics Bureau.")
    assert only_claim(ex).speaker == "National Statistics Bureau"


def test_accused_of(run):
    _, ex = run("Karel Dvorak accused the opposition of wrecking the budget talks.")
    assert only_claim(ex).speaker == "Karel Dvorak"


def test_pronoun_goes_to_the_last_person(run):
    text = (
        "Lena Ortiz opened the repaired bridge on Monday. "
        "She said the repairs had cost less than planned."
    )
    _, ex = run(text)
    assert only_claim(ex).speaker == "Lena Ortiz"


def test_title_and_surname_resolve_to_full_name(run):
    text = (
        "Health Secretary Patricia Quell visited the hospital on Friday. "
        "Ms Quell said waiting times had halved since January."
    )
    _, ex = run(text)
    assert only_claim(ex).speaker == "Patricia Quell"


def test_the_official_resolves_to_the_earlier_description(run):
    text = (
        "Most member states back the new fund, according to a senior port official. "
        "The fund could be ready by the summer, said the official."
    )
    _, ex = run(text)
    assert [c.speaker for c in ex.claims] == ["a senior port official"] * 2


def test_the_ministry_speaks_for_its_country(run):
    _, ex = run("The Russian foreign ministry said the talks in Geneva had been useful.")
    assert only_claim(ex).speaker == "Russia"


def test_a_statement_read_speaks_for_its_author(run):
    text = (
        "Nina Okafor's family paid tribute on Tuesday. "
        'A statement from the family read: "Nina was a kind woman who loved her garden."'
    )
    _, ex = run(text)
    claim = only_claim(ex)
    assert claim.direct_quote and "kind woman" in claim.statement
    assert "family" in claim.speaker


def test_blamed_is_a_claim(run):
    _, ex = run("Mayor Ines Varga blamed the storm for the power cuts.")
    assert len(ex.claims) == 1 and not ex.denials


def test_found_reports_only_with_a_clause(run):
    _, ex = run("A poll found that most voters backed the new bridge.")
    assert only_claim(ex).speaker == "A poll"
    _, ex = run('The fund helps young graduates find jobs and "taster courses" in farming.')
    assert ex.claims == []


def test_described_as(run):
    _, ex = run('The family of Tom Reyes described him as a "devoted father" and a "loyal friend".')
    assert "devoted father" in only_claim(ex).evidence.text


def test_calling_something_a_name_is_a_claim_but_calling_for_it_is_not(run):
    _, ex = run('Ines Varga called the flooding "a disaster for the whole valley".')
    assert only_claim(ex).speaker == "Ines Varga"
    _, ex = run("Ines Varga called for a new flood barrier on Monday.")
    assert ex.claims == []


def test_trailing_reporting_clause_the_parser_hangs_on_the_statement(run):
    # with the paragraph after it, the parser makes "claimed" a clause of "raised"
    text = (
        "Council tax will be raised if the Greens win the next election, "
        "Tory leader Martin Hale has claimed.\n\n"
        "The Greens have said they do not want higher taxes for pensioners."
    )
    doc = parse(text)
    assert next(t for t in doc if t.lemma_ == "claim").dep_ == "ccomp"
    ex = extract(doc)
    assert ex.claims[0].speaker == "Martin Hale"
    assert ex.claims[0].evidence.text.startswith("Council tax will be raised")


def test_single_quote_style_quotes(run):
    # some British papers quote in single marks; apostrophes are not quotes
    text = (
        "'We did not expect to finish second,' Lena Ortiz said after the race. "
        "'It was the drivers' day and I don't mind.'"
    )
    _, ex = run(text)
    assert len(ex.claims) == 1
    claim = ex.claims[0]
    assert claim.speaker == "Lena Ortiz" and claim.direct_quote
    assert claim.statement == "We did not expect to finish second"


def test_decade_marks_do_not_switch_to_single_quotes(run):
    text = (
        "Chairman Paul Dorn said sales had doubled since the '90s. "
        "Dorn added that the '00s had been harder."
    )
    _, ex = run(text)
    assert len(ex.claims) == 2


def test_single_quote_closing_before_a_lower_case_word(run):
    from summarizer.postprocess.evidence import find_quotes

    text = "'We will win' she said. 'It was the drivers' day,' Lena Ortiz said."
    quoted = [text[a:b] for a, b in find_quotes(text)]
    assert quoted == ["'We will win'", "'It was the drivers' day,'"]


def test_vowed_to_is_a_claim(run):
    _, ex = run("Mayor Ines Varga has vowed to rebuild the flooded school before winter.")
    assert "rebuild" in only_claim(ex).statement


def test_called_on_them_to_is_a_claim(run):
    _, ex = run("The drivers' union called on its members to strike on Friday.")
    assert "drivers' union" in only_claim(ex).speaker


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        pytest.param(
            "Coach Dara Lin praised striker Tomas Vik after the match on Sunday. "
            "She said the team had finally found its rhythm.",
            ["Dara Lin"],
            id="she-is-the-last-subject-not-a-person-named-as-object",
        ),
        pytest.param(
            "Mr Okafor's letter, which reached councillor Ben Tate on Monday, called for a "
            "vote. In it, he said the budget was unlawful.",
            ["Okafor"],
            id="he-after-a-possessive-subject-is-the-possessor",
        ),
        pytest.param(
            'Ruth Amsel said: "Peter Lund promised us a library and we got a car park." '
            "She said residents would petition the council.",
            ["Ruth Amsel", "Ruth Amsel"],
            id="she-after-a-quote-is-its-speaker-not-a-name-inside-it",
        ),
        pytest.param(
            "Residents who said the plan had been rushed packed the town hall on Tuesday.",
            ["Residents"],
            id="who-speaks-for-its-antecedent",
        ),
        pytest.param(
            "A member of the Campaign for Fair Rents, Maria Holt, said the rents had doubled.",
            ["Maria Holt"],
            id="person-in-apposition-to-the-subject",
        ),
        pytest.param(
            "Jana Petrova said three new clinics would open in March. "
            "Waiting lists have grown by a third, according to the doctors' union. "
            "The minister told MPs that the funding was secure.",
            ["Jana Petrova", "the doctors' union", "Jana Petrova"],
            id="the-minister-is-the-office-holder-who-has-been-speaking",
        ),
        pytest.param(
            "Nurses in rural clinics work longer hours than their city colleagues, "
            "a new study shows.",
            ["a new study"],
            id="source-named-after-the-statement",
        ),
        pytest.param(
            "The Harbour Authority audited the port in March. "
            "A report by the Harbour Authority said the cranes were unsafe.",
            ["Harbour Authority"],
            id="a-report-by-a-body",
        ),
        pytest.param(
            "The bridge sale failed because of a string of errors, a report by the Harbour "
            "Authority has found. The report said too many agencies had been involved.",
            ["Harbour Authority", "Harbour Authority"],
            id="the-report-goes-on-speaking-for-its-author",
        ),
        pytest.param(
            "A failed council scheme to sell bus passes online has been branded a "
            '"disgraceful waste" by councillors.',
            ["councillors"],
            id="passive-agent-hung-on-the-object",
        ),
        # "she" is a person, never the organisation that spoke last
        (
            "Ms Hewitt spoke to reporters after the Treasury said growth was slowing. "
            "She said the figures were worrying.",
            ["Treasury", "Hewitt"],
        ),
        # "the minister" is not a union leader who spoke before
        (
            "Union leader Bob Crow said the strike would go ahead. "
            "The minister said the strike was unjustified.",
            ["Bob Crow", "The minister"],
        ),
        # the apposition belongs to the mother, not to the lawyer who speaks
        (
            "A lawyer representing the victim's mother, Jane Doe, said the verdict was unjust.",
            ["A lawyer"],
        ),
        # names the recogniser misses, in apposition or after a peer's title
        (
            "The Shadow Secretary of State for the Family, Theresa May, said: "
            '"These plans were announced in December."',
            ["Theresa May"],
        ),
        (
            "But Liberal Democrat peer Lord Carlile, the independent reviewer of terror laws, "
            "said it was possible some of the detainees could now be released.",
            ["Lord Carlile"],
        ),
    ],
)
def test_speaker_resolution(run, text, speakers):
    _, ex = run(text)
    assert [c.speaker for c in ex.claims] == speakers


@pytest.mark.parametrize(
    "text",
    [
        "He was told that the plan had been approved by ministers.",
        "Falling prices threaten to push the economy into deflation.",
        "He called the police to report the theft.",
    ],
)
def test_not_reports(run, text):
    _, ex = run(text)
    assert ex.claims == []


def test_denied(run):
    _, ex = run("The airline denied that its pilots had ignored the safety checks.")
    assert not ex.claims
    assert len(ex.denials) == 1
    assert ex.denials[0].speaker == "The airline"


def test_rejected(run):
    _, ex = run("The union rejected the management's offer of a 2% pay rise.")
    assert len(ex.denials) == 1


def test_dismissed_as(run):
    _, ex = run('The Greens dismissed the scheme as "a gimmick".')
    assert len(ex.denials) == 1
    assert not ex.claims


def test_called_groundless(run):
    _, ex = run("Moscow said the allegations were groundless.")
    assert len(ex.denials) == 1
    assert not ex.claims


def test_refuted(run):
    _, ex = run("The company refuted claims that it had hidden the losses.")
    assert len(ex.denials) == 1


def test_not_true(run):
    _, ex = run('"That is simply not true," Karel Dvorak said of the report.')
    assert len(ex.denials) == 1
    assert ex.denials[0].speaker == "Karel Dvorak"


def test_hit_back(run):
    _, ex = run("Karel Dvorak hit back at his critics, saying the plan was fully costed.")
    assert len(ex.denials) == 1


def test_insisted_it_had_not(run):
    _, ex = run("The club insisted it had not broken any spending rules.")
    assert len(ex.denials) == 1
    assert not ex.claims


def test_contrasting_insistence_is_a_denial(run):
    text = (
        "Critics said the mayor had spent the flood fund on parking. "
        "But the council has insisted the money went on new pumps."
    )
    _, ex = run(text)
    assert len(ex.denials) == 1 and "council" in ex.denials[0].speaker
    assert len(ex.claims) == 1 and "Critics" in ex.claims[0].speaker


def test_contrasting_counter_accusation_is_a_denial(run):
    text = (
        "Critics said the mayor had wasted the flood fund. "
        "But her deputy Tom Reyes accused the critics of ignoring the new pumps."
    )
    _, ex = run(text)
    assert [d.speaker for d in ex.denials] == ["Tom Reyes"]


def test_quoted_out_of_context_is_a_denial(run):
    _, ex = run("Ines Varga said her remarks had been distorted and taken out of context.")
    assert len(ex.denials) == 1 and ex.denials[0].speaker == "Ines Varga"


def test_no_need_for_a_plan_dismisses_it(run):
    _, ex = run('Teacher Paul Dorn said there was no need for such a "massive upheaval".')
    assert len(ex.denials) == 1 and not ex.claims


def test_not_aware_of_any_is_a_denial(run):
    _, ex = run("The airline said it was not aware of any video recorded on board.")
    assert len(ex.denials) == 1 and not ex.claims


def test_fired_back_is_a_denial(run):
    _, ex = run('Mayor Ines Varga fired back, saying the figures were "a fantasy".')
    assert len(ex.denials) == 1


def test_declined_to_comment_is_not_a_denial(run):
    _, ex = run("The ministry declined to comment on the report.")
    assert not ex.denials


def test_narration_is_not_a_claim(run):
    _, ex = run("The bridge reopened on Monday after six months of repairs.")
    assert not ex.claims and not ex.denials


def test_responded_by_accusing(run):
    _, ex = run(
        "The mayor said the tram line would open in May. "
        "Councillor Ruth Okafor responded by accusing the mayor of ignoring the costs."
    )
    assert len(ex.denials) == 1
    assert "Okafor" in ex.denials[0].speaker


def test_report_about_the_claim_answers_it(run):
    _, ex = run(
        "Rivals said the fund had lost money for years. "
        "Its manager, Oskar Lind, says the claim ignores the gains of the last decade."
    )
    assert len(ex.denials) == 1
    assert ex.denials[0].speaker == "Oskar Lind"


def test_brands_criticisms_as_rubbish(run):
    _, ex = run(
        'The manager brands such criticisms as "absolute nonsense", arguing that the squad is fit.'
    )
    assert len(ex.denials) == 1


def test_dismissive_word_aimed_at_a_plan(run):
    _, ex = run('Greta Holm said: "This is a desperate attempt to win back lost voters."')
    assert len(ex.denials) == 1


def test_warning_that_a_plan_cripples_is_a_denial(run):
    _, ex = run(
        "The council announced a new parking levy on Monday. But shopkeeper Omar Vance warned "
        "that many cafes could be crippled by the move."
    )
    assert [d.speaker for d in ex.denials] == ["Omar Vance"]
    assert not any("crippled" in c.evidence.text for c in ex.claims)


def test_attempt_that_ignores_is_criticism_of_a_plan(run):
    _, ex = run(
        "Senator Ruth Amell said, \"The governor's attempt to merge the two agencies ignores "
        'the budget rules."'
    )
    assert len(ex.denials) == 1
    assert ex.claims == []


def test_criticism_does_not_carry_on_to_the_rest_of_the_quote(run):
    _, ex = run(
        "Senator Ruth Amell said, \"The governor's attempt to merge the two agencies ignores "
        'the budget rules. The state will need more staff next year."'
    )
    assert len(ex.denials) == 1


def test_plan_defended_with_a_negation_is_a_claim(run):
    _, ex = run("Finance minister Ida Brandt said the plan would not hurt small farms.")
    assert ex.denials == []
    assert len(ex.claims) == 1


def _ranked(text: str, max_claims: int) -> list:
    """The claims rank_claims keeps, as (speaker, sentence) pairs."""
    from summarizer.postprocess import attribution
    from summarizer.postprocess.actors import build_actor_index
    from summarizer.postprocess.evidence import QuoteMap

    doc = parse(text)
    index = build_actor_index(doc, QuoteMap.build(doc))
    items = attribution.find_attributions(index)
    for a in items:
        if a.actor is not None:
            a.actor.speaker_count += 1
    return [(a.speaker, a.sent.text) for a in attribution.rank_claims(items, index, max_claims)]


def test_ranking_prefers_a_new_voice_over_a_speakers_later_lines(monkeypatch):
    from summarizer.postprocess import attribution

    # the chief is the more salient voice (named five times) and speaks three times; the
    # neighbour once, between her lines: only the per-speaker penalty lets his one line
    # into the top 3
    text = (
        "Fire chief Dana Kole and neighbour Tom Reyes watched the blaze on Monday. "
        "Kole said the blaze started in a kitchen. "
        "Reyes said the blaze spread to the roof. "
        "Kole said crews arrived within minutes. "
        "Kole said two rooms were badly damaged. "
        "Kole thanked the crews. Kole went home."
    )
    assert "Tom Reyes" in [speaker for speaker, _ in _ranked(text, 3)]
    monkeypatch.setitem(attribution.CLAIM_WEIGHTS, "later_line", 0.0)
    assert "Tom Reyes" not in [speaker for speaker, _ in _ranked(text, 3)]


def test_ranking_puts_an_added_rider_below_a_fresh_statement(monkeypatch):
    from summarizer.postprocess import attribution

    text = (
        "Mayor Ines Varga opened the new Oder bridge on Friday. "
        "Varga said the bridge had cost four million euros. "
        "Engineer Paul Dorn said the steel came from Austria. "
        "Varga added that the ferry would keep running in summer. "
        "Dorn said the deck would be repainted every ten years."
    )
    kept = " ".join(sentence for _, sentence in _ranked(text, 3))
    assert "deck" in kept and "ferry" not in kept
    monkeypatch.setitem(attribution.CLAIM_WEIGHTS, "added", 0.0)
    kept = " ".join(sentence for _, sentence in _ranked(text, 3))
    assert "ferry" in kept and "deck" not in kept


def test_ranking_puts_a_line_of_pure_quotation_below_a_report(monkeypatch):
    from summarizer.postprocess import attribution

    text = (
        "Union leader Mara Voss called a strike at the Keller plant on Monday. "
        "Voss said 400 workers would walk out on Monday. "
        '"We are not going anywhere, and nobody here is going to be frightened off," '
        "said plant worker Lena Hart. "
        "Plant manager Olaf Brandt said production would go on."
    )
    speakers = [speaker for speaker, _ in _ranked(text, 2)]
    assert speakers == ["Mara Voss", "Olaf Brandt"]
    monkeypatch.setitem(attribution.CLAIM_WEIGHTS, "quoted", 0.0)
    speakers = [speaker for speaker, _ in _ranked(text, 2)]
    assert speakers == ["Mara Voss", "Lena Hart"]


def test_withheld_report_is_not_a_claim(run):
    _, ex = run("Coach Lina Berg would not discuss reports that the club had been sold.")
    assert ex.claims == []


def test_link_furniture_is_not_a_claim(run):
    _, ex = run("Senator Paul Ondra said the vote would be close. Watch Ondra explain the budget »")
    assert len(ex.claims) == 1
    assert "vote" in ex.claims[0].evidence.text


def test_stray_adjective_subject_does_not_hide_the_speaker(run):
    # the tagger hangs "ex" on the verb as a second subject beside the name
    text = (
        "And ex-Tory trade secretary Anna Briggs recalled how one of her colleagues "
        'called her "dear".'
    )
    _, ex = run(text)
    assert only_claim(ex).speaker == "Anna Briggs"


def test_aim_to_question_is_not_a_claim(run):
    _, ex = run(
        "The council wrote to the paper after it sought to question the mayor's role in the deal."
    )
    assert ex.claims == []


def test_report_inside_a_withheld_matter_is_not_a_claim(run):
    _, ex = run(
        "Coach Lina Berg would not discuss rumours the club sold the ground after "
        "its owner predicted a loss."
    )
    assert ex.claims == []
