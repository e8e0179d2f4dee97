/// The `model.layers.N.` family: Llama, Mistral, Mixtral, Qwen2/Qwen2-MoE, Qwen3/Qwen3-MoE,
/// Gemma 1/2/3 and Phi-3 share one naming, so one table serves them all.
extension GGUFNameMap {
  /// Names outside any block.
  static let decoderGlobal: [Substring: String] = [
    "model.embed_tokens": "token_embd",
    "model.norm": "output_norm",
    "lm_head": "output",
  ]

  /// Names inside block N (after `model.layers.N.`), for the dense and shared parts.
  /// `post_attention_layernorm` is Gemma 2/3's post-attention norm there (see `decoder`), the
  /// FFN pre-norm everywhere else.
  static let decoderBlock: [Substring: String] = [
    "input_layernorm": "attn_norm",
    "post_attention_layernorm": "ffn_norm",
    "pre_feedforward_layernorm": "ffn_norm",
    "post_feedforward_layernorm": "post_ffw_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    // Qwen3's and Gemma 3's per-head norms of Q and K.
    "self_attn.q_norm": "attn_q_norm",
    "self_attn.k_norm": "attn_k_norm",
    // Phi-3 stores Q, K and V as one matrix; llama.cpp keeps it fused.
    "self_attn.qkv_proj": "attn_qkv",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
    // Phi-3's gate and up projections in one matrix (2 x intermediate rows): llama.cpp keeps it
    // whole as ffn_up and splits it at load time.
    "mlp.gate_up_proj": "ffn_up",
    // Mixtral's router; Qwen2/3-MoE's router and Qwen2-MoE's shared expert.
    "block_sparse_moe.gate": "ffn_gate_inp",
    "mlp.gate": "ffn_gate_inp",
    "mlp.shared_expert.gate_proj": "ffn_gate_shexp",
    "mlp.shared_expert.up_proj": "ffn_up_shexp",
    "mlp.shared_expert.down_proj": "ffn_down_shexp",
    "mlp.shared_expert_gate": "ffn_gate_inp_shexp",
  ]

  /// One expert's projection (after `experts.E.`) -> the stacked GGUF tensor it is a slice of.
  /// Mixtral names them w1/w2/w3 (gate/down/up), Qwen2/3-MoE like a dense MLP.
  static let expertProjection: [Substring: String] = [
    "w1": "ffn_gate_exps", "w2": "ffn_down_exps", "w3": "ffn_up_exps",
    "gate_proj": "ffn_gate_exps", "up_proj": "ffn_up_exps", "down_proj": "ffn_down_exps",
  ]

  /// Where the expert lists sit in a block: Mixtral's `block_sparse_moe.experts`, Qwen-MoE's `mlp.experts`.
  static let expertPrefixes = ["block_sparse_moe.experts.", "mlp.experts."]

  /// All experts of a block in one parameter, as transformers 5 holds them (and writes them with
  /// `save_original_format=False`): `mlp.experts.gate_up_proj` [experts, 2 x ffn, hidden], which
  /// the converter splits into ffn_gate_exps and ffn_up_exps (compared as one group, see
  /// `FusedGroups`), and `mlp.experts.down_proj` [experts, hidden, ffn]. The converter also
  /// accepts them with a `.weight`.
  static let nativeExpertProjection: [Substring: String] = [
    "gate_up_proj": "ffn_gate_up_exps", "down_proj": "ffn_down_exps", "gate_proj": "ffn_gate_exps", "up_proj": "ffn_up_exps",
  ]

  static func nativeExperts(_ name: Substring) -> Target? {
    guard let (layer, inner) = block(name, after: "model.layers."), let projection = inner.dropping("mlp.experts."),
      let stacked = nativeExpertProjection[projection]
    else { return nil }
    return Target(name: "blk.\(layer)." + stacked + ".weight")
  }

  static func decoder(_ base: Substring, suffix: String, gemmaPostNorms: Bool) -> Target? {
    if let g = decoderGlobal[base] { return Target(name: g + suffix) }
    guard let (layer, inner) = block(base, after: "model.layers.") else { return nil }
    let prefix = "blk.\(layer)."
    for experts in expertPrefixes where inner.hasBytePrefix(experts) {
      guard let (expert, projection) = block(inner, after: experts) else {
        // `mlp.experts.gate_up_proj.weight`: the native layout with a suffix.
        guard suffix == ".weight", let all = inner.dropping(experts), let stacked = nativeExpertProjection[all] else { return nil }
        return Target(name: prefix + stacked + suffix)
      }
      guard let stacked = expertProjection[projection] else { return nil }
      return Target(name: prefix + stacked + suffix, expert: expert)
    }
    if gemmaPostNorms && inner == "post_attention_layernorm" { return Target(name: prefix + "post_attention_norm" + suffix) }
    guard let mapped = decoderBlock[inner] else { return nil }
    return Target(name: prefix + mapped + suffix)
  }
}
