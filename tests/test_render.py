import json

from summarizer.render import render, to_json, to_markdown
from summarizer.schema import StructuredSummary

SOURCE = "Ruritania denied the report. Officials said talks will resume on Monday."


def _brief(source=None):
    ev = {"start": 0, "end": 28, "text": SOURCE[:28]}
    ev2 = {"start": 29, "end": len(SOURCE), "text": SOURCE[29:]}
    return StructuredSummary.model_validate(
        {
            "headline": "Ruritania denies report",
            "summary": SOURCE,
            "key_actors": [
                {
                    "name": "Ruritania",
                    "type": "country",
                    "mentions": 1,
                    "salience": 1.0,
                    "evidence": [ev],
                }
            ],
            "claims": [
                {
                    "id": "c1",
                    "speaker": "Officials",
                    "statement": "talks will resume",
                    "direct_quote": False,
                    "evidence": ev2,
                }
            ],
            "denials": [
                {
                    "id": "d1",
                    "speaker": "Ruritania",
                    "statement": "denied the report",
                    "rebuts": "c1",
                    "evidence": ev,
                }
            ],
            "next_steps": [
                {
                    "actor": "Officials",
                    "action": "resume talks",
                    "when": "on Monday",
                    "evidence": ev2,
                }
            ],
            "meta": {
                "generator": {"backend": "extractive"},
                "language": "en",
                "source_chars": len(SOURCE),
                "elapsed_ms": 3.0,
            },
            "source": source,
        }
    )


def test_json_leaves_out_source_unless_it_was_asked_for():
    assert "source" not in json.loads(to_json(_brief()))
    assert json.loads(to_json(_brief(SOURCE)))["source"] == SOURCE


def test_json_round_trips_through_the_schema():
    brief = _brief(SOURCE)
    assert StructuredSummary.model_validate_json(render(brief, "json")) == brief


def test_markdown_pairs_a_denial_with_the_claim_it_rebuts():
    md = to_markdown(_brief())
    lines = md.splitlines()
    assert lines[0] == "# Ruritania denies report"
    claim = next(i for i, line in enumerate(lines) if "claims:" in line)
    assert "Ruritania" in lines[claim + 1] and "denies" in lines[claim + 1]
    assert "(on Monday)" in md
