"""Service settings: one BaseSettings, every field from an ``NEWSUM_*`` environment variable."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Documented one by one in docs/api.md; defaults suit one CPU box."""

    model_config = SettingsConfigDict(env_prefix="NEWSUM_", extra="ignore")

    api_keys: CommaList = Field(
        default_factory=list, description="Comma-separated bearer keys; empty = no auth."
    )
    max_body_bytes: int = Field(1_000_000, gt=0, description="Request body cap (413 above).")
    max_chars: int = Field(200_000, gt=0, description="Article length cap in characters (413).")
    max_batch_items: int = Field(32, gt=0, description="Items per /v1/summarize/batch call.")
    batch_max_size: int = Field(8, gt=0, description="Articles per generator call (1 = off).")
    batch_max_wait_ms: float = Field(5.0, ge=0, description="How long a batch waits to fill.")
    queue_max: int = Field(64, gt=0, description="Articles waiting for inference; 429 above.")
    request_timeout_s: float = Field(30.0, gt=0, description="Per-request deadline (504).")
    retry_after_s: int = Field(1, ge=0, description="Retry-After sent with 429.")
    cache_size: int = Field(256, ge=0, description="Briefs kept in the LRU cache (0 = off).")
    fetch_allowlist: CommaList = Field(
        default_factory=list, description="Hosts, IPs or CIDRs a URL may resolve to anyway."
    )
    fetch_timeout_s: float = Field(10.0, gt=0, description="Overall deadline of a URL fetch.")
    fetch_connect_timeout_s: float = Field(5.0, gt=0, description="Connect timeout of a fetch.")
    fetch_max_bytes: int = Field(5_000_000, gt=0, description="Fetched page size cap.")
    fetch_max_redirects: int = Field(5, ge=0, description="Redirect hops, each re-checked.")
    fetch_workers: int = Field(4, gt=0, description="URL fetches at once (own thread pool).")
    header_timeout_s: float = Field(10.0, gt=0, description="Time to send request headers.")
    body_timeout_s: float = Field(30.0, gt=0, description="Time to send a request body.")
    limit_concurrency: int = Field(256, gt=0, description="Open connections/tasks; 503 above.")
    keep_alive_s: float = Field(5.0, gt=0, description="Idle keep-alive connection lifetime.")
    trusted_proxies: CommaList = Field(
        default_factory=list, description="Proxy IPs whose X-Forwarded-For is believed."
    )
    backend: str = Field("extractive", description="Default backend for requests.")
    model: str | None = Field(None, description="Model dir or hub id for the default backend.")
    preload: bool = Field(True, description="Load the default backend at startup.")
    ui: bool = Field(True, description="Serve the review page at / (newsum serve --no-ui: off).")

    @field_validator("backend", mode="before")
    @classmethod
    def _default_backend(cls, value: object) -> object:
        if isinstance(value, str):  # one spelling, the one requests are normalised to
            value = value.strip().lower()
        return value or "extractive"  # the Dockerfile sets "" when no model was baked

    @field_validator("model", mode="before")
    @classmethod
    def _no_model(cls, value: object) -> object:
        return value or None

    @field_validator("api_keys", "fetch_allowlist", "trusted_proxies", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("api_keys", mode="before")
    @classmethod
    def _keys_or_nothing(cls, value: object) -> object:
        """A value that holds no key (" ", ",") is a mistake, not a way to turn auth off:
        it once did so silently. Unset or empty ("") means no auth. (Defined after the
        comma splitter: pydantic runs "before" validators last-defined first.)"""
        if isinstance(value, str) and value and not value.replace(",", "").strip():
            raise ValueError("NEWSUM_API_KEYS is set but holds no key; unset it for no auth")
        return value


def check_api_keys(keys: list[str]) -> None:
    """Refuse keys a client cannot send: HTTP headers carry ASCII, so a non-ASCII key
    never matches. The message does not repeat the keys (it reaches logs)."""
    for n, key in enumerate(keys, 1):
        if not (key.isascii() and key.isprintable()) or " " in key:
            raise ValueError(
                f"NEWSUM_API_KEYS: key {n} has characters a client cannot send in a header; "
                "use printable ASCII without spaces"
            )
