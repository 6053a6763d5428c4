"""A tiny random-weight GGUF model that a test writes itself with the ``gguf`` package.

A 1-layer llama-architecture model (32 wide) with a byte-level BPE vocabulary (the 256
GPT-2 byte symbols, a few merges, ChatML control tokens) and a ChatML chat template, so
llama.cpp loads it, applies its chat template and decodes under a grammar exactly as it
would a real instruction model. Weights are random from a fixed seed: the text is
nonsense; the tests check the plumbing (loading, context from the file, the grammar).
"""

from __future__ import annotations

from pathlib import Path

from tiny_models import CHAT_TEMPLATE

CONTEXT = 2048
EMBED = 32
HEADS = 2
FF = 64
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MERGES = [("{", '"'), ('"', ":"), ('"', ","), ("Ġ", "t"), ("h", "e")]


def _byte_symbols() -> list[str]:
    """GPT-2's byte -> printable-character table (what byte-level BPE vocabularies use)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    chars = keep[:]
    extra = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + extra)
            extra += 1
    table = dict(zip(keep, chars))
    return [chr(table[b]) for b in range(256)]


def build_gguf(path: Path, *, seed: int = 0) -> Path:
    import gguf
    import numpy as np

    tokens = _byte_symbols() + ["".join(m) for m in MERGES] + SPECIALS
    types = [gguf.TokenType.NORMAL] * (len(tokens) - len(SPECIALS)) + [
        gguf.TokenType.CONTROL
    ] * len(SPECIALS)
    vocab = len(tokens)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("newsum-tiny-test")
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(EMBED)
    writer.add_block_count(1)
    writer.add_feed_forward_length(FF)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(HEADS)
    writer.add_rope_dimension_count(EMBED // HEADS)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges([" ".join(m) for m in MERGES])
    writer.add_bos_token_id(tokens.index("<|endoftext|>"))
    writer.add_eos_token_id(tokens.index("<|im_end|>"))
    writer.add_pad_token_id(tokens.index("<|endoftext|>"))
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    rng = np.random.default_rng(seed)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    ones = np.ones(EMBED, dtype=np.float32)
    writer.add_tensor("token_embd.weight", weight(vocab, EMBED))
    writer.add_tensor("blk.0.attn_norm.weight", ones)
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(f"blk.0.{name}.weight", weight(EMBED, EMBED))
    writer.add_tensor("blk.0.ffn_norm.weight", ones)
    writer.add_tensor("blk.0.ffn_gate.weight", weight(FF, EMBED))
    writer.add_tensor("blk.0.ffn_up.weight", weight(FF, EMBED))
    writer.add_tensor("blk.0.ffn_down.weight", weight(EMBED, FF))
    writer.add_tensor("output_norm.weight", ones)
    writer.add_tensor("output.weight", weight(vocab, EMBED))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
