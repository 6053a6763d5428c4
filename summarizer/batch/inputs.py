"""Find the articles a batch run briefs, each under an id that is stable across runs.

Ids are what ``--resume`` matches on, so they depend only on the inputs, never on the
order or the machine: a file's id is its path relative to the input root (the directory
given, the fixed part of a glob, or the file's own directory), a JSONL row's id is its
``id`` field or ``<file id>#<line>``. A second input with an id already seen is not
renamed (a rename would depend on the order of discovery); it becomes an error record.

JSONL rows are not kept in memory: an Item remembers the byte offset of its row and the
worker reads it again, so discovering millions of rows costs only their ids.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from summarizer.errors import InputError

# What a directory or a glob contributes (READMEs and hidden files left out); a file named
# explicitly is read whatever its name, and the reader rejects it if it is not text.
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES


@dataclass(frozen=True)
class Item:
    """One article to brief, or one input already known to be bad (``error`` set)."""

    id: str
    path: str  # the file, and for a JSONL row "<file>#<line>"
    file: str  # the file to read
    offset: int | None = None  # byte offset of a JSONL row in ``file``
    title: str | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


class NoInputs(InputError):
    """An INPUT argument matches nothing (a bad argument, not a bad article)."""


def _has_magic(pattern: str) -> bool:
    return glob.has_magic(pattern)


def _glob_root(pattern: str) -> Path:
    """The directory part of a glob before its first wildcard: ``a/b/*/c.txt`` -> ``a/b``."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if _has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _is_article_name(name: str) -> bool:
    lower = name.lower()
    return not lower.startswith((".", "readme.")) and lower.endswith(SUFFIXES)


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` with a known suffix, in a stable order. Hidden entries and
    READMEs (a folder's documentation, not one of its articles) are left out."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if _is_article_name(name):
                yield Path(dirpath) / name


def _expand(arg: str) -> list[tuple[Path, Path]]:
    """(file, root) pairs for one INPUT argument; raises NoInputs if it matches nothing."""
    path = Path(arg)
    if path.is_dir():
        return [(f, path) for f in _walk(path)]
    if path.exists() or not _has_magic(arg):
        if not path.exists():
            raise NoInputs(f"input not found: {arg}")
        return [(path, path.parent)]
    root = _glob_root(arg)
    pairs = []
    for match in sorted(glob.glob(arg, recursive=True)):
        found = Path(match)
        if found.is_dir():
            pairs.extend((f, root) for f in _walk(found))
        elif found.is_file() and _is_article_name(found.name):
            pairs.append((found, root))
    if not pairs:
        raise NoInputs(f"no files match {arg!r}")
    return pairs


def _file_id(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:  # a symlink or "..": fall back on the path as given
        return file.as_posix()


def jsonl_items(file: Path, file_id: str) -> Iterator[Item]:
    """One Item per non-blank row; a row that is not an object with a string ``text``
    becomes an error Item, so one bad row never stops the file."""
    with file.open("rb") as fh:
        offset = 0
        for number, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            where = f"{file.as_posix()}#{number}"
            default_id = f"{file_id}#{number}"
            try:
                row = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                yield Item(default_id, where, str(file), start, error=f"malformed JSON row: {exc}")
                continue
            if not isinstance(row, dict):
                yield Item(default_id, where, str(file), start, error="row is not a JSON object")
                continue
            row_id = row.get("id")
            item_id = default_id if row_id is None or row_id == "" else str(row_id)
            title = row.get("title")
            title = title if isinstance(title, str) and title.strip() else None
            text = row.get("text")
            error = None
            if not isinstance(text, str):
                error = 'row has no string "text" field'
            yield Item(item_id, where, str(file), start, title=title, error=error)


def discover(inputs: Iterable[str]) -> Iterator[Item]:
    """Every article the INPUT arguments name, duplicates turned into error Items.

    Raises NoInputs (before yielding anything) if an argument matches no file."""
    pairs = [pair for arg in inputs for pair in _expand(arg)]
    seen_files: set[Path] = set()
    seen_ids: dict[str, str] = {}
    for file, root in pairs:
        try:
            resolved = file.resolve()
        except (RuntimeError, OSError) as exc:  # a symlink loop: this input only
            reason = "symlink loop" if isinstance(exc, RuntimeError) else f"cannot read: {exc}"
            yield Item(_file_id(file, root), file.as_posix(), str(file), error=reason)
            continue
        if resolved in seen_files:  # the same file named twice ("a/ a/x.txt"): brief it once
            continue
        seen_files.add(resolved)
        file_id = _file_id(file, root)
        if file.name.lower().endswith(JSONL_SUFFIXES):
            items: Iterable[Item] = jsonl_items(file, file_id)
        else:
            items = [Item(file_id, file.as_posix(), str(file))]
        for item in items:
            first = seen_ids.get(item.id)
            if first is not None:
                reason = f"duplicate id {item.id!r}: already used by {first}"
                yield Item(item.id, item.path, item.file, item.offset, error=reason)
                continue
            seen_ids[item.id] = item.path
            yield item


def input_sha256(item: Item) -> str:
    """SHA-256 of what an Item's brief is made from: the file's bytes, or its JSONL row
    (line ending left out). Records carry it, so --resume can tell a changed input."""
    digest = hashlib.sha256()
    with open(item.file, "rb") as fh:
        if item.offset is not None:
            fh.seek(item.offset)
            digest.update(fh.readline().rstrip(b"\r\n"))
        else:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_row(item: Item) -> tuple[str, str | None]:
    """The text and title of a JSONL row Item (read again at its offset)."""
    with open(item.file, "rb") as fh:
        fh.seek(item.offset or 0)
        row = json.loads(fh.readline())
    return row["text"], item.title
