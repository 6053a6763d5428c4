"""The bot's settings, read from the environment (one place, like the API's)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SlackSettings(BaseSettings):
    """Env vars: SLACK_*, NEWSUM_API_*, BRIEF_VISIBILITY (names match the field names)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_signing_secret: str = Field(default="", description="Verifies requests from Slack.")
    slack_bot_token: str | None = Field(default=None, description="xoxb-… bot token.")
    slack_app_token: str | None = Field(default=None, description="xapp-… token: Socket Mode.")
    slack_api_url: str | None = Field(
        default=None, description="Slack Web API base URL (default https://slack.com/api/)."
    )
    slack_token_verification: bool = Field(
        default=True, description="Call auth.test at start-up to fail fast on a bad token."
    )
    slack_max_body_bytes: int = Field(
        default=256 * 1024, gt=0, description="Cap on a Slack request body (413 above)."
    )
    newsum_api_url: str = Field(default="http://127.0.0.1:8000")
    newsum_api_key: str | None = None
    newsum_api_timeout: float = Field(default=60.0, gt=0, description="Seconds per API call.")
    newsum_api_max_retry_after: float = Field(
        default=10.0, ge=0, description="Longest Retry-After (s) the bot waits out once on 429."
    )
    brief_visibility: Literal["ephemeral", "in_channel"] = Field(
        default="ephemeral", description="Who sees a /brief result: its caller or the channel."
    )
