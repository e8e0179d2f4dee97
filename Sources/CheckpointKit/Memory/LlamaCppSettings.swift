/// The llama.cpp context settings that decide what it allocates, under llama.cpp's own names
/// (`-c`, `-b`, `-ub`, `-np`, `-ctk`, `-ctv`, `-fa`), and how llama.cpp adjusts them
/// (llama-context.cpp, llama_context::llama_context).
public struct LlamaCppSettings: Equatable, Sendable {
  /// The llama.cpp this models: the one vendored in llama-cpp-python 0.3.36.
  public static let version = "llama.cpp 0c1e57098 (llama-cpp-python 0.3.36)"

  public enum FlashAttention: String, Equatable, Sendable, CaseIterable {
    case on, off, auto
  }

  /// Tokens of context over all sequences (`-c`); nil: the model's trained context.
  public var context: Int?
  /// Logical batch (`-b`, default 2048).
  public var batch = 2048
  /// Micro-batch (`-ub`, default 512): the tokens one graph evaluation holds.
  public var ubatch = 512
  /// Sequences decoded at once (`-np`), each with context / parallel tokens.
  public var parallel = 1
  /// K and V cache types (`-ctk`, `-ctv`).
  public var cacheTypeK = "f16"
  public var cacheTypeV = "f16"
  public var flashAttention = FlashAttention.auto

  public init(
    context: Int? = nil, batch: Int = 2048, ubatch: Int = 512, parallel: Int = 1, cacheTypeK: String = "f16",
    cacheTypeV: String = "f16", flashAttention: FlashAttention = .auto
  ) {
    self.context = context
    self.batch = batch
    self.ubatch = ubatch
    self.parallel = parallel
    self.cacheTypeK = cacheTypeK
    self.cacheTypeV = cacheTypeV
    self.flashAttention = flashAttention
  }

  /// The cache types llama.cpp accepts (common/arg.cpp kv_cache_types), as ggml types.
  public static let cacheTypes: [String: (name: String, blockElements: UInt64, blockBytes: UInt64)] = [
    "f32": ("F32", 1, 4), "f16": ("F16", 1, 2), "bf16": ("BF16", 1, 2), "q8_0": ("Q8_0", 32, 34),
    "q4_0": ("Q4_0", 32, 18), "q4_1": ("Q4_1", 32, 20), "iq4_nl": ("IQ4_NL", 32, 18), "q5_0": ("Q5_0", 32, 22),
    "q5_1": ("Q5_1", 32, 24),
  ]

  /// Bytes of `elements` values of a cache type: ggml_row_size (whole blocks).
  static func rowBytes(_ type: String, _ elements: UInt64) -> UInt64? {
    guard let t = cacheTypes[type] else { return nil }
    return UInt64?(elements / t.blockElements).times(t.blockBytes)
  }

  static func isQuantized(_ type: String) -> Bool { (cacheTypes[type]?.blockElements ?? 1) > 1 }

  /// llama.cpp counts the context in 32 bits and serves at most 256 sequences (LLAMA_MAX_SEQ):
  /// past either there is nothing to model. The reason, or nil.
  public static func limitProblem(_ s: LlamaCppSettings) -> String? {
    if s.parallel > 256 { return "llama.cpp serves at most 256 sequences (-np \(s.parallel))" }
    if let c = s.context, c > Int(UInt32.max) - 255 {
      return "llama.cpp's context is a 32-bit count (-c \(Units.grouped(UInt64(c))))"
    }
    return nil
  }

  /// ggml's GGML_PAD.
  static func pad(_ n: Int, _ to: Int) -> Int { (n + to - 1) / to * to }

  /// What llama.cpp makes of these settings for a model trained on `trained` tokens.
  public struct Resolved: Equatable, Sendable {
    /// n_ctx: padded to 256, then to a whole number of per-sequence contexts.
    public var context: Int
    /// n_ctx_seq: each sequence's cells (its own stream: llama-completion keeps kv_unified off).
    public var contextPerSequence: Int
    public var batch: Int
    public var ubatch: Int
    public var sequences: Int
    /// Flash attention after "auto" is settled: the CPU backend runs it for every layer, so auto
    /// is on (llama_context::resolve_fused_ops).
    public var flashAttention: Bool
    public var cacheTypeK: String
    public var cacheTypeV: String
  }

  public func resolved(trained: Int?) -> Resolved {
    let asked = max(context ?? trained ?? 4096, 1)
    // Caps keep a crafted header's trained context or a huge --context from overflowing Int.
    var nCtx = Self.pad(min(asked, 1 << 40), 256)
    let sequences = min(max(parallel, 1), 1 << 16)
    let perSequence = max(Self.pad(nCtx / sequences, 256), 256)
    nCtx = perSequence * sequences
    let nBatch = min(nCtx, max(batch, 1))
    let nUbatch = min(nBatch, max(ubatch, 1))
    return Resolved(
      context: nCtx, contextPerSequence: perSequence, batch: nBatch, ubatch: nUbatch, sequences: sequences,
      flashAttention: flashAttention != .off, cacheTypeK: cacheTypeK, cacheTypeV: cacheTypeV)
  }
}
