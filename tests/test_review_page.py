"""The review page (app/web) in a real browser: Debian's chromium driven by Playwright.

A real `newsum serve` runs on a free 127.0.0.1 port; the page is used as an editor would
(type, click, press keys) and checked against the API's own answers. Without chromium
(or playwright) the module is skipped with one line saying so; .ci/run installs both.
Screenshots go to $NEWSUM_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from support import CHROMIUM_ARGS, SAMPLES, local_site
from test_web import newsum_serve

CHROMIUM = Path(os.environ.get("NEWSUM_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(
        f"no chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed: browser tests skipped"
)

expect = sync_api.expect
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SUMMARIZE = "**/v1/summarize"
XSS_ARTICLE = (
    "Harbour board approves the new quay 🙂 after a long fight\n\n"
    "The harbour board said on Monday that the new quay <img src=x onerror=alert(1)> "
    "would open in May, after two years of delays.\n\n"
    '"We have done everything by the book <script>alert(2)</script>," said Ana Ruiz, '
    "the board's chair. The fishermen's union denied that the board had consulted it.\n\n"
    "The council will vote on the quay's budget next week."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    # URL input is tested against a page this test serves on 127.0.0.1
    with newsum_serve(log, NEWSUM_FETCH_ALLOWLIST="127.0.0.1") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    pw = sync_api.sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        pw.stop()


class PageWatch:
    """What a page did that it must not: scripts run by article text, CSP violations,
    uncaught errors, requests leaving the server's origin."""

    def __init__(self, page, base: str):
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)
        page.on("request", lambda req: self._request(req.url, base))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, msg) -> None:
        if "Content Security Policy" in msg.text:
            self.errors.append(f"CSP: {msg.text}")

    def _request(self, url: str, base: str) -> None:
        if not url.startswith((base + "/", "data:", "blob:")):
            self.foreign.append(url)


@pytest.fixture
def open_page(browser, server):
    """open_page(width, height, base) -> (page, watch); checks the watch at the end."""
    opened = []

    def open_(width=1280, height=900, base=server, permissions=()):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            reduced_motion="reduce",  # scrolling is instant, so positions can be checked
            accept_downloads=True,
        )
        if permissions:
            context.grant_permissions(list(permissions), origin=base)
        page = context.new_page()
        page.set_default_timeout(60_000)
        watch = PageWatch(page, base)
        page.goto(base + "/")
        page.wait_for_selector("body[data-ready=true]")
        opened.append((context, watch))
        return page, watch

    yield open_
    for context, watch in opened:
        context.close()
        assert watch.dialogs == [], "the page ran a script: " + repr(watch.dialogs)
        assert watch.errors == []
        assert watch.foreign == [], "the page reached beyond its server"


def submit(page, text: str | None = None) -> dict:
    """Fill the article box (if given), submit, wait for the rendered brief; the API's JSON."""
    if text is not None:
        page.fill("textarea[name=text]", text)
    with page.expect_response(lambda r: r.url.endswith("/v1/summarize")) as answer:
        page.click("form button[type=submit]")
    page.wait_for_selector("#result[data-state=rendered]")
    response = answer.value
    assert response.status == 200, response.text()
    return response.json()


def submit_for_error(page, text: str = "x") -> str:
    page.fill("textarea[name=text]", text)
    page.click("form button[type=submit]")
    page.wait_for_selector("[role=alert]:not(:empty)")
    return page.text_content("[role=alert]")


def items_of(brief: dict) -> list[tuple[str, str, dict]]:
    """(data-item-id, kind, item) in the brief's order, ids as the page derives them."""
    out = [(a.get("id") or f"a{i + 1}", "actor", a) for i, a in enumerate(brief["key_actors"])]
    out += [(c["id"], "claim", c) for c in brief["claims"]]
    out += [(d["id"], "denial", d) for d in brief["denials"]]
    out += [(n.get("id") or f"n{i + 1}", "step", n) for i, n in enumerate(brief["next_steps"])]
    return out


def marks(page, item_id: str) -> list[str]:
    return page.locator(f'#source mark[data-item-id="{item_id}"]').all_text_contents()


def select(page, item_id: str) -> None:
    page.locator(f'#brief [data-item-id="{item_id}"] > .row').click()


def selected(page) -> list[str]:
    return page.eval_on_selector_all(
        '#brief [aria-selected="true"]', "nodes => nodes.map(n => n.dataset.itemId)"
    )


def assert_every_item_lights_its_evidence(page, brief: dict) -> None:
    items = items_of(brief)
    rendered = page.eval_on_selector_all(
        "#brief [data-item-id]", "nodes => nodes.map(n => n.dataset.itemId)"
    )
    assert sorted(rendered) == sorted(item_id for item_id, _, _ in items)
    for item_id, kind, item in items:
        select(page, item_id)
        assert selected(page) == [item_id]
        found = marks(page, item_id)
        if kind == "actor":
            names = {item["name"], *item["aliases"]} | {e["text"] for e in item["evidence"]}
            assert {e["text"] for e in item["evidence"]} <= set(found), item_id
            assert set(found) <= names, item_id
        else:
            assert found == [item["evidence"]["text"]], item_id


def assert_mark_in_view(page, item_id: str) -> None:
    box = page.locator(f'#source mark[data-item-id="{item_id}"]').first.bounding_box()
    pane = page.locator("#source").bounding_box()
    assert pane["y"] - 1 <= box["y"] and box["y"] + 10 <= pane["y"] + pane["height"] + 1


CONTRAST_JS = """(selectors) => {
  const parse = (c) => {
    const p = c.match(/[\\d.]+/g).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  return selectors.map((sel) => {
    const node = document.querySelector(sel);
    if (!node) return [sel, null];
    const a = lum(parse(getComputedStyle(node).color));
    const b = lum(background(node));
    return [sel, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""
TEXT_SELECTORS = [
    "body",
    ".tagline",
    "label",
    ".opt",
    "#submit",
    ".actions button",
    "#headline",
    ".summary",
    ".meta",
    ".hint",
    ".id",
    ".who",
    ".verb",
    ".denial .verb",
    ".facts",
    ".aliases",
    ".when",
    ".rebuts",
    ".badge",
    '[aria-selected="true"] .who',
    ".source",
    ".source span.ev",
    ".source mark",
    ".source mark.mention",
]


def assert_aa_contrast(page, selectors: list[str]) -> None:
    ratios = page.evaluate(CONTRAST_JS, selectors)
    missing = [sel for sel, ratio in ratios if ratio is None]
    assert missing == [], f"not on the page: {missing}"
    low = [(sel, round(ratio, 2)) for sel, ratio in ratios if ratio < 4.5]
    assert low == [], f"below WCAG AA 4.5:1: {low}"


# -- briefs ----------------------------------------------------------------------------------


def test_seed_brief_denial_lights_its_evidence_beside_the_claim_it_rebuts(
    open_page, seed_nato_path
):
    page, _ = open_page(1920, 1080)
    started = time.perf_counter()
    brief = submit(page, seed_nato_path.read_text(encoding="utf-8"))
    wall_ms = (time.perf_counter() - started) * 1000
    server_ms = brief["meta"]["elapsed_ms"]
    in_page = page.evaluate("performance.getEntriesByName('newsum:submit-to-brief').pop().duration")
    print(
        f"\nseed: submit to rendered brief {in_page:.0f} ms in the page "
        f"({wall_ms:.0f} ms as seen by the test; the server's own elapsed_ms "
        f"{server_ms:.0f}; page/server {in_page / server_ms:.2f})"
    )
    assert page.text_content("#headline") == brief["headline"]
    assert page.text_content("#source") == brief["source"]
    gen = page.text_content("#generator")
    assert f"Backend: {brief['meta']['generator']['backend']}" in gen
    assert f"model: {brief['meta']['generator']['model'] or 'none'}" in gen

    # an actor lights every whole-word mention of its name and aliases
    actor_id, _, actor = next(i for i in items_of(brief) if i[2].get("name") == "Russia")
    select(page, actor_id)
    names = "|".join(
        re.escape(n) for n in sorted({actor["name"], *actor["aliases"]}, key=len)[::-1]
    )
    mentions = re.findall(rf"(?<!\w)(?:{names})(?!\w)", brief["source"])
    assert marks(page, actor_id) == mentions and len(mentions) > 1

    russia = [d for d in brief["denials"] if d["speaker"] == "Russia"]
    assert russia, brief["denials"]
    denial = russia[0]
    select(page, denial["id"])
    assert selected(page) == [denial["id"]]
    assert marks(page, denial["id"]) == [denial["evidence"]["text"]]
    assert_mark_in_view(page, denial["id"])
    # the claim it rebuts is shown with it: the denial sits inside that claim's item
    assert denial["rebuts"]
    claim = next(c for c in brief["claims"] if c["id"] == denial["rebuts"])
    holder = page.locator(f'#brief [data-item-id="{denial["id"]}"]').evaluate(
        "n => n.parentElement.closest('[data-item-id]').dataset.itemId"
    )
    assert holder == claim["id"]
    claim_row = page.locator(f'#brief [data-item-id="{claim["id"]}"] > .row')
    assert claim_row.is_visible() and claim["statement"] in claim_row.text_content()
    assert f"rebuts {claim['id']}" in page.text_content(f'#brief [data-item-id="{denial["id"]}"]')

    shots = os.environ.get("NEWSUM_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.evaluate("document.querySelector('#brief').scrollTop = 0")  # headline in view
        page.screenshot(path=str(Path(shots) / "review-seed-desktop.png"))
        page.set_viewport_size({"width": 360, "height": 740})
        select(page, denial["id"])
        page.screenshot(path=str(Path(shots) / "review-seed-360.png"))
        page.screenshot(path=str(Path(shots) / "review-seed-360-full.png"), full_page=True)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_brief_lights_exactly_its_evidence(open_page, path):
    page, _ = open_page()
    brief = submit(page, path.read_text(encoding="utf-8"))
    assert page.text_content("#headline") == brief["headline"]
    assert page.text_content("#source") == brief["source"]
    assert_every_item_lights_its_evidence(page, brief)
    for denial in brief["denials"]:
        if denial["rebuts"]:
            holder = page.locator(f'#brief [data-item-id="{denial["id"]}"]').evaluate(
                "n => n.parentElement.closest('[data-item-id]')?.dataset.itemId"
            )
            assert holder == denial["rebuts"]


def test_clicking_a_highlighted_passage_selects_the_items_it_supports(open_page):
    page, _ = open_page()
    brief = submit(page, (SAMPLES[0].parent / "diplomatic-dispute.txt").read_text())
    spans = {
        item_id: (item["evidence"]["start"], item["evidence"]["end"])
        for item_id, kind, item in items_of(brief)
        if kind != "actor"
    }
    assert selected(page) == []
    for item_id in spans:
        passage = page.locator(f'#source span.ev[data-items="{item_id}"]').first
        if passage.count() == 0:
            continue  # this item's evidence overlaps another's everywhere
        passage.click()
        assert selected(page) == [item_id]
        assert len(marks(page, item_id)) == 1
        assert page.locator(f'#brief [data-item-id="{item_id}"]').is_visible()
    # hovering an item previews its passage
    item_id = next(iter(spans))
    page.locator(f'#brief [data-item-id="{item_id}"] > .row').hover()
    previewed = page.eval_on_selector_all(
        "#source span.ev.preview", "ns => ns.map(n => n.dataset.items.split(' '))"
    )
    assert previewed and all(item_id in ids for ids in previewed)
    # resting on an item whose passage is out of sight brings it into view
    last = list(spans)[-1]
    page.evaluate("document.querySelector('#source').scrollTop = 0")
    passage = page.locator(f'#source span.ev[data-items~="{last}"]').first
    expect(passage).not_to_be_in_viewport()
    page.locator(f'#brief [data-item-id="{last}"] > .row').hover()
    expect(passage).to_be_in_viewport()
    # a passage under two items selects both
    shared = page.locator("#source span.ev[data-items*=' ']").first
    if shared.count():
        expected = shared.get_attribute("data-items").split()
        shared.click()
        assert sorted(selected(page)) == sorted(expected)
    # a mention of a selected actor selects that actor when clicked
    actor = items_of(brief)[0][0]
    select(page, actor)
    page.locator(f'#source mark[data-item-id="{actor}"]').last.click()
    assert actor in selected(page)


def test_overlapping_evidence_spans_each_light_exactly_their_text(open_page):
    """Two extra next steps over the first claim's evidence: one on the very same span, one
    crossing its end. Each alone gets its exact mark; selected together, all their text is lit."""
    page, _ = open_page()
    added = []

    def with_overlaps(route):
        brief = route.fetch().json()
        source, claim = brief["source"], brief["claims"][0]["evidence"]
        start = (claim["start"] + claim["end"]) // 2
        end = min(len(source), claim["end"] + 40)
        for a, b in ((claim["start"], claim["end"]), (start, end)):
            step = {"actor": None, "action": "overlap", "when": None}
            step["evidence"] = {"start": a, "end": b, "text": source[a:b]}
            brief["next_steps"].append(step)
            added.append(step)
        route.fulfill(json=brief)

    page.route(SUMMARIZE, with_overlaps)
    brief = submit(page, (SAMPLES[0].parent / "court-case.txt").read_text())
    claim = brief["claims"][0]
    n_same, n_cross = (f"n{len(brief['next_steps']) - 1}", f"n{len(brief['next_steps'])}")
    for item_id, evidence in ((claim["id"], claim["evidence"]), (n_same, added[0]["evidence"])):
        select(page, item_id)
        assert marks(page, item_id) == [evidence["text"]]
    select(page, n_cross)
    assert marks(page, n_cross) == [added[1]["evidence"]["text"]]
    # the passage under all three: a click selects them all, and every one is lit
    covered = page.locator(f'#source span.ev[data-items~="{claim["id"]}"][data-items~="{n_cross}"]')
    covered.first.click()
    assert set(selected(page)) >= {claim["id"], n_same, n_cross}
    lit = page.evaluate(
        """() => {
          const lit = [];
          const walk = (node, on) => {
            if (node.nodeType === Node.TEXT_NODE) { lit.push([node.data, on]); return; }
            const here = on || node.tagName === 'MARK' || node.classList.contains('hit');
            for (const child of node.childNodes) walk(child, here);
          };
          walk(document.querySelector('#source'), false);
          return lit;
        }"""
    )
    flags = [on for text, on in lit for _ in text]
    spans = {claim["id"]: claim["evidence"], n_same: added[0]["evidence"]}
    spans[n_cross] = added[1]["evidence"]
    for item_id, ev in spans.items():
        assert all(flags[ev["start"] : ev["end"]]), item_id


def test_keyboard_moves_through_items_with_a_visible_focus(open_page):
    page, _ = open_page()
    brief = submit(page, (SAMPLES[0].parent / "court-case.txt").read_text())
    tree = [i for i, kind, _ in items_of(brief) if kind in ("claim", "denial")]
    assert len(tree) >= 2
    # Tab from the last control before the lists reaches the first actor, then the claims
    page.focus("#download-json")
    page.keyboard.press("Tab")  # the confidence threshold, shown when items carry confidence
    if any("confidence" in a for a in brief["key_actors"]):
        assert page.evaluate("document.activeElement.id") == "threshold"
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.itemId") == "a1"  # the actors' list
    page.keyboard.press("Tab")  # the claims' tree
    first = page.evaluate("document.activeElement.dataset.itemId")
    assert first == tree[0]
    page.keyboard.press("Enter")
    assert selected(page) == [first]
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.itemId")
    assert second != first and selected(page) == [second]
    assert marks(page, second)
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("End")
    assert selected(page) == [page.evaluate("document.activeElement.dataset.itemId")]
    page.keyboard.press("Home")
    assert selected(page) == [first]


def test_article_markup_is_shown_as_text_and_never_runs(open_page):
    page, watch = open_page()
    brief = submit(page, XSS_ARTICLE)
    source = page.text_content("#source")
    assert "<img src=x onerror=alert(1)>" in source and "<script>alert(2)</script>" in source
    assert source == brief["source"]
    assert page.locator("#result img, #result script").count() == 0
    assert_every_item_lights_its_evidence(page, brief)  # offsets after the emoji still line up
    assert watch.dialogs == []


def test_a_url_is_fetched_by_the_server_and_a_refused_one_explained(open_page):
    article = (SAMPLES[0].parent / "court-case.txt").read_text(encoding="utf-8")
    routes = {"/story.txt": (200, "text/plain; charset=utf-8", article.encode())}
    with local_site(routes) as site:
        page, watch = open_page()
        page.fill("input[name=url]", site + "/story.txt")
        with page.expect_request(SUMMARIZE) as request:
            brief = submit(page)
        assert request.value.post_data_json["url"] == site + "/story.txt"
        assert page.text_content("#headline") == brief["headline"]
        assert page.text_content("#source") == brief["source"]
        watch.foreign.clear()  # the server fetched the page; the browser did not
        page.fill("input[name=url]", "http://10.0.0.1/story")
        message = submit_for_error(page, "")
        assert "could not be briefed" in message and "10.0.0.1" in message


def test_non_english_text_shows_the_servers_warning(open_page):
    page, _ = open_page()
    brief = submit(
        page,
        "Die Stadtverwaltung von Lindau hat am Dienstag neue Regeln für den Hafen beschlossen. "
        "Der Bürgermeister sagte, die Reform sei notwendig. Die Opposition wies das zurück.",
    )
    assert brief["meta"]["warnings"]
    shown = page.text_content("#warnings")
    assert page.is_visible("#warnings")
    assert all(w in shown for w in brief["meta"]["warnings"])


def test_a_dropped_html_file_is_sent_as_html_and_a_txt_file_as_text(open_page, tmp_path):
    page, _ = open_page()
    sample = SAMPLES[0].parent / "policy-announcement.txt"
    paragraphs = [p for p in sample.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    doc = "<!doctype html><html><head><title>{}</title></head><body><article>{}</article>"
    doc = doc.format(
        html.escape(paragraphs[0]), "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[1:])
    )
    page.evaluate(
        """([name, content]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([content], name, {type: 'text/html'}));
          document.querySelector('#drop').dispatchEvent(
            new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        ["story.html", doc],
    )
    expect(page.locator("textarea[name=text]")).not_to_have_value("")
    with page.expect_request(SUMMARIZE) as request:
        brief = submit(page)
    sent = request.value.post_data_json
    assert sent["html"] == doc and "text" not in sent and sent["with_source"] is True
    assert brief["headline"] and page.text_content("#headline") == brief["headline"]

    txt = tmp_path / "story.txt"
    txt.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    page.set_input_files("#file", str(txt))
    expect(page.locator("input[name=kind][value=text]")).to_be_checked()
    with page.expect_request(SUMMARIZE) as request:
        submit(page)
    assert request.value.post_data_json["text"] == txt.read_text(encoding="utf-8")


# -- options, confidence, hand-off ------------------------------------------------------------


def test_options_follow_what_the_server_offers(open_page):
    page, _ = open_page()
    props = page.evaluate(
        "fetch('openapi.json').then(r => r.json())"
        ".then(s => s.components.schemas.SummarizeRequest.properties)"
    )
    options = page.eval_on_selector_all("#backend option", "os => os.map(o => o.value)")
    assert "extractive" in options
    assert page.is_visible("input[name=max_claims]")
    assert page.is_visible("input[name=min_confidence]") == ("min_confidence" in props)
    page.fill("input[name=max_claims]", "2")
    page.select_option("#backend", "extractive")
    if "min_confidence" in props:
        page.fill("input[name=min_confidence]", "0.3")
    with page.expect_request(SUMMARIZE) as request:
        brief = submit(page, (SAMPLES[0].parent / "court-case.txt").read_text())
    sent = request.value.post_data_json
    assert sent["max_claims"] == 2 and sent["backend"] == "extractive"
    assert ("min_confidence" in sent) == ("min_confidence" in props)
    assert len(brief["claims"]) <= 2
    if "min_confidence" in props:
        assert sent["min_confidence"] == 0.3
        items = [*brief["key_actors"], *brief["claims"], *brief["denials"], *brief["next_steps"]]
        assert items and all(i["confidence"] >= 0.3 for i in items)


def test_min_confidence_is_sent_only_when_the_schema_has_it(open_page):
    page, _ = open_page()
    page.unroute_all()

    def with_min_confidence(route):
        spec = route.fetch().json()
        props = spec["components"]["schemas"]["SummarizeRequest"]["properties"]
        props.setdefault("min_confidence", {"type": "number", "minimum": 0, "maximum": 1})
        route.fulfill(json=spec)

    sent = []

    def forward_without(route):  # this server may not know the field yet
        body = route.request.post_data_json
        sent.append(dict(body))
        body.pop("min_confidence", None)
        route.fallback(post_data=json.dumps(body))

    page.route("**/openapi.json", with_min_confidence)
    page.route(SUMMARIZE, forward_without)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("input[name=min_confidence]")
    page.fill("input[name=min_confidence]", "0.4")
    submit(page, (SAMPLES[0].parent / "court-case.txt").read_text())
    assert sent[-1]["min_confidence"] == 0.4


def test_confidence_and_warnings_are_shown(open_page):
    page, _ = open_page()
    scores = [0.9, 0.2, 0.7, 0.45]

    def with_confidence(route):
        brief = route.fetch().json()
        for i, item in enumerate([*brief["claims"], *brief["denials"], *brief["next_steps"]]):
            item["confidence"] = scores[i % len(scores)]
        brief["meta"]["warnings"] = ["the headline named 'Zorland', which the article does not"]
        route.fulfill(json=brief)

    page.route(SUMMARIZE, with_confidence)
    brief = submit(page, (SAMPLES[0].parent / "diplomatic-dispute.txt").read_text())
    assert "which the article does not" in page.text_content("#warnings")
    assert page.is_visible("#warnings") and page.is_visible("#threshold")
    items = [*brief["claims"], *brief["denials"], *brief["next_steps"]]
    ids = [i for i, kind, _ in items_of(brief) if kind != "actor"]
    for item_id, item in zip(ids, items):
        node = page.locator(f'#brief [data-item-id="{item_id}"]')
        low = item["confidence"] < 0.5
        assert ("low" in node.get_attribute("class").split()) == low, item_id
        badge = node.locator(":scope > .row > .conf").text_content()
        assert badge == f"{'low confidence' if low else 'confidence'} {item['confidence']:.2f}"
    page.fill("#threshold", "0.1")
    assert page.locator("#brief .item.low").count() == 0
    assert_aa_contrast(page, [".conf"])
    page.fill("#threshold", "0.95")
    assert_aa_contrast(page, [".low .conf", ".warnings li"])


def test_copy_markdown_and_json_and_download_json(open_page, server):
    page, _ = open_page(permissions=("clipboard-read", "clipboard-write"))
    article = (SAMPLES[0].parent / "diplomatic-dispute.txt").read_text()
    brief = submit(page, article)
    page.click("#copy-md")
    page.wait_for_selector("#copy-status:has-text('Markdown copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    # the same article again: the server's cache answers with the same brief, as Markdown
    api_md = httpx.post(
        server + "/v1/summarize", json={"text": article, "format": "markdown"}, timeout=60
    ).text
    assert copied == api_md
    page.click("#copy-json")
    page.wait_for_selector("#copy-status:has-text('JSON copied')")
    assert json.loads(page.evaluate("navigator.clipboard.readText()")) == brief
    with page.expect_download() as info:
        page.click("#download-json")
    download = info.value
    assert re.fullmatch(r"newsum-[a-z0-9-]+\.json", download.suggested_filename)
    assert json.loads(Path(download.path()).read_text(encoding="utf-8")) == brief


# -- errors and keys --------------------------------------------------------------------------


def test_api_errors_become_clear_messages(open_page):
    page, _ = open_page()
    message = submit_for_error(page, "Too short.")  # a real 422 from the server
    assert "could not be briefed. Input has no article text." in message
    message = submit_for_error(page, "word " * 41_000)  # a real 413: over NEWSUM_MAX_CHARS
    assert "too large" in message and "the limit is 200,000 characters" in message
    page.fill("input[name=url]", "https://example.com/story")
    message = submit_for_error(page, "some text as well")
    assert "not both" in message
    page.fill("input[name=url]", "")

    def answer(status, code, text, headers=None):
        def handler(route):
            route.fulfill(
                status=status,
                headers={"Content-Type": "application/json", **(headers or {})},
                body=json.dumps({"error": {"code": code, "message": text}}),
            )

        page.unroute(SUMMARIZE)
        page.route(SUMMARIZE, handler)

    article = "The council met on Monday and agreed to build a new bridge over the river."
    answer(400, "bad_request", "the body cannot be parsed; send UTF-8 JSON")
    assert "could not read the request" in submit_for_error(page, article)
    answer(504, "timeout", "no brief within 30 s; try again later")
    assert "No brief within 30 s" in submit_for_error(page, article)
    answer(503, "model_unavailable", "no weights for 'seq2seq'")
    assert "not available" in submit_for_error(page, article)
    answer(500, "internal_error", "internal error; it has been logged")
    assert "failed unexpectedly" in submit_for_error(page, article)
    answer(429, "overloaded", "too many articles waiting; retry later", {"Retry-After": "7"})
    message = submit_for_error(page, article)
    assert "busy" in message and "Try again in 7 seconds" in message
    assert page.is_disabled("form button[type=submit]")
    assert "Retry in" in page.text_content("form button[type=submit]")
    assert_aa_contrast(page, [".alert", "#submit"])


def test_a_full_queue_on_a_real_server_shows_the_retry_message(open_page, tmp_path):
    """Queue of one, batches of one: a long article in inference and a second one waiting
    fill it (the queue-depth gauge says when), so the page's article gets a real 429."""
    long_article = "\n\n".join(p.read_text(encoding="utf-8") for p in SAMPLES * 3)
    waiting = (SAMPLES[0].parent / "court-case.txt").read_text(encoding="utf-8")
    env = {"NEWSUM_QUEUE_MAX": "1", "NEWSUM_BATCH_MAX_SIZE": "1", "NEWSUM_RETRY_AFTER_S": "3"}
    with newsum_serve(tmp_path / "serve.log", **env) as base:
        page, _ = open_page(base=base)

        def post(text: str) -> None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(base + "/v1/summarize", json={"text": text}, timeout=120)

        busy = [threading.Thread(target=post, args=(t,)) for t in (long_article, waiting)]
        busy[0].start()
        time.sleep(0.5)
        busy[1].start()
        deadline = time.monotonic() + 60
        while "newsum_queue_depth 1.0" not in httpx.get(base + "/metrics").text:
            assert time.monotonic() < deadline, "the queue never filled"
            time.sleep(0.05)
        message = submit_for_error(page, (SAMPLES[0].parent / "no-quotes.txt").read_text())
        assert "busy" in message and "Try again in 3 seconds" in message
        assert "Retry in" in page.text_content("form button[type=submit]")
        for thread in busy:
            thread.join()


def test_the_page_asks_for_an_api_key_and_keeps_it_for_the_tab_only(open_page, tmp_path):
    log = tmp_path / "serve.log"
    with newsum_serve(log, NEWSUM_API_KEYS="sesame-1", NEWSUM_PRELOAD="false") as base:
        page, _ = open_page(base=base)
        assert page.is_visible("#key-box") and page.is_visible("input[name=api_key]")
        message = submit_for_error(page, "The council met on Monday and agreed to a bridge.")
        assert "needs an API key" in message
        assert page.evaluate("document.activeElement.name") == "api_key"
        page.fill("input[name=api_key]", "wrong")
        page.click("#key-save")
        page.wait_for_selector("[role=alert]:has-text('refused')")
        page.fill("input[name=api_key]", "sesame-1")
        with page.expect_request("**/v1/schema") as probe:
            page.click("#key-save")
        assert probe.value.headers["authorization"] == "Bearer sesame-1"
        page.wait_for_selector("#key-box", state="hidden")
        assert page.evaluate("sessionStorage.getItem('newsum.apiKey')") == "sesame-1"
        assert page.evaluate("localStorage.length") == 0
        assert page.context.cookies() == []
        # another tab of the same browser does not have it
        other = page.context.new_page()
        other.goto(base + "/")
        other.wait_for_selector("body[data-ready=true]")
        assert other.is_visible("#key-box")


# -- layouts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width,height", [(360, 740), (1920, 1080)])
def test_layout_fits_the_screen_with_aa_contrast(open_page, width, height):
    page, _ = open_page(width, height)
    brief = submit(page, (SAMPLES[0].parent / "diplomatic-dispute.txt").read_text())
    denial = next(d for d in brief["denials"] if d["rebuts"])
    select(page, denial["id"])
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_mark_in_view(page, denial["id"])
    left = page.locator("#brief").bounding_box()
    right = page.locator("#source-pane").bounding_box()
    if width >= 900:  # side by side
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2
    else:  # stacked, brief first
        assert left["y"] < right["y"] and left["width"] <= width
    actor = items_of(brief)[0][0]
    select(page, actor)
    page.locator(f'#brief [data-item-id="{denial["id"]}"]').hover()
    assert_aa_contrast(page, TEXT_SELECTORS)
