"""Shards: output written by the workers themselves, and the manifest that says what is done.

With the Ray engine, each actor writes the records of the batch it briefed to a shard of
its own, so on a cluster no record travels through the driver and no single file is the
limit. The output directory is a local path or any ``pyarrow.fs`` URI (``s3://bucket/run/``,
``gs://...``, ``hdfs://...``; only local paths are tested here):

    part-<uuid>.jsonl            the records of one batch, the same lines as ``--out FILE``
    manifest/part-<uuid>.json    {"shard": "part-<uuid>.jsonl", "written": <unix time>,
                                  "done": {id: input_sha256, ...}}

Every file is written once and never appended to (object stores cannot append). A manifest
entry is written only after its shard is closed, so an entry always names a whole shard;
a shard without an entry (a worker killed while writing) is ignored and its articles are
briefed again. ``--resume`` skips the ids whose manifest sha256 matches the input as it is
now; when an id is in several entries (an input changed and was briefed again), the
newest entry wins, in ``done()`` and in ``merged_lines()`` alike.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MANIFEST = "manifest"
PREFIX = "part-"


def is_shard_target(value: str) -> bool:
    """``--out`` names a shard directory: a URI, a path ending in '/', or a directory."""
    return "://" in value or value.endswith(("/", os.sep)) or os.path.isdir(value)


@dataclass
class Entry:
    shard: str
    written: float
    done: dict[str, str]


class ShardDir:
    """A shard directory on a ``pyarrow.fs`` filesystem (picklable: Ray ships it to actors
    as its URI and each actor opens the filesystem itself)."""

    def __init__(self, uri: str):
        self.uri = uri
        self._fs = None
        self._root = ""

    def __getstate__(self) -> dict:
        return {"uri": self.uri}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["uri"])

    @property
    def is_local(self) -> bool:
        return "://" not in self.uri or self.uri.startswith("file://")

    @property
    def fs(self):
        if self._fs is None:
            from pyarrow import fs

            if "://" in self.uri:
                self._fs, root = fs.FileSystem.from_uri(self.uri)
            else:
                self._fs, root = fs.LocalFileSystem(), os.path.abspath(self.uri)
            self._root = root.rstrip("/")
        return self._fs

    def path(self, *parts: str) -> str:
        self.fs  # noqa: B018 - sets _root
        return "/".join([self._root, *parts])

    def create(self) -> ShardDir:
        self.fs.create_dir(self.path(MANIFEST), recursive=True)
        return self

    # ---- writing (in the workers) -------------------------------------------------------

    def write_shard(self, records: Iterable[tuple[str, str | None, str]]) -> str | None:
        """Write one shard of ``(id, input_sha256, line)`` and then its manifest entry;
        returns the shard's name (None when there was nothing to write)."""
        records = list(records)
        if not records:
            return None
        name = f"{PREFIX}{uuid.uuid4().hex}.jsonl"
        data = "".join(line.rstrip("\n") + "\n" for _, _, line in records).encode("utf-8")
        self._write(self.path(name), data)
        entry = {"shard": name, "written": time.time(), "done": {i: d for i, d, _ in records}}
        self._write(self.path(MANIFEST, name[: -len(".jsonl")] + ".json"), json.dumps(entry))
        return name

    def _write(self, path: str, data: bytes | str) -> None:
        """Written under a temporary name and renamed where the filesystem can (local,
        HDFS); object stores make an object visible only once it is whole anyway."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.is_local:
            tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            return
        with self.fs.open_output_stream(path) as out:
            out.write(data)

    # ---- reading (in the driver) --------------------------------------------------------

    def _listing(self, folder: str, suffix: str) -> list[str]:
        from pyarrow import fs

        selector = fs.FileSelector(folder, allow_not_found=True)
        return sorted(
            info.path
            for info in self.fs.get_file_info(selector)
            if info.type == fs.FileType.File and info.base_name.endswith(suffix)
        )

    def entries(self) -> list[Entry]:
        """Every manifest entry whose shard exists, oldest first."""
        shards = {p.rsplit("/", 1)[-1] for p in self._listing(self.path(), ".jsonl")}
        found = []
        for path in self._listing(self.path(MANIFEST), ".json"):
            try:
                with self.fs.open_input_stream(path) as fh:
                    raw = json.loads(fh.read())
                entry = Entry(str(raw["shard"]), float(raw["written"]), dict(raw["done"]))
            except (ValueError, KeyError, TypeError, OSError):
                continue  # a torn or foreign file: its ids are briefed again
            if entry.shard in shards:
                found.append(entry)
        return sorted(found, key=lambda e: (e.written, e.shard))

    def done(self) -> dict[str, str]:
        """id -> input_sha256 of every record in a shard, the newest entry winning."""
        out: dict[str, str] = {}
        for entry in self.entries():
            out.update(entry.done)
        return out

    def has_results(self) -> bool:
        return bool(self._listing(self.path(MANIFEST), ".json"))

    def merged_lines(self) -> Iterator[str]:
        """Every winning record once, shard by shard (one shard in memory at a time)."""
        entries = self.entries()
        winner = {i: e.shard for e in entries for i in e.done}
        for entry in entries:
            with self.fs.open_input_stream(self.path(entry.shard)) as fh:
                text = fh.read().decode("utf-8")
            for line in text.splitlines():
                if line.strip() and winner.get(json.loads(line)["id"]) == entry.shard:
                    yield line

    def clear(self) -> None:
        """Remove our shards and manifest (for --overwrite); other files are left alone."""
        for path in self._listing(self.path(MANIFEST), ".json"):
            self.fs.delete_file(path)
        for path in self._listing(self.path(), ".jsonl"):
            if path.rsplit("/", 1)[-1].startswith(PREFIX):
                self.fs.delete_file(path)

    def remove(self) -> None:
        self.fs.delete_dir(self.path())
