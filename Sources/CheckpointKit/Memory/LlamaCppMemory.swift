/// What llama.cpp allocates to run a GGUF model (`LlamaCppSettings.version`, CPU backend): the
/// model buffer, the KV cache (and recurrent state), the output buffer and the compute buffer,
/// each as llama.cpp sizes it. Checked against llama.cpp's own figures in
/// docs/llama-cpp-memory.md (the tests read the same table).
public struct LlamaCppMemory: Sendable {
  public var settings: LlamaCppSettings
  public var resolved: LlamaCppSettings.Resolved
  /// The model buffer: the mapped tensor data of every file.
  public var modelBytes: UInt64?
  /// One KV cache of llama.cpp: the full-attention layers' and, beside it, the sliding-window
  /// layers' (llama_kv_cache_iswa).
  public struct Cache: Equatable, Sendable {
    public var sliding: Bool
    public var layers: Int
    /// Cells over all sequences.
    public var cells: Int
    public var keyBytes: UInt64?
    public var valueBytes: UInt64?
    public var bytes: UInt64? { keyBytes.plus(valueBytes) }
  }
  public var caches: [Cache]
  public var kvBytes: UInt64? { caches.reduce(UInt64?(0)) { $0.plus($1.bytes) } }
  /// Recurrent state: F32, one cell per sequence (llama_memory_recurrent).
  public var recurrentBytes: UInt64?
  public var outputBytes: UInt64?
  public var compute: LlamaCppCompute
  public var computeBytes: UInt64? { compute.bytes }
  /// model + KV + recurrent + output + compute.
  public var totalBytes: UInt64? { modelBytes.plus(kvBytes).plus(recurrentBytes).plus(outputBytes).plus(computeBytes) }
  /// KV and recurrent state per repeating layer, for the offload plan.
  public var layerCacheBytes: [UInt64]
  public var shape: LlamaCppModelShape
  /// Settings llama.cpp refuses, one sentence each.
  public var problems: [String]

  public static func estimate(_ catalog: Catalog, attention: AttentionShape?, settings: LlamaCppSettings) -> LlamaCppMemory? {
    // A vocab-only file (no tensors) is nothing llama.cpp would run.
    guard catalog.format == .gguf || catalog.format == .splitGGUF, !catalog.tensors.isEmpty,
      let shape = LlamaCppModelShape.from(gguf: catalog)
    else { return nil }
    let r = settings.resolved(trained: attention?.trainedContext)
    var problems: [String] = []
    if !r.flashAttention && LlamaCppSettings.isQuantized(settings.cacheTypeV) {
      problems.append("llama.cpp refuses a quantized V cache (\(settings.cacheTypeV)) without flash attention")
    }

    // The model buffer: tensor data as mapped, from the first tensor's offset to the end of the
    // last one in each file (alignment padding included).
    var model: UInt64? = 0
    var ranges: [Int: (start: UInt64, end: UInt64)] = [:]
    for t in catalog.tensors {
      guard let bytes = t.bytes else { model = nil; break }
      let end = t.offset.addingReportingOverflow(bytes)
      if end.overflow { model = nil; break }
      let range = ranges[t.file] ?? (t.offset, end.partialValue)
      ranges[t.file] = (min(range.start, t.offset), max(range.end, end.partialValue))
    }
    if model != nil { model = ranges.values.reduce(UInt64?(0)) { $0.plus($1.end - $1.start) } }

    var caches: [Cache] = []
    var layerCache = [UInt64](repeating: 0, count: shape.layers)
    var recurrent: UInt64? = 0
    if let a = attention, !shape.isEncoder {
      let streams = UInt64(r.sequences)
      let full = r.contextPerSequence
      // llama_kv_cache_iswa: the SWA cache keeps the window plus a micro-batch, padded to 256.
      let sliding = min(full, LlamaCppSettings.pad((a.slidingWindow ?? 0) + r.ubatch, 256))
      var parts: [Bool: Cache] = [:]
      for i in 0..<a.layers {
        let l = a.layer(i)
        var bytes: UInt64? = 0
        if l.attention != .none {
          let slides = l.attention == .sliding
          let cells = UInt64(slides ? sliding : full) * streams
          // MLA caches its latent as K, and no V of its own.
          let k = LlamaCppSettings.rowBytes(settings.cacheTypeK, UInt64(a.latentDim ?? l.kvHeads * l.keyDim)).times(cells)
          let v = LlamaCppSettings.rowBytes(settings.cacheTypeV, a.latentDim == nil ? UInt64(l.kvHeads * l.valueDim) : 0).times(cells)
          var part = parts[slides] ?? Cache(sliding: slides, layers: 0, cells: Int(cells), keyBytes: 0, valueBytes: 0)
          part.layers += 1
          part.keyBytes = part.keyBytes.plus(k)
          part.valueBytes = part.valueBytes.plus(v)
          parts[slides] = part
          bytes = k.plus(v)
        }
        if l.recurrent {
          let state = a.recurrentState?.elementsPerLayer.times(RecurrentState.bytesPerElement).times(streams)
          recurrent = recurrent.plus(state)
          bytes = bytes.plus(state)
        }
        if i < layerCache.count { layerCache[i] = bytes ?? .max }
      }
      caches = [parts[false], parts[true]].compactMap { $0 }
    }
    // llama_context::output_reserve(n_seq_max): logits of one token per sequence, F32.
    let output = UInt64?(UInt64(shape.vocabulary)).times(UInt64(r.sequences)).times(4)
    let compute = LlamaCppCompute.estimate(shape: shape, attention: shape.isEncoder ? nil : attention, resolved: r, caches: caches)
    return LlamaCppMemory(
      settings: settings, resolved: r, modelBytes: model, caches: caches, recurrentBytes: recurrent, outputBytes: output,
      compute: compute, layerCacheBytes: layerCache, shape: shape, problems: problems)
  }
}
