"""A denial points at the claim it rebuts: the one it shares people and terms with."""

from summarizer.analyse import parse
from summarizer.postprocess import extract

STORY = (
    "The Harbour Board said the new ferry terminal would cut crossing times by half. "
    "Mayor Lena Ortiz said the city library would open on Sundays from June. "
    "The ferry operators' union rejected the claim that the terminal would cut crossing "
    "times, calling it wishful thinking."
)


def test_denial_links_to_the_claim_it_shares_terms_with():
    ex = extract(parse(STORY))
    assert len(ex.denials) == 1
    target = next(c for c in ex.claims if "crossing times" in c.evidence.text)
    assert ex.denials[0].rebuts == target.id


def test_denial_without_claims_links_to_nothing():
    ex = extract(parse("The union rejected the plan."))
    assert ex.denials and ex.denials[0].rebuts is None
