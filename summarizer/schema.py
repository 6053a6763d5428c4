"""The brief's schema: the one source of truth for JSON, OpenAPI, CLI and Slack output.

Every extracted item carries ``evidence``: offsets into the *cleaned* source text
(what ingest returns), so that ``source[start:end] == text`` always holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"
# 1.1 adds an optional ``confidence`` to every extracted item; 1.0 briefs still validate.

ActorType = Literal["person", "organization", "country", "group"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """A span of the cleaned source text that supports an item."""

    start: int = Field(ge=0, description="Start offset (characters) into the cleaned source.")
    end: int = Field(ge=0, description="End offset (exclusive) into the cleaned source.")
    text: str = Field(description="Exactly source[start:end].")


class Actor(_Model):
    name: str = Field(description="Canonical name: the fullest form used in the text.")
    type: ActorType
    aliases: list[str] = Field(default_factory=list, description="Other surface forms.")
    role: str | None = Field(default=None, description='E.g. "NATO Secretary General".')
    mentions: int = Field(ge=0, description="Number of mentions, aliases included.")
    salience: float = Field(ge=0.0, le=1.0, description="Centrality to the story, 0-1.")
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Calibrated probability that the item is right (trained decisions).",
    )


class Claim(_Model):
    id: str = Field(description='Stable within one brief: "c1", "c2", ...')
    speaker: str = Field(description='An actor name or a description ("a senior EU official").')
    statement: str
    direct_quote: bool
    evidence: Evidence
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Calibrated probability that the item is right (trained decisions).",
    )


class Denial(_Model):
    id: str = Field(description='Stable within one brief: "d1", "d2", ...')
    speaker: str
    statement: str
    rebuts: str | None = Field(default=None, description="Id of the claim it rebuts, if any.")
    evidence: Evidence
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Calibrated probability that the item is right (trained decisions).",
    )


class NextStep(_Model):
    actor: str | None = None
    action: str
    when: str | None = Field(default=None, description="The time expression as written.")
    evidence: Evidence
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Calibrated probability that the item is right (trained decisions).",
    )


class GeneratorInfo(_Model):
    backend: str = Field(description="extractive | seq2seq | llm | gguf | openai | ct2")
    model: str | None = Field(default=None, description="Model id or path, if any.")


class Meta(_Model):
    schema_version: Literal["1.0", "1.1"] = SCHEMA_VERSION
    generator: GeneratorInfo
    language: str = Field(description="ISO 639-1 code of the source language, as detected.")
    source_chars: int = Field(ge=0, description="Length of the cleaned source text.")
    truncated: bool = Field(default=False, description="True if not all the text was read.")
    elapsed_ms: float = Field(ge=0.0)
    warnings: list[str] = Field(default_factory=list)


class StructuredSummary(_Model):
    """One article's brief."""

    headline: str = Field(description="One line.")
    summary: str = Field(description="2-4 sentences.")
    key_actors: list[Actor] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    denials: list[Denial] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    meta: Meta
    source: str | None = Field(
        default=None, description="The cleaned source text the offsets refer to (on request)."
    )


SCHEMA_FILE = Path(__file__).with_name("structured_summary.schema.json")


def json_schema() -> dict:
    """The JSON Schema of StructuredSummary, as committed in SCHEMA_FILE."""
    schema = StructuredSummary.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://newsum.invalid/schema/{SCHEMA_VERSION}/structured_summary.json"
    return schema


def write_json_schema(path: Path = SCHEMA_FILE) -> None:
    path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
