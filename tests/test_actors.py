"""Key actors: canonical names, merged aliases, type, role; no outlet, passing mentions low."""

import pytest

from summarizer.analyse import parse
from summarizer.postprocess import extract

STORY = (
    "LONDON (Newsum Wire) - The North Atlantic Treaty Organization expelled two Russian "
    "envoys on Tuesday, NATO Secretary General Ingrid Solberg said.\n\n"
    "Ms Solberg told reporters the envoys had worked for Russian intelligence. "
    "NATO will review its security rules next month, she said.\n\n"
    "The Russians said the claims were groundless. Russia said it would respond. "
    "Solberg spoke after a meeting in Brussels, the Newsum Wire reported."
)


@pytest.fixture(scope="module")
def actors():
    return extract(parse(STORY)).key_actors


def by_name(actors, name):
    hits = [a for a in actors if a.name == name]
    assert hits, [a.name for a in actors]
    return hits[0]


def test_surname_and_title_merge_into_full_name(actors):
    person = by_name(actors, "Ingrid Solberg")
    assert person.type == "person"
    assert {"Ms Solberg", "Solberg"} <= set(person.aliases)
    assert person.mentions >= 3


def test_acronym_merges_with_expansion(actors):
    org = by_name(actors, "North Atlantic Treaty Organization")
    assert org.type == "organization"
    assert "NATO" in org.aliases


def test_demonym_acting_is_the_country(actors):
    country = by_name(actors, "Russia")
    assert country.type == "country"
    assert "Russians" in country.aliases


def test_role_from_title_before_the_name(actors):
    assert by_name(actors, "Ingrid Solberg").role == "NATO Secretary General"


def test_role_from_apposition():
    text = "Ingrid Solberg, the alliance's secretary general, said the talks would go on."
    person = by_name(extract(parse(text)).key_actors, "Ingrid Solberg")
    assert person.role == "alliance's secretary general"


def test_the_outlet_is_never_an_actor(actors):
    names = {a.name.lower() for a in actors} | {x.lower() for a in actors for x in a.aliases}
    assert not any("newsum" in n for n in names)


def test_most_central_first_and_salience_in_range(actors):
    assert actors[0].salience == 1.0
    assert all(0.0 <= a.salience <= 1.0 for a in actors)
    assert [a.salience for a in actors] == sorted((a.salience for a in actors), reverse=True)


def test_passing_place_mention_is_not_a_key_actor(actors):
    assert "Brussels" not in {a.name for a in actors}


def test_every_actor_evidence_is_exact(actors):
    for actor in actors:
        for ev in actor.evidence:
            assert STORY[ev.start : ev.end] == ev.text
