"""`newsum slack`: run the Slack bot (HTTP mode on --port, or Socket Mode)."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("slack")
    def slack(
        port: Annotated[int, typer.Option(envvar="NEWSUM_SLACK_PORT", help="HTTP port.")] = 3000,
        host: Annotated[
            str, typer.Option(envvar="NEWSUM_SLACK_HOST", help="HTTP interface to listen on.")
        ] = "127.0.0.1",
        socket_mode: Annotated[
            bool | None,
            typer.Option(
                "--socket-mode/--http",
                help="Socket Mode (default when SLACK_APP_TOKEN is set) or HTTP mode.",
            ),
        ] = None,
    ) -> None:
        """The newsroom Slack bot: /brief, @mentions, "Brief this message"."""
        import logging

        from pydantic import ValidationError

        from app.cli import fail
        from app.slack.server import run_http, run_socket_mode
        from app.slack.settings import SlackSettings

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        try:
            settings = SlackSettings()
        except ValidationError as exc:
            raise fail(f"bad Slack settings: {exc.errors()[0]['msg']}") from None
        if not settings.slack_bot_token:
            raise fail("SLACK_BOT_TOKEN is not set (see docs/slack.md)")
        use_socket = bool(settings.slack_app_token) if socket_mode is None else socket_mode
        try:
            if use_socket:
                run_socket_mode(settings)
            else:
                run_http(settings, host, port)
        except ValueError as exc:
            raise fail(str(exc)) from None
