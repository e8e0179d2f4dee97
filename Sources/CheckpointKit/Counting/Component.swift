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

  public static func < (a: Component, b: Component) -> Bool { a.index < b.index }

  /// Position in `allCases` (the report order), for arrays indexed by component.
  var index: Int {
    switch self {
    case .embedding: return 0
    case .attention: return 1
    case .ffn: return 2
    case .experts: return 3
    case .sharedExperts: return 4
    case .router: return 5
    case .norm: return 6
    case .head: return 7
    case .vision: return 8
    case .audio: return 9
    case .projector: return 10
    case .mtp: return 11
    case .adapter: return 12
    case .other: return 13
    }
  }
}

/// Whether a tensor holds learned parameters.
public enum Role: String, Equatable, Sendable {
  case parameter
  /// Stored but not learned: position ids, causal masks, rotary frequencies.
  case buffer
  /// Quantization bookkeeping: scales, zero points, group indices.
  case quantAux = "quant_aux"

  var index: Int {
    switch self {
    case .parameter: return 0
    case .buffer: return 1
    case .quantAux: return 2
    }
  }
}
