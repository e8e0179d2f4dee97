#!/usr/bin/env python3
"""Real conversions for the llama.cpp oracle: tiny random Hugging Face models written by
transformers (fixed seeds, safetensors), converted by the sdist's own convert_hf_to_gguf.py.
Unlike llama-cpp-oracle-models.py's GGUFWriter files, every key, tensor name, type and order is
what the converter chose. Run with a Python that has torch, transformers, sentencepiece and
safetensors (scripts/llama-cpp-oracle convert finds one).
Usage: llama-cpp-oracle-convert.py LLAMA_CPP_DIR OUT_DIR [NAME...]

OUT_DIR/hf/NAME holds the Hugging Face model, OUT_DIR/NAME.gguf its conversion. The tokenizer is
a SentencePiece BPE model (byte fallback) trained here on llama.cpp's own Markdown, so no
network is needed: the Llama (and Mixtral), Qwen2 and Gemma 3 converters all take a
tokenizer.model through _set_vocab_sentencepiece. A BPE tokenizer.json would need a pre-tokenizer
hash the converter knows, which is why the MoE here is Mixtral, not Qwen2-MoE: its converter
only reads tokenizer.json (_set_vocab_gpt2). A config vocab_size above the tokenizer's is padded by
the converter with [PADn] tokens, as real Llama-2-style checkpoints are."""
import glob
import json
import os
import subprocess
import sys

SRC, OUT = sys.argv[1:3]
ONLY = set(sys.argv[3:])
HF = os.path.join(OUT, "hf")
SP_VOCAB = 8000


def tokenizer():
    """tokenizer.model: SentencePiece BPE, 8,000 pieces (unk, bos, eos, 256 bytes, merges)."""
    path = os.path.join(OUT, "sp", "tokenizer.model")
    if os.path.exists(path):
        return path
    import sentencepiece as spm

    os.makedirs(os.path.dirname(path), exist_ok=True)
    corpus = os.path.join(OUT, "sp", "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as out:
        for md in sorted(glob.glob(os.path.join(SRC, "**", "*.md"), recursive=True)):
            with open(md, encoding="utf-8", errors="replace") as f:
                out.write(f.read() + "\n")
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=path[: -len(".model")], model_type="bpe", vocab_size=SP_VOCAB,
        byte_fallback=True, character_coverage=1.0, num_threads=1, input_sentence_size=0,
        shuffle_input_sentence=False, unk_id=0, bos_id=1, eos_id=2, pad_id=-1, minloglevel=2)
    return path


def write_hf(name, config, seed):
    """A random model of `config` saved as bf16 safetensors beside tokenizer.model."""
    import shutil

    import torch
    import transformers

    d = os.path.join(HF, name)
    if os.path.exists(os.path.join(d, "model.safetensors")):
        return d
    torch.manual_seed(seed)
    model = transformers.AutoModelForCausalLM.from_config(config).to(torch.bfloat16)
    model.save_pretrained(d, safe_serialization=True)
    shutil.copy(tokenizer(), os.path.join(d, "tokenizer.model"))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True,
                   "add_eos_token": False, "model_max_length": config.max_position_embeddings}, f)
    return d


def convert(name, hf_dir, outtype):
    gguf = os.path.join(OUT, name + ".gguf")
    if os.path.exists(gguf):
        return
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    subprocess.run([sys.executable, os.path.join(SRC, "convert_hf_to_gguf.py"), hf_dir, "--outtype", outtype,
                    "--outfile", gguf], check=True, env=env)


def models():
    import transformers as t

    common = dict(bos_token_id=1, eos_token_id=2, rms_norm_eps=1e-6)
    # Llama-2-like: GQA 8/2, untied, the 8,000-piece tokenizer padded to 32,000.
    yield "conv-llama", "f16", t.LlamaConfig(
        vocab_size=32000, hidden_size=512, intermediate_size=1408, num_hidden_layers=4, num_attention_heads=8,
        num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=False, **common)
    # Qwen2(.5)-0.5B-like: QKV biases, tied head, Qwen2's 151,936 vocabulary; Q8_0.
    yield "conv-qwen2", "q8_0", t.Qwen2Config(
        vocab_size=151936, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=32768, tie_word_embeddings=True, use_sliding_window=False,
        **common)
    # Gemma 3 text: 5 of every 6 layers slide over 512 tokens, heads of 256, tied; vocabulary the
    # tokenizer's own 8,000 (the converter cuts token_embd to the tokenizer anyway).
    yield "conv-gemma3", "f16", t.Gemma3TextConfig(
        vocab_size=SP_VOCAB, hidden_size=640, intermediate_size=2048, num_hidden_layers=8, num_attention_heads=4,
        num_key_value_heads=1, head_dim=256, sliding_window=512, max_position_embeddings=32768,
        query_pre_attn_scalar=256, pad_token_id=0, **common)
    # Mixtral-like: 8 experts of 512, 2 used, GQA 8/2, untied; Q8_0.
    yield "conv-mixtral", "q8_0", t.MixtralConfig(
        vocab_size=32000, hidden_size=256, intermediate_size=512, num_local_experts=8, num_experts_per_tok=2,
        num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=2, max_position_embeddings=32768,
        tie_word_embeddings=False, sliding_window=None, **common)


def main():
    os.makedirs(HF, exist_ok=True)
    for seed, (name, outtype, config) in enumerate(models()):
        if ONLY and name not in ONLY:
            continue
        convert(name, write_hf(name, config, seed), outtype)
        print(os.path.join(OUT, name + ".gguf"), flush=True)


if __name__ == "__main__":
    main()
