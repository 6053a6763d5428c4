"""`newsum serve`: the HTTP API under uvicorn (settings from NEWSUM_* environment variables)."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(min=1, help="Processes; each loads its own models and has its own queue."),
    ] = 1,
    log_level: Annotated[str, typer.Option(help="critical|error|warning|info|debug")] = "info",
    no_ui: Annotated[
        bool, typer.Option("--no-ui", help="Do not serve the review page at / (API only).")
    ] = False,
) -> None:
    """Serve POST /v1/summarize and friends (see docs/api.md), and the review page at /."""
    import uvicorn

    if no_ui:  # through the environment, so that every worker process sees it
        os.environ["NEWSUM_UI"] = "false"

    uvicorn.run(
        "app.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,  # newsum writes its own JSON access log (newsum.access)
        proxy_headers=True,
        timeout_graceful_shutdown=30,
    )
