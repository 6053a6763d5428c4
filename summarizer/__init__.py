"""newsum: structured news briefs (headline, actors, claims vs denials, next steps)."""

from summarizer.errors import InputError, InputTooLarge, ModelUnavailable, NewsumError
from summarizer.schema import SCHEMA_VERSION, StructuredSummary

__all__ = [
    "SCHEMA_VERSION",
    "InputError",
    "InputTooLarge",
    "ModelUnavailable",
    "NewsumError",
    "Pipeline",
    "StructuredSummary",
    "summarize",
]


def __getattr__(name):  # lazy: importing the schema must not load spaCy
    if name in ("Pipeline", "summarize"):
        from summarizer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
