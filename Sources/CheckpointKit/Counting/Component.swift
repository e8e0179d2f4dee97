/// Where in a model a tensor lives.
public enum Component: String, CaseIterable, Equatable, Sendable, Comparable {
  /// Token, position and token-type embeddings.
  case embedding
  /// Q/K/V/O projections, fused QKV, MLA projections.
  case attention
  /// Dense MLP.
  case ffn
  /// Routed MoE experts.
  case experts
  /// Always-on experts beside the routed ones (DeepSeek, Qwen-MoE).
  case sharedExperts = "shared_experts"
  /// The MoE gate that picks experts.
  case router
  /// LayerNorm / RMSNorm weights, including q/k norms.
  case norm
  /// LM head, pooler, classifier heads.
  case head
  case vision
  case audio
  /// Multimodal projector between an encoder and the language model.
  case projector
  /// Multi-token-prediction layers.
  case mtp
  /// LoRA A/B and other adapter weights.
  case adapter
  case other

  public static func < (a: Component, b: Component) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// Whether a tensor holds learned parameters.
public enum Role: String, Equatable, Sendable {
  case parameter
  /// Stored but not learned: position ids, causal masks, rotary frequencies.
  case buffer
  /// Quantization bookkeeping: scales, zero points, group indices.
  case quantAux = "quant_aux"
}
