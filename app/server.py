"""ASGI entry point for uvicorn: ``uvicorn app.server:app`` (settings from NEWSUM_* env)."""

from __future__ import annotations

import logging
import os
import sys

from app.api import Settings, create_app

__all__ = ["Settings", "app", "create_app", "configure_logging"]


def configure_logging(level: str = "INFO") -> None:
    """One JSON object per line on stdout for access logs; plain lines for the rest."""
    access = logging.getLogger("newsum.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.propagate = False
    access.setLevel(level)
    api = logging.getLogger("newsum.api")
    if not api.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        api.addHandler(handler)
    api.setLevel(level)


def warn_if_open(settings: Settings) -> None:
    """Started by uvicorn directly (the Docker image binds 0.0.0.0) without keys: say so
    loudly. ``newsum serve`` knows its host and warns itself (NEWSUM_BIND_HOST)."""
    if not settings.api_keys and "NEWSUM_BIND_HOST" not in os.environ:
        logging.getLogger("newsum.api").warning(
            "NEWSUM_API_KEYS is not set: /v1/* answers anyone who can reach this server"
        )


configure_logging()
app = create_app()
warn_if_open(app.state.settings)
