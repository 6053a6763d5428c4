"""The HTTP API in-process (TestClient, lifespan on) with the real extractive pipeline."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support import local_site

from app.api import Settings, create_app
from summarizer.schema import StructuredSummary

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "samples" / "court-case.txt").read_text(encoding="utf-8")
OTHER = (ROOT / "samples" / "policy-announcement.txt").read_text(encoding="utf-8")
GERMAN = (
    "Die Stadtverwaltung von Lindau hat am Dienstag neue Regeln für den Hafen beschlossen. "
    "Der Bürgermeister sagte, die Reform sei notwendig. Die Opposition wies das zurück."
)


def make_client(**overrides) -> TestClient:
    return TestClient(create_app(Settings(**overrides)), raise_server_exceptions=False)


def wait_ready(client: TestClient, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "not ready in time"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def client():
    with make_client() as c:
        wait_ready(c)
        yield c


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert "Traceback" not in response.text
    return body["error"]


# -- happy paths -------------------------------------------------------------------------


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok", "detail": None}
    assert client.get("/readyz").json()["status"] == "ready"


def test_summarize_text_returns_a_valid_brief(client):
    r = client.post("/v1/summarize", json={"text": ARTICLE, "title": "Trial opens"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    brief = StructuredSummary.model_validate(r.json())
    assert brief.headline and brief.summary and brief.source is None
    assert r.headers["x-request-id"]


def test_with_source_returns_text_the_evidence_points_into(client):
    r = client.post("/v1/summarize", json={"text": OTHER, "with_source": True})
    brief = StructuredSummary.model_validate(r.json())
    spans = [i.evidence for i in (*brief.claims, *brief.denials, *brief.next_steps)]
    assert spans
    for ev in spans:
        assert brief.source[ev.start : ev.end] == ev.text


def test_markdown_format_is_text_markdown(client):
    r = client.post("/v1/summarize", json={"text": ARTICLE, "format": "markdown"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith("# ")


def test_html_input_is_extracted(client):
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n"))
    page = f"<html><head><title>T</title></head><body><nav>Home | World</nav><article>{paragraphs}</article></body></html>"  # noqa: E501
    r = client.post("/v1/summarize", json={"html": page})
    assert r.status_code == 200, r.text
    assert "<p>" not in r.json()["summary"]


def test_non_english_text_is_briefed_with_a_warning(client):
    r = client.post("/v1/summarize", json={"text": GERMAN})
    assert r.status_code == 200
    meta = r.json()["meta"]
    assert meta["language"] != "en" and meta["warnings"]


def test_schema_endpoint_serves_the_brief_json_schema(client):
    schema = client.get("/v1/schema").json()
    assert schema["title"] == "StructuredSummary" and "headline" in schema["properties"]


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/summarize", "/v1/summarize/batch", "/healthz", "/readyz"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_identical_articles_are_served_from_the_cache(client):
    text = ARTICLE + "\n\nA line only this test adds."
    first = client.post("/v1/summarize", json={"text": text})
    hits_before = _metric(client, 'newsum_cache_total{result="hit"}')
    second = client.post("/v1/summarize", json={"text": text, "format": "markdown"})
    assert first.status_code == second.status_code == 200
    assert _metric(client, 'newsum_cache_total{result="hit"}') == hits_before + 1
    assert first.json()["headline"] in second.text


def test_max_claims_asks_for_more_or_fewer_claims(client):
    def claims(**options):
        r = client.post("/v1/summarize", json={"text": ARTICLE, **options})
        assert r.status_code == 200, r.text
        return r.json()["claims"]

    default, two, more = claims(), claims(max_claims=2), claims(max_claims=32)
    assert len(default) == 8 and len(two) == 2 and len(more) > 8
    # the cap keeps the most central: the two kept are among the default eight
    assert {c["evidence"]["start"] for c in two} <= {c["evidence"]["start"] for c in default}
    r = client.post("/v1/summarize", json={"text": ARTICLE, "max_claims": 0})
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"
    # one micro-batch, three caps: each article keeps its own
    items = [{"text": OTHER, "max_claims": n} for n in (1, 3)] + [{"text": OTHER}]
    r = client.post("/v1/summarize/batch", json={"items": items})
    assert [len(x["brief"]["claims"]) for x in r.json()["results"]] == [1, 3, 8]


def test_batch_with_one_bad_item_keeps_the_others(client):
    items = [{"text": ARTICLE}, {"text": "   "}, {"text": OTHER, "format": "markdown"}]
    items += [{"url": "http://10.0.0.1/"}, {"text": ARTICLE, "backend": "no-such-backend"}]
    r = client.post("/v1/summarize/batch", json={"items": items})
    assert r.status_code == 200
    body = r.json()
    results = body["results"]
    assert [x["index"] for x in results] == list(range(5))
    assert (body["succeeded"], body["failed"]) == (2, 3)
    StructuredSummary.model_validate(results[0]["brief"])
    assert results[1]["error"]["code"] == "bad_input"
    assert results[2]["markdown"].startswith("# ")
    assert results[3]["error"]["code"] == "fetch_failed"
    assert results[4]["error"]["code"] == "unknown_backend"


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "bad_input"),
        ({"text": " \n\t "}, 422, "bad_input"),
        ({"text": "\x00\x01binary\x02" * 50}, 422, "bad_input"),
        ({"html": "<html><body></body></html>"}, 422, "bad_input"),
        ({}, 422, "invalid_request"),
        ({"title": "only a title"}, 422, "invalid_request"),
        ({"text": ARTICLE, "url": "https://news.example/"}, 422, "invalid_request"),
        ({"text": ARTICLE, "format": "pdf"}, 422, "invalid_request"),
        ({"text": ARTICLE, "surprise": 1}, 422, "invalid_request"),
        ({"text": 42}, 422, "invalid_request"),
        ([ARTICLE], 422, "invalid_request"),
        ({"text": ARTICLE, "backend": "gpt-9"}, 422, "unknown_backend"),
    ],
)
def test_bad_requests_get_a_json_error(client, body, status, code):
    r = client.post("/v1/summarize", json=body)
    assert r.status_code == status, r.text
    assert error_of(r)["code"] == code


def test_exactly_one_source_is_named_in_the_message(client):
    r = client.post("/v1/summarize", json={"text": "a", "html": "<p>b</p>"})
    assert "exactly one of text, html or url" in error_of(r)["message"]


def test_binary_looking_base64_never_fails_the_server(client):
    blob = base64.b64encode(bytes(range(256)) * 20).decode()
    r = client.post("/v1/summarize", json={"text": blob})
    assert r.status_code in (200, 422)


def test_malformed_json_and_wrong_content_type(client):
    r = client.post(
        "/v1/summarize", content=b'{"text": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "not valid JSON" in error_of(r)["message"]
    r = client.post("/v1/summarize", content=b"hello", headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "application/json" in error_of(r)["message"]


def test_article_over_max_chars_is_413_naming_the_limit():
    with make_client(max_chars=1000, preload=False) as c:
        r = c.post("/v1/summarize", json={"text": "word " * 400})
        assert r.status_code == 413
        assert "1,000" in error_of(r)["message"]


def test_body_over_the_cap_is_413_by_header_and_by_stream():
    with make_client(max_body_bytes=2000, preload=False) as c:
        r = c.post("/v1/summarize", json={"text": "x" * 5000})
        assert r.status_code == 413 and "2,000 bytes" in error_of(r)["message"]

        def chunks():  # no Content-Length: the cap must count what arrives
            for _ in range(10):
                yield b"x" * 500

        r = c.post("/v1/summarize", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and error_of(r)["code"] == "payload_too_large"


def test_batch_over_the_item_cap_is_413():
    with make_client(max_batch_items=2, preload=False) as c:
        r = c.post("/v1/summarize/batch", json={"items": [{"text": ARTICLE}] * 3})
        assert r.status_code == 413 and "limit is 2" in error_of(r)["message"]
        r = c.post("/v1/summarize/batch", json={"items": []})
        assert r.status_code == 422


def test_unknown_paths_and_methods_are_json_errors(client):
    assert error_of(client.get("/nowhere"))["code"] == "not_found"
    r = client.get("/v1/summarize")
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"


def test_unavailable_model_is_503_with_a_clear_message():
    from summarizer.errors import ModelUnavailable

    def factory(backend):
        raise ModelUnavailable(f"no weights for {backend!r} in /models")

    with TestClient(create_app(Settings(preload=False), pipeline_factory=factory)) as c:
        r = c.post("/v1/summarize", json={"text": ARTICLE, "backend": "seq2seq"})
        assert r.status_code == 503
        assert "no weights for 'seq2seq'" in error_of(r)["message"]


def test_readyz_is_503_until_the_models_load():
    gate = threading.Event()

    def slow_factory(backend):
        gate.wait(10)
        from summarizer.pipeline import Pipeline

        return Pipeline().load()

    with TestClient(create_app(Settings(), pipeline_factory=slow_factory)) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "loading"
        assert c.get("/healthz").status_code == 200
        gate.set()
        wait_ready(c)


# -- auth --------------------------------------------------------------------------------


def test_api_keys_guard_v1_but_not_health_or_metrics(monkeypatch):
    monkeypatch.setenv("NEWSUM_API_KEYS", "k-one, k-two")
    settings = Settings()
    assert settings.api_keys == ["k-one", "k-two"]
    with TestClient(create_app(settings)) as c:
        wait_ready(c)
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "k-one"}):
            r = c.post("/v1/summarize", json={"text": ARTICLE}, headers=headers)
            assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"
        assert c.get("/v1/schema").status_code == 401
        ok = c.post("/v1/summarize", json={"text": ARTICLE}, headers=_bearer("k-two"))
        assert ok.status_code == 200
        assert c.get("/v1/schema", headers=_bearer("k-one")).status_code == 200
        for path in ("/healthz", "/readyz", "/metrics"):
            assert c.get(path).status_code == 200


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# -- URL input ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_url():
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n"))
    body = f"<html><body><article>{paragraphs}</article></body></html>".encode()
    routes = {"/story": (200, "text/html; charset=utf-8", body)}
    redirects = {"/redirect-internal": "http://169.254.169.254/latest/meta-data/"}
    with local_site(routes, redirects) as url:
        yield url


def test_url_input_is_fetched_from_an_allowlisted_local_page(page_url):
    with make_client(fetch_allowlist=["127.0.0.1"]) as c:
        r = c.post("/v1/summarize", json={"url": f"{page_url}/story"})
        assert r.status_code == 200, r.text
        assert "Harwick" in r.json()["summary"]
        r = c.post("/v1/summarize", json={"url": f"{page_url}/redirect-internal"})
        assert r.status_code == 422 and "169.254.169.254" in error_of(r)["message"]


@pytest.mark.parametrize(
    "url",
    [
        "LOCAL/story",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "ftp://example.com/x",
    ],
)
def test_url_input_refuses_internal_addresses_without_the_allowlist(client, page_url, url):
    r = client.post("/v1/summarize", json={"url": url.replace("LOCAL", page_url)})
    assert r.status_code == 422
    assert error_of(r)["code"] == "fetch_failed"


# -- observability -----------------------------------------------------------------------


def _metric(client, series: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def test_metrics_expose_requests_latency_inference_queue_and_batches(client):
    client.post("/v1/summarize", json={"text": OTHER})
    client.get("/nowhere")
    text = client.get("/metrics").text
    assert 'newsum_requests_total{method="POST",route="/v1/summarize",status="200"}' in text
    assert 'newsum_requests_total{method="GET",route="unmatched",status="404"}' in text
    for name in (
        "newsum_request_duration_seconds_bucket",
        "newsum_inference_seconds_bucket",
        "newsum_batch_size_bucket",
        "newsum_queue_depth",
        "newsum_ready 1.0",
    ):
        assert name in text


def test_each_app_has_its_own_metrics_registry():
    with make_client(preload=False) as a, make_client(preload=False) as b:
        a.get("/healthz")
        assert 'route="/healthz"' in a.get("/metrics").text
        assert 'route="/healthz"' not in b.get("/metrics").text


def test_access_log_is_one_json_line_per_request(client):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("newsum.access")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    [record] = records
    line = json.loads(record.getMessage())
    assert line["method"] == "GET" and line["path"] == "/healthz" and line["status"] == 200
    assert line["request_id"] == "abc-123" and line["duration_ms"] >= 0
