/// What hyperparameters (config.json or GGUF keys) say the parameter count should be.
public struct ExpectedCount: Equatable, Sendable {
  /// `config.json` or `GGUF hyperparameters`.
  public var source: String
  /// The formula used: `GPT-2`, `BERT`, or the model_type / GGUF architecture of a decoder.
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
  /// Multi-token-prediction layers the hyperparameters declare (DeepSeek-V3's
  /// `num_nextn_predict_layers`): a checkpoint may store them, but transformers does not load
  /// them, so `total` leaves them out; here are their parameters, all and per token.
  public var mtpLayers = 0
  public var mtpParameters: UInt64 = 0
  public var mtpActiveParameters: UInt64 = 0

  static let decoderTypes: Set<String> = [
    "llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "mixtral", "qwen2_moe", "qwen3_moe", "olmo2",
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
    if type == "deepseek_v2" || type == "deepseek_v3" { return deepseek(config, type: type) }
    if type == "gemma3" || type == "gemma3_text" { return gemma3(config, type: type) }
    if type == "starcoder2" { return starcoder2(config) }
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
    // Every family that has `attention_bias` puts it on o_proj too (Qwen2's fixed q/k/v biases
    // are not that flag); `mlp_bias` is on gate, up and down.
    shape.outputBias = config.bool("attention_bias") == true
    shape.mlpBias = config.bool("mlp_bias") == true
    shape.qkNorm = type == "qwen3" || type == "qwen3_moe"
    shape.qkNormFull = type == "olmo2"
    if type == "gemma2" { shape.normsPerLayer = 4 }
    if type == "stablelm" {
      // modeling_stablelm.py: LayerNorms with bias, q/k/v biases by use_qkv_bias, per-head q/k
      // LayerNorms by qk_layernorm, no post-attention norm with the parallel residual.
      shape.normBias = true
      shape.qkvBias = config.bool("use_qkv_bias") == true
      shape.qkNormFull = config.bool("qk_layernorm") == true
      if config.bool("use_parallel_residual") == true { shape.normsPerLayer = 1 }
    }
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

  /// DeepSeek-V2/V3 (`deepseek_v2`, `deepseek_v3`): the defaults of transformers' config classes
  /// stand in for keys a config leaves out, each named in `assumptions`.
  static func deepseek(_ config: ConfigFile, type: String) -> ExpectedCount? {
    guard let v = config.integer("vocab_size"), let d = config.integer("hidden_size"), let l = config.integer("num_hidden_layers"),
      let heads = config.integer("num_attention_heads"), heads > 0, let i = config.integer("intermediate_size"),
      let kvLora = config.integer("kv_lora_rank"), let nope = config.integer("qk_nope_head_dim"),
      let rope = config.integer("qk_rope_head_dim"), let vHead = config.integer("v_head_dim")
    else { return nil }
    let v3 = type == "deepseek_v3"
    var assumptions: [String] = []
    func stated(_ key: String, _ fallback: Int) -> Int {
      if let value = config.integer(key) { return value }
      assumptions.append("\(key) not stated: \(fallback) assumed (the \(type) default)")
      return fallback
    }
    // `q_lora_rank: null` (V2-Lite) projects queries directly; a missing key is the class default.
    var qLora = 0
    if config.value("q_lora_rank") != .null { qLora = stated("q_lora_rank", 1536) }
    var shape = ArchitectureFormula.DeepSeek(
      vocab: v, hidden: d, layers: l, denseLayers: stated("first_k_dense_replace", v3 ? 3 : 0), intermediate: i, heads: heads,
      qLoraRank: qLora, kvLoraRank: kvLora, qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: vHead)
    if config.value("n_routed_experts") != .null {
      shape.experts = stated("n_routed_experts", v3 ? 256 : 64)
      shape.expertIntermediate = stated("moe_intermediate_size", v3 ? 2048 : 1407)
      shape.sharedExperts = stated("n_shared_experts", v3 ? 1 : 2)
      // DeepseekV2Config has no default: then active parameters are unknown.
      shape.expertsUsed = v3 ? stated("num_experts_per_tok", 8) : config.integer("num_experts_per_tok") ?? 0
    }
    shape.attentionBias = config.bool("attention_bias") ?? false
    shape.mlpBias = !v3 && config.bool("mlp_bias") == true
    shape.tied = tied(config, type: type, default: false, &assumptions)
    shape.mtpLayers = config.integer("num_nextn_predict_layers", "num_mtp_layers") ?? 0
    let count = ArchitectureFormula.deepseek(shape)
    let moe = shape.experts > 0
    return ExpectedCount(
      source: "config.json", family: type, total: count.total, active: moe && shape.expertsUsed > 0 ? count.active : nil,
      experts: moe ? shape.experts : nil, expertsUsed: moe ? shape.expertsUsed : nil, routedExpertParameters: moe ? count.routedExperts : nil,
      embedding: count.embedding, ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l), assumptions: assumptions,
      mtpLayers: shape.mtpLayers, mtpParameters: count.mtp, mtpActiveParameters: count.mtpActive)
  }

  /// Gemma 3: `gemma3_text` (1B, 270M) is the decoder alone; `gemma3` (4B and up) nests it in
  /// `text_config` beside a SigLIP `vision_config` and a projector (Gemma3ForConditionalGeneration).
  /// Published configs leave keys at the Gemma3TextConfig defaults (vocab 262,208, 8 heads,
  /// 4 KV heads, head_dim 256), so those stand in, each named in `assumptions`.
  static func gemma3(_ config: ConfigFile, type: String) -> ExpectedCount? {
    let text = type == "gemma3" ? "text_config." : ""
    guard let d = config.integer(text + "hidden_size"), let l = config.integer(text + "num_hidden_layers"),
      let i = config.integer(text + "intermediate_size")
    else { return nil }
    var assumptions: [String] = []
    var defaulted: [String] = []
    func stated(_ key: String, _ fallback: Int) -> Int {
      if let value = config.integer(text + key) { return value }
      defaulted.append("\(key) \(fallback)")
      return fallback
    }
    let v = stated("vocab_size", 262_208), heads = stated("num_attention_heads", 8)
    var shape = ArchitectureFormula.Decoder(
      vocab: v, hidden: d, layers: l, intermediate: i, heads: heads, kvHeads: stated("num_key_value_heads", 4),
      headDim: stated("head_dim", 256))
    if !defaulted.isEmpty {
      assumptions.append("\(text.isEmpty ? "" : "text_config: ")not stated, the Gemma3TextConfig defaults assumed: \(defaulted.joined(separator: ", "))")
    }
    guard heads > 0 else { return nil }
    shape.qkNorm = true
    shape.normsPerLayer = 4
    if config.bool(text + "attention_bias") == true {
      shape.qkvBias = true
      shape.outputBias = true
    }
    shape.tied = tied(config, type: type, default: true, &assumptions)
    let count = ArchitectureFormula.decoder(shape)
    var total = count.total
    if type == "gemma3" {
      guard let vd = config.integer("vision_config.hidden_size"), let vi = config.integer("vision_config.intermediate_size"),
        let vl = config.integer("vision_config.num_hidden_layers"), let image = config.integer("vision_config.image_size"),
        let patch = config.integer("vision_config.patch_size"), patch > 0
      else { return nil }
      var visionDefaults: [String] = []
      let channels = config.integer("vision_config.num_channels") ?? 3
      if config.integer("vision_config.num_channels") == nil { visionDefaults.append("num_channels 3") }
      let head = config.bool("vision_config.vision_use_head") ?? true
      if config.bool("vision_config.vision_use_head") == nil { visionDefaults.append("vision_use_head true") }
      if !visionDefaults.isEmpty {
        assumptions.append("vision_config: not stated, the SiglipVisionConfig defaults assumed: \(visionDefaults.joined(separator: ", "))")
      }
      let vision = ArchitectureFormula.siglipVision(
        hidden: vd, intermediate: vi, layers: vl, channels: channels, imageSize: image, patchSize: patch, head: head)
      // Gemma3MultiModalProjector: mm_input_projection_weight [vision, text] and mm_soft_emb_norm.
      let projector = UInt64(count: vd).times(UInt64(count: d)).plus(UInt64(count: vd))
      total = total.plus(vision).plus(projector)
    }
    return ExpectedCount(
      source: "config.json", family: type, total: total, embedding: count.embedding,
      ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l), assumptions: assumptions)
  }

  /// Starcoder2, with the Starcoder2Config defaults for keys a config leaves out.
  static func starcoder2(_ config: ConfigFile) -> ExpectedCount? {
    guard let v = config.integer("vocab_size"), let d = config.integer("hidden_size"), let l = config.integer("num_hidden_layers"),
      let i = config.integer("intermediate_size"), let heads = config.integer("num_attention_heads"), heads > 0
    else { return nil }
    var assumptions: [String] = []
    let kv = config.integer("num_key_value_heads") ?? 2
    if config.integer("num_key_value_heads") == nil { assumptions.append("num_key_value_heads not stated: 2 assumed (the starcoder2 default)") }
    let bias = config.bool("use_bias") ?? true
    if config.bool("use_bias") == nil { assumptions.append("use_bias not stated: true assumed (the starcoder2 default)") }
    let count = ArchitectureFormula.starcoder2(
      vocab: v, hidden: d, layers: l, intermediate: i, heads: heads, kvHeads: kv, headDim: config.integer("head_dim") ?? d / heads,
      bias: bias, tied: tied(config, type: "starcoder2", default: true, &assumptions))
    return ExpectedCount(
      source: "config.json", family: "starcoder2", total: count.total, embedding: count.embedding,
      ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l), assumptions: assumptions)
  }

  /// `tie_word_embeddings`, or the family's default with a note saying so.
  static func tied(_ config: ConfigFile, type: String, default value: Bool, _ assumptions: inout [String]) -> Bool {
    if let tied = config.bool("tie_word_embeddings") { return tied }
    assumptions.append("tie_word_embeddings not stated: \(value) assumed (the \(type) default)")
    return value
  }

  static let ggufDecoders: Set<String> = [
    "llama", "mistral", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "gemma", "gemma2", "gemma3", "granite", "olmo2", "phi3",
  ]

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
    if arch == "deepseek2" { return deepseek2(catalog, vocab: v, hidden: d, layers: l) }
    if arch == "starcoder2" {
      guard let i = int("feed_forward_length"), let heads = int("attention.head_count"), heads > 0 else { return nil }
      var assumptions: [String] = []
      let tied = tiedHead(catalog, &assumptions)
      // use_bias is not a GGUF key: the tensors tell (every published Starcoder2 has biases).
      let bias = catalog.tensors.isEmpty || catalog.tensors.indices.contains { catalog.tensors[$0].name.endsWith(".attn_q.bias") }
      let count = ArchitectureFormula.starcoder2(
        vocab: v, hidden: d, layers: l, intermediate: i, heads: heads, kvHeads: int("attention.head_count_kv") ?? heads,
        headDim: int("attention.key_length") ?? d / heads, bias: bias, tied: tied)
      return ExpectedCount(
        source: source, family: arch, total: count.total, embedding: count.embedding, ruleOfThumb: rule, assumptions: assumptions)
    }
    guard ggufDecoders.contains(arch), let heads = int("attention.head_count"), heads > 0 else { return nil }
    var shape = ArchitectureFormula.Decoder(
      vocab: v, hidden: d, layers: l, intermediate: int("feed_forward_length") ?? 0, heads: heads,
      kvHeads: int("attention.head_count_kv") ?? heads, headDim: int("attention.key_length") ?? d / heads)
    var assumptions: [String] = []
    shape.tied = tiedHead(catalog, &assumptions)
    shape.qkvBias = arch == "qwen2" || arch == "qwen2moe"
    shape.qkNorm = arch == "qwen3" || arch == "qwen3moe" || arch == "gemma3"
    shape.qkNormFull = arch == "olmo2"
    if arch == "gemma2" || arch == "gemma3" { shape.normsPerLayer = 4 }
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

  /// A GGUF's head is tied when the file has no `output.weight`; with no tensors at all (a
  /// vocab-only file) untied is assumed.
  static func tiedHead(_ catalog: Catalog, _ assumptions: inout [String]) -> Bool {
    if catalog.tensors.isEmpty {
      assumptions.append("no tensors to tell whether the head is tied: untied assumed")
      return false
    }
    return !catalog.tensors.indices.contains { catalog.tensors[$0].name.isBytes("output.weight") }
  }

  /// llama.cpp's `deepseek2` (DeepSeek-V2, V2-Lite, V3, R1 and their kin), from the keys
  /// convert_hf_to_gguf.py writes. Newer converters store MLA as MQA: `key_length` is then
  /// kv_lora_rank + rope and the per-head sizes are `key_length_mla` / `value_length_mla`;
  /// older ones wrote the per-head sizes as `key_length` / `value_length`. kv_b_proj may be one
  /// `attn_kv_b` or split into `attn_k_b` and `attn_v_b`: the same parameters. MTP layers are not
  /// converted, and `exp_probs_b.bias` is a buffer.
  static func deepseek2(_ catalog: Catalog, vocab v: Int, hidden d: Int, layers l: Int) -> ExpectedCount? {
    let arch = "deepseek2"
    func int(_ key: String) -> Int? { catalog.metadata["\(arch).\(key)"]?.integer.flatMap { Int(exactly: $0) } }
    guard let heads = int("attention.head_count"), heads > 0, let kvLora = int("attention.kv_lora_rank"),
      let rope = int("rope.dimension_count"), let key = int("attention.key_length_mla") ?? int("attention.key_length"), key >= rope,
      let value = int("attention.value_length_mla") ?? int("attention.value_length"), let i = int("feed_forward_length")
    else { return nil }
    var shape = ArchitectureFormula.DeepSeek(
      vocab: v, hidden: d, layers: l, denseLayers: int("leading_dense_block_count") ?? 0, intermediate: i, heads: heads,
      qLoraRank: int("attention.q_lora_rank") ?? 0, kvLoraRank: kvLora, qkNopeHeadDim: key - rope, qkRopeHeadDim: rope,
      vHeadDim: value)
    if let experts = int("expert_count"), experts > 0 {
      shape.experts = experts
      shape.expertsUsed = int("expert_used_count") ?? 0
      shape.expertIntermediate = int("expert_feed_forward_length") ?? i
      shape.sharedExperts = int("expert_shared_count") ?? 0
    }
    var assumptions: [String] = []
    shape.tied = tiedHead(catalog, &assumptions)
    let count = ArchitectureFormula.deepseek(shape)
    let moe = shape.experts > 0
    return ExpectedCount(
      source: "GGUF hyperparameters", family: arch, total: count.total, active: moe && shape.expertsUsed > 0 ? count.active : nil,
      experts: moe ? shape.experts : nil, expertsUsed: moe ? shape.expertsUsed : nil, routedExpertParameters: moe ? count.routedExperts : nil,
      embedding: count.embedding, ruleOfThumb: ArchitectureFormula.ruleOfThumb(vocab: v, hidden: d, layers: l), assumptions: assumptions)
  }
}
