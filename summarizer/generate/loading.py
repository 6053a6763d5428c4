"""Finding and loading model weights: local files only, once per process, thread-safe.

Models come from a local directory or the Hugging Face hub cache. Nothing is downloaded
unless the user says so (``NEWSUM_ALLOW_DOWNLOAD=1``), so a missing model is a clear
``ModelUnavailable`` naming it, never a silent network fetch at run time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from summarizer.errors import ModelUnavailable

#: The production seq2seq model when none is configured (CNN/DailyMail-tuned distilBART).
DEFAULT_SEQ2SEQ_MODEL = "sshleifer/distilbart-cnn-12-6"

ENV_MODEL = "NEWSUM_MODEL"
ENV_ALLOW_DOWNLOAD = "NEWSUM_ALLOW_DOWNLOAD"
ENV_DEVICE = "NEWSUM_DEVICE"
ENV_THREADS = "NEWSUM_THREADS"

T = TypeVar("T")

_cache: dict[tuple, Any] = {}
_locks: dict[tuple, threading.Lock] = {}
_locks_guard = threading.Lock()


def allow_download() -> bool:
    return os.environ.get(ENV_ALLOW_DOWNLOAD, "").strip().lower() in {"1", "true", "yes"}


def configured_model(model: str | None = None) -> str:
    """The model named by the caller, else NEWSUM_MODEL, else the production default."""
    return model or os.environ.get(ENV_MODEL) or DEFAULT_SEQ2SEQ_MODEL


def pick_device(device: str | None = None) -> str:
    """``cuda`` when asked for or (for ``auto``) present, else ``cpu``."""
    device = (device or os.environ.get(ENV_DEVICE) or "auto").lower()
    if device == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise ModelUnavailable(f"device {device!r} requested but CUDA is not available")
    return device


def cpu_threads(threads: int | None = None) -> int:
    """Threads for CPU inference: NEWSUM_THREADS, else every core this process may use."""
    if threads:
        return threads
    env = os.environ.get(ENV_THREADS)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def local_path(model: str) -> Path | None:
    """The directory holding ``model`` on this machine (a path, or a hub-cache snapshot)."""
    path = Path(model).expanduser()
    if path.is_dir() and (path / "config.json").is_file():
        return path
    if path.is_file() and path.suffix == ".gguf":
        return path
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        return None
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(model, "config.json")
    except Exception:  # a malformed id, an unreadable cache: treat as absent
        return None
    return Path(found).parent if isinstance(found, str) else None


def is_available(model: str) -> bool:
    """True when ``model`` can be loaded without the network."""
    return local_path(model) is not None


def resolve(model: str) -> tuple[str, bool]:
    """(what to pass to from_pretrained, local_files_only) — or ModelUnavailable."""
    found = local_path(model)
    if found is not None:
        return str(found), True
    if allow_download():
        return model, False
    raise ModelUnavailable(
        f"model {model!r} is not a local model directory or in the hub cache "
        f"(set {ENV_ALLOW_DOWNLOAD}=1 to allow downloading it)"
    )


def read_config(path: str | Path) -> dict:
    """The JSON config in a model directory, or {} when there is none."""
    try:
        return json.loads((Path(path) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def is_ct2_dir(path: str | Path) -> bool:
    """A CTranslate2 conversion (what ``newsum convert`` writes)."""
    return (Path(path) / "model.bin").is_file()


def shared(key: tuple, factory: Callable[[], T]) -> T:
    """The process-wide object for ``key``, built once by ``factory`` even under threads."""
    if key in _cache:
        return _cache[key]
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _cache:
            _cache[key] = factory()
        return _cache[key]


def load_failed(model: str, exc: BaseException) -> ModelUnavailable:
    """One line naming the model and the cause (the traceback stays in __cause__)."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ModelUnavailable(f"cannot load model {model!r}: {reason[:300]}")


class LoadsOnce:
    """Mixin for transformers-backed generators: ``load()`` builds the model once per
    process (shared by path and device) through the subclass's ``_build``."""

    backend: str
    model: str | None
    device: str | None
    _loaded: dict | None = None

    def load(self):
        """Load (or reuse) the model and tokenizer; ModelUnavailable if they cannot load."""
        if self._loaded is None:
            path, local_only = resolve(self.model)
            device = pick_device(self.device)
            key = (self.backend, path, device)
            self._loaded = shared(key, lambda: self._build(path, local_only, device))
        return self

    def _build(self, path: str, local_only: bool, device: str) -> dict:
        raise NotImplementedError
