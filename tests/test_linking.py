"""A denial points at the claim it rebuts: the one it shares people and terms with."""

from summarizer.analyse import parse

# the rules alone: the candidate generators the trained decisions read (test_decide.py)
from summarizer.postprocess import extract_rules as extract

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


PARAPHRASE = (
    "Prosecutors said the shipping firm had dumped waste oil off the coast for years. "
    "The port authority said a new crane would be installed at the eastern quay. "
    "Officials at the port said the harbour would close for two days of repairs. "
    "The company's chairman said the accusations of polluting the sea were baseless."
)


def _without_encoder(monkeypatch):
    from summarizer.postprocess import linking

    linking._encoder.cache_clear()
    monkeypatch.setenv("NEWSUM_LINK_EMBEDDINGS", "0")
    return linking


def test_links_without_the_embedding_model(monkeypatch):
    linking = _without_encoder(monkeypatch)
    try:
        assert linking._encoder() is None
        ex = extract(parse(STORY))
        target = next(c for c in ex.claims if "crossing times" in c.evidence.text)
        assert ex.denials[0].rebuts == target.id
    finally:
        linking._encoder.cache_clear()


def test_paraphrased_denial_links_to_the_claim_it_answers(monkeypatch):
    from summarizer.postprocess import linking

    linking._encoder.cache_clear()
    monkeypatch.setenv("NEWSUM_LINK_EMBEDDINGS", "1")
    try:
        if linking._encoder() is None:
            import pytest

            pytest.skip("sentence-embedding model not installed")
        ex = extract(parse(PARAPHRASE))
        assert len(ex.denials) == 1
        target = next(c for c in ex.claims if "waste oil" in c.evidence.text)
        assert ex.denials[0].rebuts == target.id
    finally:
        linking._encoder.cache_clear()


def test_embeddings_are_off_by_default(monkeypatch):
    from summarizer.postprocess import linking

    linking._encoder.cache_clear()
    monkeypatch.delenv("NEWSUM_LINK_EMBEDDINGS", raising=False)
    try:
        assert linking._encoder() is None
    finally:
        linking._encoder.cache_clear()


CONTRAST = (
    "The rail company said fares would be frozen for the whole of next year. "
    "Passenger groups said trains on the northern line were often late and overcrowded. "
    "But a spokesman for the company rejected the complaint, saying engineering works had "
    "caused the delays."
)


def test_but_answers_the_claim_just_before():
    ex = extract(parse(CONTRAST))
    denial = next(d for d in ex.denials if "delays" in d.evidence.text)
    target = next(c for c in ex.claims if "overcrowded" in c.evidence.text)
    assert denial.rebuts == target.id


ANAPHORIC = (
    "The education minister announced a plan to close forty rural schools by 2027. "
    "Teachers in the capital said their pay had fallen behind prices for a decade. "
    "A parents' association said class sizes in the cities kept growing. "
    "The opposition dismissed the plan as reckless."
)


def test_anaphoric_plan_links_to_the_lead_claim():
    ex = extract(parse(ANAPHORIC))
    denial = next(d for d in ex.denials if "reckless" in d.evidence.text)
    target = next(c for c in ex.claims if "rural schools" in c.evidence.text)
    assert denial.rebuts == target.id


NAMED = (
    "Senator Ruth Calder said the port contract had been handed to a donor's firm. "
    "Governor Paul Mercer said the new bridge would open in the spring. "
    "Mr Mercer said the state budget would be balanced this year. "
    "The treasurer said tax receipts had risen by four percent. "
    "Mr Mercer denied the accusation, calling Ms Calder's story a fantasy."
)


def test_denial_naming_the_claimant_links_to_her_claim():
    ex = extract(parse(NAMED))
    denial = next(d for d in ex.denials if "fantasy" in d.evidence.text)
    target = next(c for c in ex.claims if "port contract" in c.evidence.text)
    assert denial.rebuts == target.id


PRONOUN = (
    "Trade unions said the minister Ken Harlow had cut hospital budgets in secret. "
    "A former aide to the prime minister, Joan Pell, spoke on Sunday. "
    "She said Mr Harlow had no plan for the hospitals and had misled parliament. "
    "Mr Harlow rejected the charge that he had misled parliament as nonsense."
)


def test_pronoun_claim_naming_the_denier_is_not_his_own():
    from summarizer.postprocess import linking
    from summarizer.postprocess.actors import build_actor_index
    from summarizer.postprocess.attribution import find_attributions
    from summarizer.postprocess.evidence import QuoteMap

    doc = parse(PRONOUN)
    index = build_actor_index(doc, QuoteMap.build(doc))
    atts = find_attributions(index)
    denials = [a for a in atts if a.denial]
    cands = linking.claim_candidates(atts)
    pell = next(i for i, c in enumerate(cands) if "misled parliament" in c.sent.text)
    # even if the pronoun were resolved to the denier, the claim stays a candidate
    cands[pell].actor = denials[0].actor
    cands[pell].speaker = denials[0].speaker
    assert linking.rebuttal_targets(denials, cands, index) == [pell]
    assert linking.rebutted(denials, cands, index) == {pell}


def test_links_through_candidates_the_ranking_kept():
    from summarizer.postprocess import linking
    from summarizer.postprocess.actors import build_actor_index
    from summarizer.postprocess.attribution import find_attributions
    from summarizer.postprocess.evidence import QuoteMap

    doc = parse(STORY)
    index = build_actor_index(doc, QuoteMap.build(doc))
    atts = find_attributions(index)
    denials = [a for a in atts if a.denial]
    cands = linking.claim_candidates(atts)
    ferry = next(c for c in cands if "crossing times" in c.sent.text)
    library = next(c for c in cands if "library" in c.sent.text)
    # the rebutted claim kept: linked to its id
    assert linking.link_denials(denials, [ferry, library], ["c1", "c2"], index, cands) == ["c1"]
    # the rebutted claim dropped by the ranking: the best kept claim stands in
    assert linking.link_denials(denials, [library], ["c1"], index, cands) == ["c1"]
