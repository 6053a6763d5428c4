"""ASGI entry point for uvicorn: ``uvicorn app.server:app`` (settings from NEWSUM_* env)."""

from __future__ import annotations

import logging
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


configure_logging()
app = create_app()
