"""Process-wide CPU settings for CTranslate2, applied once before the first CPU Translator.

Two costs measured on the distilbart-shaped bench (docs/generators.md, "CTranslate2 on
CPU"), neither of which the Translator's own options reach:

1. **Page faults.** CTranslate2 allocates every layer's activations afresh (``mkl_malloc``,
   which is glibc ``malloc``) and frees them after the layer. For a sub-batch of 16
   windows of ~600 tokens the attention scores alone are ~370 MB per layer, far above
   glibc's mmap threshold (32 MB at most), so each such block is a fresh ``mmap`` that the
   kernel must fault in and zero page by page, then ``munmap`` hands back: ~30% of the
   CPU time of a batch was system time. ``tune_malloc()`` keeps large blocks on the heap
   (``M_MMAP_MAX=0``), never trims the heap (``M_TRIM_THRESHOLD``) and uses one arena
   (``M_ARENA_MAX=1``: CTranslate2's worker threads would otherwise get arenas whose
   heaps are capped at 64 MB, where big blocks fall back to ``mmap`` anyway). The second
   batch then reuses the first one's pages. The price: the process keeps its peak heap
   (RSS stays at its high-water mark instead of dropping between batches), and all
   threads share one malloc arena. ``NEWSUM_CT2_MALLOC=0`` turns it off.
2. **Kernel ISA.** CTranslate2 dispatches its own kernels (softmax, (de)quantisation,
   GELU, layer norm) to AVX2 even on AVX-512 CPUs; its int8 GEMMs are MKL's, which pick
   AMX or VNNI by themselves. ``pick_isa()`` asks for AVX512 (``CT2_FORCE_CPU_ISA``)
   when the CPU has every AVX-512 subset CTranslate2 requires, and leaves its default
   otherwise (forcing an ISA the CPU lacks makes CTranslate2 refuse to start). A
   ``CT2_FORCE_CPU_ISA`` the user set is kept.

Both must happen before CTranslate2 runs its first CPU operation (it reads the ISA once)
and before it starts its worker threads (their malloc arena is chosen then), which is why
``CT2Generator`` calls ``prepare()`` before it imports ``ctranslate2``.
"""

from __future__ import annotations

import ctypes
import os
import platform
import threading
from collections.abc import MutableMapping
from pathlib import Path

ENV_MALLOC = "NEWSUM_CT2_MALLOC"
ENV_ISA = "CT2_FORCE_CPU_ISA"
# What CTranslate2 checks before it agrees to run its AVX512 kernels (src/cpu/cpu_info.cc).
AVX512_FLAGS = frozenset({"avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"})

# glibc mallopt() parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
M_ARENA_MAX = -8
# mallopt takes an int: the largest trim threshold it can express (never trim in practice).
_NEVER_TRIM = 2**31 - 1

_done: dict[str, object] = {}
_lock = threading.Lock()


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> frozenset[str]:
    """The CPU's feature flags (first processor); empty where there is no /proc/cpuinfo."""
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in {"flags", "Features"}:
            return frozenset(value.split())
    return frozenset()


def pick_isa(flags: frozenset[str] | set[str]) -> str | None:
    """``"AVX512"`` when the CPU has every subset CTranslate2 needs for it, else ``None``
    (CTranslate2's own choice: AVX2, AVX or generic)."""
    return "AVX512" if set(flags) >= AVX512_FLAGS else None


def apply_isa(
    environ: MutableMapping[str, str] | None = None, flags: frozenset[str] | None = None
) -> str | None:
    """Set CT2_FORCE_CPU_ISA from the CPU's flags unless it is set already; returns the ISA
    in force (``None``: CTranslate2 decides)."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_ISA):
        return environ[ENV_ISA]
    isa = pick_isa(cpu_flags() if flags is None else flags)
    if isa:
        environ[ENV_ISA] = isa
    return isa


def malloc_wanted(environ: MutableMapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return environ.get(ENV_MALLOC, "1").strip().lower() not in {"0", "false", "no", "off"}


def tune_malloc() -> bool:
    """Keep CTranslate2's large activation blocks on the heap (see the module docstring).
    True when glibc accepted every setting; False elsewhere (musl, macOS, Windows)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    settings = ((M_ARENA_MAX, 1), (M_TRIM_THRESHOLD, _NEVER_TRIM), (M_MMAP_MAX, 0))
    return all(mallopt(param, value) == 1 for param, value in settings)


def prepare() -> dict[str, object]:
    """Apply both settings once per process; returns what is in force (for the load
    metadata and the tests): ``{"isa": ..., "malloc": bool}``."""
    with _lock:
        if not _done:
            _done["isa"] = apply_isa()
            _done["malloc"] = tune_malloc() if malloc_wanted() else False
        return dict(_done)
