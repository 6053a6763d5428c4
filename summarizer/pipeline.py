"""ingest -> analyse -> generate -> postprocess -> StructuredSummary.

A Pipeline holds the loaded pieces (spaCy, a generator) and is reused across calls;
``summarize()`` is the one-call convenience over a process-wide default Pipeline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import replace

from summarizer import analyse
from summarizer.deadline import Deadline
from summarizer.faithfulness import check_draft
from summarizer.generate import Article, Draft, Generator, get_generator
from summarizer.generate.extractive import ExtractiveGenerator
from summarizer.headline import guard_draft
from summarizer.ingest import DEFAULT_MAX_CHARS, CleanText, ingest
from summarizer.postprocess import Extraction, extract
from summarizer.schema import Meta, StructuredSummary
from summarizer.text_hygiene import clean_generated


class Pipeline:
    """Reusable: loads spaCy and the generator once, then briefs any number of articles."""

    def __init__(
        self,
        backend: str = "extractive",
        model: str | None = None,
        *,
        generator: Generator | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        max_claims: int = 8,
        max_actors: int = 8,
        **generator_options,
    ):
        self.generator = generator or get_generator(backend, model, **generator_options)
        self.max_chars = max_chars
        self.max_claims = max_claims
        self.max_actors = max_actors
        self._extractive: Generator | None = None

    def load(self) -> Pipeline:
        """Load every model now rather than on first use (for servers' readiness)."""
        analyse.get_nlp()
        load = getattr(self.generator, "load", None)
        if load:
            load()
        return self

    def ingest(
        self, data: str | bytes, title: str | None = None, *, html: bool | None = None
    ) -> CleanText:
        return ingest(data, title=title, html=html, max_chars=self.max_chars)

    def summarize(
        self,
        data: str | bytes,
        title: str | None = None,
        *,
        html: bool | None = None,
        with_source: bool = False,
    ) -> StructuredSummary:
        """Brief one article (raw text, HTML or bytes)."""
        started = time.perf_counter()
        clean = self.ingest(data, title, html=html)
        return self.summarize_clean([clean], with_source=with_source, started=started)[0]

    def summarize_clean(
        self,
        items: Sequence[CleanText],
        *,
        with_source: bool = False,
        started: float | None = None,
        max_claims: int | Sequence[int | None] | None = None,
        deadline: Deadline | None = None,
    ) -> list[StructuredSummary]:
        """Brief already-ingested articles as one batch (nlp.pipe, batched generation).

        ``max_claims`` overrides the pipeline's cap on claims: one for all, or one per
        item (None: the pipeline's). ``deadline`` is checked between stages; once it has
        passed, DeadlineExceeded stops the work (the caller has stopped waiting).
        """
        started = time.perf_counter() if started is None else started
        check = deadline.check if deadline is not None else lambda _stage: None
        check("parsing")
        docs = list(analyse.parse_many([c.text for c in items]))
        articles = [Article(text=c.text, doc=d, title=c.title) for c, d in zip(items, docs)]
        check("generation")
        drafts = self.generator.generate(articles)
        if not self.generator.extractive:
            drafts = [self._guard(article, draft) for article, draft in zip(articles, drafts)]
        drafts = [guard_draft(article, draft) for article, draft in zip(articles, drafts)]
        per_item = (time.perf_counter() - started) * 1000 / max(1, len(items))
        caps = list(max_claims) if isinstance(max_claims, Sequence) else [max_claims] * len(items)
        briefs = []
        for clean, article, draft, cap in zip(items, articles, drafts, caps, strict=True):
            check("post-processing")
            t0 = time.perf_counter()
            brief = self._assemble(clean, article, draft, with_source, cap)
            brief.meta.elapsed_ms = round(per_item + (time.perf_counter() - t0) * 1000, 1)
            briefs.append(brief)
        return briefs

    def _guard(self, article: Article, draft: Draft) -> Draft:
        """Generated text may name only what the source names (see faithfulness.py)."""
        return check_draft(draft, article, lambda: self._fallback.generate([article])[0])

    @property
    def _fallback(self) -> Generator:
        """The extractive generator a failed guard falls back to (cheap: no weights)."""
        if self._extractive is None:
            self._extractive = ExtractiveGenerator()
        return self._extractive

    def _assemble(
        self,
        clean: CleanText,
        article: Article,
        draft: Draft,
        with_source: bool,
        max_claims: int | None = None,
    ) -> StructuredSummary:
        cap = max_claims or self.max_claims
        extraction = extract(article.doc, max_claims=cap, max_actors=self.max_actors)
        warnings = list(draft.warnings)
        headline, summary, notes = clean_generated(draft.headline, draft.summary)
        warnings += notes
        if draft.items:
            extraction, note = merge_items(extraction, draft.items, max_claims=cap)
            if note:
                warnings.append(note)
        if clean.language != "en":
            warnings.append(
                f"article language looks like {clean.language!r}; extraction is tuned for English"
            )
        return StructuredSummary(
            headline=headline,
            summary=summary,
            key_actors=extraction.key_actors,
            claims=extraction.claims,
            denials=extraction.denials,
            next_steps=extraction.next_steps,
            meta=Meta(
                generator=self.generator.info(),
                language=clean.language,
                source_chars=len(clean.text),
                truncated=draft.truncated,
                elapsed_ms=0.0,
                warnings=warnings,
            ),
            source=clean.text if with_source else None,
        )


def merge_items(
    extraction: Extraction, items: dict, max_claims: int | None = None
) -> tuple[Extraction, str | None]:
    """Add a generator's grounded claims, denials and next steps to the rule-based ones.

    An item is added only when no rule-based item of its kind already cites an
    overlapping stretch of the source, and claims only up to ``max_claims``; ids are
    renumbered so they stay "c1", "c2", ...
    """

    def overlaps(ev, others) -> bool:
        return any(ev.start < o.evidence.end and o.evidence.start < ev.end for o in others)

    claims = list(extraction.claims)
    denials = list(extraction.denials)
    next_steps = list(extraction.next_steps)
    added = 0
    for kind, target in (("claims", claims), ("denials", denials), ("next_steps", next_steps)):
        for item in items.get(kind) or []:
            if kind == "claims" and max_claims is not None and len(target) >= max_claims:
                break
            if not overlaps(item.evidence, target):
                target.append(item)
                added += 1
    renamed = {}
    for i, claim in enumerate(claims, 1):
        renamed[claim.id] = f"c{i}"
    claims = [c.model_copy(update={"id": f"c{i}"}) for i, c in enumerate(claims, 1)]
    denials = [
        d.model_copy(update={"id": f"d{i}", "rebuts": renamed.get(d.rebuts, d.rebuts)})
        for i, d in enumerate(denials, 1)
    ]
    merged = replace(extraction, claims=claims, denials=denials, next_steps=next_steps)
    proposed, grounded = items.get("proposed", 0), items.get("grounded", 0)
    note = None
    if proposed:
        note = (
            f"llm: {grounded} of {proposed} proposed claims/denials/next steps were found "
            f"in the source; {added} added to the rule-based extraction"
        )
    return merged, note


_default: Pipeline | None = None
_default_lock = threading.Lock()


def default_pipeline() -> Pipeline:
    """The process-wide extractive Pipeline."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Pipeline()
        return _default


def summarize(
    text: str | bytes, title: str | None = None, *, with_source: bool = False, **kwargs
) -> StructuredSummary:
    """Brief one article with the embedded default (extractive) pipeline."""
    return default_pipeline().summarize(text, title, with_source=with_source, **kwargs)
