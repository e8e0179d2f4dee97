#!/usr/bin/env python3
"""Real conversions for the llama.cpp oracle: tiny random Hugging Face models written by
transformers (fixed seeds, safetensors), converted by the sdist's own convert_hf_to_gguf.py.
Unlike llama-cpp-oracle-models.py's GGUFWriter files, every key, tensor name, type and order is
what the converter chose. Run with a Python that has torch, transformers, sentencepiece and
safetensors (scripts/llama-cpp-oracle convert finds one).
Usage: llama-cpp-oracle-convert.py LLAMA_CPP_DIR OUT_DIR [NAME...]

OUT_DIR/hf/NAME holds the Hugging Face model, OUT_DIR/NAME.gguf its conversion. No network is
needed. The Llama (and Mixtral, LLaVA's text model), Qwen2/Qwen3, Phi-3 and Gemma 1/2/3 converters
take a tokenizer.model through
_set_vocab_sentencepiece: a SentencePiece BPE model (byte fallback) trained here on llama.cpp's
own Markdown. Qwen2-MoE's, Qwen3-MoE's and GPT-2's converters only read a tokenizer.json
(_set_vocab_gpt2), whose pre-tokenizer must hash to one it knows: GPT-2's, rebuilt from the tokens
and merges of the sdist's ggml-vocab-gpt-2.gguf (fetched by fetch-real-checkpoints into
$CKPT_REALDATA/vocab), hashes as openai-community/gpt2 does. BERT's likewise needs a WordPiece
vocabulary it knows: bge-small's (bert-base-uncased), rebuilt from ggml-vocab-bert-bge.gguf. A config
vocab_size above the tokenizer's is padded by the converter with [PADn] tokens, as real
Llama-2-style checkpoints are.

Besides plain conversions: conv-llama-fusedqkv is conv-llama's HF model converted with the
converter's --fuse-qkv (one attn_qkv per block: a real fused-vs-split pair), and
`quantize` (after the conversions, when $LLAMA_QUANTIZE names llama.cpp's llama-quantize) writes
conv-llama-Q4_K_M.gguf and conv-llama-Q8_0.gguf from conv-llama.gguf (F16), as a user would.
conv-gemma3mm-mmproj.gguf is conv-gemma3mm's vision tower and projector converted with --mmproj
(see `mmproj`); LLaVA has none: the 0.3.36 converter's LlavaForConditionalGeneration mmproj class
takes Pixtral only ("Unsupported model type: clip_vision_model" for a CLIP tower).
scripts/extract-conversion-headers copies the headers of all of them into TestData/conversions."""
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


def bert_tokenizer(d):
    """bge-small's WordPiece vocab.txt (30,522 tokens) from llama.cpp's vocab GGUF, whose tokens are in
    the converter's phantom-space form: a word start is "\u2581word" (WordPiece: "word"), a
    continuation "piece" (WordPiece: "##piece"), control tokens ([CLS], [SEP], ...) as they are."""
    sys.path.insert(0, os.path.join(SRC, "gguf-py"))
    import gguf

    real = os.environ.get("CKPT_REALDATA", os.path.expanduser("~/.cache/ckptinspect/realdata"))
    r = gguf.GGUFReader(os.path.join(real, "vocab", "ggml-vocab-bert-bge.gguf"))
    tokens = r.fields["tokenizer.ggml.tokens"].contents()
    types = r.fields["tokenizer.ggml.token_type"].contents()
    control = int(gguf.TokenType.CONTROL)
    with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
        for tok, typ in zip(tokens, types):
            if typ == control:
                f.write(tok + "\n")
            elif tok.startswith("\u2581"):
                f.write(tok[1:] + "\n")
            else:
                f.write("##" + tok + "\n")
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True, "unk_token": "[UNK]", "sep_token": "[SEP]",
                   "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]", "model_max_length": 512}, f)


def write_hf(name, config, seed, tok="sp", cls="AutoModelForCausalLM", native=False):
    """A random model of `config` (built by transformers' `cls`) saved as bf16 safetensors beside
    its tokenizer. `native`: in transformers 5's own layout (save_original_format=False: an MoE's
    experts as one gate_up_proj and one down_proj per block), not the per-expert one."""
    import shutil

    import torch
    import transformers

    d = os.path.join(HF, name)
    if os.path.exists(os.path.join(d, "model.safetensors")):
        return d
    torch.manual_seed(seed)
    builder = getattr(transformers, cls)
    model = (builder.from_config(config) if cls.startswith("Auto") else builder(config)).to(torch.bfloat16)
    model.save_pretrained(d, safe_serialization=True, **({"save_original_format": False} if native else {}))
    if tok == "gpt2":
        gpt2_tokenizer(d)
        return d
    if tok == "bert":
        bert_tokenizer(d)
        return d
    shutil.copy(tokenizer(), os.path.join(d, "tokenizer.model"))
    # A multimodal config keeps the text model's context in text_config.
    context = getattr(config, "max_position_embeddings", None) or config.text_config.max_position_embeddings
    settings = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": True,
                "add_eos_token": False, "model_max_length": context}
    # Phi-3's converter reads tokenizer_class to tell Phi-3 (SentencePiece) from Phi-4 (GPT-2).
    if tok == "sp-llama":
        settings["tokenizer_class"] = "LlamaTokenizer"
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump(settings, f)
    return d


def convert(name, hf_dir, outtype, extra=()):
    gguf = os.path.join(OUT, name + ".gguf")
    if os.path.exists(gguf):
        return
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    subprocess.run([sys.executable, os.path.join(SRC, "convert_hf_to_gguf.py"), hf_dir, "--outtype", outtype,
                    "--outfile", gguf, *extra], check=True, env=env)


def mmproj(name):
    """`convert_hf_to_gguf.py --mmproj` on a multimodal model: its vision tower and projector as
    llama.cpp's mmproj file (general.type mmproj, clip.* keys, v.* and mm.* tensors), written to
    OUT/NAME-mmproj.gguf (with --outfile the converter keeps the name given).

    transformers 5 saves Gemma 3's tower as `vision_tower.encoder...`, without the
    `vision_model.` that real Gemma 3 checkpoints (and so the converter's name table) have: the
    converter stops at "Can not map tensor 'vision_tower.embeddings.patch_embedding.bias'". It is
    converted from hf/NAME-orig, the same tensors (same bytes) renamed to the real layout, beside
    the preprocessor_config.json the converter reads image_mean/image_std from (SigLIP's 0.5s)."""
    from safetensors.torch import load_file, save_file

    src = os.path.join(HF, name)
    d = os.path.join(HF, name + "-orig")
    if not os.path.exists(os.path.join(d, "model.safetensors")):
        import shutil

        os.makedirs(d, exist_ok=True)
        for f in os.listdir(src):
            if f != "model.safetensors":
                shutil.copy(os.path.join(src, f), os.path.join(d, f))
        tensors = load_file(os.path.join(src, "model.safetensors"))
        renamed = {("vision_tower.vision_model." + k[len("vision_tower."):] if k.startswith("vision_tower.") else k): v
                   for k, v in tensors.items()}
        save_file(renamed, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
        with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
            json.dump({"image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "image_seq_length": 4,
                       "size": {"height": 28, "width": 28}}, f)
    convert(name + "-mmproj", d, "f16", ["--mmproj"])


def quantize(source, name, qtype):
    """llama.cpp's llama-quantize (built by `scripts/llama-cpp-oracle quantize-tool`) on a conversion."""
    tool = os.environ.get("LLAMA_QUANTIZE")
    out = os.path.join(OUT, name + ".gguf")
    if os.path.exists(out):
        return True
    if not tool or not os.access(tool, os.X_OK):
        print(f"skipping {name}: no llama-quantize (LLAMA_QUANTIZE)", file=sys.stderr)
        return False
    subprocess.run([tool, os.path.join(OUT, source + ".gguf"), out, qtype, "2"], check=True,
                   stdout=subprocess.DEVNULL)
    return True


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


def more_models():
    """The architectures the diff's name tables added after the first five; kept apart (and seeded
    from 100) so the first five, which docs/llama-cpp-memory.md measures, stay byte for byte as they were.
    Vocabularies are the tokenizer's own where the converter allows, so the GGUF headers stay small."""
    import transformers as t

    common = dict(bos_token_id=1, eos_token_id=2, rms_norm_eps=1e-6)
    # Qwen3-0.6B-like: q_norm/k_norm, heads of 64 wider than hidden/heads, tied; the SentencePiece
    # tokenizer (Qwen2's converter, which Qwen3's extends, takes one first).
    yield "conv-qwen3", "f16", "sp", "AutoModelForCausalLM", t.Qwen3Config(
        vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=384, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, head_dim=64, max_position_embeddings=40960, tie_word_embeddings=True,
        use_sliding_window=False, **common)
    # Qwen3-30B-A3B-like: 8 experts of 64, 2 used, no shared expert, untied; GPT-2's tokenizer.
    yield "conv-qwen3moe", "q8_0", "gpt2", "AutoModelForCausalLM", t.Qwen3MoeConfig(
        vocab_size=50257, hidden_size=128, intermediate_size=384, moe_intermediate_size=64, num_experts=8,
        num_experts_per_tok=2, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
        max_position_embeddings=8192, tie_word_embeddings=False, use_sliding_window=False,
        bos_token_id=50256, eos_token_id=50256, rms_norm_eps=1e-6)
    # Phi-3-mini-like: fused qkv_proj and gate_up_proj, untied, MHA.
    yield "conv-phi3", "f16", "sp-llama", "AutoModelForCausalLM", t.Phi3Config(
        vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=4, max_position_embeddings=4096, original_max_position_embeddings=4096,
        tie_word_embeddings=False, pad_token_id=0, **common)
    # GPT-2-like: Conv1D [in, out] weights, learned positions, tied head, GPT-2's tokenizer. n_ctx
    # as the original config.json states it (the converter reads it; transformers 5 no longer does).
    yield "conv-gpt2", "f16", "gpt2", "AutoModelForCausalLM", t.GPT2Config(
        vocab_size=50257, n_positions=256, n_ctx=256, n_embd=64, n_layer=2, n_head=4, bos_token_id=50256,
        eos_token_id=50256)
    # BERT (bge-small-like layout, masked-LM head the converter drops): bge's 30,522 WordPiece tokens.
    yield "conv-bert", "f16", "bert", "BertForMaskedLM", t.BertConfig(
        vocab_size=30522, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        max_position_embeddings=512, type_vocab_size=2)
    # Gemma 3 with a vision tower (Gemma3ForConditionalGeneration): the text model under
    # model.language_model., a 1-layer SigLIP tower and projector that the text conversion leaves
    # for the mmproj file.
    yield "conv-gemma3mm", "f16", "sp", "Gemma3ForConditionalGeneration", t.Gemma3Config(
        text_config=t.Gemma3TextConfig(
            vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=2,
            num_key_value_heads=1, head_dim=64, sliding_window=128, max_position_embeddings=8192,
            query_pre_attn_scalar=64, pad_token_id=0, **common),
        vision_config=t.SiglipVisionConfig(
            hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, image_size=28,
            patch_size=14),
        mm_tokens_per_image=4, boi_token_index=3, eoi_token_index=4, image_token_index=5)
    # LLaVA-1.5-like: a Llama text model under the multimodal prefix, a 1-layer CLIP tower and the
    # 2-layer MLP projector, both left for the mmproj file.
    yield "conv-llava", "f16", "sp", "LlavaForConditionalGeneration", t.LlavaConfig(
        text_config=t.LlamaConfig(
            vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=4, max_position_embeddings=4096, tie_word_embeddings=False, **common),
        vision_config=t.CLIPVisionConfig(
            hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, image_size=28,
            patch_size=14, projection_dim=32),
        image_token_index=5, vision_feature_layer=-1)
    # conv-qwen3moe's shape saved in transformers 5's native layout: mlp.experts.gate_up_proj
    # [experts, 2 x ffn, hidden] and mlp.experts.down_proj per block, which the converter splits
    # into ffn_gate_exps and ffn_up_exps.
    yield "conv-qwen3moe-native", "q8_0", "gpt2", "native", t.Qwen3MoeConfig(
        vocab_size=50257, hidden_size=128, intermediate_size=384, moe_intermediate_size=64, num_experts=8,
        num_experts_per_tok=2, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
        max_position_embeddings=8192, tie_word_embeddings=False, use_sliding_window=False,
        bos_token_id=50256, eos_token_id=50256, rms_norm_eps=1e-6)
    # Gemma (1) and Gemma 2: tied, norms stored +1 like Gemma 3's; Gemma 2 with its four norms
    # per block and soft-capping.
    yield "conv-gemma", "f16", "sp", "AutoModelForCausalLM", t.GemmaConfig(
        vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, head_dim=64, max_position_embeddings=8192, pad_token_id=0, **common)
    yield "conv-gemma2", "f16", "sp", "AutoModelForCausalLM", t.Gemma2Config(
        vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, head_dim=64, sliding_window=128, max_position_embeddings=8192,
        query_pre_attn_scalar=64, pad_token_id=0, **common)
    # Long-context RoPE, which the converter writes as tensors computed from config.json, not
    # taken from the checkpoint: Llama 3.1's rope_freqs (llama3 scaling) and Phi-3-128k's
    # rope_factors_long/short (longrope, one factor per rotary dimension pair).
    yield "conv-llama31", "f16", "sp", "AutoModelForCausalLM", t.LlamaConfig(
        vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=131072, tie_word_embeddings=False,
        rope_parameters=dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0,
                             high_freq_factor=4.0, original_max_position_embeddings=8192), **common)
    yield "conv-phi3-128k", "f16", "sp-llama", "AutoModelForCausalLM", t.Phi3Config(
        vocab_size=SP_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=4, max_position_embeddings=131072, original_max_position_embeddings=4096,
        rope_parameters=dict(rope_type="longrope", rope_theta=10000.0, long_factor=[1.0 + i / 16 for i in range(16)],
                             short_factor=[1.0] * 16),
        tie_word_embeddings=False, pad_token_id=0, **common)


def main():
    os.makedirs(HF, exist_ok=True)
    for seed, (name, outtype, tok, config) in enumerate(models()):
        if ONLY and name not in ONLY:
            continue
        convert(name, write_hf(name, config, seed, tok), outtype)
        print(os.path.join(OUT, name + ".gguf"), flush=True)
    for seed, (name, outtype, tok, cls, config) in enumerate(more_models(), start=100):
        if ONLY and name not in ONLY:
            continue
        native = cls == "native"
        convert(name, write_hf(name, config, seed, tok, "AutoModelForCausalLM" if native else cls, native), outtype)
        print(os.path.join(OUT, name + ".gguf"), flush=True)
    # A real checkpoint, not a random one: MiniLM-L6-H384-uncased (fetch-real-checkpoints' minilm,
    # a BertModel saved by transformers 4.8: no prefix, a pooler and the position_ids buffer), with
    # bert-base-uncased's WordPiece vocabulary (the one it was trained with; bge-small's is the same).
    if not ONLY or "real-minilm" in ONLY:
        import shutil

        real = os.environ.get("CKPT_REALDATA", os.path.expanduser("~/.cache/ckptinspect/realdata"))
        d = os.path.join(HF, "real-minilm")
        if not os.path.exists(os.path.join(d, "model.safetensors")):
            os.makedirs(d, exist_ok=True)
            for f in ("config.json", "model.safetensors"):
                shutil.copy(os.path.join(real, "minilm", f), os.path.join(d, f))
            bert_tokenizer(d)
        convert("real-minilm", d, "f16")
        print(os.path.join(OUT, "real-minilm.gguf"), flush=True)
    # The converter's own --fuse-qkv on conv-llama's HF model: one attn_qkv per block.
    if not ONLY or "conv-llama-fusedqkv" in ONLY:
        convert("conv-llama-fusedqkv", os.path.join(HF, "conv-llama"), "f16", ["--fuse-qkv"])
        print(os.path.join(OUT, "conv-llama-fusedqkv.gguf"), flush=True)
    if not ONLY or "conv-gemma3mm-mmproj" in ONLY:
        mmproj("conv-gemma3mm")
        print(os.path.join(OUT, "conv-gemma3mm-mmproj.gguf"), flush=True)
    for name, qtype in (("conv-llama-Q4_K_M", "Q4_K_M"), ("conv-llama-Q8_0", "Q8_0")):
        if (not ONLY or name in ONLY) and quantize("conv-llama", name, qtype):
            print(os.path.join(OUT, name + ".gguf"), flush=True)


if __name__ == "__main__":
    main()
