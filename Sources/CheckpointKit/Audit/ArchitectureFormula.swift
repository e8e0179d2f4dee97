/// Parameter counts computed from hyperparameters, exactly, for the families whose layouts are
/// known: Llama-style decoders (Llama, Mistral, Qwen2/3, Gemma, Mixtral and Qwen MoE), GPT-2 and
/// BERT. Checked against published counts in the tests (Llama-2-7B 6,738,415,616, Llama-3-8B
/// 8,030,261,248, Mixtral-8x7B 46,702,792,704 / 12,879,925,248 active, GPT-2 124,439,808,
/// bert-base 109,482,240, Qwen3-4B 4,022,468,096).
public enum ArchitectureFormula {
  /// A Llama-style decoder: RMS norms (weight only), gated FFN (gate, up, down), GQA attention.
  public struct Decoder: Equatable, Sendable {
    public var vocab: Int
    public var hidden: Int
    public var layers: Int
    public var intermediate: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    /// Biases on the q, k and v projections (Qwen2).
    public var qkvBias = false
    public var tied = false
    /// Per-head RMS norms on q and k (Qwen3, Gemma 3).
    public var qkNorm = false
    /// Norms per layer: 2, or 4 with Gemma 2's pre/post feed-forward norms.
    public var normsPerLayer = 2
    /// Routed experts (0 for a dense model), experts used per token, their FFN width.
    public var experts = 0
    public var expertsUsed = 0
    public var expertIntermediate = 0
    /// An always-on shared expert's FFN width (Qwen MoE), 0 for none; it has a 1-wide gate.
    public var sharedIntermediate = 0

    public init(vocab: Int, hidden: Int, layers: Int, intermediate: Int, heads: Int, kvHeads: Int, headDim: Int) {
      self.vocab = vocab
      self.hidden = hidden
      self.layers = layers
      self.intermediate = intermediate
      self.heads = heads
      self.kvHeads = kvHeads
      self.headDim = headDim
    }
  }

  /// Total and active parameters, and the routed experts' share, of a decoder.
  public struct Count: Equatable, Sendable {
    public var total: UInt64
    public var active: UInt64
    public var routedExperts: UInt64
    /// The embedding matrix (and a separate head of the same size when untied).
    public var embedding: UInt64
  }

  public static func decoder(_ d: Decoder) -> Count {
    let h = UInt64(d.hidden), q = UInt64(d.heads * d.headDim), kv = UInt64(d.kvHeads * d.headDim)
    let embedding = UInt64(d.vocab) * h
    var attention = h * q + 2 * h * kv + q * h
    if d.qkvBias { attention += q + 2 * kv }
    if d.qkNorm { attention += 2 * UInt64(d.headDim) }
    let norms = UInt64(d.normsPerLayer) * h
    var ffn: UInt64 = 0
    var routed: UInt64 = 0
    if d.experts > 0 {
      routed = UInt64(d.experts) * 3 * h * UInt64(d.expertIntermediate)
      ffn = h * UInt64(d.experts)  // the router
      if d.sharedIntermediate > 0 { ffn += 3 * h * UInt64(d.sharedIntermediate) + h }
    } else {
      ffn = 3 * h * UInt64(d.intermediate)
    }
    let perLayer = attention + norms + ffn + routed
    let total = embedding * (d.tied ? 1 : 2) + UInt64(d.layers) * perLayer + h
    let routedAll = UInt64(d.layers) * routed
    let active = d.experts > 0 ? total - routedAll + routedAll / UInt64(d.experts) * UInt64(max(d.expertsUsed, 0)) : total
    return Count(total: total, active: active, routedExperts: routedAll, embedding: embedding)
  }

  /// GPT-2: learned positions, LayerNorms with bias, Conv1D projections with bias, tied head.
  public static func gpt2(vocab: Int, positions: Int, hidden: Int, layers: Int, inner: Int? = nil) -> UInt64 {
    let d = UInt64(hidden), i = UInt64(inner ?? 4 * hidden)
    let perLayer = 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * i + i) + (i * d + d)
    return UInt64(vocab) * d + UInt64(positions) * d + UInt64(layers) * perLayer + 2 * d
  }

  /// BERT: word, position and token-type embeddings with a LayerNorm, post-LN layers, a pooler.
  public static func bert(
    vocab: Int, positions: Int, typeVocab: Int, hidden: Int, layers: Int, intermediate: Int, pooler: Bool = true
  ) -> UInt64 {
    let d = UInt64(hidden), i = UInt64(intermediate)
    let embeddings = (UInt64(vocab) + UInt64(positions) + UInt64(typeVocab)) * d + 2 * d
    let perLayer = 4 * (d * d + d) + 2 * d + (d * i + i) + (i * d + d) + 2 * d
    return embeddings + UInt64(layers) * perLayer + (pooler ? d * d + d : 0)
  }

  /// The rule of thumb 2Vd + 12Ld^2 (embeddings and head, 4d^2 attention and 8d^2 FFN per
  /// layer): shown so users see how far it is from the truth, never used as a claim.
  public static func ruleOfThumb(vocab: Int, hidden: Int, layers: Int) -> UInt64 {
    let v = UInt64(vocab), d = UInt64(hidden), l = UInt64(layers)
    return 2 * v * d + 12 * l * d * d
  }
}
