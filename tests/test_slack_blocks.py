"""Block Kit rendering: the brief's parts in order, and always within Slack's limits."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from app.slack.blocks import brief_blocks, brief_message, clip_escaped, fallback_text


def assert_valid_block_kit(message: dict) -> None:
    """Slack's documented limits, plus slack_sdk's own validators on every block."""
    assert message["text"].strip(), "a plain-text fallback is required"
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    for raw in blocks:
        Block.parse(raw).validate_json()  # raises SlackObjectFormationError
        if raw["type"] == "header":
            assert raw["text"]["type"] == "plain_text"
            assert 0 < len(raw["text"]["text"]) <= 150
        if raw["type"] == "section":
            assert "text" in raw or "fields" in raw
            if "text" in raw:
                assert 0 < len(raw["text"]["text"]) <= 3000
            assert len(raw.get("fields", [])) <= 10
            assert all(0 < len(f["text"]) <= 2000 for f in raw.get("fields", []))
        if raw["type"] == "context":
            assert 0 < len(raw["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in raw["elements"])


def evidence(text: str = "x") -> dict:
    return {"start": 0, "end": len(text), "text": text}


def brief(**overrides) -> dict:
    base = {
        "headline": "Port authority delays harbour expansion vote",
        "summary": "The vote on the Eastquay expansion moved to March. Unions oppose it.",
        "key_actors": [
            {
                "name": "Mara Lind",
                "type": "person",
                "role": "harbour master",
                "mentions": 3,
                "salience": 0.9,
                "aliases": [],
                "evidence": [evidence()],
            },
            {
                "name": "Dockworkers Union",
                "type": "organization",
                "role": None,
                "mentions": 2,
                "salience": 0.5,
                "aliases": [],
                "evidence": [],
            },
        ],
        "claims": [
            {
                "id": "c1",
                "speaker": "Mara Lind",
                "statement": "The expansion will add 400 jobs.",
                "direct_quote": True,
                "evidence": evidence(),
            },
            {
                "id": "c2",
                "speaker": "a council aide",
                "statement": "Funding is secured.",
                "direct_quote": False,
                "evidence": evidence(),
            },
        ],
        "denials": [
            {
                "id": "d1",
                "speaker": "Dockworkers Union",
                "statement": "No new jobs are planned.",
                "rebuts": "c1",
                "evidence": evidence(),
            },
        ],
        "next_steps": [
            {
                "actor": "The council",
                "action": "vote on the plan",
                "when": "in March",
                "evidence": evidence(),
            },
        ],
        "meta": {
            "schema_version": "1.0",
            "generator": {"backend": "extractive", "model": None},
            "language": "en",
            "source_chars": 1234,
            "truncated": False,
            "elapsed_ms": 81.2,
            "warnings": [],
        },
    }
    return base | overrides


def all_text(blocks: list[dict]) -> str:
    parts = []
    for b in blocks:
        if "text" in b:
            parts.append(b["text"]["text"])
        parts += [f["text"] for f in b.get("fields", [])]
        parts += [e["text"] for e in b.get("elements", [])]
    return "\n".join(parts)


def test_brief_renders_every_part_in_order():
    message = brief_message(brief())
    assert_valid_block_kit(message)
    blocks = message["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Port authority delays harbour expansion vote"},
    }
    assert blocks[1]["text"]["text"].startswith("The vote on the Eastquay expansion")
    text = all_text(blocks)
    assert "*Mara Lind* (harbour master)" in text
    assert "*Dockworkers Union* (organization)" in text
    assert "*The council*: vote on the plan _(in March)_" in text
    assert "extractive" in blocks[-1]["elements"][0]["text"]
    assert message["text"].startswith("Port authority delays harbour expansion vote: The vote")


def test_claims_and_denials_sit_side_by_side():
    claims = next(b for b in brief_blocks(brief()) if "fields" in b)
    assert claims["text"]["text"] == "*Claims and denials*"
    fields = [f["text"] for f in claims["fields"]]
    assert fields == [
        "*Mara Lind* claims:\n\u201cThe expansion will add 400 jobs.\u201d",
        "*Dockworkers Union* denies:\nNo new jobs are planned.",
        "*a council aide* claims:\nFunding is secured.",
        "\u2014",
    ]


def test_mrkdwn_control_characters_are_escaped():
    blocks = brief_blocks(brief(summary="Profits <fell> & costs rose"))
    assert blocks[1]["text"]["text"] == "Profits &lt;fell&gt; &amp; costs rose"


def test_clipping_never_cuts_an_escape_in_half():
    out = clip_escaped("a" * 10 + "&" * 100, 30)
    assert len(out) <= 30
    assert out.endswith("\u2026")
    assert out[:-1].replace("&amp;", "").replace("a", "") == ""


def test_an_oversized_brief_stays_within_slack_limits():
    long = "word " * 2000
    many_claims = [
        {
            "id": f"c{i}",
            "speaker": f"Speaker {i}",
            "statement": long,
            "direct_quote": False,
            "evidence": evidence(),
        }
        for i in range(400)
    ]
    many_denials = [
        {
            "id": f"d{i}",
            "speaker": "Someone",
            "statement": long,
            "rebuts": f"c{i}",
            "evidence": evidence(),
        }
        for i in range(0, 400, 3)
    ]
    big = brief(
        headline="H" * 400,
        summary=long,
        key_actors=[
            {
                "name": f"Actor {i} " + "x" * 300,
                "type": "person",
                "role": long,
                "mentions": 1,
                "salience": 0.1,
                "aliases": [],
                "evidence": [],
            }
            for i in range(300)
        ],
        claims=many_claims,
        denials=many_denials
        + [
            {
                "id": "dx",
                "speaker": "Orphan",
                "statement": "Not true.",
                "rebuts": None,
                "evidence": evidence(),
            }
        ],
        next_steps=[
            {"actor": "Council", "action": long, "when": "soon", "evidence": evidence()}
            for _ in range(200)
        ],
    )
    big["meta"]["warnings"] = [f"warning {i} " + long for i in range(30)]
    message = brief_message(big, source_url="http://127.0.0.1/article")
    assert_valid_block_kit(message)
    text = all_text(message["blocks"])
    assert message["blocks"][0]["text"]["text"].endswith("\u2026")
    assert "more actors_" in text
    assert "more claims and denials_" in text
    assert "more next steps_" in text
    assert "more warnings_" in text
    assert len(message["text"]) <= 3000


def test_a_minimal_brief_is_still_a_message():
    message = brief_message(
        {"headline": "", "summary": "", "meta": {"generator": {"backend": "llm"}}}
    )
    assert_valid_block_kit(message)
    assert message["blocks"][0]["text"]["text"] == "Brief"
    assert fallback_text({}) == "Brief"
