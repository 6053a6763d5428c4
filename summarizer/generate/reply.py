"""What an LLM must reply: one JSON object with bounded fields, checked field by field.

The schema is derived from the brief's schema (``summarizer/schema.py``): the same item
kinds with the same field descriptions, plus the ``quote`` the model must copy from the
article. Every array has a ``maxItems`` and every string a ``maxLength``: a small model
decoding under an unbounded schema can write until it runs out of tokens and never close
the object. The schema goes to a server as ``response_format`` and to llama.cpp as a
grammar; a reply is then validated against the same bounds here, field by field, so a
reply that fails can be retried and, failing again, only its bad fields fall back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from summarizer.generate.base import HEADLINE_MAX_CHARS
from summarizer.schema import Claim, Denial, NextStep

FIELDS = ("headline", "summary", "claims", "denials", "next_steps")
SUMMARY_MAX_CHARS = 700
NAME_MAX_CHARS = 80
STATEMENT_MAX_CHARS = 200
QUOTE_MAX_CHARS = 400
WHEN_MAX_CHARS = 40
MAX_ITEMS = {"claims": 6, "denials": 4, "next_steps": 4}

# kind -> (schema model the item becomes, required keys, nullable keys)
ITEM_FIELDS: dict[str, tuple[type[BaseModel], tuple[str, ...], tuple[str, ...]]] = {
    "claims": (Claim, ("speaker", "statement"), ("quote",)),
    "denials": (Denial, ("speaker", "statement"), ("quote",)),
    "next_steps": (NextStep, ("action",), ("actor", "when", "quote")),
}
MAX_CHARS = {
    "speaker": NAME_MAX_CHARS,
    "actor": NAME_MAX_CHARS,
    "statement": STATEMENT_MAX_CHARS,
    "action": STATEMENT_MAX_CHARS,
    "when": WHEN_MAX_CHARS,
    "quote": QUOTE_MAX_CHARS,
}
QUOTE_HELP = "The exact sentence of the article that reports it, copied verbatim."

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def reply_json_schema() -> dict:
    """The JSON Schema a reply must satisfy (bounded arrays and strings)."""

    def string(name: str, description: str | None, nullable: bool) -> dict:
        bounded = {"type": "string", "maxLength": MAX_CHARS[name]}
        # anyOf, not "type": ["string", "null"]: grammar converters (llama.cpp's among
        # them) drop maxLength from a type list, and an unbounded string lets a small
        # model ramble until it runs out of tokens
        prop: dict[str, Any] = {"anyOf": [bounded, {"type": "null"}]} if nullable else bounded
        if description:
            prop["description"] = description
        return prop

    properties: dict[str, Any] = {
        "headline": {
            "type": "string",
            "minLength": 1,
            "maxLength": HEADLINE_MAX_CHARS,
            "description": "One line, in news-headline style.",
        },
        "summary": {
            "type": "string",
            "minLength": 1,
            "maxLength": SUMMARY_MAX_CHARS,
            "description": "2-4 sentences: who did what, when and why.",
        },
    }
    for kind, (model, required, nullable) in ITEM_FIELDS.items():
        props = {}
        for name in (*required, *nullable):
            info = model.model_fields.get(name)
            description = QUOTE_HELP if name == "quote" else (info.description if info else None)
            props[name] = string(name, description, name in nullable)
        properties[kind] = {
            "type": "array",
            "maxItems": MAX_ITEMS[kind],
            "items": {
                "type": "object",
                "properties": props,
                "required": list(required),
                "additionalProperties": False,
            },
        }
    return {
        "type": "object",
        "properties": properties,
        "required": list(FIELDS),
        "additionalProperties": False,
    }


# ---- lenient parsing (what the rest of the generator reads) ---------------------------


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")

    speaker: str | None = None
    statement: str | None = None
    quote: str | None = None
    actor: str | None = None
    action: str | None = None
    when: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, value):
        return None if value is None else str(value)


class LLMReply(BaseModel):
    """What we read from the model: every field optional, unknown keys ignored."""

    model_config = ConfigDict(extra="ignore")

    headline: str = ""
    summary: str = ""
    claims: list[_Item] = []
    denials: list[_Item] = []
    next_steps: list[_Item] = []

    @field_validator("headline", "summary", mode="before")
    @classmethod
    def _joined(cls, value):
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)

    @field_validator("claims", "denials", "next_steps", mode="before")
    @classmethod
    def _items(cls, value):
        if not isinstance(value, list):
            return []
        return [
            {"statement": v, "action": v} if isinstance(v, str) else v
            for v in value
            if isinstance(v, str | dict)
        ]


def find_object(text: str) -> dict | None:
    """The first JSON object in ``text`` (fenced or not, prose around it), or None."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder(strict=False)  # raw control characters in strings: read them
    for candidate in candidates:
        for start in [m.start() for m in re.finditer(r"\{", candidate)][:20]:
            chunk = candidate[start:]
            for attempt in (chunk, _TRAILING_COMMA.sub(r"\1", chunk)):
                try:
                    value, _ = decoder.raw_decode(attempt)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    return value
    return None


def parse_reply(text: str) -> LLMReply | None:
    """The first JSON object in ``text``, read leniently, or None."""
    value = find_object(text)
    if value is None:
        return None
    try:
        return LLMReply.model_validate(value)
    except ValidationError:
        return None


# ---- strict validation, field by field -------------------------------------------------


def _string_error(value: Any, limit: int, *, nullable: bool, required: bool) -> str | None:
    if value is None:
        return None if nullable else "is missing" if required else None
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if len(value) > limit:
        return f"is {len(value)} characters, more than {limit}"
    if required and not value.strip():
        return "is empty"
    return None


def field_errors(value: dict) -> dict[str, str]:
    """``{field: why it fails the reply schema}`` for one parsed JSON object."""
    errors: dict[str, str] = {}
    for name, limit in (("headline", HEADLINE_MAX_CHARS), ("summary", SUMMARY_MAX_CHARS)):
        if name not in value:
            errors[name] = "is missing"
            continue
        why = _string_error(value[name], limit, nullable=False, required=True)
        if why:
            errors[name] = why
    for kind, (_, required, nullable) in ITEM_FIELDS.items():
        items = value.get(kind)
        if kind not in value:
            errors[kind] = "is missing"
        elif not isinstance(items, list):
            errors[kind] = f"is a {type(items).__name__}, not a list"
        elif len(items) > MAX_ITEMS[kind]:
            errors[kind] = f"has {len(items)} items, more than {MAX_ITEMS[kind]}"
        else:
            for i, item in enumerate(items, 1):
                if not isinstance(item, dict):
                    errors[kind] = f"item {i} is not an object"
                    break
                extra = sorted(set(item) - set(required) - set(nullable))
                if extra:
                    errors[kind] = f"item {i} has unknown keys {extra}"
                    break
                why = next(
                    (
                        f"item {i} {key} {msg}"
                        for key in (*required, *nullable)
                        if (
                            msg := _string_error(
                                item.get(key),
                                MAX_CHARS[key],
                                nullable=key in nullable,
                                required=key in required,
                            )
                        )
                    ),
                    None,
                )
                if why:
                    errors[kind] = why
                    break
    return errors


@dataclass
class CheckedReply:
    """A reply read against the schema: its valid fields and why the others failed."""

    raw: str
    value: dict | None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.value is not None and not self.errors

    def reason(self) -> str:
        if self.value is None:
            return "not a JSON object"
        return "; ".join(f"{k} {v}" for k, v in self.errors.items())


def check_reply(text: str) -> CheckedReply:
    value = find_object(text)
    if value is None:
        return CheckedReply(text, None, {name: "no JSON object" for name in FIELDS})
    return CheckedReply(text, value, field_errors(value))


def combine(attempts: list[CheckedReply]) -> tuple[LLMReply, list[str]]:
    """Each field from the latest attempt where it is valid; the fields valid in none."""
    merged: dict[str, Any] = {}
    failed: list[str] = []
    for name in FIELDS:
        for attempt in reversed(attempts):
            if attempt.value is not None and name not in attempt.errors:
                merged[name] = attempt.value.get(name)
                break
        else:
            failed.append(name)
    return LLMReply.model_validate(merged), failed
