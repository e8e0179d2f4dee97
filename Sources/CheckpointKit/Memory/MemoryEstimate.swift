/// What a checkpoint costs to store, load, serve and fine-tune, from the catalog and the
/// hyperparameters alone. All figures are bytes; the text report prints GiB (2^30 bytes).
public struct MemoryEstimate: Sendable {
  public struct Options: Sendable {
    /// Tokens of context (default: the model's trained context, else 4096).
    public var context: Int?
    /// Sequences served at once, each with `context` tokens.
    public var parallel = 1
    /// KV cache element type: f16, q8_0 or q4_0.
    public var cacheType = "f16"
    public var gpus: [GPU] = []
    public var loraRank = 16
    /// llama.cpp's settings beside these (batch, micro-batch, K and V types, flash attention);
    /// its context and sequences are `context` x `parallel` and `parallel`.
    public var llamaCpp = LlamaCppSettings()
    /// `--tensor-split` shares for several GPUs (default: by their sizes).
    public var tensorSplit: [Double]?
    public init(
      context: Int? = nil, parallel: Int = 1, cacheType: String = "f16", gpus: [GPU] = [], loraRank: Int = 16,
      llamaCpp: LlamaCppSettings = LlamaCppSettings(), tensorSplit: [Double]? = nil
    ) {
      self.context = context
      self.parallel = parallel
      self.cacheType = cacheType
      self.gpus = gpus
      self.loraRank = loraRank
      self.llamaCpp = llamaCpp
      self.tensorSplit = tensorSplit
    }
  }

  public struct GPU: Equatable, Sendable {
    public var name: String
    /// All its memory (the sum over `parts`).
    public var bytes: UInt64
    /// The GPUs of one machine written `a+b` (llama.cpp splits the layers over them); empty for one.
    public var parts: [GPU] = []
    public init(name: String, bytes: UInt64, parts: [GPU] = []) {
      self.name = name
      self.bytes = bytes
      self.parts = parts
    }

    /// The devices llama.cpp sees: the parts, or this GPU alone.
    public var devices: [GPU] { parts.isEmpty ? [self] : parts }

    /// GPUs by name; sizes in GiB as the vendors sell them.
    public static let known: [String: UInt64] = [
      "t4": 16, "a10": 24, "l4": 24, "rtx3090": 24, "rtx4090": 24, "rtx5090": 32, "a100-40g": 40, "a100-80g": 80,
      "h100": 80, "h200": 141, "mi300x": 192, "l40s": 48,
    ]

    /// Parses a comma-separated list of sizes (`24GiB`, `80GB`: GiB is 2^30 bytes, GB 10^9, as
    /// everywhere else in the tool; TB and TiB too) and GPU names (case-insensitive, spaces
    /// ignored: `RTX 4090`). Nil when any part is not one; `problem(in:)` says why.
    public static func parse(_ text: String) -> [GPU]? {
      if case .success(let gpus) = parseOrExplain(text) { return gpus }
      return nil
    }

    /// What is wrong with a `--gpu` value, in one sentence with what to write instead.
    public static func problem(in text: String) -> String? {
      if case .failure(let why) = parseOrExplain(text) { return why.message }
      return nil
    }

    public struct ParseError: Error, Sendable {
      public var message: String
    }

    static let units: [String: Double] = [
      "gb": 1e9, "gib": Double(1 << 30), "tb": 1e12, "tib": Double(1 << 40), "mb": 1e6, "mib": Double(1 << 20),
    ]

    /// Comma-separated alternatives, each one GPU or several of one machine joined by `+`.
    public static func parseOrExplain(_ text: String) -> Result<[GPU], ParseError> {
      var result: [GPU] = []
      for raw in text.split(separator: ",") {
        var parts: [GPU] = []
        for piece in raw.split(separator: "+", omittingEmptySubsequences: false) {
          switch parseOne(piece) {
          case .success(let gpu?): parts.append(gpu)
          case .success(nil): continue
          case .failure(let e): return .failure(e)
          }
        }
        if parts.count == 1 { result.append(parts[0]) }
        if parts.count > 1 {
          let total = parts.reduce(UInt64(0)) { $0 &+ $1.bytes }
          result.append(GPU(name: parts.map(\.name).joined(separator: "+"), bytes: total, parts: parts))
        }
      }
      return result.isEmpty ? .failure(ParseError(message: "--gpu: no size or GPU name given")) : .success(result)
    }

    /// One GPU name or size; nil for an empty piece.
    static func parseOne(_ raw: Substring) -> Result<GPU?, ParseError> {
      let part = raw.lowercased().filter { !$0.isWhitespace }
      if part.isEmpty { return .success(nil) }
      if let size = known[part] { return .success(GPU(name: part, bytes: size << 30)) }
      if part.hasPrefix("-") { return .failure(ParseError(message: "--gpu must be positive ('\(raw)')")) }
      let digits = part.prefix { $0.isNumber || $0 == "." }
      if digits.isEmpty {
        let names = known.keys.sorted()
        let starting = names.filter { $0.hasPrefix(part) || $0.replacingOccurrences("-", "").hasPrefix(part) }
        let near = starting.isEmpty ? names.filter { $0.contains(part) } : starting
        let hint = near.isEmpty ? "known names: \(names.joined(separator: ", "))" : "did you mean \(near.joined(separator: " or "))?"
        return .failure(ParseError(message: "--gpu: unknown GPU '\(String(raw).trimmingWhitespace())': \(hint)"))
      }
      let unit = String(part.dropFirst(digits.count))
      guard let value = Double(digits), value > 0 else {
        return .failure(ParseError(message: "--gpu must be positive ('\(raw)')"))
      }
      guard !unit.isEmpty else {
        let model = known.keys.filter { $0.hasSuffix(part) }.sorted()
        let hint = model.isEmpty ? "" : " (or the GPU \(model.joined(separator: " or ")))"
        return .failure(ParseError(message: "--gpu \(String(raw).trimmingWhitespace()): a size needs a unit: \(digits)GB or \(digits)GiB\(hint)"))
      }
      guard let scale = units[unit] else {
        return .failure(ParseError(message: "--gpu \(String(raw).trimmingWhitespace()): unknown unit '\(unit)': write GB (10^9 bytes) or GiB (2^30)"))
      }
      // Up to a million GiB: past that the product would not fit in 64 bits.
      let bytes = value * scale
      guard bytes <= Double(1 << 30) * 1_000_000 else {
        return .failure(ParseError(message: "--gpu \(String(raw).trimmingWhitespace()): more than a million GiB"))
      }
      return .success(GPU(name: part, bytes: UInt64(bytes)))
    }
  }

  /// A precision the weights could be stored at; nil bytes: more than 2^64 - 1.
  public struct Precision: Sendable {
    public var name: String
    public var bytes: UInt64?
    /// Rows that cannot hold this type's blocks, by the type they fall back to.
    public var fallbacks: [Fallback] = []
  }

  /// Tensors whose rows (innermost dimension) are not a multiple of a type's block, and the type
  /// llama.cpp's quantizer stores them as instead.
  public struct Fallback: Equatable, Sendable {
    public var type: String
    /// The distinct row widths that fall back, smallest first.
    public var rowWidths: [UInt64]
    public var parameters: UInt64
    /// Every quantizable (2-D or larger) tensor falls back.
    public var allRows: Bool
  }

  public struct GPUFit: Sendable {
    public var gpu: GPU
    /// The weights as stored and the cache at the context asked for fit.
    public var fits: Bool
    /// The longest context (at the batch size) that fits with the weights as stored, up to the
    /// trained context when the model states one: past it the model was not trained, however
    /// much memory is left. 0 if not even one token fits; nil without a KV estimate.
    public var maxContext: Int?
    /// The longest context memory alone allows (`searchLimit` at most); nil without a KV estimate.
    public var memoryContext: Int?
    /// The cache stops growing (only sliding-window and recurrent layers): memory sets no limit.
    public var memoryUnbounded: Bool
    /// The what-if precision with the most bytes that still fits at the context asked for.
    public var bestPrecision: String?
  }

  /// The longest context the GPU fit looks for (2^24 tokens).
  public static let searchLimit = 1 << 24

  // Every size is exact or nil, nil meaning it passed 2^64 - 1 (see CheckedSize).
  public var parameters: UInt64?
  /// Active parameters per token of an MoE model (nil for a dense one; UInt64.max if it overflowed).
  public var activeParameters: UInt64?
  public var weightBytes: UInt64?
  public var byComponent: [(component: String, bytes: UInt64?)]
  public var precisions: [Precision]
  public var attention: AttentionShape?
  public var context: Int
  /// Sequences served at once.
  public var parallel: Int
  public var cacheType: String
  /// KV cache bytes per token at f16, q8_0, q4_0.
  public var kvPerToken: [(type: String, bytes: UInt64?)]
  public var kvBytes: UInt64?
  /// Recurrent state (Mamba, gated delta nets): F32, one per sequence, whatever the context.
  public var recurrentBytes: UInt64?
  public var overheadBytes: UInt64?
  public var servingBytes: UInt64? { weightBytes.plus(kvBytes).plus(recurrentBytes).plus(overheadBytes) }
  public var fullFineTuneBytes: UInt64?
  public var loraRank: Int
  public var loraTrainable: UInt64?
  public var loraBytes: UInt64?
  public var gpuFits: [GPUFit]
  /// What llama.cpp allocates for this GGUF file (nil for other formats).
  public var llamaCpp: LlamaCppMemory?
  /// How llama.cpp would offload it, one plan per `--gpu` alternative.
  public var offload: [OffloadPlan]
  /// What the reader should know about these figures (a size that overflowed), one sentence each.
  public var warnings: [String]

  /// Bytes per cached element: f16 2; q8_0 34 per 32; q4_0 18 per 32 (ggml's blocks).
  public static let cacheTypes: [(name: String, numerator: UInt64, denominator: UInt64)] = [
    ("f16", 2, 1), ("q8_0", 34, 32), ("q4_0", 18, 32),
  ]
  /// Serving overhead: 1 GiB for the runtime (CUDA context, kernels) plus 5% of weights and
  /// cache (KV and recurrent state) for activations and fragmentation. A stated rule, not a
  /// measurement.
  public static func overhead(weights: UInt64?, kv: UInt64?) -> UInt64? {
    UInt64?(1 << 30).plus(weights.plus(kv).map { $0 / 20 })
  }
  /// Full fine-tuning with mixed precision and Adam: bf16 weights 2 + bf16 gradients 2 + fp32
  /// master weights 4 + two fp32 Adam moments 8 = 16 bytes per parameter, activations excluded.
  public static let fullFineTuneBytesPerParameter: UInt64 = 16

  public static func estimate(_ catalog: Catalog, _ summary: CountSummary, config: ConfigFile?, active: UInt64?, options: Options) -> MemoryEstimate {
    let attention = (catalog.format == .gguf || catalog.format == .splitGGUF) ? AttentionShape.from(gguf: catalog) : config.flatMap(AttentionShape.from(config:))
    let context = options.context ?? attention?.trainedContext ?? 4096
    let cache = cacheTypes.first { $0.name == options.cacheType }
      ?? LlamaCppSettings.cacheTypes[options.cacheType].map { (options.cacheType, $0.blockBytes, $0.blockElements) } ?? cacheTypes[0]
    func kv(_ type: (name: String, numerator: UInt64, denominator: UInt64), context: Int) -> UInt64? {
      guard let attention else { return 0 }
      return UInt64?.exact(attention.elements(context: context)).times(UInt64(count: options.parallel)).scaled(type.numerator, type.denominator)
    }
    let parameters = UInt64?.exact(summary.totals.parameters)
    let weights = UInt64?.exact(summary.totals.bytes)
    let kvBytes = kv(cache, context: context)
    let recurrent = (attention?.recurrentElements ?? 0).times(UInt64(count: options.parallel)).times(RecurrentState.bytesPerElement)
    // The cache as a whole: KV (grows with the context) and recurrent state (does not).
    func cached(_ kv: UInt64?) -> UInt64? { kv.plus(recurrent) }
    let precisions = whatIf(catalog)
    let overhead = overhead(weights: weights, kv: cached(kvBytes))
    // LoRA on every 2-D projection of attention and the FFN/experts: r x (rows + cols) each.
    let targets: Set<Component> = [.attention, .ffn, .experts, .sharedExperts]
    let trainable = catalog.tensors.filter { $0.role == .parameter && targets.contains($0.component) && $0.shape.count == 2 }
      .reduce(UInt64?(0)) { $0.plus(UInt64?(UInt64(count: options.loraRank)).times(.exact($1.shape[0].plus($1.shape[1])))) }
    func fits(_ weights: UInt64?, _ kv: UInt64?, in gpu: GPU) -> Bool {
      guard let need = weights.plus(kv).plus(MemoryEstimate.overhead(weights: weights, kv: kv)) else { return false }
      return need <= gpu.bytes
    }
    let fits = options.gpus.map { gpu -> GPUFit in
      var low = 0, high = searchLimit
      while low < high {
        let mid = (low + high + 1) / 2
        if fits(weights, cached(kv(cache, context: mid)), in: gpu) { low = mid } else { high = mid - 1 }
      }
      // The most bytes that fit is the most precise (Q8_0's 8.5 bits beat F8's 8).
      let best = precisions.filter { fits($0.bytes, cached(kvBytes), in: gpu) }.max { ($0.bytes ?? 0) < ($1.bytes ?? 0) }
      let capped = min(low, attention?.trainedContext.map { max($0, 0) } ?? low)
      return GPUFit(
        gpu: gpu, fits: fits(weights, cached(kvBytes), in: gpu), maxContext: attention == nil ? nil : capped,
        memoryContext: attention == nil ? nil : low, memoryUnbounded: low == searchLimit && attention?.fullLayers == 0,
        bestPrecision: best?.name)
    }
    var estimate = MemoryEstimate(
      parameters: parameters, activeParameters: active, weightBytes: weights,
      byComponent: summary.byComponent.map { ($0.key, .exact($0.row.bytes)) }, precisions: precisions, attention: attention,
      context: context, parallel: options.parallel, cacheType: cache.name,
      kvPerToken: cacheTypes.map { type in (type.name, kv(type, context: 1).map { $0 / UInt64(count: max(options.parallel, 1)) }) },
      kvBytes: kvBytes, recurrentBytes: recurrent, overheadBytes: overhead, fullFineTuneBytes: parameters.times(fullFineTuneBytesPerParameter),
      loraRank: options.loraRank, loraTrainable: trainable, loraBytes: weights.plus(trainable.times(fullFineTuneBytesPerParameter)),
      gpuFits: fits, llamaCpp: nil, offload: [], warnings: [])
    // llama.cpp's -c is the context of all sequences together.
    var settings = options.llamaCpp
    settings.parallel = max(options.parallel, 1)
    let total = context.multipliedReportingOverflow(by: settings.parallel)
    settings.context = total.overflow ? Int.max : total.partialValue
    if let limit = LlamaCppSettings.limitProblem(settings) {
      estimate.warnings.append("no llama.cpp figures: \(limit)")
    } else if let llama = LlamaCppMemory.estimate(catalog, attention: attention, settings: settings) {
      estimate.llamaCpp = llama
      estimate.offload = options.gpus.compactMap { gpu in
        OffloadPlan.plan(llama, gpus: gpu.devices, tensorSplit: gpu.parts.isEmpty ? nil : options.tensorSplit)
      }
    }
    estimate.warnings = estimate.overflowWarnings() + estimate.warnings
    if let problems = estimate.llamaCpp?.problems { estimate.warnings += problems }
    if let asked = options.context, let trained = attention?.trainedContext, asked > trained {
      estimate.warnings.append(
        "--context \(Units.grouped(UInt64(count: asked))) is beyond the trained context (\(Units.grouped(UInt64(count: trained))) tokens): "
          + "the model was not trained for it")
    }
    return estimate
  }

  /// One sentence per figure that passed 2^64 - 1 (a crafted header, or absurd --context and
  /// --parallel), naming it; figures derived from one that overflowed are not named again.
  func overflowWarnings() -> [String] {
    var out: [String] = []
    func check(_ value: UInt64?, _ what: String, bytes: Bool = true) {
      if value == nil { out.append("\(what) passes 2^64 - 1\(bytes ? " bytes" : ""): shown as overflow (null in JSON)") }
    }
    check(parameters, "the parameter count", bytes: false)
    if activeParameters == .max { out.append("the active parameter count passes 2^64 - 1: shown as overflow (null in JSON)") }
    check(weightBytes, "the weights' size")
    if weightBytes != nil && precisions.contains(where: { $0.bytes == nil }) {
      check(nil, "a size at another precision")
    }
    let tokens = "\(Units.grouped(UInt64(count: context))) tokens x \(Units.grouped(UInt64(count: parallel)))"
    if kvPerToken.contains(where: { $0.bytes == nil }) { check(nil, "the KV cache per token") }
    else { check(kvBytes, "the KV cache at \(tokens)") }
    check(recurrentBytes, "the recurrent state of \(Units.grouped(UInt64(count: parallel))) sequence\(parallel == 1 ? "" : "s")")
    if weightBytes != nil && kvBytes != nil && recurrentBytes != nil { check(servingBytes, "the serving total") }
    if parameters != nil { check(fullFineTuneBytes, "the full fine-tuning size") }
    check(loraTrainable, "the LoRA trainable parameter count", bytes: false)
    if loraTrainable != nil && weightBytes != nil { check(loraBytes, "the LoRA size") }
    return out
  }

  /// llama.cpp's fallback when a row does not hold whole blocks of `type` (llama.cpp 0c1e57098,
  /// src/llama-quant.cpp tensor_type_fallback): 256-block IQ types -> IQ4_NL, Q2_K and Q3_K (and
  /// TQ1_0, TQ2_0) -> Q4_0, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0; a 32-block type keeps itself;
  /// then F16 if the row does not hold whole blocks of that either.
  static func fallback(for type: GGMLType, row: UInt64) -> GGMLType {
    guard row % type.blockElements != 0 else { return type }
    let id: UInt32
    switch type.name {
    case "IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_XS": id = 20  // IQ4_NL
    case "Q2_K", "Q3_K", "TQ1_0", "TQ2_0": id = 2  // Q4_0
    case "Q4_K": id = 6  // Q5_0
    case "Q5_K": id = 7  // Q5_1
    case "Q6_K": id = 8  // Q8_0
    default: id = type.id
    }
    let next = GGMLType.type(id: id) ?? type
    return row % next.blockElements == 0 ? next : GGMLType.type(id: 1)!  // F16
  }

  /// The parameters at other precisions, from the widest format down. ggml block types apply to
  /// tensors of two or more dimensions, whose rows fall back as llama.cpp's quantizer does when
  /// they do not hold whole blocks (`fallback(for:row:)`); 1-D tensors (norms, biases) stay F32,
  /// as llama.cpp leaves them. int8/int4 carry one F16 scale per group of 128.
  static func whatIf(_ catalog: Catalog) -> [Precision] {
    let parameters = catalog.tensors.filter { $0.role == .parameter }
    let matrices = parameters.filter { $0.shape.count >= 2 }.count
    func uniform(_ name: String, bits: UInt64) -> Precision {
      Precision(name: name, bytes: parameters.reduce(UInt64?(0)) { $0.plus(UInt64?.exact($1.parameters).scaled(bits, 8)) })
    }
    func blocks(_ name: String, _ id: UInt32) -> Precision {
      let type = GGMLType.type(id: id)!
      var bytes: UInt64? = 0
      var fallbacks: [String: (widths: Set<UInt64>, parameters: UInt64, tensors: Int)] = [:]
      for t in parameters {
        let n = UInt64?.exact(t.parameters)
        guard t.shape.count >= 2 else {
          bytes = bytes.plus(n.times(4))
          continue
        }
        let row = t.shape.last ?? 1
        let used = fallback(for: type, row: row)
        bytes = bytes.plus(n.map { $0 / used.blockElements }.times(used.blockBytes))
        if used != type {
          var entry = fallbacks[used.name] ?? ([], 0, 0)
          entry.widths.insert(row)
          entry.parameters = entry.parameters.plus(t.parameters)
          entry.tensors += 1
          fallbacks[used.name] = entry
        }
      }
      let list = fallbacks.map { Fallback(type: $0.key, rowWidths: $0.value.widths.sorted(), parameters: $0.value.parameters, allRows: $0.value.tensors == matrices) }
        .sorted { $0.parameters > $1.parameters }
      return Precision(name: name, bytes: bytes, fallbacks: list)
    }
    func grouped(_ name: String, bits: UInt64) -> Precision {
      let bytes = parameters.reduce(UInt64?(0)) { sum, t in
        let n = UInt64?.exact(t.parameters)
        guard t.shape.count >= 2, let row = t.shape.last, row > 0 else { return sum.plus(n.times(2)) }
        let rows = n.map { $0 / row }
        return sum.plus(n.scaled(bits, 8)).plus(rows.times(row / 128 + (row % 128 == 0 ? 0 : 1)).times(2))
      }
      return Precision(name: name, bytes: bytes)
    }
    return [
      uniform("F32", bits: 32), uniform("F16/BF16", bits: 16), uniform("F8", bits: 8), blocks("Q8_0", 8),
      grouped("int8 g128", bits: 8), blocks("Q6_K", 14), blocks("Q5_K", 13), blocks("Q4_K", 12), blocks("Q4_0", 2),
      grouped("int4 g128", bits: 4), blocks("Q3_K", 11), blocks("Q2_K", 10), blocks("IQ2_XS", 17),
    ]
  }
}
