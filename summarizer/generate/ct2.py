"""The seq2seq generator on CTranslate2: same windows, prompts and headlines, faster decoding.

``convert()`` (CLI: ``newsum convert MODEL_DIR OUT_DIR --quantization int8``) turns a
transformers BART/PEGASUS/T5 directory into a CTranslate2 one that also holds the
tokenizer, the generation settings and the source model's family, so the converted
directory is all the ``ct2`` backend needs.

transformers 5 no longer keeps BART's ``normalize_before`` / ``normalize_embedding``
config attributes, which the CTranslate2 4.8 BART loader reads
(OpenNMT/CTranslate2#888 describes the same error for configs that lack them). BART is
post-norm with a layer norm on the embeddings, so the converter fills in exactly those
values when they are missing; see docs/generators.md.

Speed on CPU comes from two settings (docs/generators.md, "CTranslate2 on CPU"):
threads split between ``inter_threads`` (sub-batches decoded at once) and
``intra_threads`` (threads per sub-batch) from the core count, and batches formed by
token count (``batch_type="tokens"``), so that a batch of long windows and a batch of
short ones cost about the same and padding stays small (CTranslate2 sorts by length).
Two process-wide settings matter as much on CPU and live in ``ct2_cpu``: large activation
blocks kept on the heap instead of page-faulted in for every layer, and AVX512 kernels.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarizer.errors import ModelUnavailable, NewsumError
from summarizer.generate import ct2_cpu, loading
from summarizer.generate.prompts import fill
from summarizer.generate.seq2seq import Seq2SeqGenerator, _take_max_length, _tidy

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16", "float32")
META_FILE = "newsum.json"
# What the converted directory must carry besides the weights (whichever exist).
_COPY = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
    "generation_config.json",
)
# Architectures whose converted (post-norm BART-style) config needs the attributes filled.
_BART_LIKE = {"bart", "mbart", "pegasus", "marian"}
ENV_INTER = "NEWSUM_CT2_INTER_THREADS"
ENV_BATCH_TOKENS = "NEWSUM_CT2_BATCH_TOKENS"
# Source tokens per sub-batch: eight full 1,024-token windows. Large enough that a decoder
# step's matrix products are wide (int8 GEMMs pay off from a few rows up), small enough
# that the activations of one sub-batch stay in the tens of MB.
DEFAULT_BATCH_TOKENS = 8192
# Cores per parallel sub-batch: below this, splitting cores between batches loses more
# to thinner GEMMs than it gains in parallel decoding.
_CORES_PER_REPLICA = 4


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def thread_plan(threads: int | None = None, inter: int | None = None) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for CPU decoding, their product the thread count.

    The thread count is ``threads``, else NEWSUM_THREADS, else every core this process may
    use. One replica gets all of them until there are ``2 * _CORES_PER_REPLICA`` cores;
    beyond that, one replica per four cores decodes sub-batches in parallel (weights are
    shared between replicas on CPU). NEWSUM_CT2_INTER_THREADS sets the replicas directly.
    """
    total = loading.cpu_threads(threads)
    chosen = inter or _env_int(ENV_INTER)
    if not chosen:
        chosen = total // _CORES_PER_REPLICA if total >= 2 * _CORES_PER_REPLICA else 1
    chosen = max(1, min(chosen, total))
    return chosen, max(1, total // chosen)


def _converter_class():
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            config = model.config
            if config.model_type in _BART_LIKE:
                if not hasattr(config, "normalize_before"):
                    config.normalize_before = config.model_type in {"mbart", "pegasus"}
                if not hasattr(config, "normalize_embedding"):
                    config.normalize_embedding = config.model_type != "pegasus"
            return model

    return Converter


def convert(
    model: str, out_dir: str | Path, *, quantization: str = "int8", force: bool = False
) -> Path:
    """Convert a local transformers seq2seq model to CTranslate2; returns ``out_dir``."""
    if quantization not in QUANTIZATIONS:
        raise NewsumError(
            f"unknown quantization {quantization!r}; choose one of: {', '.join(QUANTIZATIONS)}"
        )
    path, _ = loading.resolve(model)
    source = Path(path)
    config = loading.read_config(source)
    if not config.get("is_encoder_decoder"):
        raise ModelUnavailable(f"{model!r} is not an encoder-decoder (seq2seq) model directory")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise NewsumError(f"{out} exists and is not empty (use --force to overwrite)")
    copy = [name for name in _COPY if (source / name).is_file()]
    try:
        converter = _converter_class()(str(source), copy_files=copy, low_cpu_mem_usage=True)
        converter.convert(str(out), quantization=quantization, force=True)
    except Exception as exc:  # the converter raises ValueError, OSError, AttributeError...
        raise loading.load_failed(model, exc) from exc
    meta = {
        "source_model": model,
        "quantization": quantization,
        "model_type": config.get("model_type"),
        "max_position_embeddings": config.get("max_position_embeddings"),
        "n_positions": config.get("n_positions"),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out


class CT2Generator(Seq2SeqGenerator):
    """A converted model on ``ctranslate2.Translator``, batched; loaded once per process."""

    backend = "ct2"

    def __init__(
        self,
        model: str | None = None,
        *,
        compute_type: str = "default",
        batch_tokens: int | None = None,
        inter_threads: int | None = None,
        **options,
    ):
        super().__init__(model, **options)
        self.compute_type = compute_type
        # Tokens per sub-batch; 0 falls back to ``batch_size`` examples per sub-batch.
        if batch_tokens is None:
            batch_tokens = _env_int(ENV_BATCH_TOKENS) or DEFAULT_BATCH_TOKENS
        self.batch_tokens = max(0, batch_tokens)
        self.inter_threads = inter_threads

    def _build(self, path: str, local_only: bool, device: str) -> dict[str, Any]:
        if not loading.is_ct2_dir(path):
            raise ModelUnavailable(
                f"{self.model!r} is not a CTranslate2 model directory "
                "(make one with: newsum convert MODEL_DIR OUT_DIR --quantization int8)"
            )
        kind, _, index = device.partition(":")  # "cuda:1" -> device "cuda", index 1
        # before the import: CTranslate2 reads its ISA once and picks malloc arenas when
        # its worker threads start (ct2_cpu)
        cpu = ct2_cpu.prepare() if kind == "cpu" else {}
        try:
            import ctranslate2
            from transformers import AutoTokenizer, GenerationConfig

            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            inter, intra = thread_plan(self.threads, self.inter_threads)
            translator = ctranslate2.Translator(
                path,
                device=kind,
                device_index=int(index or 0),
                compute_type=self.compute_type,
                inter_threads=inter if device == "cpu" else 1,
                intra_threads=intra if device == "cpu" else 0,
            )
            generation = (
                GenerationConfig.from_pretrained(path, local_files_only=True)
                if (Path(path) / "generation_config.json").is_file()
                else GenerationConfig()
            )
        except Exception as exc:
            raise loading.load_failed(self.model, exc) from exc
        meta_path = Path(path) / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        return {
            "tokenizer": tokenizer,
            "translator": translator,
            "generation": generation,
            "default_max_new": _take_max_length(generation),
            "device": device,
            "family": meta.get("model_type") or "bart",
            "model_max_input": self._max_input(tokenizer, meta),
            "threads": (inter, intra),
            "cpu": cpu,
        }

    def _batched(self, texts: list[str], kind: str = "summary", **kwargs) -> list[str]:
        """All texts in one ``translate_batch``: CTranslate2 sorts them by length and cuts
        sub-batches by token count (``_batch_options``), decoding ``inter_threads`` of them
        at once; results come back in input order."""
        if not texts:
            return []
        template = self._prefix(kind)
        with self._run_lock:
            return self._run([fill(template, text=t) for t in texts], **kwargs)

    def _batch_options(self) -> dict[str, Any]:
        if not self.batch_tokens:
            return {"max_batch_size": self.batch_size, "batch_type": "examples"}
        # never below one full window, or a long window would be a batch of its own anyway
        return {"max_batch_size": max(self.batch_tokens, self.max_input), "batch_type": "tokens"}

    def _run(self, texts: Sequence[str], *, max_new_tokens: int | None = None) -> list[str]:
        loaded = self._loaded
        tokenizer, generation = loaded["tokenizer"], loaded["generation"]
        ids = tokenizer(list(texts), truncation=True, max_length=self.max_input)["input_ids"]
        source = [tokenizer.convert_ids_to_tokens(x) for x in ids]
        options: dict[str, Any] = {
            "beam_size": self.num_beams or generation.num_beams or 1,
            "max_decoding_length": self._max_new(max_new_tokens),
            **self._batch_options(),
            "length_penalty": generation.length_penalty or 1.0,
            "no_repeat_ngram_size": generation.no_repeat_ngram_size or 0,
            "repetition_penalty": generation.repetition_penalty or 1.0,
        }
        min_new = self.min_new_tokens
        if min_new is None and generation.min_length:
            min_new = generation.min_length - 1
        if min_new and not max_new_tokens:
            options["min_decoding_length"] = min_new
        if generation.forced_bos_token_id is not None:  # e.g. BART-CNN starts with <s>
            bos = tokenizer.convert_ids_to_tokens(generation.forced_bos_token_id)
            options["target_prefix"] = [[bos] for _ in source]
        results = loaded["translator"].translate_batch(source, **options)
        out = []
        for result in results:
            tokens = tokenizer.convert_tokens_to_ids(result.hypotheses[0])
            out.append(_tidy(tokenizer.decode(tokens, skip_special_tokens=True)))
        return out

    def token_ids(self, texts: Sequence[str], max_new_tokens: int) -> list[list[int]]:
        """Greedy output ids without the text round trip (for equivalence checks)."""
        self.load()
        loaded = self._loaded
        tokenizer = loaded["tokenizer"]
        ids = tokenizer(list(texts), truncation=True, max_length=self.max_input)["input_ids"]
        results = loaded["translator"].translate_batch(
            [tokenizer.convert_ids_to_tokens(x) for x in ids],
            beam_size=1,
            max_decoding_length=max_new_tokens,
        )
        return [tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
