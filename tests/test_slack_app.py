"""The bot's configuration: the app manifest agrees with the code, settings come from env."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from app.slack import bot
from app.slack.settings import SlackSettings

MANIFEST = Path(__file__).resolve().parents[1] / "slack-app-manifest.yaml"


def test_manifest_declares_what_the_bot_listens_for():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [bot.COMMAND]
    [shortcut] = features["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", bot.SHORTCUT_CALLBACK_ID)
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_mention"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = [c["url"] for c in features["slash_commands"]]
    urls += [settings["event_subscriptions"]["request_url"]]
    urls += [settings["interactivity"]["request_url"]]
    assert all(url.endswith("/slack/events") for url in urls)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands"} <= scopes


def test_settings_come_from_the_environment(monkeypatch):
    for name, value in {
        "SLACK_SIGNING_SECRET": "s3cret",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_APP_TOKEN": "xapp-1",
        "SLACK_API_URL": "http://127.0.0.1:9999/api/",
        "NEWSUM_API_URL": "http://127.0.0.1:8000",
        "NEWSUM_API_KEY": "k",
        "NEWSUM_API_TIMEOUT": "12.5",
        "BRIEF_VISIBILITY": "in_channel",
    }.items():
        monkeypatch.setenv(name, value)
    settings = SlackSettings()
    assert settings.slack_signing_secret == "s3cret"
    assert settings.slack_app_token == "xapp-1"
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.newsum_api_key == "k"
    assert settings.newsum_api_timeout == 12.5
    assert settings.brief_visibility == "in_channel"


def test_slack_api_url_becomes_the_web_client_base_url():
    settings = SlackSettings(
        slack_signing_secret="s",
        slack_bot_token="xoxb-1",
        slack_api_url="http://127.0.0.1:9/api",
        slack_token_verification=False,
    )
    assert bot.create_bolt_app(settings).client.base_url == "http://127.0.0.1:9/api/"


def test_the_bot_never_loads_the_nlp_stack():
    code = (
        "import sys, app.slack.server, app.cli_slack\n"
        "heavy = [m for m in ('spacy', 'torch', 'transformers', 'summarizer.pipeline')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_socket_mode_uses_the_app_token_and_slack_api_url(monkeypatch):
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from app.slack import server

    started = []
    monkeypatch.setattr(SocketModeHandler, "start", lambda self: started.append(self))
    settings = SlackSettings(
        slack_bot_token="xoxb-1",
        slack_app_token="xapp-1",
        slack_api_url="http://127.0.0.1:9/api/",
        slack_token_verification=False,
    )
    server.run_socket_mode(settings)
    [handler] = started
    handler.close()  # the client's worker threads start with it, though it never connected
    assert handler.app_token == "xapp-1"
    assert handler.client.web_client.base_url == "http://127.0.0.1:9/api/"
    assert handler.client.web_client.token == "xapp-1"
