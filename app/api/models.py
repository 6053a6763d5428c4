"""Request and response bodies of the API (the brief itself is summarizer.schema's)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from app.api.errors import ErrorBody
from summarizer.schema import StructuredSummary

SOURCES = ("text", "html", "url")
BACKEND_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"
MAX_CLAIMS = 32


class SummarizeRequest(BaseModel):
    """One article: exactly one of ``text``, ``html`` or ``url``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [{"required": [name]} for name in SOURCES],
            "examples": [
                {"text": "The council voted on Tuesday to ...", "title": "Council votes"},
                {"url": "https://example.com/news/story", "format": "markdown"},
            ],
        },
    )

    # Typed as plain strings in the schema (absent, not null, when unused) so that the
    # OpenAPI "oneOf required" says exactly what the validator below enforces.
    text: str | SkipJsonSchema[None] = Field(None, description="The article as plain text.")
    html: str | SkipJsonSchema[None] = Field(None, description="The article page as HTML.")
    # (Constraints sit on the str, not the union: a null must pass as "absent".)
    url: Annotated[str, StringConstraints(max_length=2048)] | SkipJsonSchema[None] = Field(
        None, description="An http(s) URL to fetch (SSRF-guarded)."
    )
    title: Annotated[str, StringConstraints(max_length=1000)] | SkipJsonSchema[None] = Field(
        None, description="The article's headline, if known."
    )
    backend: Annotated[str, StringConstraints(pattern=BACKEND_PATTERN)] | SkipJsonSchema[None] = (
        Field(
            None,
            description="extractive | seq2seq | llm | gguf | openai | ct2 | auto; "
            "default from NEWSUM_BACKEND.",
        )
    )
    format: Literal["json", "markdown"] = Field(
        "json", description="json: the StructuredSummary; markdown: text/markdown."
    )
    with_source: bool = Field(False, description="Include the cleaned text the offsets index.")
    max_claims: Annotated[int, Field(ge=1, le=MAX_CLAIMS)] | SkipJsonSchema[None] = Field(
        None, description=f"Claims to keep, most central first (default 8, at most {MAX_CLAIMS})."
    )
    min_confidence: Annotated[float, Field(ge=0.0, le=1.0)] | SkipJsonSchema[None] = Field(
        None,
        description="Drop actors, claims, denials and next steps whose confidence is below this "
        "(0-1); higher gives fewer, surer items.",
    )

    @model_validator(mode="after")
    def _exactly_one_source(self) -> SummarizeRequest:
        given = [name for name in SOURCES if getattr(self, name) is not None]
        if len(given) != 1:
            found = f"got {', '.join(given)}" if given else "got none"
            raise ValueError(f"give exactly one of text, html or url ({found})")
        return self

    @property
    def source_kind(self) -> str:
        return next(name for name in SOURCES if getattr(self, name) is not None)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # An item that is not a valid SummarizeRequest is kept as it came (Any) and gets its
    # own error entry: one bad item must not fail the others with a 422.
    items: list[SummarizeRequest | Any] = Field(
        min_length=1,
        description="Articles (SummarizeRequest each); at most NEWSUM_MAX_BATCH_ITEMS "
        "(default 32). An invalid item gets its own error in the results.",
    )


class BatchItemResult(BaseModel):
    """Exactly one of brief, markdown or error is set."""

    index: int = Field(ge=0)
    brief: StructuredSummary | None = None
    markdown: str | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    results: list[BatchItemResult]
    succeeded: int = Field(ge=0)
    failed: int = Field(ge=0)


class Health(BaseModel):
    status: str
    detail: str | None = None
