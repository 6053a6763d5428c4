"""`newsum serve`: the HTTP API under uvicorn (settings from NEWSUM_* environment variables)."""

from __future__ import annotations

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
) -> None:
    """Serve POST /v1/summarize and friends (see docs/api.md)."""
    import uvicorn

    from app.api.settings import Settings
    from app.http_protocol import IMPORT_PATH

    settings = Settings()
    proxies = settings.trusted_proxies  # X-Forwarded-For only from these (none by default)
    uvicorn.run(
        "app.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,  # newsum writes its own JSON access log (newsum.access)
        proxy_headers=bool(proxies),
        forwarded_allow_ips=",".join(proxies) or None,
        http=IMPORT_PATH,  # header/body read deadlines, connection cap, JSON 400s
        limit_concurrency=settings.limit_concurrency,
        timeout_keep_alive=settings.keep_alive_s,  # type: ignore[arg-type]
        timeout_graceful_shutdown=30,
    )
