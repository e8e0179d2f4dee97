/// What the KV cache depends on, from GGUF `{arch}.*` keys or a config.json.
public struct AttentionShape: Equatable, Sendable {
  public var layers: Int
  public var kvHeads: Int
  public var keyDim: Int
  public var valueDim: Int
  /// The model's trained context length, when stated.
  public var trainedContext: Int?
  /// Layers that attend to a sliding window only, and the window.
  public var slidingLayers = 0
  public var slidingWindow: Int?
  /// MLA (DeepSeek): a compressed latent of this many elements per token and layer replaces K and V.
  public var latentDim: Int?
  public var source: String

  /// Elements cached per token over all layers at a context of `context` tokens (sliding
  /// layers hold at most their window).
  public func elements(context: Int) -> UInt64 {
    // Saturating throughout: the numbers come from files (see Saturating).
    let perLayer = latentDim.map { UInt64(count: $0) }
      ?? UInt64(count: kvHeads).times(UInt64(count: keyDim).plus(UInt64(count: valueDim)))
    let sliding = min(max(slidingLayers, 0), layers)
    let full = UInt64(count: layers - sliding).times(UInt64(count: context))
    let windowed = UInt64(count: sliding).times(UInt64(count: min(context, slidingWindow ?? context)))
    return perLayer.times(full.plus(windowed))
  }

  /// Shapes whose numbers no real model has (negative, zero or past 2^24) are not estimated.
  var isPlausible: Bool {
    let limit = 1 << 24
    return [layers, kvHeads, keyDim, valueDim].allSatisfy { $0 > 0 && $0 <= limit }
      && (latentDim.map { $0 > 0 && $0 <= limit } ?? true)
  }

  /// From a GGUF's hyperparameters.
  public static func from(gguf catalog: Catalog) -> AttentionShape? {
    guard let arch = catalog.architecture else { return nil }
    func int(_ key: String) -> Int? { catalog.metadata["\(arch).\(key)"]?.integer.flatMap { Int(exactly: $0) } }
    guard arch != "bert" && arch != "nomic-bert", let layers = int("block_count"), let d = int("embedding_length"),
      let heads = int("attention.head_count"), heads > 0
    else { return nil }
    var shape = AttentionShape(
      layers: layers, kvHeads: int("attention.head_count_kv") ?? heads, keyDim: int("attention.key_length") ?? d / heads,
      valueDim: int("attention.value_length") ?? d / heads, trainedContext: int("context_length"), source: "GGUF hyperparameters")
    if let window = int("attention.sliding_window"), window > 0 {
      shape.slidingWindow = window
      // Gemma 2 alternates sliding and full layers; Gemma 3 has five sliding per full one.
      shape.slidingLayers = arch == "gemma2" ? layers / 2 : arch == "gemma3" ? layers * 5 / 6 : layers
    }
    if let rank = int("attention.kv_lora_rank"), let rope = int("rope.dimension_count") {
      shape.latentDim = rank.addingReportingOverflow(rope).overflow ? nil : rank + rope
    }
    return shape.isPlausible ? shape : nil
  }

  /// From a config.json.
  public static func from(config: ConfigFile) -> AttentionShape? {
    let type = config.string("model_type") ?? ""
    if type == "gpt2" {
      guard let l = config.integer("n_layer"), let d = config.integer("n_embd"), let h = config.integer("n_head"), h > 0 else { return nil }
      return AttentionShape(
        layers: l, kvHeads: h, keyDim: d / h, valueDim: d / h, trainedContext: config.integer("n_positions"), source: "config.json")
    }
    guard !["bert", "roberta", "xlm-roberta"].contains(type), !type.isEmpty,
      let layers = config.integer("num_hidden_layers"), let d = config.integer("hidden_size"),
      let heads = config.integer("num_attention_heads"), heads > 0
    else { return nil }
    let headDim = config.integer("head_dim") ?? d / heads
    var shape = AttentionShape(
      layers: layers, kvHeads: config.integer("num_key_value_heads") ?? heads, keyDim: headDim, valueDim: headDim,
      trainedContext: config.integer("max_position_embeddings"), source: "config.json")
    if let window = config.integer("sliding_window"), window > 0, config.bool("use_sliding_window") != false {
      shape.slidingWindow = window
      if case .array(let types)? = config.value("layer_types") {
        shape.slidingLayers = types.filter { $0 == .string("sliding_attention") }.count
      } else if type == "gemma2" {
        shape.slidingLayers = layers / 2
      } else if let pattern = config.integer("sliding_window_pattern"), pattern > 0 {
        shape.slidingLayers = layers - layers / pattern
      } else {
        shape.slidingLayers = layers
      }
    }
    if let rank = config.integer("kv_lora_rank"), let rope = config.integer("qk_rope_head_dim") {
      shape.latentDim = rank.addingReportingOverflow(rope).overflow ? nil : rank + rope
    }
    return shape.isPlausible ? shape : nil
  }
}
