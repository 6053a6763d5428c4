"""What the review page adds on top of the server: submit to rendered brief, in a browser.

Starts a real `newsum serve`, opens the page in Debian's chromium (Playwright, no browser
download) and briefs each sample plus ../shared/eval/seed-nato.txt when present, ROUNDS
times each, interleaved. Every submit carries a fresh title, so the server's cache never
answers and each brief is a real inference. For each it takes the page's own measure
(``performance.measure('newsum:submit-to-brief')``: from the submit event to the frame
after the brief was drawn) and the server's ``meta.elapsed_ms``, and prints both and the
median ratio. Also prints the page's weight (HTML+CSS+JS as served, raw and gzip).

The last line is ``page_over_server_ratio=<float>`` (page time / server time, median; 1.0
would mean the page costs nothing on top of the brief itself).

    python bench/review_page.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import CHROMIUM_ARGS  # noqa: E402  (one list, shared with the page tests)
from test_web import newsum_serve  # noqa: E402  (the tests' server helper)

CHROMIUM = "/usr/bin/chromium"


def articles() -> list[tuple[str, str]]:
    found = [
        (p.stem, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "samples").glob("*.txt"))
    ]
    seed = ROOT.parent / "shared" / "eval" / "seed-nato.txt"
    if seed.exists():
        found.append(("seed-nato", seed.read_text(encoding="utf-8")))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    log = Path("/tmp") / "newsum-bench-review-page.log"
    with newsum_serve(log) as base, sync_playwright() as pw:
        raw = b"".join(httpx.get(base + p).content for p in ("/", "/ui/app.css", "/ui/app.js"))
        print(f"page weight: {len(raw)} bytes raw, {len(gzip.compress(raw, 9))} gzip")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(base + "/")
        page.wait_for_selector("body[data-ready=true]")
        ratios: list[float] = []
        for round_ in range(args.rounds):
            for name, text in articles():
                page.fill("textarea[name=text]", text)
                page.fill("input[name=title]", f"{name} round {round_}")  # never cached
                with page.expect_response(lambda r: r.url.endswith("/v1/summarize")) as answer:
                    page.click("form button[type=submit]")
                page.wait_for_selector("#result[data-state=rendered]")
                server_ms = answer.value.json()["meta"]["elapsed_ms"]
                page_ms = page.evaluate(
                    "performance.getEntriesByName('newsum:submit-to-brief').pop().duration"
                )
                ratios.append(page_ms / server_ms)
                print(
                    f"{name:24s} round {round_}: page {page_ms:7.0f} ms, server {server_ms:7.0f} ms"
                )
        browser.close()
    print(f"page_over_server_ratio={statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
