/// llama.cpp's compute buffer: the peak of ggml's graph allocator (ggml-alloc.c) over the
/// worst-case graph llama.cpp reserves at start-up (llama_context::sched_reserve): one micro-batch
/// of T = n_ubatch tokens, every one of them an output, the whole KV cache in view.
///
/// The allocator reuses freed tensors, so the peak is the largest set of tensors alive at once
/// plus the holes left between them. Three moments compete (sizes in F32 elements, x 4 bytes):
/// - the logits: V x T, beside the normed last hidden state and the residual (2 d x T) and the
///   token ids (T), and one more d x T below them without flash attention, with a quantized
///   cache or with recurrent layers;
/// - a layer's FFN: its three T-token activations (up, gate and their product; for MoE the
///   chosen experts' ff x used each), the attention mask (F16 with flash attention, F32
///   without: cells x T) and the residual stream (4 d x T with flash attention, 5 without);
/// - without flash attention, the attention scores: KQ (cells x T x heads, soft-maxed in place)
///   and the F32 mask, beside Q (3 x heads x head dim), K and V (2 x KV dims) and 2 d, per token.
/// The terms were read off the graph (llama-graph.cpp build_attn_mha, build_ffn, build_moe_ffn)
/// and fitted to llama.cpp's own figures (docs/llama-cpp-memory.md): every recorded case is
/// within max(1%, 1 MiB) but four (SmolLM2 at -np 4, conv-gemma3 with a Q8_0 cache, conv-qwen2moe
/// with an F16 cache), said there.
public struct LlamaCppCompute: Equatable, Sendable {
  /// The logits of one micro-batch and what is alive beside them.
  public var outputPeak: UInt64?
  /// The largest layer: the FFN/experts, or without flash attention the attention scores.
  public var layerPeak: UInt64?
  public var bytes: UInt64? {
    guard let a = outputPeak, let b = layerPeak else { return nil }
    return max(a, b)
  }

  static func estimate(
    shape: LlamaCppModelShape, attention: AttentionShape?, resolved r: LlamaCppSettings.Resolved, caches: [LlamaCppMemory.Cache]
  ) -> LlamaCppCompute {
    let t = UInt64(r.ubatch)
    let d = UInt64(shape.embedding)
    // Elements per token, then x T x 4 bytes; nil past 2^64 - 1.
    func bytes(_ perToken: UInt64?) -> UInt64? { perToken.times(t).times(4) }
    let quantizedCache = LlamaCppSettings.isQuantized(r.cacheTypeK) || LlamaCppSettings.isQuantized(r.cacheTypeV)
    let sliding = caches.contains { $0.sliding }
    // Without flash attention or with a quantized cache one more d x T block stays below the
    // logits (seen on every model without sliding-window layers); always with recurrent layers.
    let recurrent = (attention?.recurrentLayers ?? 0) > 0
    let hole: UInt64 = ((!r.flashAttention || quantizedCache) && !sliding) || recurrent ? d : 0
    let output = bytes(UInt64?(UInt64(shape.vocabulary)).plus(2 * d + 1 + hole))

    // Cells each stream's attention looks at: the full cache's, and the sliding one's.
    let streams = UInt64(max(r.sequences, 1))
    let fullCells = caches.first { !$0.sliding }.map { UInt64($0.cells) / streams } ?? 0
    let slidingCells = caches.first { $0.sliding }.map { UInt64($0.cells) / streams } ?? 0
    // The masks: one per cache kind, F16 (2 bytes, half an element) with flash attention.
    let maskElements = fullCells + slidingCells
    let mask = r.flashAttention ? (maskElements + 1) / 2 : maskElements

    let ff = UInt64(max(shape.feedForward, shape.expertFeedForward * max(shape.expertsUsed, 1), shape.sharedExpertFeedForward))
    let ffn = bytes(UInt64?(3).times(ff).plus(mask).plus((r.flashAttention ? 4 : 5) * d))

    var layer = ffn
    if !r.flashAttention, let a = attention, a.fullLayers + a.slidingLayers > 0 {
      let heads = UInt64(max(shape.heads, 1))
      let headDim = UInt64(a.keyDim)
      let kvDims = UInt64(a.kvHeads) * UInt64(a.keyDim + a.valueDim) / 2
      let cells = max(fullCells, slidingCells)
      let scores = UInt64?(cells).times(heads).plus(mask).plus(2 * d + 3 * heads * headDim + 2 * kvDims + 5)
      if let s = bytes(scores), let l = layer { layer = max(s, l) } else { layer = nil }
    }
    return LlamaCppCompute(outputPeak: output, layerPeak: layer)
  }
}
