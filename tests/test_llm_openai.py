"""The openai backend against a fake OpenAI-compatible server on 127.0.0.1.

The server, the HTTP client, the schema check, the retry and the fallback all run for
real; only the waits between tries are recorded instead of slept.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from llm_server import Step, fake_llm_server
from test_llm import COURT, REPLY
from tiny_models import ROOT, SAMPLES, assert_evidence_valid
from typer.testing import CliRunner

from summarizer.errors import ModelUnavailable
from summarizer.generate.openai_compat import OpenAIGenerator, retry_after
from summarizer.ingest import ingest
from summarizer.pipeline import Pipeline

KEY = "sk-test-key-never-logged-4711"


def make(server, *, key: str = KEY, **options) -> OpenAIGenerator:
    options = {"timeout": 5.0, "retries": 2, "backoff": 0.01, **options}
    generator = OpenAIGenerator("qwen-test", url=server.url, api_key=key, **options)
    generator.waits = []
    generator._sleep = generator.waits.append
    return generator


@pytest.fixture(scope="module")
def rule_based():
    return Pipeline().summarize(COURT)


def test_a_valid_reply_becomes_the_brief():
    with fake_llm_server([Step(json.dumps(REPLY))], key=KEY) as server:
        generator = make(server)
        brief = Pipeline(generator=generator).summarize(COURT, with_source=True)
    assert (brief.meta.generator.backend, brief.meta.generator.model) == ("openai", "qwen-test")
    assert (brief.headline, brief.summary) == (REPLY["headline"], REPLY["summary"])
    assert_evidence_valid(brief, brief.source)
    assert not any("schema" in w for w in brief.meta.warnings)
    assert generator.stats["valid_first"] == 1
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    body = request["body"]
    assert body["model"] == "qwen-test" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "Judge Amelia Frost adjourned the hearing" in body["messages"][1]["content"]
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert schema["properties"]["claims"]["maxItems"] == 6
    assert schema["properties"]["headline"]["maxLength"] == 110
    quote = schema["properties"]["claims"]["items"]["properties"]["quote"]
    assert quote["anyOf"] == [{"type": "string", "maxLength": 400}, {"type": "null"}]
    assert_bounded(schema)


def assert_bounded(node) -> None:
    """Every string has a maxLength and every array a maxItems (else a small model under a
    grammar can write until it runs out of tokens)."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            assert "maxLength" in node, node
        if node.get("type") == "array":
            assert "maxItems" in node, node
        assert not isinstance(node.get("type"), list), node  # converters drop bounds there
        for value in node.values():
            assert_bounded(value)
    elif isinstance(node, list):
        for value in node:
            assert_bounded(value)


def test_a_reply_that_fails_the_schema_is_retried_once_with_the_reason():
    too_long = dict(REPLY, summary="The trial went on. " * 50)
    script = [Step(json.dumps(too_long)), Step(json.dumps(REPLY))]
    with fake_llm_server(script) as server:
        generator = make(server)
        brief = Pipeline(generator=generator).summarize(COURT)
    assert len(server.requests) == 2
    retry = server.requests[1]["body"]["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert "summary is 950 characters, more than 700" in retry[3]["content"]
    assert brief.summary == REPLY["summary"]
    assert not any("schema" in w for w in brief.meta.warnings)
    assert generator.stats == {"replies": 1, "valid_first": 0, "valid_retry": 1, "failed": 0}


def test_two_failures_fall_back_field_by_field_and_say_which(rule_based):
    bad = dict(REPLY, headline="Trial " * 30, claims=REPLY["claims"] * 3)  # 12 claims
    with fake_llm_server([Step(json.dumps(bad))]) as server:
        brief = Pipeline(generator=make(server)).summarize(COURT)
    assert len(server.requests) == 2
    (warning,) = [w for w in brief.meta.warnings if "failed the schema" in w]
    assert warning.endswith("fell back to the rule-based output for: headline, claims")
    assert "headline is 180 characters, more than 110" in warning
    assert brief.headline == rule_based.headline  # the extractive headline
    assert brief.summary == REPLY["summary"]  # a valid field is kept
    assert [c.evidence for c in brief.claims] == [c.evidence for c in rule_based.claims]


def test_a_reply_that_is_never_json_is_the_rule_based_brief(rule_based):
    with fake_llm_server([Step("Sorry, I can't do that.")]) as server:
        brief = Pipeline(generator=make(server)).summarize(COURT)
    assert len(server.requests) == 2
    assert any("did not reply with a JSON object" in w for w in brief.meta.warnings)
    assert any(
        w.endswith("for: headline, summary, claims, denials, next_steps")
        for w in brief.meta.warnings
    )
    assert (brief.headline, brief.summary) == (rule_based.headline, rule_based.summary)


def test_429_waits_as_long_as_retry_after_says():
    script = [Step(status=429, headers={"Retry-After": "3"}), Step(json.dumps(REPLY))]
    with fake_llm_server(script) as server:
        generator = make(server)
        brief = Pipeline(generator=generator).summarize(COURT)
    assert generator.waits == [3.0]
    assert len(server.requests) == 2 and brief.headline == REPLY["headline"]


def test_a_500_is_retried_with_backoff():
    with fake_llm_server([Step(status=500), Step(json.dumps(REPLY))]) as server:
        generator = make(server)
        brief = Pipeline(generator=generator).summarize(COURT)
    assert len(generator.waits) == 1 and 0 < generator.waits[0] < 0.1  # backoff=0.01
    assert brief.headline == REPLY["headline"]


def test_a_server_that_keeps_failing_gives_the_rule_based_brief(rule_based):
    with fake_llm_server([Step(status=503)]) as server:
        generator = make(server, retries=2)
        brief = Pipeline(generator=generator).summarize(COURT)
    assert len(server.requests) == 3
    assert generator.waits[1] > generator.waits[0]  # exponential
    assert any("gave no reply (HTTP 503, 3 tries)" in w for w in brief.meta.warnings)
    assert (brief.headline, brief.summary) == (rule_based.headline, rule_based.summary)
    assert len(brief.claims) == len(rule_based.claims)


def test_a_hang_past_the_timeout_is_a_warning_not_a_lost_brief(rule_based):
    with fake_llm_server([Step(hang=30)]) as server:
        generator = make(server, timeout=0.5, retries=1)
        brief = Pipeline(generator=generator).summarize(COURT)
    assert len(server.requests) == 2
    assert any("timed out after 0.5 s, 2 tries" in w for w in brief.meta.warnings)
    assert brief.headline == rule_based.headline


def test_a_wrong_key_is_one_clear_error_that_never_shows_the_key(caplog):
    caplog.set_level(logging.DEBUG)
    with fake_llm_server([Step(json.dumps(REPLY))], key=KEY) as server:
        generator = make(server, key="sk-wrong-key-0042")
        with pytest.raises(ModelUnavailable, match=r"rejected the API key \(HTTP 401\)") as err:
            Pipeline(generator=generator).summarize(COURT)
    assert len(server.requests) == 1  # not retried
    assert "sk-wrong-key-0042" not in str(err.value) + caplog.text + repr(generator)


def test_the_cli_exits_2_with_one_line_on_a_wrong_key(monkeypatch):
    from app.cli import app

    court = next(p for p in SAMPLES if p.name == "court-case.txt")
    with fake_llm_server([Step(json.dumps(REPLY))], key=KEY) as server:
        monkeypatch.setenv("NEWSUM_LLM_URL", server.url)
        monkeypatch.setenv("NEWSUM_LLM_MODEL", "qwen-test")
        monkeypatch.setenv("NEWSUM_LLM_API_KEY", "sk-wrong-key-0042")
        result = CliRunner().invoke(app, ["summarize", str(court), "--backend", "openai"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "rejected the API key" in lines[0]
    assert "sk-wrong-key-0042" not in result.output


def test_without_a_url_the_backend_says_which_setting_is_missing(monkeypatch):
    monkeypatch.delenv("NEWSUM_LLM_URL", raising=False)
    with pytest.raises(ModelUnavailable, match="NEWSUM_LLM_URL"):
        Pipeline("openai", "qwen-test")


def test_requests_in_flight_never_exceed_the_concurrency_limit():
    texts = [ingest(p.read_text(encoding="utf-8")) for p in SAMPLES[:6]]
    with fake_llm_server([Step(json.dumps(REPLY), delay=0.2)]) as server:
        generator = make(server, concurrency=2)
        briefs = Pipeline(generator=generator).summarize_clean(texts)
    assert len(briefs) == 6 and len(server.requests) == 6
    assert server.max_in_flight <= 2


def test_the_backend_works_from_the_default_install():
    """No model stack (transformers, the openai package, llama.cpp) is imported to brief
    through a server. (torch is, by spaCy's thinc, as in every newsum process.)"""
    code = (
        "import json, sys\n"
        "from summarizer.pipeline import Pipeline\n"
        "Pipeline('openai', 'm', url='http://127.0.0.1:9/v1', retries=0).load()\n"
        "print(json.dumps([m for m in ('transformers', 'openai', 'llama_cpp')"
        " if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize(
    ("header", "seconds"), [("7", 7.0), ("0.5", 0.5), (None, None), ("soon", None)]
)
def test_retry_after_values(header, seconds):
    assert retry_after(header) == seconds
