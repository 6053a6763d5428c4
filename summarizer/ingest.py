"""Ingest: raw text, HTML or bytes in; one cleaned text out.

Every later stage points into `CleanText.text` by character offsets, so all cleaning happens
here, once. Cleaning only ever *drops whole lines* (page furniture, the headline) and
normalises newlines, control characters, Unicode composition (NFC), trailing spaces and blank
runs: every story sentence survives verbatim, quotes and paragraphs untouched.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import InputError, InputTooLarge
from summarizer.furniture import furniture_kind, top_furniture_kind

__all__ = [
    "DEFAULT_MAX_CHARS",
    "HTML_FACTOR",
    "CleanText",
    "clean_text",
    "clean_title",
    "decode_bytes",
    "detect_language",
    "html_to_text",
    "ingest",
    "looks_like_html",
    "normalize_text",
    "read_path",
]

DEFAULT_MAX_CHARS = 200_000
# Raw HTML is mostly markup: it may be this many times the text limit.
HTML_FACTOR = 10
# Bytes per character at worst (UTF-8 / UTF-32): a byte count above BYTES_PER_CHAR * limit
# cannot decode to fewer than `limit` characters, so it is refused before decoding.
BYTES_PER_CHAR = 4


@dataclass(frozen=True)
class CleanText:
    text: str  # cleaned article text; all evidence offsets refer to this
    title: str | None  # the title given, or found (HTML metadata or a headline line)
    removed: tuple[str, ...]  # the furniture lines that were dropped, in order
    language: str  # ISO 639-1 guess; "en" when unsure


# ---------------------------------------------------------------------------------------------
# bytes -> str

# Magic numbers of formats people upload by mistake (from each format's specification).
_MAGIC = [
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ\x90\x00", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"BZh", "bzip2 archive"),  # checked together with its block magic below
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x00asm", "WebAssembly module"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
]
# Control bytes that never occur in text (tab, newlines, form feed and ESC excluded).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_MAX_CONTROL_RATIO = 0.05
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Western European text has at most this share of non-ASCII among its letters; Cyrillic,
# Greek, Hebrew or Arabic in a single-byte charset has far more.
_SPARSE_ACCENTS = 0.3
# Languages charset_normalizer reports for Central European single-byte text; for anything
# else with sparse accents, cp1252 (the Western superset of latin-1) is the safer guess.
_CENTRAL_EUROPEAN = frozenset(
    {"Polish", "Czech", "Slovak", "Hungarian", "Croatian", "Slovene", "Romanian", "Bosnian"}
)


def decode_bytes(data: bytes) -> str:
    """Decode uploaded bytes: UTF-8, UTF-16/32 with a BOM, or a detected legacy charset.

    Refuses binary (magic numbers, NUL bytes, many control bytes). Mostly-UTF-8 bytes with a
    few invalid sequences decode as UTF-8 with U+FFFD in their place (one bad byte should not
    turn a whole article into mojibake); bytes that are neither UTF-8 nor any charset that
    charset_normalizer recognises raise InputError.
    """
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"input looks binary ({kind}), not text")
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _checked_prose(_strict_decode(data, codec), codec)
    codec = _bomless_utf16(data)
    if codec:
        return _checked_prose(_strict_decode(data, codec), codec)
    if b"\x00" in data:
        raise InputError("input looks binary (NUL bytes), not text")
    if _control_ratio(data) > _MAX_CONTROL_RATIO:
        raise InputError("input looks binary (control characters), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for c in text if c > "\x7f" and c != "\ufffd")
    if good and good >= bad:  # real UTF-8 sequences outnumber the broken ones
        return text
    return _decode_legacy(data)


def _checked_prose(text: str, codec: str) -> str:
    if not _looks_like_prose(text):
        raise InputError(f"input starts like {codec.upper()} but does not decode to text")
    return text


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if magic == b"BZh" and data[4:10] != b"1AY&SY":
                continue
            return kind
    if data[8:12] in (b"WEBP", b"WAVE", b"AVI ") and data.startswith(b"RIFF"):
        return "RIFF media"
    if data[4:8] == b"ftyp":
        return "MP4 or QuickTime media"
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, recognised by ASCII letters alternating with NUL bytes."""
    if len(data) < 8 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nul > 0.9 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.9 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _strict_decode(data: bytes, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid {codec.upper()} text ({exc.reason})") from None
    if text and sum(_is_control(c) for c in text) / len(text) > _MAX_CONTROL_RATIO:
        raise InputError("input looks binary (control characters), not text")
    return text.removeprefix("\ufeff")


def _control_ratio(data: bytes) -> float:
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / len(data) if data else 0.0


def _decode_legacy(data: bytes) -> str:
    import charset_normalizer

    best = None
    for match in charset_normalizer.from_bytes(data):
        # Without a BOM, text with no NUL bytes is not UTF-16/32 whatever the guess says.
        if not match.encoding.startswith(("utf_16", "utf_32")):
            best = match
            break
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    letters = high + len(data) - len(data.translate(None, _ASCII_LETTERS))
    sparse = letters and high / letters <= _SPARSE_ACCENTS
    if sparse and not (best is not None and best.language in _CENTRAL_EUROPEAN):
        # Western text: a few accents and typographic quotes among ASCII. Short samples
        # fool charset_normalizer (it calls "très" cp1250 "trčs"), so cp1252 decides.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if best is None:
        raise InputError("input is not text in any encoding we recognise")
    text = str(best)
    if text and sum(_is_control(c) for c in text) / len(text) > _MAX_CONTROL_RATIO:
        raise InputError("input looks binary (control characters), not text")
    if not _looks_like_prose(text):
        raise InputError("input is not valid UTF-8, and no other encoding makes text of it")
    return text


def _looks_like_prose(text: str) -> bool:
    """Guessed decodings of garbage bytes come out as long runs with no spaces; prose in any
    script that separates words with spaces does not. Scripts written without spaces
    (Chinese, Japanese, Thai) are exempt."""
    sample = text[:4000]
    if len(sample) < 16:
        return True
    unspaced = sum(1 for c in sample if "\u0e00" <= c <= "\u0e7f" or "\u3040" <= c <= "\u9fff")
    if unspaced / len(sample) > 0.3:
        return True
    spaces = sum(1 for c in sample if c in " \n\t\u3000")  # not NBSP: mojibake is full of it
    return spaces / len(sample) >= 0.03


def _is_control(char: str) -> bool:
    return char not in "\n\r\t\f\x1b" and unicodedata.category(char) == "Cc"


# ---------------------------------------------------------------------------------------------
# HTML -> text

_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.S
)
_HTML_TAG = re.compile(
    r"<(/?)(?:html|head|body|title|meta|link|script|style|div|span|p|a|br|hr|img|h[1-6]|ul|ol"
    r"|li|table|tr|td|th|article|section|nav|header|footer|main|aside|figure|figcaption"
    r"|blockquote|strong|em|b|i|u|form|input|button|iframe|noscript)(?=[\s/>])[^<>]{0,500}>",
    re.IGNORECASE,
)
_HTML_SNIFF_CHARS = 65_536
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# Elements whose text is never story text, for the lxml fallback.
_DROP_TAGS = (
    "script style noscript template nav footer header aside form iframe svg button select"
    " option label menu dialog object embed canvas head"
)
_HTML_DROP = frozenset(_DROP_TAGS.split())
_BLOCK_TAGS = (
    "p div br hr h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr td th article section main"
    " blockquote figure figcaption pre address title body html"
)
_HTML_BLOCK = frozenset(_BLOCK_TAGS.split())


def looks_like_html(text: str) -> bool:
    """True for an HTML document or fragment; a story that mentions one tag is not HTML."""
    sample = text[:_HTML_SNIFF_CHARS]
    if _HTML_START.match(sample):
        return True
    tags = _HTML_TAG.findall(sample)
    return len(tags) >= 3 and any(closing for closing in tags)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Main text and title of an HTML page: trafilatura, or plain lxml if it finds nothing.

    The text keeps the extractor's line per paragraph; whitespace inside a line is collapsed
    because in HTML it carries no meaning.
    """
    text, title = _trafilatura_text(html)
    if not text:
        text, fallback_title = _lxml_text(html)
        title = title or fallback_title
    elif not title:
        title = _lxml_text(html, text=False)[1]
    return text, clean_title(title) if title else None


def _trafilatura_text(html: str) -> tuple[str, str | None]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=True,
        )
    except Exception:  # a third-party parser on untrusted markup: fall back, never crash
        return "", None
    if doc is None:
        return "", None
    return (doc.text or "").strip(), doc.title or None


def _lxml_text(html: str, *, text: bool = True) -> tuple[str, str | None]:
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (lxml.etree.ParserError, ValueError):
        return "", None
    title = _html_title(root)
    if not text:
        return "", title
    pieces: list[str] = []
    body = root.find("body")
    _walk(body if body is not None else root, pieces)
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line), title


def _walk(element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is not None and tag.lower() not in _HTML_DROP:
        block = tag.lower() in _HTML_BLOCK
        if block:
            out.append("\n")
        out.append(element.text or "")
        for child in element:
            _walk(child, out)
        if block:
            out.append("\n")
    out.append(element.tail or "")


def _html_title(root) -> str | None:
    for xpath in (
        "//meta[@property='og:title']/@content",
        "//meta[@name='twitter:title']/@content",
        "//title//text()",
        "//h1//text()",
    ):
        found = " ".join(" ".join(str(v) for v in root.xpath(xpath)).split())
        if found:
            return found
    return None


# ---------------------------------------------------------------------------------------------
# text -> clean text

# Line breaks other than \n that str.splitlines would honour; we make them real newlines so
# that "a line" means the same thing to every later stage.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_FINAL_PERIOD = re.compile(r"[.…,;:][\"'”’)\]]*$")
_WORD = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HEADLINE_MAX = 150
# " | Site Name", " - Site Name", " — Site Name" at the end of a page title.
_TITLE_PIPE = re.compile(r"^(?P<head>.+?)\s+[|•·]\s+(?P<site>[^|•·]{1,50})$")
_TITLE_DASH = re.compile(r"^(?P<head>.+?)\s+[-–—]\s+(?P<site>[^-–—]{1,40})$")


def normalize_text(text: str) -> str:
    """The text every line of a CleanText comes from: newlines, control characters, NFC.

    All line breaks become \\n, control characters other than \\n and \\t are dropped, a
    leading BOM is dropped, and the result is NFC-composed. Nothing else changes.
    """
    text = _LINE_BREAKS.sub("\n", text.removeprefix("\ufeff"))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))
    return unicodedata.normalize("NFC", text)


def clean_title(title: str) -> str | None:
    """One-line title without a trailing site name ("Storm hits coast | Example News")."""
    title = " ".join(title.split())
    while True:
        match = _TITLE_PIPE.match(title)
        if not match:
            match = _TITLE_DASH.match(title)
            if match and not _looks_like_site_name(match["site"]):
                match = None
        if not match or len(match["head"].split()) < 2:
            break
        title = match["head"].strip()
    return title or None


def _looks_like_site_name(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() or "." in w for w in words)


def clean_text(
    text: str, title: str | None = None, *, max_chars: int = DEFAULT_MAX_CHARS
) -> CleanText:
    """Cleaned article text: furniture lines and the headline dropped, the rest verbatim.

    The first non-furniture line is taken as the headline when it is short (<= 150 chars),
    has no final period, and is followed by a blank/furniture line or repeated later; it is
    removed from the text and returned as `title` (unless `title` is given, which wins).
    Later lines that only repeat the headline or the given title are removed too.
    """
    return _clean(text, title, max_chars=max_chars)


def _clean(
    text: str,
    title: str | None,
    *,
    max_chars: int,
    extra_titles: tuple[str | None, ...] = (),
) -> CleanText:
    if len(text) > max_chars:
        raise InputTooLarge(len(text), max_chars)
    lines = [line.rstrip() for line in normalize_text(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    given = clean_title(title) if title else None
    drop = [furniture_kind(line) is not None for line in lines]

    headline = None
    keys = [key for t in (title, given, *extra_titles) if t and (key := _title_key(t))]
    for i, line in enumerate(lines):
        if not line or drop[i]:
            continue
        repeat = _title_key(line) in keys and not _FINAL_PERIOD.search(line)
        if repeat or top_furniture_kind(line):
            drop[i] = True
        elif headline is None and _is_headline(lines, drop, i):
            headline = line.strip()
            keys.append(_title_key(headline))
            drop[i] = True
        else:
            break  # the first story line: the top of the page ends here
    for i, line in enumerate(lines):
        if line and not drop[i] and not _FINAL_PERIOD.search(line) and _title_key(line) in keys:
            drop[i] = True

    removed = tuple(line.strip() for line, dropped in zip(lines, drop) if dropped)
    kept = "\n".join(line for line, dropped in zip(lines, drop) if not dropped)
    kept = _BLANK_RUNS.sub("\n\n", kept).strip("\n")
    if not kept.strip():
        raise InputError("input is empty")
    if len(_WORD.findall(kept)) + len(_CJK.findall(kept)) < 3:
        raise InputError("input has no article text")
    found = clean_title(headline) if headline else None
    return CleanText(
        text=kept,
        title=given or found,
        removed=removed,
        language=detect_language(kept),
    )


def _is_headline(lines: list[str], drop: list[bool], i: int) -> bool:
    line = lines[i].strip()
    if len(line) > _HEADLINE_MAX or _FINAL_PERIOD.search(line) or len(_WORD.findall(line)) < 2:
        return False
    key = _title_key(line)
    repeated = any(_title_key(later) == key for later in lines[i + 1 :])
    if _SENTENCE_END.search(line):  # a question or exclamation: only when the page repeats it
        return repeated
    following = i + 1 < len(lines) and (
        not lines[i + 1].strip() or drop[i + 1] or top_furniture_kind(lines[i + 1])
    )
    return bool(following or repeated)


def _title_key(text: str) -> str:
    """Compare headlines ignoring case, spacing and punctuation."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


# ---------------------------------------------------------------------------------------------
# language

# Scripts that identify a language on their own (Unicode block ranges), checked in order.
_SCRIPTS = [
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana; Japanese text also uses Han
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("ru", re.compile(r"[\u0400-\u052f]")),
    ("el", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
]
_UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
# The most frequent function words of each language (hand-picked from common frequency
# lists); words shared between languages count for each, the rest decide.
_STOPWORDS = {
    "en": "the and of to is that was for with are have has said this from they been were which"
    " would their will not but by an it at be he she his her who on as had we you",
    "de": "der die das und ist nicht ein eine einer dem den des mit sich auf für von zu auch"
    " wird wurde sind werden hat bei nach aus sie es im vom zum zur dass oder aber wie noch über",
    "fr": "le la les et est une des du dans pour pas que qui sur au aux avec ce cette il elle"
    " sont ont été par plus se ne nous vous leur mais selon",
    "es": "el la los las y es una del que en por con para se no su sus al lo como más pero fue"
    " ha han está son también sobre entre según",
    "it": "il lo la gli le e è di che un una del della dei delle per con non sono ha hanno nel"
    " nella anche come più ma alla al da si stato essere",
    "pt": "o os a as e é de do da dos das um uma que em no na nos nas para com não por se mais"
    " foi são ao pelo pela também seu sua",
    "nl": "de het een en van is dat die niet op te met zijn voor aan er ook als bij om maar"
    " naar wordt werd heeft hebben deze door nog wel worden uit tot",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_LANGUAGE_SAMPLE = 20_000


def detect_language(text: str) -> str:
    """ISO 639-1 guess from the script, then from function words; "en" when unsure."""
    sample = text[:_LANGUAGE_SAMPLE]
    letters = sum(1 for c in sample if c.isalpha())
    if not letters:
        return "en"
    for lang, script in _SCRIPTS:
        share = len(script.findall(sample)) / letters
        if lang == "ja" and share > 0.05:
            return "ja"
        if share > 0.5:
            if lang == "ru" and len(_UKRAINIAN_LETTERS.findall(sample)) > 0.01 * letters:
                return "uk"
            return lang
    words = [w.casefold() for w in _WORD.findall(sample)]
    if not words:
        return "en"
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORD_SETS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    if scores[best] < max(2, 0.1 * len(words)) or scores[best] == scores["en"]:
        return "en"
    return best


# ---------------------------------------------------------------------------------------------
# entry points


def ingest(
    data: str | bytes,
    *,
    title: str | None = None,
    html: bool | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> CleanText:
    """The one way in: bytes, text or HTML to a CleanText.

    `html=None` sniffs. Raw HTML may be up to HTML_FACTOR * max_chars characters; the text
    extracted from it, like plain text, up to max_chars. A given `title` wins over one found
    in the page; both are removed from the text wherever a line only repeats them.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        byte_limit = BYTES_PER_CHAR * HTML_FACTOR * max_chars
        if len(data) > byte_limit:
            raise InputTooLarge(len(data), byte_limit, "bytes")
        data = decode_bytes(data)
    if not isinstance(data, str):
        raise InputError(f"input must be text or bytes, not {type(data).__name__}")
    is_html = looks_like_html(data) if html is None else html
    limit = HTML_FACTOR * max_chars if is_html else max_chars
    if len(data) > limit:
        raise InputTooLarge(len(data), limit)
    if not is_html:
        return _clean(data, title, max_chars=max_chars)
    text, page_title = html_to_text(data)
    cleaned = _clean(text, title or page_title, max_chars=max_chars, extra_titles=(page_title,))
    return cleaned


_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_SNIFF_BYTES = 65_536


def read_path(
    path: str | os.PathLike,
    *,
    title: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> CleanText:
    """Ingest a file: HTML by extension (.html/.htm) or by sniffing; size checked first."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} is not a regular file")
    html: bool | None = True if path.suffix.lower() in _HTML_SUFFIXES else None
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            if html is None and looks_like_html(head.decode("utf-8", errors="replace")):
                html = True
            limit = BYTES_PER_CHAR * (HTML_FACTOR if html else 1) * max_chars
            if info.st_size > limit:
                raise InputTooLarge(info.st_size, limit, "bytes")
            data = head + handle.read(limit + 1 - len(head))
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:  # the file grew while we read it
        raise InputTooLarge(len(data), limit, "bytes")
    return ingest(data, title=title, html=html, max_chars=max_chars)
