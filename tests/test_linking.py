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


def test_paraphrased_denial_links_to_the_claim_it_answers():
    from summarizer.postprocess import linking

    if linking._encoder() is None:
        import pytest

        pytest.skip("sentence-embedding model not installed")
    ex = extract(parse(PARAPHRASE))
    assert len(ex.denials) == 1
    target = next(c for c in ex.claims if "waste oil" in c.evidence.text)
    assert ex.denials[0].rebuts == target.id
