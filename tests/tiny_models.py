"""Tiny random-weight models built at test time, so model-backed code runs for real offline.

Each builder writes a directory that ``from_pretrained`` (and the CTranslate2 converter)
loads like any downloaded checkpoint: a config with random weights from a fixed seed and a
tokenizer trained on ``samples/`` (byte-level BPE for BART and the causal LM, a
sentencepiece unigram model for T5). Weights are random, so the text they generate is
nonsense; the tests check the plumbing, limits and guards, not the prose.
"""

from __future__ import annotations

import io
from pathlib import Path

from support import ROOT, SAMPLES, assert_evidence_valid

__all__ = ["ROOT", "SAMPLES", "assert_evidence_valid", "tiny_model"]

# Small enough to build in well under a second each and to make long-article tests cheap:
# a sample article (~500 words) is several times longer than MAX_POSITIONS tokens.
MAX_POSITIONS = 128
# Random init with a wider spread than the default 0.02 makes next-token logits decisive,
# so greedy decoding is reproducible across implementations (torch vs CTranslate2).
INIT_STD = 0.5

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def sample_lines() -> list[str]:
    return [
        line.strip()
        for path in SAMPLES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _byte_bpe(vocab_size: int, specials: list[str]):
    from tokenizers import ByteLevelBPETokenizer

    tok = ByteLevelBPETokenizer(add_prefix_space=False)
    tok.train_from_iterator(
        sample_lines(), vocab_size=vocab_size, min_frequency=2, special_tokens=specials
    )
    return tok


def build_bart(out: Path, *, seed: int = 0, **config) -> Path:
    """A 2+2-layer BART with a byte-level BPE tokenizer (ids: <s>=0 <pad>=1 </s>=2)."""
    import torch
    from tokenizers.processors import RobertaProcessing
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = _byte_bpe(1000, specials)
    bpe._tokenizer.post_processor = RobertaProcessing(("</s>", 2), ("<s>", 0))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer,
        bos_token="<s>",
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=MAX_POSITIONS,
    )
    settings = dict(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=MAX_POSITIONS,
        init_std=INIT_STD,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        # BartConfig forces </s> as the last token at max_length; CTranslate2 has no such
        # option, and the text is the same either way.
        forced_eos_token_id=None,
    )
    settings.update(config)
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(BartConfig(**settings)).eval()
    model.generation_config.max_length = 40
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_t5(out: Path, *, seed: int = 0) -> Path:
    """A 2+2-layer T5 with a sentencepiece unigram tokenizer (ids: <pad>=0 </s>=1 <unk>=2)."""
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    model_file = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sample_lines()),
        model_writer=model_file,
        vocab_size=800,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        character_coverage=1.0,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_proto=model_file.getvalue())
    vocab = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(len(processor))]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=MAX_POSITIONS)
    torch.manual_seed(seed)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=2,
        initializer_factor=INIT_STD * 20,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        n_positions=MAX_POSITIONS,
    )
    model = T5ForConditionalGeneration(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "spiece.model").write_bytes(model_file.getvalue())
    return out


def build_causal(out: Path, *, seed: int = 0) -> Path:
    """A 2-layer Qwen2 causal LM with a byte-level BPE tokenizer and a ChatML template."""
    import torch
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = _byte_bpe(1000, specials)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        model_max_length=4096,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=4096,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        tie_word_embeddings=True,
    )
    model = Qwen2ForCausalLM(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


BUILDERS = {"bart": build_bart, "t5": build_t5, "causal": build_causal}
_built: dict[str, Path] = {}


def tiny_model(kind: str, tmp_path_factory) -> Path:
    """The tiny model of ``kind`` for this test session (built on first use)."""
    if kind not in _built:
        _built[kind] = BUILDERS[kind](tmp_path_factory.mktemp(f"tiny-{kind}"))
    return _built[kind]
