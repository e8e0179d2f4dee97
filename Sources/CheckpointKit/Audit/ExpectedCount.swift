/// What hyperparameters (config.json or GGUF keys) say the parameter count should be.
public struct ExpectedCount: Equatable, Sendable {
  /// `config.json` or `GGUF hyperparameters`.
  public var source: String
  /// The formula used: `llama-style decoder`, `GPT-2`, `BERT`.
  public var family: String
  public var total: UInt64
  /// For MoE: parameters used per token.
  public var active: UInt64?
  /// For MoE: routed experts and experts used per token.
  public var experts: Int?
  public var expertsUsed: Int?
  public var routedExpertParameters: UInt64?
  /// One embedding matrix (vocab x hidden): a tied head's size.
  public var embedding: UInt64
  /// 2Vd + 12Ld^2 from the same hyperparameters.
  public var ruleOfThumb: UInt64
  /// What had to be assumed (a default the source did not state).
  public var assumptions: [String]

  static let decoderTypes: Set<String> = [
    "llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "mixtral", "qwen2_moe", "qwen3_moe", "olmo2",
    "granite", "stablelm", "smollm3", "phi3", "internlm2", "yi",
  ]

  /// From a Hugging Face config.json; nil when the config is not of a family we can count
  /// exactly (then no estimate is made at all, rather than a bogus one).
  public static func from(config: ConfigFile) -> ExpectedCount? {
    let type = config.string("model_type") ?? ""
    let source = "config.json"
    if type == "gpt2" {
      guard let v = config.integer("vocab_size"), let d = config.integer("n_embd"), let l = config.integer("n_layer") else { return nil }
      let p = config.integer("n_positions", "n_ctx") ?? 1024
      let total = ArchitectureFormula.gpt2(vocab: v, positions: p, hidden: d, layers: l, inner: config.integer("n_inner"))
      return ExpectedCount(
        source: source, family: "GPT-2", total: total, embedding: UInt64(count: v).times(UInt64(count: d)),
        ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l), assumptions: [])
    }
    if type == "bert" || type == "roberta" || type == "xlm-roberta" {
      guard let v = config.integer("vocab_size"), let d = config.integer("hidden_size"),
        let l = config.integer("num_hidden_layers"), let i = config.integer("intermediate_size")
      else { return nil }
      let total = ArchitectureFormula.bert(
        vocab: v, positions: config.integer("max_position_embeddings") ?? 512, typeVocab: config.integer("type_vocab_size") ?? 2,
        hidden: d, layers: l, intermediate: i)
      return ExpectedCount(
        source: source, family: "BERT", total: total, embedding: UInt64(count: v).times(UInt64(count: d)),
        ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l), assumptions: [])
    }
    guard decoderTypes.contains(type),
      let v = config.integer("vocab_size"), let d = config.integer("hidden_size"), let l = config.integer("num_hidden_layers"),
      let heads = config.integer("num_attention_heads"), heads > 0
    else { return nil }
    var shape = ArchitectureFormula.Decoder(
      vocab: v, hidden: d, layers: l, intermediate: config.integer("intermediate_size") ?? 0, heads: heads,
      kvHeads: config.integer("num_key_value_heads") ?? heads, headDim: config.integer("head_dim") ?? d / heads)
    var assumptions: [String] = []
    // The transformers defaults differ by family: Llama, Mistral and Qwen untie; Gemma ties.
    let tiedDefault = type.hasPrefix("gemma")
    if let tied = config.bool("tie_word_embeddings") {
      shape.tied = tied
    } else {
      shape.tied = tiedDefault
      assumptions.append("tie_word_embeddings not stated: \(tiedDefault) assumed (the \(type) default)")
    }
    shape.qkvBias = type == "qwen2" || type == "qwen2_moe" || config.bool("attention_bias") == true
    shape.qkNorm = type == "qwen3" || type == "qwen3_moe" || type == "gemma3_text" || type == "olmo2"
    if type == "gemma2" || type == "gemma3_text" { shape.normsPerLayer = 4 }
    if let experts = config.integer("num_local_experts", "num_experts", "n_routed_experts"), experts > 0 {
      shape.experts = experts
      shape.expertsUsed = config.integer("num_experts_per_tok") ?? 0
      shape.expertIntermediate = config.integer("moe_intermediate_size") ?? shape.intermediate
      shape.sharedIntermediate = config.integer("shared_expert_intermediate_size") ?? 0
    }
    let count = ArchitectureFormula.decoder(shape)
    return ExpectedCount(
      source: source, family: type, total: count.total,
      active: shape.experts > 0 && shape.expertsUsed > 0 ? count.active : nil, experts: shape.experts > 0 ? shape.experts : nil,
      expertsUsed: shape.experts > 0 ? shape.expertsUsed : nil, routedExpertParameters: shape.experts > 0 ? count.routedExperts : nil,
      embedding: count.embedding, ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l),
      assumptions: assumptions)
  }

  static let ggufDecoders: Set<String> = ["llama", "mistral", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "gemma", "gemma2", "granite", "olmo2"]

  /// From a GGUF's `{arch}.*` keys. The head is taken as tied when the file has no
  /// `output.weight` (or no tensors at all, the vocab-only case: then untied is assumed).
  public static func from(gguf catalog: Catalog) -> ExpectedCount? {
    guard let arch = catalog.architecture else { return nil }
    func int(_ key: String) -> Int? { catalog.metadata["\(arch).\(key)"]?.integer.flatMap { Int(exactly: $0) } }
    var vocab = int("vocab_size")
    if vocab == nil, case .array(let tokens)? = catalog.metadata["tokenizer.ggml.tokens"] { vocab = Int(exactly: tokens.count) }
    guard let v = vocab, let d = int("embedding_length"), let l = int("block_count") else { return nil }
    let source = "GGUF hyperparameters"
    let rule = ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l)
    if arch == "gpt2" {
      let total = ArchitectureFormula.gpt2(
        vocab: v, positions: int("context_length") ?? 1024, hidden: d, layers: l, inner: int("feed_forward_length"))
      return ExpectedCount(source: source, family: "GPT-2", total: total, embedding: UInt64(count: v).times(UInt64(count: d)), ruleOfThumb: rule, assumptions: [])
    }
    if arch == "bert" {
      guard let i = int("feed_forward_length") else { return nil }
      let types = catalog.metadata["tokenizer.ggml.token_type_count"]?.integer.flatMap { Int(exactly: $0) } ?? 2
      let hasPooler = catalog.tensors.isEmpty || catalog.tensors.indices.contains { catalog.tensors[$0].component == .head }
      let total = ArchitectureFormula.bert(
        vocab: v, positions: int("context_length") ?? 512, typeVocab: types, hidden: d, layers: l, intermediate: i,
        pooler: hasPooler)
      return ExpectedCount(
        source: source, family: "BERT", total: total, embedding: UInt64(count: v).times(UInt64(count: d)),
        ruleOfThumb: rule, assumptions: [])
    }
    guard ggufDecoders.contains(arch), let heads = int("attention.head_count"), heads > 0 else { return nil }
    var shape = ArchitectureFormula.Decoder(
      vocab: v, hidden: d, layers: l, intermediate: int("feed_forward_length") ?? 0, heads: heads,
      kvHeads: int("attention.head_count_kv") ?? heads, headDim: int("attention.key_length") ?? d / heads)
    var assumptions: [String] = []
    if catalog.tensors.isEmpty {
      shape.tied = false
      assumptions.append("no tensors to tell whether the head is tied: untied assumed")
    } else {
      shape.tied = !catalog.tensors.indices.contains { catalog.tensors[$0].name.isBytes("output.weight") }
    }
    shape.qkvBias = arch == "qwen2" || arch == "qwen2moe"
    shape.qkNorm = arch == "qwen3" || arch == "qwen3moe" || arch == "olmo2"
    if arch == "gemma2" { shape.normsPerLayer = 4 }
    if let experts = int("expert_count"), experts > 0 {
      shape.experts = experts
      shape.expertsUsed = int("expert_used_count") ?? 0
      shape.expertIntermediate = int("expert_feed_forward_length") ?? shape.intermediate
      shape.sharedIntermediate = int("expert_shared_feed_forward_length") ?? 0
    }
    let count = ArchitectureFormula.decoder(shape)
    return ExpectedCount(
      source: source, family: arch, total: count.total,
      active: shape.experts > 0 && shape.expertsUsed > 0 ? count.active : nil, experts: shape.experts > 0 ? shape.experts : nil,
      expertsUsed: shape.experts > 0 ? shape.expertsUsed : nil, routedExpertParameters: shape.experts > 0 ? count.routedExperts : nil,
      embedding: count.embedding, ruleOfThumb: rule, assumptions: assumptions)
  }
}
