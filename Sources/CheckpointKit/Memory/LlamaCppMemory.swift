/// What llama.cpp allocates to run a GGUF model (`LlamaCppSettings.version`, CPU backend): the
/// model buffer, the KV cache (and recurrent state), the output buffer and the compute buffer,
/// each as llama.cpp sizes it. Checked against llama.cpp's own figures in
/// docs/llama-cpp-memory.md (the tests read the same table).
public struct LlamaCppMemory: Sendable {
  public var settings: LlamaCppSettings
  public var resolved: LlamaCppSettings.Resolved
  /// The model buffer: the mapped tensor data of every file (what is not repacked).
  public var modelBytes: UInt64?
  /// The CPU backend's repacked copies of quantized matrices (x86 with AVX2; beside the total,
  /// not in it, as the table and llama.cpp's breakdown keep them).
  public var repackBytes: UInt64
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

  /// Types the CPU backend repacks on x86 with AVX2 (ggml-cpu/repack.cpp
  /// ggml_repack_get_optimal_repack_type: Q4_0, Q4_K, IQ4_NL, MXFP4 in 8-row interleaves; Q2_K
  /// needs AVX-512, Q8_0 and the other K types ARM).
  static let repackTypes: Set<String> = ["Q4_0", "Q4_K", "IQ4_NL", "MXFP4"]

  /// A matrix of a repacked type whose rows come in whole groups of 8 (ne[1] % 8 == 0).
  static func repackable(_ t: TensorRecord) -> Bool {
    guard repackTypes.contains(t.dtype), t.shape.count >= 2 else { return false }
    return t.shape[t.shape.count - 2] % 8 == 0
  }

  /// Weights multiplied by activations (the layers' matrices and experts, the output head) are
  /// repacked; token_embd, read by row lookup, is not.
  static func repacks(_ t: TensorRecord) -> Bool {
    repackable(t) && (t.name.hasPrefix("blk.") || t.name == "output.weight")
  }

  /// The buffers for `catalog` under `settings`; nil unless it is a GGUF file with tensors and the
  /// hyperparameters llama.cpp needs (block count, embedding width, a vocabulary).
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

    // The CPU backend repacks some quantized matrices into a buffer of its own (CPU_REPACK); the
    // mapped model buffer then spans the file from its first to its last tensor left in place.
    var repack: UInt64 = 0
    var model: UInt64? = 0
    var ranges: [Int: (start: UInt64, end: UInt64)] = [:]
    let tiedHead = !catalog.tensors.contains { $0.name == "output.weight" }
    for t in catalog.tensors {
      guard let bytes = t.bytes else {
        model = nil
        break
      }
      if repacks(t) {
        repack = repack &+ bytes
        continue
      }
      // A tied head's matrix is token_embd: llama.cpp repacks a copy for the logits.
      if tiedHead && t.name == "token_embd.weight" && repackable(t) { repack = repack &+ bytes }
      let end = t.offset.addingReportingOverflow(bytes)
      if end.overflow {
        model = nil
        break
      }
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
      // (The window is from the file: capped at the context first, so the sum cannot overflow.)
      let sliding = min(full, LlamaCppSettings.pad(min(a.slidingWindow ?? 0, full) + r.ubatch, 256))
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
      settings: settings, resolved: r, modelBytes: model, repackBytes: repack, caches: caches, recurrentBytes: recurrent, outputBytes: output,
      compute: compute, layerCacheBytes: layerCache, shape: shape, problems: problems)
  }
}
