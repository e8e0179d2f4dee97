#!/usr/bin/env python3
"""Real conversions for the llama.cpp oracle: tiny random Hugging Face models written by
transformers (fixed seeds, safetensors), converted by the sdist's own convert_hf_to_gguf.py.
Unlike llama-cpp-oracle-models.py's GGUFWriter files, every key, tensor name, type and order is
what the converter chose. Run with a Python that has torch, transformers, sentencepiece and
safetensors (scripts/llama-cpp-oracle convert finds one).
Usage: llama-cpp-oracle-convert.py LLAMA_CPP_DIR OUT_DIR [NAME...]

OUT_DIR/hf/NAME holds the Hugging Face model, OUT_DIR/NAME.gguf its conversion. No network is
needed. The Llama (and Mixtral), Qwen2 and Gemma 3 converters take a tokenizer.model through
_set_vocab_sentencepiece: a SentencePiece BPE model (byte fallback) trained here on llama.cpp's
own Markdown. Qwen2-MoE's converter only reads a tokenizer.json (_set_vocab_gpt2), whose
pre-tokenizer must hash to one it knows: GPT-2's, rebuilt from the tokens and merges of the sdist's
ggml-vocab-gpt-2.gguf (fetched by fetch-real-checkpoints into $CKPT_REALDATA/vocab), hashes as
openai-community/gpt2 does. A config vocab_size above the tokenizer's is padded by
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


def gpt2_tokenizer(d):
    """GPT-2's tokenizer.json (50,257 tokens, 50,000 merges, byte-level) from llama.cpp's vocab GGUF."""
    sys.path.insert(0, os.path.join(SRC, "gguf-py"))
    import gguf
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    real = os.environ.get("CKPT_REALDATA", os.path.expanduser("~/.cache/ckptinspect/realdata"))
    r = gguf.GGUFReader(os.path.join(real, "vocab", "ggml-vocab-gpt-2.gguf"))
    tokens = r.fields["tokenizer.ggml.tokens"].contents()
    merges = r.fields["tokenizer.ggml.merges"].contents()
    tk = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=[tuple(m.split(" ")) for m in merges]))
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.post_processor = processors.ByteLevel(trim_offsets=False)
    tk.add_special_tokens(["<|endoftext|>"])
    tk.save(os.path.join(d, "tokenizer.json"))
    eot = "<|endoftext|>"
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "GPT2TokenizerFast", "bos_token": eot, "eos_token": eot, "unk_token": eot,
                   "add_prefix_space": False, "model_max_length": 1024}, f)


def write_hf(name, config, seed, tok="sp"):
    """A random model of `config` saved as bf16 safetensors beside its tokenizer."""
    import shutil

    import torch
    import transformers

    d = os.path.join(HF, name)
    if os.path.exists(os.path.join(d, "model.safetensors")):
        return d
    torch.manual_seed(seed)
    model = transformers.AutoModelForCausalLM.from_config(config).to(torch.bfloat16)
    model.save_pretrained(d, safe_serialization=True)
    if tok == "gpt2":
        gpt2_tokenizer(d)
        return d
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
    yield "conv-llama", "f16", "sp", t.LlamaConfig(
        vocab_size=32000, hidden_size=512, intermediate_size=1408, num_hidden_layers=4, num_attention_heads=8,
        num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=False, **common)
    # Qwen2(.5)-0.5B-like: QKV biases, tied head, Qwen2's 151,936 vocabulary; Q8_0.
    yield "conv-qwen2", "q8_0", "sp", t.Qwen2Config(
        vocab_size=151936, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=32768, tie_word_embeddings=True, use_sliding_window=False,
        **common)
    # Gemma 3 text: 5 of every 6 layers slide over 512 tokens, heads of 256, tied; vocabulary the
    # tokenizer's own 8,000 (the converter cuts token_embd to the tokenizer anyway).
    yield "conv-gemma3", "f16", "sp", t.Gemma3TextConfig(
        vocab_size=SP_VOCAB, hidden_size=640, intermediate_size=2048, num_hidden_layers=8, num_attention_heads=4,
        num_key_value_heads=1, head_dim=256, sliding_window=512, max_position_embeddings=32768,
        query_pre_attn_scalar=256, pad_token_id=0, **common)
    # Mixtral-like: 8 experts of 512, 2 used, GQA 8/2, untied; Q8_0.
    yield "conv-mixtral", "q8_0", "sp", t.MixtralConfig(
        vocab_size=32000, hidden_size=256, intermediate_size=512, num_local_experts=8, num_experts_per_tok=2,
        num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=2, max_position_embeddings=32768,
        tie_word_embeddings=False, sliding_window=None, **common)
    # Qwen1.5-MoE-like: 8 experts of 256, 4 used, a shared expert of 512 (and its gate), QKV
    # biases, untied; GPT-2's tokenizer (50,257); Q8_0.
    yield "conv-qwen2moe", "q8_0", "gpt2", t.Qwen2MoeConfig(
        vocab_size=50257, hidden_size=256, intermediate_size=704, moe_intermediate_size=256,
        shared_expert_intermediate_size=512, num_experts=8, num_experts_per_tok=4, num_hidden_layers=4,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=8192, tie_word_embeddings=False,
        use_sliding_window=False, bos_token_id=50256, eos_token_id=50256, rms_norm_eps=1e-6)


def main():
    os.makedirs(HF, exist_ok=True)
    for seed, (name, outtype, tok, config) in enumerate(models()):
        if ONLY and name not in ONLY:
            continue
        convert(name, write_hf(name, config, seed, tok), outtype)
        print(os.path.join(OUT, name + ".gguf"), flush=True)


if __name__ == "__main__":
    main()
