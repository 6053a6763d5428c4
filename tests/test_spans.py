"""Annotations the project adds: spans over the shared texts, never copied text."""

import json
import subprocess
import sys

import pytest
from support import SHARED_EVAL

from summarizer.learn.spans import (
    ANNOTATIONS_DIR,
    SpanError,
    annotation_files,
    decode,
    encode,
    load_records,
)

TEXT = (
    "The council said the bridge would reopen in May. "
    "Residents' groups dismissed the date as wishful thinking. "
    "The council will publish a timetable next week."
)
GOLD = {
    "id": "x-1",
    "key_actors": [
        {"name": "The council", "type": "organization", "aliases": ["council"]},
        {"name": "Residents' groups", "type": "group", "aliases": []},
    ],
    "claims": [
        {
            "speaker": "The council",
            "statement": "reopening in May",
            "evidence": "The council said the bridge would reopen in May.",
        }
    ],
    "denials": [
        {
            "speaker": "Residents' groups",
            "denies": "the date",
            "evidence": "Residents' groups dismissed the date as wishful thinking.",
            "rebuts_claim": 0,
        }
    ],
    "next_steps": [
        {
            "actor": "council",
            "action": "publish a timetable",
            "when": "next week",
            "evidence": "The council will publish a timetable next week.",
        }
    ],
}


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_a_record_is_spans_and_decodes_to_the_same_strings():
    rec = encode(GOLD, TEXT)
    # nothing of the text is stored: only the id and the actor types are strings
    assert set(_strings(rec)) == {"x-1", "organization", "group"}
    back = decode(rec, TEXT)
    assert back["key_actors"] == GOLD["key_actors"]
    assert back["claims"][0]["evidence"] == GOLD["claims"][0]["evidence"]
    assert back["denials"][0]["rebuts_claim"] == 0
    step = back["next_steps"][0]
    assert (step["actor"], step["when"]) == ("council", "next week")
    # a speaker is found inside its own evidence sentence, not at its first mention
    assert rec["next_steps"][0]["actor"][0] >= rec["next_steps"][0]["evidence"][0]


def test_a_string_not_in_the_text_or_a_span_out_of_range_is_refused():
    bad = json.loads(json.dumps(GOLD))
    bad["claims"][0]["evidence"] = "The council never said that."
    with pytest.raises(SpanError, match="not in the text"):
        encode(bad, TEXT)
    rec = encode(GOLD, TEXT)
    with pytest.raises(SpanError, match="outside a text"):
        decode(rec, TEXT[:40])


def test_the_shipped_annotations_are_spans_that_validate_against_the_shared_texts(tmp_path):
    if not (SHARED_EVAL / "dev.jsonl").exists():
        pytest.skip("../shared/eval is not here")
    assert annotation_files(), "summarizer/learn/annotations holds the project's gold spans"
    records = load_records()
    assert len(records) >= 100
    allowed = {"person", "organization", "country", "group", "place", "other"}
    for rec in records:
        assert set(_strings(rec)) <= {rec["id"]} | allowed
    second = load_records(annotation_files(ANNOTATIONS_DIR / "second-opinion"))
    out = tmp_path / "gold.jsonl"
    export = [sys.executable, "-m", "summarizer.learn.spans", "export"]
    with out.open("w") as fh:
        for path in annotation_files() + annotation_files(ANNOTATIONS_DIR / "second-opinion"):
            subprocess.run(
                [*export, str(path), "--eval-dir", str(SHARED_EVAL)], stdout=fh, check=True
            )
    articles = tmp_path / "articles.jsonl"
    articles.write_bytes(
        (SHARED_EVAL / "dev.jsonl").read_bytes() + (SHARED_EVAL / "train.jsonl").read_bytes()
    )
    validate = SHARED_EVAL / "validate_gold.py"
    check = subprocess.run(
        [sys.executable, str(validate), str(articles), str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout[-2000:]
    assert check.stdout.startswith(f"ok: {len(records) + len(second)} articles")
