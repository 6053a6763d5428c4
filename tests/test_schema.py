import json

import pytest
from pydantic import ValidationError

from summarizer.schema import SCHEMA_FILE, StructuredSummary, json_schema


def test_committed_json_schema_matches_the_model():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(json_schema())), (
        "summarizer/structured_summary.schema.json is stale: run `make schema`"
    )


def test_schema_names_every_field_of_the_brief():
    props = json_schema()["properties"]
    assert {"headline", "summary", "key_actors", "claims", "denials", "next_steps", "meta"} <= set(
        props
    )
    actor = json_schema()["$defs"]["Actor"]["properties"]["type"]
    assert set(actor["enum"]) == {"person", "organization", "country", "group"}


def _brief(**overrides):
    data = {
        "headline": "Ministers agree deal",
        "summary": "Ministers agreed a deal.",
        "meta": {
            "generator": {"backend": "extractive"},
            "language": "en",
            "source_chars": 24,
            "elapsed_ms": 1.0,
        },
    }
    data.update(overrides)
    return StructuredSummary.model_validate(data)


def test_meta_defaults_to_schema_version_1_1():
    brief = _brief()
    assert brief.meta.schema_version == "1.1"
    assert brief.meta.truncated is False and brief.meta.warnings == []


_CLAIM = {
    "id": "c1",
    "speaker": "Ministers",
    "statement": "a deal",
    "direct_quote": False,
    "evidence": {"start": 0, "end": 9, "text": "Ministers"},
}


def test_a_1_0_brief_without_confidence_still_validates():
    brief = _brief(claims=[_CLAIM], meta={**_brief().meta.model_dump(), "schema_version": "1.0"})
    assert brief.meta.schema_version == "1.0"
    assert brief.claims[0].confidence is None


def test_confidence_is_a_probability():
    assert _brief(claims=[{**_CLAIM, "confidence": 0.75}]).claims[0].confidence == 0.75
    for bad in (-0.1, 1.5):
        with pytest.raises(ValidationError):
            _brief(claims=[{**_CLAIM, "confidence": bad}])


def test_unknown_fields_and_bad_actor_types_are_rejected():
    with pytest.raises(ValidationError):
        _brief(mood="upbeat")
    with pytest.raises(ValidationError):
        _brief(
            key_actors=[
                {"name": "X", "type": "planet", "mentions": 1, "salience": 0.5, "evidence": []}
            ]
        )
