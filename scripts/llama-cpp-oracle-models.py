#!/usr/bin/env python3
"""Writes small GGUFs shaped like real model families (zero weights, a synthetic SPM vocabulary)
with llama.cpp's own gguf-py, for scripts/llama-cpp-oracle to load. Only the shapes, types and
hyperparameters matter to what llama.cpp allocates, so zeros are enough and keep the files fast
to write. Usage: llama-cpp-oracle-models.py GGUF_PY_DIR OUT_DIR [NAME...]"""
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import gguf  # noqa: E402
from gguf import GGMLQuantizationType as T  # noqa: E402

OUT = sys.argv[2]
ONLY = set(sys.argv[3:])

F32, F16, Q8_0, Q4_0 = T.F32, T.F16, T.Q8_0, T.Q4_0


def tensor(w, name, shape, typ):
    """shape as gguf-py/numpy order: (rows..., row); zeros in ggml's byte layout."""
    if typ == F32:
        w.add_tensor(name, np.zeros(shape, dtype=np.float32))
    elif typ == F16:
        w.add_tensor(name, np.zeros(shape, dtype=np.float16))
    else:
        block, size = gguf.GGML_QUANT_SIZES[typ]
        row = shape[-1]
        assert row % block == 0, (name, shape, typ)
        raw = np.zeros((*shape[:-1], row // block * size), dtype=np.uint8)
        w.add_tensor(name, raw, raw_dtype=typ)


def vocab(w, n):
    """An SPM vocabulary of n tokens: unk, bos, eos, 256 byte tokens, then filler."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    tokens += [f"\u2581t{i}" for i in range(n - len(tokens))]
    types = [2, 3, 3] + [6] * 256 + [1] * (n - 259)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * n)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)


def model(name, arch, *, layers, d, heads, kv, ff, n_vocab, ctx, head_dim=None, wtype=F16,
          tied=False, qkv_bias=False, qk_norm=False, post_norms=False, swa=None, experts=0,
          experts_used=0, ff_exp=0, shared_ff=0, extra=None, softcap=None):
    if ONLY and name not in ONLY:
        return
    path = os.path.join(OUT, name + ".gguf")
    if os.path.exists(path):
        return
    os.makedirs(OUT, exist_ok=True)
    hd = head_dim or d // heads
    w = gguf.GGUFWriter(path, arch)
    w.add_name(name)
    w.add_context_length(ctx)
    w.add_embedding_length(d)
    w.add_block_count(layers)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_dimension_count(hd)
    if head_dim:
        w.add_key_length(hd)
        w.add_value_length(hd)
    if swa:
        w.add_sliding_window(swa)
    if experts:
        w.add_expert_count(experts)
        w.add_expert_used_count(experts_used)
        if ff_exp:
            w.add_expert_feed_forward_length(ff_exp)
        if shared_ff:
            w.add_expert_shared_feed_forward_length(shared_ff)
    if softcap:
        w.add_attn_logit_softcapping(softcap[0])
        w.add_final_logit_softcapping(softcap[1])
    for k, v in (extra or {}).items():
        w.add_uint32(f"{arch}.{k}", v)
    w.add_file_type(1 if wtype == F16 else 7 if wtype == Q8_0 else 2)
    vocab(w, n_vocab)

    tensor(w, "token_embd.weight", (n_vocab, d), wtype)
    tensor(w, "output_norm.weight", (d,), F32)
    if not tied:
        tensor(w, "output.weight", (n_vocab, d), wtype)
    for i in range(layers):
        p = f"blk.{i}."
        tensor(w, p + "attn_norm.weight", (d,), F32)
        tensor(w, p + "attn_q.weight", (heads * hd, d), wtype)
        tensor(w, p + "attn_k.weight", (kv * hd, d), wtype)
        tensor(w, p + "attn_v.weight", (kv * hd, d), wtype)
        tensor(w, p + "attn_output.weight", (d, heads * hd), wtype)
        if qkv_bias:
            tensor(w, p + "attn_q.bias", (heads * hd,), F32)
            tensor(w, p + "attn_k.bias", (kv * hd,), F32)
            tensor(w, p + "attn_v.bias", (kv * hd,), F32)
        if qk_norm:
            tensor(w, p + "attn_q_norm.weight", (hd,), F32)
            tensor(w, p + "attn_k_norm.weight", (hd,), F32)
        if post_norms:
            tensor(w, p + "post_attention_norm.weight", (d,), F32)
            tensor(w, p + "post_ffw_norm.weight", (d,), F32)
        tensor(w, p + "ffn_norm.weight", (d,), F32)
        if experts:
            fe = ff_exp or ff
            tensor(w, p + "ffn_gate_inp.weight", (experts, d), F32)
            tensor(w, p + "ffn_gate_exps.weight", (experts, fe, d), wtype)
            tensor(w, p + "ffn_up_exps.weight", (experts, fe, d), wtype)
            tensor(w, p + "ffn_down_exps.weight", (experts, d, fe), wtype)
            if shared_ff:
                tensor(w, p + "ffn_gate_inp_shexp.weight", (d,), F32)
                tensor(w, p + "ffn_gate_shexp.weight", (shared_ff, d), wtype)
                tensor(w, p + "ffn_up_shexp.weight", (shared_ff, d), wtype)
                tensor(w, p + "ffn_down_shexp.weight", (d, shared_ff), wtype)
        else:
            tensor(w, p + "ffn_gate.weight", (ff, d), wtype)
            tensor(w, p + "ffn_up.weight", (ff, d), wtype)
            tensor(w, p + "ffn_down.weight", (d, ff), wtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(path)


# Llama-3-shaped GQA (8 heads over 2 KV heads), untied head, F16.
model("llama-gqa", "llama", layers=4, d=512, heads=8, kv=2, ff=1408, n_vocab=32000, ctx=4096)
# Qwen2-shaped: QKV biases, tied head, 151,936-token vocabulary, Q8_0.
model("qwen2", "qwen2", layers=4, d=256, heads=4, kv=2, ff=704, n_vocab=151936, ctx=32768,
      tied=True, qkv_bias=True, wtype=Q8_0)
# Gemma-2-shaped: every other layer slides over a 512-token window, 256-wide heads.
model("gemma2", "gemma2", layers=6, d=256, heads=4, kv=2, head_dim=256, ff=1024, n_vocab=256000,
      ctx=8192, tied=True, post_norms=True, swa=512, wtype=Q8_0)
# gemma-3-270m's shapes (18 layers, 1 KV head of 256, window 512, 262,144 tokens), Q8_0.
model("gemma3-270m", "gemma3", layers=18, d=640, heads=4, kv=1, head_dim=256, ff=2048,
      n_vocab=262144, ctx=32768, tied=True, qk_norm=True, post_norms=True, swa=512, wtype=Q8_0)
# Mixtral-shaped MoE (llama arch with experts): 8 experts, 2 used.
model("mixtral", "llama", layers=4, d=256, heads=8, kv=2, ff=512, n_vocab=32000, ctx=32768,
      experts=8, experts_used=2)
# Qwen2-MoE-shaped: 8 routed experts (4 used) plus a shared expert.
model("qwen2moe", "qwen2moe", layers=4, d=256, heads=4, kv=2, ff=704, n_vocab=151936, ctx=8192,
      qkv_bias=True, experts=8, experts_used=4, ff_exp=256, shared_ff=512, wtype=Q8_0)
# Small vocabulary, wide FFN: the FFN, not the logits, sets the compute buffer.
model("wide-ffn", "llama", layers=2, d=512, heads=8, kv=8, ff=16384, n_vocab=4096, ctx=8192)
# Small vocabulary, wide experts (Mixtral-like): the expert activations set it.
model("wide-moe", "llama", layers=2, d=512, heads=8, kv=2, ff=4096, n_vocab=4096, ctx=8192,
      experts=8, experts_used=2, wtype=Q8_0)
# Q4_0 weights, which the CPU backend repacks (x86 AVX2: 8 interleaved rows) into a second buffer.
model("llama-q4_0", "llama", layers=4, d=512, heads=8, kv=2, ff=1408, n_vocab=32000, ctx=4096, wtype=Q4_0)
model("llama-q4_0-tied", "llama", layers=4, d=512, heads=8, kv=2, ff=1408, n_vocab=32000, ctx=4096,
      wtype=Q4_0, tied=True)
# Gemma-2 as published: attention and final logit soft-capping (50, 30).
model("gemma2-softcap", "gemma2", layers=6, d=256, heads=4, kv=2, head_dim=256, ff=1024, n_vocab=256000,
      ctx=8192, tied=True, post_norms=True, swa=512, wtype=Q8_0, softcap=(50.0, 30.0))


def mamba(name, *, layers, d, n_vocab, ctx, d_state=16, d_conv=4):
    """Mamba (v1): every layer recurrent, no KV cache; the state is what llama.cpp keeps."""
    if ONLY and name not in ONLY:
        return
    path = os.path.join(OUT, name + ".gguf")
    if os.path.exists(path):
        return
    d_inner, dt_rank = 2 * d, max(d // 16, 1)
    w = gguf.GGUFWriter(path, "mamba")
    w.add_name(name)
    w.add_context_length(ctx)
    w.add_embedding_length(d)
    w.add_block_count(layers)
    w.add_feed_forward_length(0)
    w.add_head_count(0)
    w.add_head_count_kv(0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_ssm_conv_kernel(d_conv)
    w.add_ssm_inner_size(d_inner)
    w.add_ssm_state_size(d_state)
    w.add_ssm_time_step_rank(dt_rank)
    w.add_file_type(1)
    vocab(w, n_vocab)
    tensor(w, "token_embd.weight", (n_vocab, d), F16)
    tensor(w, "output_norm.weight", (d,), F32)
    for i in range(layers):
        p = f"blk.{i}."
        tensor(w, p + "attn_norm.weight", (d,), F32)
        tensor(w, p + "ssm_in.weight", (2 * d_inner, d), F16)
        tensor(w, p + "ssm_conv1d.weight", (d_inner, d_conv), F32)
        tensor(w, p + "ssm_conv1d.bias", (d_inner,), F32)
        tensor(w, p + "ssm_x.weight", (dt_rank + 2 * d_state, d_inner), F16)
        tensor(w, p + "ssm_dt.weight", (d_inner, dt_rank), F16)
        tensor(w, p + "ssm_dt.bias", (d_inner,), F32)
        tensor(w, p + "ssm_a", (d_inner, d_state), F32)
        tensor(w, p + "ssm_d", (d_inner,), F32)
        tensor(w, p + "ssm_out.weight", (d, d_inner), F16)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(path)


mamba("mamba", layers=4, d=512, n_vocab=32000, ctx=4096)
