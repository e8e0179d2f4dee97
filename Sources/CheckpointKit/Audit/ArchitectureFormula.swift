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

  // The formulas run on numbers from files, so every operation saturates (see Saturating).

  public static func decoder(_ d: Decoder) -> Count {
    let h = UInt64(count: d.hidden)
    let q = UInt64(count: d.heads).times(UInt64(count: d.headDim))
    let kv = UInt64(count: d.kvHeads).times(UInt64(count: d.headDim))
    let embedding = UInt64(count: d.vocab).times(h)
    var attention = h.times(q).plus(h.times(kv).times(2)).plus(q.times(h))
    if d.qkvBias { attention = attention.plus(q).plus(kv.times(2)) }
    if d.qkNorm { attention = attention.plus(UInt64(count: d.headDim).times(2)) }
    let norms = UInt64(count: d.normsPerLayer).times(h)
    var ffn: UInt64 = 0
    var routed: UInt64 = 0
    let experts = UInt64(count: d.experts)
    if d.experts > 0 {
      routed = experts.times(3).times(h).times(UInt64(count: d.expertIntermediate))
      ffn = h.times(experts)  // the router
      if d.sharedIntermediate > 0 { ffn = ffn.plus(h.times(3).times(UInt64(count: d.sharedIntermediate))).plus(h) }
    } else {
      ffn = h.times(3).times(UInt64(count: d.intermediate))
    }
    let perLayer = attention.plus(norms).plus(ffn).plus(routed)
    let layers = UInt64(count: d.layers)
    let total = embedding.times(d.tied ? 1 : 2).plus(layers.times(perLayer)).plus(h)
    let routedAll = layers.times(routed)
    let active = d.experts > 0
      ? (total - min(routedAll, total)).plus((routedAll / experts).times(UInt64(count: d.expertsUsed))) : total
    return Count(total: total, active: active, routedExperts: routedAll, embedding: embedding)
  }

  /// GPT-2: learned positions, LayerNorms with bias, Conv1D projections with bias, tied head.
  public static func gpt2(vocab: Int, positions: Int, hidden: Int, layers: Int, inner: Int? = nil) -> UInt64 {
    let d = UInt64(count: hidden), i = UInt64(count: inner ?? 4 * min(hidden, Int(UInt32.max)))
    let perLayer = d.times(4).plus(d.times(d).times(3).plus(d.times(3))).plus(d.times(d).plus(d))
      .plus(d.times(i).plus(i)).plus(i.times(d).plus(d))
    return UInt64(count: vocab).times(d).plus(UInt64(count: positions).times(d)).plus(UInt64(count: layers).times(perLayer))
      .plus(d.times(2))
  }

  /// BERT: word, position and token-type embeddings with a LayerNorm, post-LN layers, a pooler.
  public static func bert(
    vocab: Int, positions: Int, typeVocab: Int, hidden: Int, layers: Int, intermediate: Int, pooler: Bool = true
  ) -> UInt64 {
    let d = UInt64(count: hidden), i = UInt64(count: intermediate)
    let rows = UInt64(count: vocab).plus(UInt64(count: positions)).plus(UInt64(count: typeVocab))
    let embeddings = rows.times(d).plus(d.times(2))
    let perLayer = d.times(d).plus(d).times(4).plus(d.times(2)).plus(d.times(i).plus(i)).plus(i.times(d).plus(d)).plus(d.times(2))
    return embeddings.plus(UInt64(count: layers).times(perLayer)).plus(pooler ? d.times(d).plus(d) : 0)
  }

  /// The rule of thumb 2Vd + 12Ld^2 (embeddings and head, 4d^2 attention and 8d^2 FFN per
  /// layer): shown so users see how far it is from the truth, never used as a claim.
  public static func ruleOfThumb(vocab: Int, hidden: Int, layers: Int) -> UInt64 {
    let v = UInt64(count: vocab), d = UInt64(count: hidden), l = UInt64(count: layers)
    return v.times(d).times(2).plus(l.times(d).times(d).times(12))
  }
}
