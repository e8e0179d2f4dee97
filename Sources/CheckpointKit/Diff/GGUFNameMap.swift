/// Hugging Face tensor names -> the names llama.cpp's `convert_hf_to_gguf.py` gives them, for the
/// Llama family (Llama, Mistral, Mixtral), Qwen2 / Qwen2-MoE and Gemma 1/2/3. The facts are those
/// of gguf-py's `tensor_mapping.py`, written here as our own tables: a diff must place every
/// converted tensor, and anything it cannot place is reported as unmapped, never dropped.
public enum GGUFNameMap {
  /// Where one Hugging Face tensor lands in a GGUF file.
  public struct Target: Equatable, Sendable {
    /// The GGUF name (`blk.3.attn_q.weight`).
    public var name: String
    /// For one expert of a Mixtral-style MoE: its index in the stacked `ffn_*_exps` tensor.
    public var expert: Int?
  }

  /// Names outside any block.
  static let global: [String: String] = [
    "model.embed_tokens": "token_embd",
    "model.norm": "output_norm",
    "lm_head": "output",
  ]

  /// Names inside block N (after `model.layers.N.`), for the dense and shared parts.
  /// `post_attention_layernorm` is Gemma 2/3's post-attention norm there (see `block`), the
  /// FFN pre-norm everywhere else.
  static let inBlock: [String: String] = [
    "input_layernorm": "attn_norm",
    "post_attention_layernorm": "ffn_norm",
    "pre_feedforward_layernorm": "ffn_norm",
    "post_feedforward_layernorm": "post_ffw_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "self_attn.q_norm": "attn_q_norm",
    "self_attn.k_norm": "attn_k_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
    // Mixtral's router; Qwen2-MoE's router and shared expert.
    "block_sparse_moe.gate": "ffn_gate_inp",
    "mlp.gate": "ffn_gate_inp",
    "mlp.shared_expert.gate_proj": "ffn_gate_shexp",
    "mlp.shared_expert.up_proj": "ffn_up_shexp",
    "mlp.shared_expert.down_proj": "ffn_down_shexp",
    "mlp.shared_expert_gate": "ffn_gate_inp_shexp",
  ]

  /// One expert's projection (after `experts.E.`) -> the stacked GGUF tensor it is a slice of.
  /// Mixtral names them w1/w2/w3 (gate/down/up), Qwen2-MoE like a dense MLP.
  static let expertProjection: [String: String] = [
    "w1": "ffn_gate_exps", "w2": "ffn_down_exps", "w3": "ffn_up_exps",
    "gate_proj": "ffn_gate_exps", "up_proj": "ffn_up_exps", "down_proj": "ffn_down_exps",
  ]

  /// Where the expert lists sit in a block: Mixtral's `block_sparse_moe.experts`, Qwen2-MoE's `mlp.experts`.
  static let expertPrefixes = ["block_sparse_moe.experts.", "mlp.experts."]

  /// Buffers the converter drops on purpose: recomputed from the config at load time.
  public static func isDroppedBuffer(_ name: some StringProtocol) -> Bool {
    name.hasSuffix("rotary_emb.inv_freq")
  }

  /// The GGUF name of a Hugging Face tensor, nil when the tables cannot place it.
  /// `gemmaPostNorms`: the model has Gemma 2/3's four norms per block, where
  /// `post_attention_layernorm` becomes `post_attention_norm`.
  public static func target(_ hfName: some StringProtocol, gemmaPostNorms: Bool = false) -> Target? {
    let name = String(hfName)
    // The suffix (weight, bias) is carried over as is.
    guard let dot = name.lastIndex(of: ".") else { return nil }
    let base = String(name[..<dot]), suffix = String(name[dot...])
    guard suffix == ".weight" || suffix == ".bias" else { return nil }
    if let g = global[base] { return Target(name: g + suffix) }
    let layersPrefix = "model.layers."
    guard base.hasPrefix(layersPrefix) else { return nil }
    let rest = base.dropFirst(layersPrefix.count)
    guard let layerEnd = rest.firstIndex(of: "."), let layer = Int(rest[..<layerEnd]), layer >= 0 else { return nil }
    let inner = String(rest[rest.index(after: layerEnd)...])
    let block = "blk.\(layer)."
    for prefix in expertPrefixes where inner.hasPrefix(prefix) {
      let tail = inner.dropFirst(prefix.count)
      guard let end = tail.firstIndex(of: "."), let expert = Int(tail[..<end]), expert >= 0,
        let stacked = expertProjection[String(tail[tail.index(after: end)...])]
      else { return nil }
      return Target(name: block + stacked + suffix, expert: expert)
    }
    if gemmaPostNorms && inner == "post_attention_layernorm" { return Target(name: block + "post_attention_norm" + suffix) }
    guard let mapped = inBlock[inner] else { return nil }
    return Target(name: block + mapped + suffix)
  }
}
