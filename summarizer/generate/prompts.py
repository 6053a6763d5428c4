"""Prompt templates from ``prompts/`` (plain text, read once per process)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

ENV_PROMPTS_DIR = "NEWSUM_PROMPTS_DIR"
# The top-level prompts/ of a source checkout (editable installs, the Docker image sets
# NEWSUM_PROMPTS_DIR since a plain `pip install .` leaves prompts/ behind).
PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


@functools.cache
def load_prompt(name: str) -> str:
    """The template ``prompts/<name>.txt`` without its final newline."""
    folder = Path(os.environ.get(ENV_PROMPTS_DIR) or PROMPTS_DIR)
    return (folder / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")


def fill(template: str, **values: str) -> str:
    """Substitute ``{name}`` placeholders only (article text may hold braces of its own)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template
