"""CTranslate2's process-wide CPU settings: the ISA from the CPU's flags, and malloc kept
from handing large activation blocks back to the kernel (page faults on every batch)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_models import SAMPLES, build_bart

from summarizer.generate import ct2_cpu

ROOT = Path(__file__).resolve().parents[1]
AVX512 = {"avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"}


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text(
        "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse4_1 avx2 avx512f\n\n"
        "processor\t: 1\nflags\t\t: fpu\n",
        encoding="utf-8",
    )
    assert ct2_cpu.cpu_flags(info) == {"fpu", "sse4_1", "avx2", "avx512f"}
    assert ct2_cpu.cpu_flags(tmp_path / "missing") == frozenset()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (AVX512 | {"avx2", "amx_int8", "avx512_vnni"}, "AVX512"),
        (AVX512, "AVX512"),
        (AVX512 - {"avx512bw"}, None),  # one subset missing: CTranslate2 would refuse
        ({"avx2", "fma"}, None),
        (set(), None),  # no /proc/cpuinfo (or not x86): CTranslate2 decides
    ],
)
def test_isa_is_avx512_only_when_the_cpu_has_every_subset(flags, expected):
    assert ct2_cpu.pick_isa(frozenset(flags)) == expected


def test_apply_isa_sets_the_variable_falls_back_and_keeps_the_users():
    env: dict[str, str] = {}
    assert ct2_cpu.apply_isa(env, frozenset(AVX512)) == "AVX512"
    assert env == {"CT2_FORCE_CPU_ISA": "AVX512"}

    env = {}
    assert ct2_cpu.apply_isa(env, frozenset({"avx2"})) is None
    assert env == {}  # CTranslate2's own default (AVX2) stays

    env = {"CT2_FORCE_CPU_ISA": "AVX2"}
    assert ct2_cpu.apply_isa(env, frozenset(AVX512)) == "AVX2"
    assert env == {"CT2_FORCE_CPU_ISA": "AVX2"}


@pytest.mark.parametrize(
    ("value", "wanted"), [(None, True), ("1", True), ("0", False), ("off", False)]
)
def test_malloc_tuning_can_be_turned_off(value, wanted):
    env = {} if value is None else {"NEWSUM_CT2_MALLOC": value}
    assert ct2_cpu.malloc_wanted(env) is wanted


# A child process (mallopt is process-wide and cannot be undone): translate the same batch
# twice and report the minor page faults of the second call. The batch is sized so that
# one layer's attention scores (8 windows x 8 heads x 500^2 floats = 64 MB) are above
# glibc's largest mmap threshold (32 MB).
_CHILD = """
import json, resource, sys
from summarizer.generate import ct2_cpu
state = ct2_cpu.prepare()
import ctranslate2
from transformers import AutoTokenizer
path = sys.argv[1]
tokenizer = AutoTokenizer.from_pretrained(path)
text = open(sys.argv[2], encoding="utf-8").read()
ids = tokenizer(text, add_special_tokens=False)["input_ids"]
tokens = tokenizer.convert_ids_to_tokens((ids * 10)[:500])
translator = ctranslate2.Translator(path, device="cpu", intra_threads=1)
faults = []
for _ in range(2):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    translator.translate_batch([tokens] * 8, beam_size=1, max_decoding_length=1)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(json.dumps({"state": state, "faults": faults}))
"""


@pytest.fixture(scope="module")
def wide_bart(tmp_path_factory):
    from summarizer.generate.ct2 import convert

    source = build_bart(
        tmp_path_factory.mktemp("wide-bart"),
        max_position_embeddings=512,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
    )
    return convert(str(source), tmp_path_factory.mktemp("wide-bart-int8"), quantization="int8")


def _second_call_faults(model: Path, **env: str) -> dict:
    environ = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    environ.pop("CT2_FORCE_CPU_ISA", None)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(model), str(SAMPLES[0])],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc mallopt"
)
def test_large_activation_blocks_are_reused_instead_of_faulted_in_again(wide_bart):
    untuned = _second_call_faults(wide_bart, NEWSUM_CT2_MALLOC="0")
    tuned = _second_call_faults(wide_bart)
    assert untuned["state"]["malloc"] is False and tuned["state"]["malloc"] is True
    assert tuned["state"]["isa"] == ct2_cpu.pick_isa(ct2_cpu.cpu_flags())
    # without the tuning every large block is a fresh mmap: at least one 64 MB block of
    # 4 KiB pages faulted in again on the second call; with it, its pages are reused
    assert untuned["faults"][1] > 64 * 1024 // 4
    assert tuned["faults"][1] < untuned["faults"][1] / 10
