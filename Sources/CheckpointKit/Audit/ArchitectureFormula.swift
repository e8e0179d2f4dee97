/// Parameter counts computed from hyperparameters, exactly, for the families whose layouts are
/// known: Llama-style decoders (Llama, Mistral, Qwen2/3, Gemma 1-3, Phi-3, Mixtral and Qwen MoE),
/// DeepSeek-V2/V3 (MLA, shared experts, dense first layers), Starcoder2, GPT-2 and BERT, and the
/// SigLIP vision tower of Gemma 3. Each is derived from the transformers modeling file and checked
/// against published counts in the tests (Llama-2-7B 6,738,415,616, Llama-3-8B 8,030,261,248,
/// Mixtral-8x7B 46,702,792,704 / 12,879,925,248 active, GPT-2 124,439,808, bert-base 109,482,240,
/// Qwen3-4B 4,022,468,096, DeepSeek-V3 671,026,404,352, Phi-3-mini 3,821,079,552, Gemma-3-4B
/// 4,300,079,472, Starcoder2-3B 3,030,371,328, ...).
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
    /// A bias on the output projection too (`attention_bias` in Llama, Qwen3, Gemma, OLMo-2, ...).
    public var outputBias = false
    /// Biases on gate, up and down of a dense FFN (`mlp_bias` in Llama, Granite, SmolLM3).
    public var mlpBias = false
    public var tied = false
    /// Per-head RMS norms on q and k (Qwen3, Gemma 3).
    public var qkNorm = false
    /// Norms on q and k over all heads at once: OLMo-2's q_norm (heads x head_dim) and k_norm
    /// (kv heads x head_dim), StableLM's per-head q/k LayerNorms (the same count).
    public var qkNormFull = false
    /// Norms per layer: 2, 4 with Gemma 2's pre/post feed-forward norms, 1 with StableLM's
    /// parallel residual.
    public var normsPerLayer = 2
    /// LayerNorms with a bias beside the weight (StableLM), the final norm included.
    public var normBias = false
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
    /// Multi-token-prediction layers a checkpoint stores beside the model, which transformers
    /// does not load (so `total` leaves them out), and the part of them used per token.
    public var mtp: UInt64 = 0
    public var mtpActive: UInt64 = 0
  }

  /// DeepSeek-V2/V3 (modeling_deepseek_v2.py, modeling_deepseek_v3.py): multi-head latent
  /// attention, the first `denseLayers` layers with a dense gated FFN, the rest MoE layers of
  /// routed experts, a router and `sharedExperts` always-on experts. The router's
  /// `e_score_correction_bias` (V3) is a buffer and not counted.
  public struct DeepSeek: Equatable, Sendable {
    public var vocab: Int
    public var hidden: Int
    public var layers: Int
    /// `first_k_dense_replace`.
    public var denseLayers: Int
    public var intermediate: Int
    public var heads: Int
    /// `q_lora_rank`: 0 when queries are projected directly (`q_lora_rank: null`, V2-Lite).
    public var qLoraRank: Int
    public var kvLoraRank: Int
    public var qkNopeHeadDim: Int
    public var qkRopeHeadDim: Int
    public var vHeadDim: Int
    /// `n_routed_experts` (0: every layer dense), `num_experts_per_tok`, `moe_intermediate_size`.
    public var experts = 0
    public var expertsUsed = 0
    public var expertIntermediate = 0
    /// `n_shared_experts`: one MLP of `expertIntermediate x sharedExperts` in every MoE layer.
    public var sharedExperts = 0
    /// Biases on q_a_proj, kv_a_proj_with_mqa and o_proj (`attention_bias`).
    public var attentionBias = false
    /// Biases on the dense and shared-expert MLPs (V2's `mlp_bias`; routed experts have none).
    public var mlpBias = false
    public var tied = false
    /// `num_nextn_predict_layers`: MTP layers stored after the last layer (V3 stores one as
    /// `model.layers.61`: a MoE layer, enorm, hnorm, eh_proj [h, 2h], shared_head.norm, and its
    /// own copies of the embedding and head).
    public var mtpLayers = 0

    public init(
      vocab: Int, hidden: Int, layers: Int, denseLayers: Int, intermediate: Int, heads: Int, qLoraRank: Int, kvLoraRank: Int,
      qkNopeHeadDim: Int, qkRopeHeadDim: Int, vHeadDim: Int
    ) {
      self.vocab = vocab
      self.hidden = hidden
      self.layers = layers
      self.denseLayers = denseLayers
      self.intermediate = intermediate
      self.heads = heads
      self.qLoraRank = qLoraRank
      self.kvLoraRank = kvLoraRank
      self.qkNopeHeadDim = qkNopeHeadDim
      self.qkRopeHeadDim = qkRopeHeadDim
      self.vHeadDim = vHeadDim
    }
  }

  // The formulas run on numbers from files, so every operation saturates (see Saturating).

  public static func decoder(_ d: Decoder) -> Count {
    let h = UInt64(count: d.hidden)
    let q = UInt64(count: d.heads).times(UInt64(count: d.headDim))
    let kv = UInt64(count: d.kvHeads).times(UInt64(count: d.headDim))
    let embedding = UInt64(count: d.vocab).times(h)
    var attention = h.times(q).plus(h.times(kv).times(2)).plus(q.times(h))
    if d.qkvBias { attention = attention.plus(q).plus(kv.times(2)) }
    if d.outputBias { attention = attention.plus(h) }
    if d.qkNorm { attention = attention.plus(UInt64(count: d.headDim).times(2)) }
    if d.qkNormFull { attention = attention.plus(q).plus(kv) }
    let normWidth = d.normBias ? h.times(2) : h
    let norms = UInt64(count: d.normsPerLayer).times(normWidth)
    var ffn: UInt64 = 0
    var routed: UInt64 = 0
    let experts = UInt64(count: d.experts)
    if d.experts > 0 {
      routed = experts.times(3).times(h).times(UInt64(count: d.expertIntermediate))
      ffn = h.times(experts)  // the router
      if d.sharedIntermediate > 0 { ffn = ffn.plus(h.times(3).times(UInt64(count: d.sharedIntermediate))).plus(h) }
    } else {
      let i = UInt64(count: d.intermediate)
      ffn = h.times(3).times(i).plus(d.mlpBias ? i.times(2).plus(h) : 0)
    }
    let perLayer = attention.plus(norms).plus(ffn).plus(routed)
    let layers = UInt64(count: d.layers)
    let total = embedding.times(d.tied ? 1 : 2).plus(layers.times(perLayer)).plus(normWidth)
    let routedAll = layers.times(routed)
    let active = d.experts > 0
      ? (total - min(routedAll, total)).plus((routedAll / experts).times(UInt64(count: d.expertsUsed))) : total
    return Count(total: total, active: active, routedExperts: routedAll, embedding: embedding)
  }

  public static func deepseek(_ d: DeepSeek) -> Count {
    let h = UInt64(count: d.hidden), heads = UInt64(count: d.heads)
    let qLora = UInt64(count: d.qLoraRank), kvLora = UInt64(count: d.kvLoraRank)
    let rope = UInt64(count: d.qkRopeHeadDim), nope = UInt64(count: d.qkNopeHeadDim), v = UInt64(count: d.vHeadDim)
    let qHead = nope.plus(rope)
    let bias: UInt64 = d.attentionBias ? 1 : 0
    // Queries: q_a_proj (h -> q_lora, bias), q_a_layernorm, q_b_proj (q_lora -> heads x (nope + rope)),
    // or one q_proj (h -> heads x (nope + rope)) without the low-rank step.
    var attention = d.qLoraRank > 0
      ? h.times(qLora).plus(qLora.times(bias)).plus(qLora).plus(qLora.times(heads).times(qHead))
      : h.times(heads).times(qHead)
    // Keys and values: kv_a_proj_with_mqa (h -> kv_lora + rope, bias), kv_a_layernorm,
    // kv_b_proj (kv_lora -> heads x (nope + v)); o_proj (heads x v -> h, bias).
    attention = attention.plus(h.times(kvLora.plus(rope))).plus(kvLora.plus(rope).times(bias)).plus(kvLora)
      .plus(kvLora.times(heads).times(nope.plus(v)))
      .plus(heads.times(v).times(h)).plus(h.times(bias))
    let norms = h.times(2)
    func mlp(_ width: UInt64) -> UInt64 { h.times(width).times(3).plus(d.mlpBias ? width.times(2).plus(h) : 0) }
    let dense = attention.plus(norms).plus(mlp(UInt64(count: d.intermediate)))
    let experts = UInt64(count: d.experts), expertWidth = UInt64(count: d.expertIntermediate)
    // Routed experts are stacked gate_up_proj and down_proj parameters: no biases.
    let routed = experts.times(h.times(expertWidth).times(3))
    let moe = attention.plus(norms).plus(routed).plus(experts.times(h))
      .plus(d.sharedExperts > 0 ? mlp(expertWidth.times(UInt64(count: d.sharedExperts))) : 0)
    let denseLayers = d.experts > 0 ? UInt64(count: min(d.denseLayers, d.layers)) : UInt64(count: d.layers)
    let moeLayers = UInt64(count: d.layers) - denseLayers
    let embedding = UInt64(count: d.vocab).times(h)
    let total = denseLayers.times(dense).plus(moeLayers.times(moe)).plus(embedding.times(d.tied ? 1 : 2)).plus(h)
    let routedAll = moeLayers.times(routed)
    func active(_ total: UInt64, _ routed: UInt64) -> UInt64 {
      experts > 0 ? (total - min(routed, total)).plus((routed / experts).times(UInt64(count: d.expertsUsed))) : total
    }
    // An MTP layer is a MoE layer (its index is past first_k_dense_replace) with enorm, hnorm,
    // eh_proj (2h -> h), shared_head.norm, and its own embedding and head.
    let mtpLayers = UInt64(count: d.mtpLayers)
    let mtp = mtpLayers.times((d.experts > 0 ? moe : dense).plus(h.times(h).times(2)).plus(h.times(3)).plus(embedding.times(2)))
    let mtpRouted = d.experts > 0 ? mtpLayers.times(routed) : 0
    return Count(
      total: total, active: active(total, routedAll), routedExperts: routedAll, embedding: embedding, mtp: mtp,
      mtpActive: active(mtp, mtpRouted))
  }

  /// Starcoder2 (modeling_starcoder2.py): GQA attention and a GELU MLP (c_fc, c_proj), all with
  /// biases when `use_bias`; LayerNorms with weight and bias; head tied by default.
  public static func starcoder2(
    vocab: Int, hidden: Int, layers: Int, intermediate: Int, heads: Int, kvHeads: Int, headDim: Int, bias: Bool, tied: Bool
  ) -> Count {
    let h = UInt64(count: hidden), i = UInt64(count: intermediate)
    let q = UInt64(count: heads).times(UInt64(count: headDim)), kv = UInt64(count: kvHeads).times(UInt64(count: headDim))
    let b: UInt64 = bias ? 1 : 0
    let attention = h.times(q).plus(h.times(kv).times(2)).plus(q.times(h)).plus(q.plus(kv.times(2)).plus(h).times(b))
    let mlp = h.times(i).times(2).plus(i.plus(h).times(b))
    let perLayer = attention.plus(mlp).plus(h.times(4))
    let embedding = UInt64(count: vocab).times(h)
    let total = embedding.times(tied ? 1 : 2).plus(UInt64(count: layers).times(perLayer)).plus(h.times(2))
    return Count(total: total, active: total, routedExperts: 0, embedding: embedding)
  }

  /// A SigLIP vision tower (modeling_siglip.py, SiglipVisionModel): a patch convolution with bias,
  /// learned positions for (image / patch)^2 patches, pre-LN encoder layers (q, k, v, out with
  /// bias; fc1, fc2 with bias; two LayerNorms), a post LayerNorm and, when `head`, the attention
  /// pooling head (probe, nn.MultiheadAttention, LayerNorm, MLP).
  public static func siglipVision(
    hidden: Int, intermediate: Int, layers: Int, channels: Int, imageSize: Int, patchSize: Int, head: Bool
  ) -> UInt64 {
    let h = UInt64(count: hidden), i = UInt64(count: intermediate), p = UInt64(count: patchSize)
    let side = patchSize > 0 ? UInt64(count: imageSize / patchSize) : 0
    let patch = UInt64(count: channels).times(p).times(p).times(h).plus(h)
    let positions = side.times(side).times(h)
    let mlp = h.times(i).plus(i).plus(i.times(h)).plus(h)
    let perLayer = h.times(h).plus(h).times(4).plus(mlp).plus(h.times(4))
    var total = patch.plus(positions).plus(UInt64(count: layers).times(perLayer)).plus(h.times(2))
    if head { total = total.plus(h).plus(h.times(h).times(4)).plus(h.times(4)).plus(h.times(2)).plus(mlp) }
    return total
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
