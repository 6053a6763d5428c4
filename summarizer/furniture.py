"""Page furniture: the lines a news page wraps around a story that are not part of it.

Every pattern here matches a *whole line* and only short lines (MAX_FURNITURE_LEN), so a
story sentence that merely mentions an advertisement, a photo or a copyright is never a
match. The lists were written by hand from the furniture that news sites commonly leave in
copied or extracted text (print views, "reader mode" copies, trafilatura output); each
group says which habit it covers.
"""

import re
from functools import lru_cache
from pathlib import Path

__all__ = [
    "MAX_FURNITURE_LEN",
    "furniture_hits",
    "furniture_kind",
    "furniture_spans",
    "has_furniture",
    "strip_furniture",
    "top_furniture_kind",
]

# A furniture line is a label, not prose; anything longer is kept whatever it says.
MAX_FURNITURE_LEN = 160

# Decoration around labels such as "- Advertisement -" or "[ADVERTISEMENT]".
_DECORATION = " \t-–—_*·•|[](){}<>:."

# Ad slots left in copied text: NYT ("Advertisement", "Continue reading the main story"),
# Global News / Postmedia ("Story continues below advertisement"), generic ad-slot labels.
_ADVERT = re.compile(
    r"(?:advertisement|advertising|advert|ad|sponsored(?: content| post)?|paid (?:post|content)"
    r"|(?:story|article|content) continues (?:below|after)(?: (?:this|the))?"
    r" (?:advertisement|advert|ad)s?"
    r"|continue reading(?: the main story)?(?: below)?|skip (?:advertisement|advert|ad)"
    r"|advertisement(?: -)? scroll to continue(?: with content)?|scroll to continue with content)",
    re.IGNORECASE,
)

# Buttons and menu labels that survive copy-paste as lines of their own (share bars,
# site headers, article tools). Compared after removing decoration, case-insensitively.
_UI_LABELS = frozenset(
    {
        "share",
        "share this",
        "share this article",
        "share this story",
        "share this page",
        "share article",
        "share story",
        "tweet",
        "email",
        "e-mail",
        "print",
        "comments",
        "save",
        "save article",
        "copy link",
        "link copied",
        "menu",
        "search",
        "close",
        "skip to content",
        "skip to main content",
        "back to top",
        "listen to this article",
        "next article",
        "previous article",
        "most read",
        "most popular",
        "top stories",
        "related stories",
        "related articles",
        "related topics",
        "related content",
        "more on this story",
        "you may also like",
        "recommended",
        "recommended stories",
        "read more",
        "read next",
    }
)

# Share bars, social follow prompts, newsletter prompts and "read more" teasers.
_SOCIAL = [
    re.compile(r"share (?:on|via|to) [\w .+-]{1,30}", re.IGNORECASE),
    re.compile(
        r"follow (?:us|[\w.]+(?: [\w.]+)?) on (?:twitter|x|facebook|instagram|linkedin|tiktok"
        r"|youtube|threads|bluesky|mastodon|whatsapp|telegram|social media)\b.*",
        re.IGNORECASE,
    ),
    re.compile(r"(?:sign up|subscribe)\b.{0,60}\bnewsletters?\b.*", re.IGNORECASE),
    re.compile(
        r"(?:read more|related|see also|more on this story|more from [\w ]{1,30}|most read"
        r"|recommended|you may also like|read next|watch|listen)\s*:.*",
        re.IGNORECASE,
    ),
    re.compile(r"click here\b.*", re.IGNORECASE),
]

# Copyright footers: "© 2021 Example Corp", "(c) 2021 ...", "Copyright 2021 ...",
# "... All rights reserved." A bare "(c)" is left alone: it also numbers list items.
_COPYRIGHT = [
    re.compile(r"(?:©|\(c\)\s*(?:\d{4}|copyright)|copyright\b\s*(?:©|\(c\)|\d{4})).*", re.I),
    re.compile(r".{0,100}©.{0,100}"),
    re.compile(r".{0,80}\ball rights reserved\b\.?", re.IGNORECASE),
]

# Breadcrumbs: "Home > World > Europe", "Home | News | Politics", "News / UK / Wales".
# Arrows need no spaces; "|" and "/" do, so "and/or" is never a separator.
_CRUMB_SEPARATOR = re.compile(r"\s*[>›»→]\s*|\s+(?:\||/|::)\s+")

# Picture credits and captions: "Photo: Jane Doe / Getty Images", "Image source, Reuters",
# "(Reuters photo)", "(AP Photo/Jane Doe)", a trailing "/ Getty Images".
_AGENCIES = (
    r"getty images|afp|reuters|ap|epa(?:-efe)?|shutterstock|alamy|pa(?: media| wire)?"
    r"|bloomberg|anadolu|xinhua|ansa|dpa|sipa|rex features|unsplash"
)
_IMAGE_CREDIT = [
    re.compile(
        r"(?:photo|photos|photograph|photography|picture|pictures|pic|image|images|photo credit"
        r"|image credit|credit|credits|illustration|graphic)\s*:.*",
        re.IGNORECASE,
    ),
    re.compile(r"(?:image|media) (?:source|caption)\b.*", re.IGNORECASE),
    re.compile(r"\([^()]{0,60}\b(?:photo|photograph|picture|image|file)s?\b[^()]{0,60}\)", re.I),
    re.compile(rf".*(?:/|\|)\s*(?:{_AGENCIES})(?: via getty images)?\)?", re.IGNORECASE),
    re.compile(r".{0,80}\bgetty images\)?", re.IGNORECASE),
]

# Top-of-story lines only (see top_furniture_kind): bylines and publication stamps.
# "By Jane Doe, Staff Writer", "By Jane Doe and John Roe | Political Desk", "BY JANE DOE".
_BYLINE = re.compile(r"by\s+(?P<names>[^,|–—]+?)(?:\s*(?:,|\s-|–|—|\|)\s*(?P<tail>.{1,60}))?")
_PARTICLES = "and & de da di do dos das du van von der den ter la le del della bin al el"
_NAME_PARTICLES = frozenset([*_PARTICLES.split(), "staff", "reporters"])
# Lower-case words allowed after the names ("Jane Doe, staff writer in London").
_ROLE_WORDS = "in for at of the on with writer reporter correspondent editor contributor"
_BYLINE_TAIL_WORDS = _NAME_PARTICLES | frozenset(_ROLE_WORDS.split())
_STAMP = re.compile(
    r"(?:published|updated|last updated|posted|first published)\b(?=.*(?:\d|\bago\b)).{0,60}",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def furniture_kind(line: str) -> str | None:
    """What kind of furniture `line` is, or None for a line that may be story text."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_FURNITURE_LEN:
        return None
    core = stripped.strip(_DECORATION)
    if not core:
        return None
    if _ADVERT.fullmatch(core):
        return "advertisement"
    if core.casefold() in _UI_LABELS:
        return "share"
    if any(p.fullmatch(stripped) for p in _SOCIAL):
        return "share"
    if any(p.fullmatch(stripped) for p in _COPYRIGHT):
        return "copyright"
    if _is_crumbs(stripped):
        return "navigation"
    if not _SENTENCE_END.search(stripped) and any(p.fullmatch(stripped) for p in _IMAGE_CREDIT):
        return "image credit"
    return None


def top_furniture_kind(line: str) -> str | None:
    """Furniture that only counts above the first story line: bylines and date stamps."""
    stripped = line.strip()
    if not stripped or len(stripped) > 120 or _SENTENCE_END.search(stripped):
        return None
    if _is_byline(stripped):
        return "byline"
    if _STAMP.fullmatch(stripped):
        return "date stamp"
    return None


def _is_crumbs(line: str) -> bool:
    parts = [p.strip() for p in _CRUMB_SEPARATOR.split(line)]
    if len(parts) < 2 or any(not p for p in parts):
        return False
    if len(parts) < 3 and parts[0].casefold() not in ("home", "homepage", "start"):
        return False
    for part in parts:
        words = part.split()
        if len(words) > 5 or len(part) > 40 or _SENTENCE_END.search(part):
            return False
        if not (part[0].isupper() or part[0].isdigit()) or not any(c.isalpha() for c in part):
            return False
    return True


def _is_byline(line: str) -> bool:
    if line[:3].casefold() != "by " and line[:3].casefold() != "by\t":
        return False
    match = _BYLINE.fullmatch(line[:2].lower() + line[2:])
    if not match:
        return False
    tokens = match["names"].split()
    if not 1 <= len(tokens) <= 8:
        return False
    names = [t for t in tokens if t.casefold() not in _NAME_PARTICLES]
    if not names or not all(t[0].isupper() and t[0].isalpha() for t in names):
        return False
    # The tail is a role or a desk, never a clause: "By Monday, the talks had stalled" fails.
    tail = (match["tail"] or "").split()
    return len(tail) <= 8 and all(
        not t[0].islower() or t.casefold() in _BYLINE_TAIL_WORDS for t in tail
    )


# ----------------------------------------------------------------------------- inline furniture
# Furniture that copied pages glue into a story line (a newsletter box run into a sentence, a
# share bar, a photo credit), which the whole-line patterns above cannot see. The patterns are
# data (summarizer/data/furniture_phrases.txt, with where they come from).

_PHRASES_PATH = Path(__file__).resolve().parent / "data" / "furniture_phrases.txt"


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, re.Pattern], ...]:
    out = []
    for line in _PHRASES_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kind, _, pattern = line.partition(" | ")
        out.append((kind.strip(), re.compile(pattern.strip())))
    return tuple(out)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every furniture phrase in ``text``."""
    return [m.span() for _, pattern in _phrases() for m in pattern.finditer(text)]


def furniture_hits(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every furniture phrase in ``text``; [] for clean prose."""
    hits = []
    for kind, pattern in _phrases():
        for match in pattern.finditer(text):
            hits.append((kind, match.group(0).strip()))
    return hits


def has_furniture(text: str) -> bool:
    return any(pattern.search(text) for _, pattern in _phrases())


def strip_furniture(text: str) -> str:
    """``text`` with every inline furniture phrase cut out (the story words around it kept)."""
    for _, pattern in _phrases():
        text = pattern.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" +|•·-–—:")
