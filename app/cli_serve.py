"""`newsum serve`: the HTTP API under uvicorn (settings from NEWSUM_* environment variables)."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes behind the one port, each loading its own models and with its "
            "own queue (default: the number of cores).",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="critical|error|warning|info|debug")] = "info",
    no_ui: Annotated[
        bool, typer.Option("--no-ui", help="Do not serve the review page at / (API only).")
    ] = False,
) -> None:
    """Serve POST /v1/summarize and friends (see docs/api.md), and the review page at /."""
    import uvicorn
    from pydantic import ValidationError

    if no_ui:  # through the environment, so that every worker process sees it
        os.environ["NEWSUM_UI"] = "false"

    from app.api import workers as shared
    from app.api.settings import Settings, check_api_keys
    from app.cli import fail
    from app.http_protocol import IMPORT_PATH

    try:
        settings = Settings()
        check_api_keys(settings.api_keys)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise fail(f"bad settings: {message}") from None
    except ValueError as exc:
        raise fail(str(exc)) from None
    if not settings.api_keys and not _loopback(host):
        typer.secho(
            f"newsum serve: WARNING: NEWSUM_API_KEYS is not set, so /v1/* on {host}:{port} "
            "answers anyone who can reach it; set keys or bind 127.0.0.1",
            err=True,
            fg=typer.colors.RED,
            bold=True,
        )
    os.environ["NEWSUM_BIND_HOST"] = host  # app.server: this command did the warning
    proxies = settings.trusted_proxies  # X-Forwarded-For only from these (none by default)
    workers = workers or shared.default_workers()
    options = dict(
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,  # newsum writes its own JSON access log (newsum.access)
        proxy_headers=bool(proxies),
        forwarded_allow_ips=",".join(proxies) or None,
        http=IMPORT_PATH,  # header/body read deadlines, connection cap, JSON 400s
        limit_concurrency=settings.limit_concurrency,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=30,
    )
    with shared.shared_state(workers):  # metrics + readiness across workers (N > 1)
        if workers == 1:
            uvicorn.run("app.server:app", **options)  # type: ignore[arg-type]
            return
        from app.api import reuseport

        config = uvicorn.Config("app.server:app", **options)  # type: ignore[arg-type]
        try:  # a listening socket per worker: the kernel spreads connections (docs/api.md)
            sock = reuseport.bind(config)
        except OSError as exc:
            raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        reuseport.supervise(config, sock)
