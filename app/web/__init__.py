"""The editor's review page: plain HTML, CSS and JS from package data, served at ``/``.

No build step and nothing from a CDN, so the page works offline and its three files are
what a reviewer reads. It is a client of the public ``/v1`` API like any other, so it
lives outside ``app.api`` and is mounted in one call (``NEWSUM_UI=false`` or
``newsum serve --no-ui`` leaves it out). Every response carries a strict
Content-Security-Policy: scripts and styles only from these files, requests only to
this origin, no inline code, no framing.
"""

from __future__ import annotations

import hashlib
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import Response

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
# URL path -> (file in static/, media type)
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/ui/app.css": ("app.css", "text/css; charset=utf-8"),
    "/ui/app.js": ("app.js", "text/javascript; charset=utf-8"),
}


def page_bytes() -> dict[str, bytes]:
    """The page's files as served, by URL path (what the page weighs)."""
    static = files(__package__).joinpath("static")
    return {path: static.joinpath(name).read_bytes() for path, (name, _) in ASSETS.items()}


def mount_review_page(app: FastAPI) -> None:
    """Add GET routes for the page's files (kept out of the OpenAPI spec)."""
    for path, body in page_bytes().items():
        media = ASSETS[path][1]
        app.add_api_route(path, _responder(body, media), methods=["GET"], include_in_schema=False)


def _responder(body: bytes, media: str):
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-cache",  # revalidate: an upgraded server serves the new page
        "ETag": etag,
    }

    async def serve(request: Request) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media, headers=headers)

    return serve
