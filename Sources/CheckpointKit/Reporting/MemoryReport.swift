/// The memory estimate as a compact text table (binary units) and as JSON (bytes).
public enum MemoryReport {
  /// A binary unit for sizes: `GiB` from 0.1 GiB up, then `MiB`, `KiB` and bytes.
  struct SizeUnit: Equatable {
    var name: String
    var bytes: Double

    static let tib = SizeUnit(name: "TiB", bytes: Double(1 << 40))
    static let gib = SizeUnit(name: "GiB", bytes: Double(1 << 30))
    static let mib = SizeUnit(name: "MiB", bytes: Double(1 << 20))
    static let kib = SizeUnit(name: "KiB", bytes: 1024)
    static let byte = SizeUnit(name: "B", bytes: 1)

    /// The unit that shows `bytes` best: `0.18 GiB` from 100 MiB up, `114.4 KiB` and `256 B` below.
    static func best(for bytes: UInt64) -> SizeUnit {
      // 1023.95 GiB would print as 1024.0 GiB: from there it is TiB.
      if Double(bytes) >= 1023.95 * gib.bytes { return tib }
      if Double(bytes) >= 0.1 * gib.bytes { return gib }
      if bytes >= 1 << 20 { return mib }
      return bytes >= 1024 ? kib : byte
    }

    /// One unit for every size on a line, so they compare at a glance: the one that suits the
    /// smallest (a larger one would show it as 0.00).
    static func shared(by sizes: [UInt64?]) -> SizeUnit {
      best(for: sizes.compactMap { $0 }.filter { $0 > 0 }.min() ?? 0)
    }

    /// `bytes` in this unit (GiB with two decimals below 10, else one; bytes whole); nil, a size
    /// that passed 2^64 - 1, is "overflow".
    func format(_ bytes: UInt64?) -> String {
      guard let bytes else { return "overflow" }
      if self == .byte { return "\(bytes) B" }
      let v = Double(bytes) / self.bytes
      return Units.fixed(v, (self == .gib || self == .tib) && v < 10 ? 2 : 1) + " " + name
    }
  }

  /// Sizes on one line, in one unit.
  static func sizes(_ values: [UInt64?]) -> [String] {
    let unit = SizeUnit.shared(by: values)
    return values.map(unit.format)
  }

  static func size(_ value: UInt64?) -> String { sizes([value])[0] }

  /// A count such as parameters; nil or UInt64.max (a saturated sum) is "overflow".
  static func count(_ value: UInt64?) -> String {
    guard let value, value != .max else { return "overflow" }
    return Units.count(value)
  }

  /// A size in JSON: bytes, or null when it passed 2^64 - 1.
  static func json(_ bytes: UInt64?) -> JSONValue {
    guard let bytes, bytes != .max else { return .null }
    return .unsigned(bytes)
  }

  /// Width left for a value after the label column (80 columns in all).
  static let valueWidth = 55

  public static func text(_ m: MemoryEstimate, explain: Bool = false) -> String {
    var lines = ["  memory (binary units: 1 GiB = 2^30 bytes)"]
    var table = TextTable([.left, .left])
    table.indent = 4
    var stored = size(m.weightBytes)
    if let bytes = m.weightBytes, let parameters = m.parameters, parameters > 0 {
      stored += " (\(Units.fixed(Double(bytes) * 8 / Double(parameters), 2)) bits/param)"
    }
    table.add(["weights as stored", stored])
    if let llama = m.llamaCpp {
      for row in llamaCppRows(llama) { table.add(row) }
    }
    // One unit for the whole list, so the precisions compare down the lines too.
    let unit = SizeUnit.shared(by: m.precisions.map(\.bytes))
    let items = m.precisions.map { "\($0.name) \(unit.format($0.bytes))" + fallbackNote($0.fallbacks) }
    for (k, line) in packed(items, width: valueWidth).enumerated() {
      table.add([k == 0 ? "at other precisions" : "", line])
    }
    if let a = m.attention {
      if a.fullLayers + a.slidingLayers > 0 {
        let perToken = zip(m.kvPerToken.map(\.type), sizes(m.kvPerToken.map(\.bytes))).map { "\($0) \($1)" }
        table.add(["KV cache per token", perToken.joined(separator: ", ")])
      }
      // Beside llama.cpp's own KV rows, this one is the framework-agnostic figure.
      let label = m.llamaCpp == nil ? "KV cache" : "KV cache (generic)"
      for (k, line) in kvLines(m, a).enumerated() { table.add([k == 0 ? label : "", line]) }
      if a.recurrentLayers > 0 {
        let sequences = m.parallel == 1 ? "1 sequence" : "\(Units.grouped(UInt64(count: m.parallel))) sequences"
        let elements = a.recurrentState?.elementsPerLayer.map { Units.grouped($0) } ?? "overflow"
        table.add(["recurrent state", "\(size(m.recurrentBytes)) (f32): \(a.recurrentLayers) layers x \(elements) x \(sequences)"])
      }
    } else {
      table.add(["KV cache", "no decoder attention hyperparameters: not estimated"])
    }
    let state = m.attention.map { $0.recurrentLayers > 0 } ?? false ? " + state" : ""
    let serving = sizes([m.servingBytes, m.overheadBytes])
    let generic = m.llamaCpp == nil ? "serving" : "serving (generic)"
    table.add([generic, m.servingBytes == nil ? "overflow = weights + KV\(state) + overhead" : "\(serving[0]) = weights + KV\(state) + \(serving[1]) overhead"])
    if let active = m.activeParameters {
      table.add(["MoE", "all experts resident; \(count(active)) active parameters per token"])
    }
    if m.parameters == 0 {
      // Nothing to train: a tokenizer/vocab-only file (its hyperparameters still size a KV cache).
      table.add(["fine-tuning", "none: the file holds no weights"])
    } else {
      table.add(["full fine-tuning", "\(size(m.fullFineTuneBytes)) (Adam, 16 B/param) + activations"])
      table.add(["LoRA r=\(m.loraRank)", "\(count(m.loraTrainable)) trainable: \(size(m.loraBytes)) + activations"])
    }
    if let llama = m.llamaCpp, !m.offload.isEmpty {
      for (gpu, plan) in zip(m.gpuFits.map(\.gpu), m.offload) {
        for (k, line) in offloadLines(plan, llama).enumerated() { table.add([k == 0 ? gpu.name : "", line]) }
      }
    } else {
      for fit in m.gpuFits {
        for (k, line) in gpuLines(m, fit).enumerated() { table.add([k == 0 ? fit.gpu.name : "", line]) }
      }
    }
    lines.append(table.render())
    if explain {
      lines += [
        "    KV bytes = layers x KV heads x (key + value dims) x tokens x sequences x element",
        "      bytes (f16 2, q8_0 34/32, q4_0 18/32); a sliding-window layer keeps",
        "      min(window, context) tokens (transformers' StaticSlidingWindowLayer;",
        "      llama.cpp allocates window + a micro-batch, padded to 256); MLA caches its",
        "      latent (kv_lora_rank + rope dims) instead of K and V.",
        "    recurrent state = layers x ((conv_kernel - 1) x (inner + 2 x groups x state)",
        "      + state x inner) x 4 bytes (f32) per sequence, whatever the context",
        "      (llama.cpp n_embd_r + n_embd_s).",
        "    overhead = 1 GiB runtime + 5% of weights, KV and state (activations etc.):",
        "      generic, for runtimes other than llama.cpp.",
        "    full fine-tuning = 16 B/param: bf16 weights 2, bf16 grads 2, fp32 master 4,",
        "      Adam moments 8; activations excluded.",
        "    LoRA trainable = rank x (rows + cols) per 2-D attention/FFN/expert matrix.",
        "    other precisions: ggml blocks for 2-D tensors; a row that does not hold",
        "      whole blocks falls back as llama.cpp quantizes it (llama-quant.cpp):",
        "      Q6_K -> Q8_0, Q5_K -> Q5_1, Q4_K -> Q5_0, Q3_K and Q2_K -> Q4_0, IQ types",
        "      -> IQ4_NL, then F16 if not a multiple of 32; 1-D tensors stay F32;",
        "      int8/int4 add one F16 scale per 128 weights.",
        "    context up to: the longest that fits, at most the trained context; what",
        "      memory allows past it is beyond the trained context.",
        "    overflow: a size past 2^64 - 1 bytes (null in JSON).",
      ]
      if m.llamaCpp != nil { lines += llamaCppExplanation }
      if let a = m.attention {
        lines.append("    here, from \(a.source):")
        for group in a.groups {
          let l = group.layer
          switch l.attention {
          case .full, .sliding:
            let kind = l.attention == .sliding ? "sliding (window \(a.slidingWindow ?? 0))" : "full"
            let cached = a.latentDim.map { "MLA latent \($0)" } ?? "\(l.kvHeads) KV heads x (\(l.keyDim) + \(l.valueDim))"
            lines.append("      \(group.count) \(kind) layers x \(cached)\(l.recurrent ? ", and recurrent" : "")")
          case .none:
            let what = l.sharesKV ? "reusing earlier KV" : l.recurrent ? "recurrent, no KV" : "without attention"
            lines.append("      \(group.count) layers \(what)")
          }
        }
        if let r = a.recurrentState, a.recurrentLayers > 0 {
          lines.append(
            "      state: conv_kernel \(r.convKernel), inner \(r.innerSize), state \(r.stateSize), groups \(r.groupCount)")
        }
      }
    }
    return lines.joined(separator: "\n")
  }

  /// llama.cpp's buffers, one row each, under the settings that size them.
  static func llamaCppRows(_ l: LlamaCppMemory) -> [[String]] {
    let r = l.resolved
    var settings = "-c \(r.context)"
    if r.sequences > 1 { settings += " -np \(r.sequences)" }
    settings += " -ub \(r.ubatch) -fa \(r.flashAttention ? "on" : "off")"
    let k = l.settings.cacheTypeK, v = l.settings.cacheTypeV
    if k != "f16" || v != "f16" { settings += " -ctk \(k) -ctv \(v)" }
    let version = LlamaCppSettings.version.replacingOccurrences("llama.cpp ", "")
    var rows = [["llama.cpp", "\(version), CPU backend:"], ["", settings]]
    rows.append(["- model buffer", size(l.modelBytes) + " (mapped)"])
    if l.repackBytes > 0 {
      rows.append(["- CPU repack", "\(size(l.repackBytes)) more on an x86 AVX2 CPU (not in the total)"])
    }
    if l.caches.isEmpty && l.recurrentBytes == 0 {
      rows.append(["- KV cache", l.shape.isEncoder ? "none: an encoder" : "none"])
    }
    for c in l.caches {
      let types = k == v ? k : "K \(k), V \(v)"
      let what = c.sliding ? "- KV cache (SWA)" : "- KV cache"
      rows.append([what, "\(size(c.bytes)) (\(types)): \(c.layers) layers x \(Units.grouped(UInt64(c.cells))) cells"])
    }
    if let recurrent = l.recurrentBytes, recurrent > 0 {
      rows.append(["- recurrent state", "\(size(recurrent)) (f32): \(r.sequences) sequence\(r.sequences == 1 ? "" : "s")"])
    }
    rows.append(["- output buffer", "\(size(l.outputBytes)): logits of \(r.sequences) token\(r.sequences == 1 ? "" : "s")"])
    rows.append(["- compute buffer", "\(size(l.computeBytes)) (peak of a \(r.ubatch)-token micro-batch)"])
    rows.append(["- total", size(l.totalBytes)])
    return rows
  }

  static let llamaCppExplanation = [
    "    llama.cpp (CPU backend; checked against its own log, docs/llama-cpp-memory.md):",
    "      -c = context x parallel, padded to 256 per sequence; model buffer = the",
    "      file's tensor data; KV = layers x cells x row bytes of K and V (ggml types);",
    "      a sliding layer keeps window + ubatch cells, padded to 256; output =",
    "      vocabulary x sequences x 4; compute = the larger of the logits of one",
    "      micro-batch (vocabulary x ubatch x 4) with their inputs and the largest",
    "      layer (without flash attention, KQ = cells x ubatch x heads x 4, twice).",
    "    offload: -ngl N puts the output layer and the last N - 1 layers on the GPUs,",
    "      each keeping 1 GiB free (llama.cpp --fit's margin); token_embd stays on the",
    "      host; --n-cpu-moe N keeps the experts of the first N layers on the host.",
  ]

  /// The offload plan: the flags to paste, what each GPU holds (with llama.cpp's 1 GiB left
  /// free), what stays on the host.
  static func offloadLines(_ p: OffloadPlan, _ l: LlamaCppMemory) -> [String] {
    let n = p.layers
    let gpus = p.devices.count > 1 ? "GPUs" : "GPU"
    let what: String
    if p.isFull {
      what = "all \(n) layers + output on the \(gpus)"
    } else if let moe = p.cpuMoELayers {
      what = "all on the \(gpus) but the experts of \(moe) of \(n) layers"
    } else if p.gpuLayers == 1 {
      what = "only the output layer on the \(gpus)"
    } else if p.gpuLayers == 0 {
      what = "CPU only, nothing fits"
    } else {
      what = "output + \(p.gpuLayers - 1) of \(n) layers on the \(gpus)"
    }
    var lines = ["llama.cpp \(p.flags): \(what)"]
    for d in p.devices where d.bytes > 0 {
      let layers = d.layers.map { $0.lowerBound == $0.upperBound ? "layer \($0.lowerBound)" : "layers \($0.lowerBound)-\($0.upperBound)" }
      let holds = [layers, d.holdsOutput ? "output" : nil].compactMap { $0 }.joined(separator: " + ")
      let parts = sizes([d.bytes, d.weightBytes, d.cacheBytes, d.computeBytes])
      let name = p.devices.count > 1 ? "\(d.gpu.name) " : ""
      lines.append("\(name)\(parts[0]) of \(size(d.gpu.bytes)) (\(holds)):")
      lines.append("  weights \(parts[1]) + KV \(parts[2]) + compute \(parts[3])")
    }
    lines.append("host: \(size(p.hostBytes)) (token_embd, output buffer\(p.isFull ? "" : ", the rest"))")
    return lines
  }

  /// Whether the model fits a GPU and how much context: capped at the trained context, with
  /// what memory would allow past it said only as beyond the trained context; a GPU that does
  /// not hold even one token does not fit (no "context up to 0").
  static func gpuLines(_ m: MemoryEstimate, _ fit: MemoryEstimate.GPUFit) -> [String] {
    let best = "best fit \(fit.bestPrecision ?? "none")"
    let head = "\(size(fit.gpu.bytes)): "
    guard let context = fit.maxContext, let memory = fit.memoryContext else {
      return [head + (fit.fits ? "fits" : "does not fit") + ", " + best]
    }
    guard context > 0 else { return [head + "does not fit, " + best] }
    let upTo = "context up to \(Units.grouped(UInt64(count: context)))"
    var lines =
      fit.fits
      ? [head + "fits, \(upTo), " + best]
      : [head + "does not fit at \(Units.grouped(UInt64(count: m.context))) tokens, " + best, upTo]
    if let trained = m.attention?.trainedContext, memory > trained {
      let amount =
        fit.memoryUnbounded ? "any length" : "\(Units.count(UInt64(count: memory)))\(memory == MemoryEstimate.searchLimit ? "+" : "") tokens"
      lines.append("memory for \(amount): beyond the trained context")
    }
    return lines
  }

  /// Which rows a block type could not take, and what they fall back to: ` (all rows fall back
  /// to Q5_0)`, ` (rows of 576 fall back to Q5_0)`, ` (rows of 100 fall back to F16)`.
  static func fallbackNote(_ fallbacks: [MemoryEstimate.Fallback]) -> String {
    guard !fallbacks.isEmpty else { return "" }
    let parts = fallbacks.enumerated().map { k, f -> String in
      let widths = f.rowWidths.prefix(3).map { Units.grouped($0) }.joined(separator: ", ") + (f.rowWidths.count > 3 ? ", ..." : "")
      let rows = f.allRows ? "all rows" : "rows of \(widths)"
      return k == 0 ? "\(rows) fall back to \(f.type)" : "\(rows) to \(f.type)"
    }
    return " (" + parts.joined(separator: "; ") + ")"
  }

  /// The KV cache's lines: its size at the context, and which layers cache less.
  static func kvLines(_ m: MemoryEstimate, _ a: AttentionShape) -> [String] {
    guard a.fullLayers + a.slidingLayers > 0 else {
      return ["none: all \(a.layers) layers are recurrent"]
    }
    let tokens = "\(Units.grouped(UInt64(count: m.context))) tokens x \(Units.grouped(UInt64(count: m.parallel)))"
    var lines = ["\(size(m.kvBytes)) (\(m.cacheType)) at \(tokens)"]
    if a.slidingLayers > 0, let w = a.slidingWindow {
      lines.append("\(a.slidingLayers) of \(a.layers) layers slide: they keep \(Units.grouped(UInt64(count: w))) tokens")
    }
    let recurrentOnly = a.count { $0.recurrent && $0.attention == .none }
    if recurrentOnly > 0 { lines.append("\(recurrentOnly) of \(a.layers) layers are recurrent: no KV cache") }
    if a.sharedLayers > 0 { lines.append("\(a.sharedLayers) of \(a.layers) layers reuse earlier layers' KV") }
    let neither = a.count { $0.attention == .none && !$0.recurrent && !$0.sharesKV }
    if neither > 0 { lines.append("\(neither) of \(a.layers) layers have no attention") }
    return lines
  }

  /// Items joined with ", " into lines of at most `width` characters (an item longer than that
  /// gets a line of its own).
  static func packed(_ items: [String], width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for item in items {
      if line.isEmpty {
        line = item
      } else if line.count + 2 + item.count <= width {
        line += ", " + item
      } else {
        lines.append(line + ",")
        line = item
      }
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }

  public static func json(_ m: MemoryEstimate) -> JSONValue {
    let serving: JSONValue = .object([
      ("weights", json(m.weightBytes)), ("kv_cache", json(m.kvBytes)), ("recurrent_state", json(m.recurrentBytes)),
      ("overhead", json(m.overheadBytes)), ("total", json(m.servingBytes)),
      ("active_parameters", m.activeParameters.map(json) ?? .null),
    ])
    let training: JSONValue = .object([
      ("full_fine_tuning_bytes", json(m.fullFineTuneBytes)),
      ("bytes_per_parameter", .unsigned(MemoryEstimate.fullFineTuneBytesPerParameter)),
      ("lora_rank", .int(m.loraRank)), ("lora_trainable_parameters", json(m.loraTrainable)),
      ("lora_bytes", json(m.loraBytes)),
    ])
    return .object([
      ("weights_bytes", json(m.weightBytes)),
      ("by_component", .object(m.byComponent.map { ($0.component, json($0.bytes)) })),
      ("precisions", .array(m.precisions.map(json))),
      ("kv_cache", m.attention.map { kvJSON(m, $0) } ?? .null),
      ("recurrent_state", m.attention.flatMap { a in a.recurrentState.map { recurrentJSON(m, a, $0) } } ?? .null),
      ("serving", serving),
      ("training", training),
      ("gpus", .array(m.gpuFits.map(json))),
      ("llama_cpp", m.llamaCpp.map { llamaCppJSON($0, m.offload) } ?? .null),
      ("warnings", .array(m.warnings.map(JSONValue.string))),
    ])
  }

  static func json(_ p: MemoryEstimate.Precision) -> JSONValue {
    let fallbacks: [JSONValue] = p.fallbacks.map { f in
      .object([
        ("type", .string(f.type)), ("row_widths", .array(f.rowWidths.map(JSONValue.unsigned))),
        ("parameters", json(f.parameters)), ("all_rows", .bool(f.allRows)),
      ])
    }
    return .object([("precision", .string(p.name)), ("bytes", json(p.bytes)), ("fallbacks", .array(fallbacks))])
  }

  static func kvJSON(_ m: MemoryEstimate, _ a: AttentionShape) -> JSONValue {
    .object([
      ("layers", .int(a.layers)), ("kv_heads", .int(a.kvHeads)), ("key_dim", .int(a.keyDim)), ("value_dim", .int(a.valueDim)),
      ("full_layers", .int(a.fullLayers)), ("sliding_layers", .int(a.slidingLayers)),
      ("sliding_window", a.slidingWindow.map(JSONValue.int) ?? .null), ("recurrent_layers", .int(a.recurrentLayers)),
      ("shared_kv_layers", .int(a.sharedLayers)), ("trained_context", a.trainedContext.map(JSONValue.int) ?? .null),
      ("latent_dim", a.latentDim.map(JSONValue.int) ?? .null), ("source", .string(a.source)),
      ("per_token", .object(m.kvPerToken.map { ($0.type, json($0.bytes)) })),
      ("context", .int(m.context)), ("parallel", .int(m.parallel)), ("cache_type", .string(m.cacheType)),
      ("bytes", json(m.kvBytes)),
    ])
  }

  static func recurrentJSON(_ m: MemoryEstimate, _ a: AttentionShape, _ r: RecurrentState) -> JSONValue {
    .object([
      ("layers", .int(a.recurrentLayers)), ("conv_kernel", .int(r.convKernel)), ("inner_size", .int(r.innerSize)),
      ("state_size", .int(r.stateSize)), ("group_count", .int(r.groupCount)),
      ("elements_per_layer", json(r.elementsPerLayer)), ("bytes_per_element", .unsigned(RecurrentState.bytesPerElement)),
      ("sequences", .int(m.parallel)), ("bytes", json(m.recurrentBytes)),
    ])
  }

  static func llamaCppJSON(_ l: LlamaCppMemory, _ plans: [OffloadPlan]) -> JSONValue {
    let r = l.resolved
    let caches: [JSONValue] = l.caches.map { c in
      .object([
        ("sliding", .bool(c.sliding)), ("layers", .int(c.layers)), ("cells", .int(c.cells)), ("k_bytes", json(c.keyBytes)),
        ("v_bytes", json(c.valueBytes)), ("bytes", json(c.bytes)),
      ])
    }
    return .object([
      ("version", .string(LlamaCppSettings.version)), ("context", .int(r.context)), ("context_per_sequence", .int(r.contextPerSequence)),
      ("parallel", .int(r.sequences)), ("batch", .int(r.batch)), ("ubatch", .int(r.ubatch)),
      ("flash_attention", .bool(r.flashAttention)), ("cache_type_k", .string(l.settings.cacheTypeK)),
      ("cache_type_v", .string(l.settings.cacheTypeV)), ("model_bytes", json(l.modelBytes)), ("repack_bytes", .unsigned(l.repackBytes)),
      ("kv_bytes", json(l.kvBytes)), ("kv_caches", .array(caches)), ("recurrent_bytes", json(l.recurrentBytes)),
      ("output_bytes", json(l.outputBytes)), ("compute_bytes", json(l.computeBytes)),
      ("compute_logits_bytes", json(l.compute.outputPeak)), ("compute_layer_bytes", json(l.compute.layerPeak)),
      ("total_bytes", json(l.totalBytes)), ("offload", .array(plans.map(offloadJSON))),
    ])
  }

  static func offloadJSON(_ p: OffloadPlan) -> JSONValue {
    let devices: [JSONValue] = p.devices.map { d in
      .object([
        ("gpu", .string(d.gpu.name)), ("capacity_bytes", .unsigned(d.gpu.bytes)),
        ("first_layer", d.layers.map { .int($0.lowerBound) } ?? .null), ("last_layer", d.layers.map { .int($0.upperBound) } ?? .null),
        ("output_layer", .bool(d.holdsOutput)), ("weights_bytes", .unsigned(d.weightBytes)), ("kv_bytes", .unsigned(d.cacheBytes)),
        ("compute_bytes", .unsigned(d.computeBytes)), ("bytes", .unsigned(d.bytes)),
      ])
    }
    return .object([
      ("flags", .string(p.flags)), ("n_gpu_layers", .int(p.gpuLayers)), ("layers", .int(p.layers)),
      ("n_cpu_moe", p.cpuMoELayers.map(JSONValue.int) ?? .null),
      ("tensor_split", p.tensorSplit.map { .array($0.map { .double($0) }) } ?? .null),
      ("margin_bytes", .unsigned(OffloadPlan.margin)), ("full", .bool(p.isFull)), ("devices", .array(devices)),
      ("host_bytes", .unsigned(p.hostBytes)),
    ])
  }

  static func json(_ f: MemoryEstimate.GPUFit) -> JSONValue {
    .object([
      ("gpu", .string(f.gpu.name)), ("bytes", .unsigned(f.gpu.bytes)), ("fits", .bool(f.fits)),
      ("max_context", f.maxContext.map(JSONValue.int) ?? .null),
      ("max_context_memory", f.memoryUnbounded ? .null : f.memoryContext.map(JSONValue.int) ?? .null),
      ("best_precision", .optional(f.bestPrecision)),
    ])
  }
}
