/// What the KV cache and the recurrent state depend on, layer by layer, from GGUF `{arch}.*` keys
/// or a config.json. Layers differ: full attention caches every token; sliding-window attention
/// at most its window; recurrent layers (Mamba, gated delta nets) a fixed state per sequence; a
/// layer that shares an earlier layer's KV (Gemma 3n) caches nothing of its own.
public struct AttentionShape: Equatable, Sendable {
  /// What one layer keeps of the tokens before it.
  public struct Layer: Hashable, Sendable {
    public enum Attention: Hashable, Sendable {
      /// Keys and values of every token of the context.
      case full
      /// Keys and values of at most `slidingWindow` tokens.
      case sliding
      /// No KV cache of its own.
      case none
    }

    public var attention: Attention
    public var kvHeads: Int
    public var keyDim: Int
    public var valueDim: Int
    /// Keeps a `RecurrentState` per sequence (instead of KV, or besides it in Falcon-H1).
    public var recurrent = false
    /// Attends over an earlier layer's KV (`attention.shared_kv_layers`): no cache of its own.
    public var sharesKV = false

    public init(attention: Attention, kvHeads: Int, keyDim: Int, valueDim: Int, recurrent: Bool = false, sharesKV: Bool = false) {
      self.attention = attention
      self.kvHeads = kvHeads
      self.keyDim = keyDim
      self.valueDim = valueDim
      self.recurrent = recurrent
      self.sharesKV = sharesKV
    }
  }

  /// `count` layers alike.
  public struct LayerGroup: Equatable, Sendable {
    public var layer: Layer
    public var count: Int
  }

  public var layers: Int
  /// The shape of the first attention layer (for the summary; `groups` has every layer's).
  public var kvHeads: Int
  public var keyDim: Int
  public var valueDim: Int
  /// The model's trained context length, when stated.
  public var trainedContext: Int?
  public var slidingWindow: Int?
  /// MLA (DeepSeek): a compressed latent of this many elements per token and layer replaces K and V.
  public var latentDim: Int?
  /// The state of each recurrent layer, when there are any.
  public var recurrentState: RecurrentState?
  public var source: String
  /// Every layer, grouped by what it caches, in order of first appearance.
  public var groups: [LayerGroup]
  /// Layer i is `groups[groupOfLayer[i]].layer`.
  var groupOfLayer: [Int] = []

  /// Layer `i`'s shape.
  public func layer(_ i: Int) -> Layer { groups[groupOfLayer[i]].layer }

  /// A model whose `layers` all attend fully with one shape.
  public init(layers: Int, kvHeads: Int, keyDim: Int, valueDim: Int, trainedContext: Int?, source: String) {
    self.init(
      layers: layers, trainedContext: trainedContext, source: source,
      layer: { _ in Layer(attention: .full, kvHeads: kvHeads, keyDim: keyDim, valueDim: valueDim) })
  }

  /// A model whose layer `i` is `layer(i)`.
  init(layers: Int, trainedContext: Int?, slidingWindow: Int? = nil, source: String, layer: (Int) -> Layer) {
    var groups: [LayerGroup] = []
    var index: [Layer: Int] = [:]
    var order: [Int] = []
    for i in 0..<max(layers, 0) {
      let l = layer(i)
      if let k = index[l] {
        groups[k].count += 1
        order.append(k)
      } else {
        index[l] = groups.count
        order.append(groups.count)
        groups.append(LayerGroup(layer: l, count: 1))
      }
    }
    let first = groups.first { $0.layer.attention != .none }?.layer ?? groups.first?.layer
    self.layers = layers
    self.kvHeads = first?.kvHeads ?? 0
    self.keyDim = first?.keyDim ?? 0
    self.valueDim = first?.valueDim ?? 0
    self.trainedContext = trainedContext
    self.slidingWindow = slidingWindow
    self.source = source
    self.groups = groups
    self.groupOfLayer = order
  }

  func count(_ where: (Layer) -> Bool) -> Int { groups.filter { `where`($0.layer) }.reduce(0) { $0 + $1.count } }

  /// Layers that cache keys and values of the whole context.
  public var fullLayers: Int { count { $0.attention == .full } }
  /// Layers that cache at most the sliding window.
  public var slidingLayers: Int { count { $0.attention == .sliding } }
  /// Layers that keep a recurrent state.
  public var recurrentLayers: Int { count { $0.recurrent } }
  /// Layers that reuse an earlier layer's KV.
  public var sharedLayers: Int { count { $0.sharesKV } }

  /// Elements cached per sequence over all layers at a context of `context` tokens. A sliding
  /// layer keeps min(window, context) tokens: the size of transformers' StaticSlidingWindowLayer
  /// (cache_utils.py, `min(sliding_window, max_cache_len)`), what the window lets attention see.
  /// (llama.cpp allocates more: the window plus a micro-batch, padded to 256 cells.) Saturating:
  /// the numbers come from files (see Saturating).
  public func elements(context: Int) -> UInt64 {
    groups.reduce(UInt64(0)) { sum, group in
      let l = group.layer
      guard l.attention != .none else { return sum }
      let perToken = latentDim.map { UInt64(count: $0) } ?? UInt64(count: l.kvHeads).times(UInt64(count: l.keyDim).plus(UInt64(count: l.valueDim)))
      let tokens = l.attention == .sliding ? min(context, slidingWindow ?? context) : context
      return sum.plus(UInt64(count: group.count).times(perToken).times(UInt64(count: tokens)))
    }
  }

  /// Elements of recurrent state per sequence over all layers (0 without recurrent layers; nil
  /// past 2^64 - 1).
  public var recurrentElements: UInt64? {
    let layers = recurrentLayers
    guard layers > 0 else { return 0 }
    return UInt64?(UInt64(count: layers)).times(recurrentState?.elementsPerLayer)
  }

  /// Real models have a few hundred layers at most; the cap bounds the work a crafted header can
  /// ask for, and how many items of a per-layer array the memory report reads.
  public static let maxLayers = 4096

  /// Shapes whose numbers no real model has (negative, zero or past 2^24), or that cache nothing,
  /// are not estimated.
  var isPlausible: Bool {
    let limit = 1 << 24
    guard (1...AttentionShape.maxLayers).contains(layers), groups.contains(where: { $0.layer.attention != .none || $0.layer.recurrent })
    else { return false }
    for group in groups {
      let l = group.layer
      if l.attention != .none && ![l.kvHeads, l.keyDim, l.valueDim].allSatisfy({ $0 > 0 && $0 <= limit }) { return false }
      if l.attention == .sliding && !(slidingWindow.map { $0 > 0 } ?? false) { return false }
      if l.recurrent && !(recurrentState?.isPlausible ?? false) { return false }
    }
    return latentDim.map { $0 > 0 && $0 <= limit } ?? true
  }

  /// Encoders (and diffusion models): no KV cache to estimate. GGUF: the architectures llama.cpp
  /// creates no memory for (llama-model.cpp create_memory), plus roberta and xlm-roberta.
  static let encoders: Set<String> = LlamaCppModelShape.encoders.union(["roberta", "xlm-roberta"])
  /// config.json `model_type`s of encoder-only models: BERT and its descendants (all-mpnet-base-v2
  /// is "mpnet", MiniLM "bert").
  static let configEncoders: Set<String> = [
    "bert", "roberta", "xlm-roberta", "mpnet", "distilbert", "albert", "electra", "deberta", "deberta-v2", "camembert",
    "xlm", "flaubert", "modernbert", "nomic_bert", "new", "ernie", "mobilebert", "squeezebert", "funnel", "longformer",
  ]

  /// llama.cpp's sliding-window pattern per architecture when the GGUF has no
  /// `attention.sliding_window_pattern` (llama.cpp 0c1e57098, src/models/*.cpp load_swa_pattern):
  /// a period n, the dense layer last in each period unless `denseFirst`.
  static let defaultSlidingPattern: [String: (period: Int, denseFirst: Bool)] = [
    "gemma2": (2, false), "gemma3": (6, false), "gemma3n": (5, false), "gemma-embedding": (6, false),
    "cohere2": (4, false), "exaone4": (4, false), "olmo2": (4, false), "llama4": (4, false), "gpt-oss": (2, false),
    "afmoe": (4, false), "smallthinker": (4, true),
  ]

  /// llama.cpp's set_swa_pattern: with period n, layer i slides unless it is the period's dense
  /// layer (the last, or the first); n = 0 makes every layer slide.
  static func slides(_ layer: Int, period: Int, denseFirst: Bool) -> Bool {
    guard period > 0 else { return true }
    return denseFirst ? layer % period != 0 : layer % period < period - 1
  }

  /// From a GGUF's hyperparameters (gguf-py `Keys.LLM`, `Keys.Attention`, `Keys.SSM`). Per layer:
  /// - KV heads: `attention.head_count_kv`, a number or an array with one per layer (0 = no KV);
  /// - sliding: with `attention.sliding_window`, `attention.sliding_window_pattern` as bools (true
  ///   slides) or a period, else llama.cpp's default for the architecture, else every layer;
  ///   sliding layers' heads are `attention.key_length_swa` / `value_length_swa` when given;
  /// - recurrent: `attention.recurrent_layers` (bools), else with `ssm.*` keys, layer i attends
  ///   when (i + 1) % `full_attention_interval` == 0 (Qwen3-Next; llama.cpp's default 4), else
  ///   every layer of mamba/mamba2, both in every falcon-h1 layer, else the layers with 0 KV heads
  ///   (Jamba, Granite hybrid; Nemotron-H's MLP layers have neither);
  /// - shared: the last `attention.shared_kv_layers` layers cache nothing of their own.
  public static func from(gguf catalog: Catalog) -> AttentionShape? {
    guard let arch = catalog.architecture, !encoders.contains(arch) else { return nil }
    func value(_ key: String) -> MetadataValue? { catalog.metadata["\(arch).\(key)"] }
    func int(_ key: String) -> Int? { value(key)?.integer.flatMap { Int(exactly: $0) } }
    guard let layers = int("block_count"), (1...maxLayers).contains(layers) else { return nil }
    /// A number for every layer, or one per layer from an array; `.failure` when the key is there
    /// but unusable (a truncated or mis-sized array, a negative count).
    func perLayer(_ key: String) -> Result<[Int]?, Failure> {
      guard let v = value(key) else { return .success(nil) }
      if case .array(let array) = v {
        let items = array.items.compactMap { $0.integer.flatMap { Int(exactly: $0) } }
        guard array.isComplete, items.count == layers, items.allSatisfy({ $0 >= 0 }) else { return .failure(Failure()) }
        return .success(items)
      }
      guard let n = v.integer.flatMap({ Int(exactly: $0) }), n >= 0 else { return .failure(Failure()) }
      return .success(Array(repeating: n, count: layers))
    }
    func flags(_ key: String) -> [Bool]? {
      guard case .array(let array)? = value(key), array.isComplete, array.items.count == layers else { return nil }
      let items = array.items.compactMap { item -> Bool? in if case .bool(let b) = item { return b } else { return nil } }
      return items.count == layers ? items : nil
    }
    guard case .success(let headsArray) = perLayer("attention.head_count"), let heads = headsArray,
      case .success(let kvArray) = perLayer("attention.head_count_kv")
    else { return nil }
    // Only Nemotron-H needs it (to tell MLP layers from recurrent ones): unusable is as absent.
    let feedForward = try? perLayer("feed_forward_length").get()
    let kv = kvArray ?? heads
    let d = int("embedding_length") ?? 0
    let firstHeads = heads.first { $0 > 0 }
    let keyDim = int("attention.key_length") ?? firstHeads.map { d / $0 } ?? 0
    let valueDim = int("attention.value_length") ?? firstHeads.map { d / $0 } ?? 0
    let keyDimSliding = int("attention.key_length_swa") ?? keyDim
    let valueDimSliding = int("attention.value_length_swa") ?? valueDim

    let window = int("attention.sliding_window").flatMap { $0 > 0 ? $0 : nil }
    let slidingFlags = flags("attention.sliding_window_pattern")
    let period = int("attention.sliding_window_pattern").map { (period: $0, denseFirst: false) } ?? defaultSlidingPattern[arch]
    func slides(_ i: Int) -> Bool {
      guard window != nil else { return false }
      if let slidingFlags { return slidingFlags[i] }
      return period.map { AttentionShape.slides(i, period: $0.period, denseFirst: $0.denseFirst) } ?? true
    }

    let state = RecurrentState.from(gguf: int)
    let recurrentFlags = flags("attention.recurrent_layers")
    let interval = int("full_attention_interval") ?? (["qwen3next", "qwen35", "qwen35moe"].contains(arch) ? 4 : nil)
    func recurrent(_ i: Int) -> Bool {
      if let recurrentFlags { return recurrentFlags[i] }
      guard state != nil else { return false }
      if let interval, interval > 0 { return (i + 1) % interval != 0 }
      if ["mamba", "mamba2", "falcon-h1"].contains(arch) { return true }
      if ["nemotron_h", "nemotron_h_moe"].contains(arch) { return kv[i] == 0 && (feedForward?[i] ?? 0) == 0 }
      return kv[i] == 0
    }
    let shared = min(max(int("attention.shared_kv_layers") ?? 0, 0), layers)

    var shape = AttentionShape(layers: layers, trainedContext: int("context_length"), slidingWindow: window, source: "GGUF hyperparameters") { i in
      let isRecurrent = recurrent(i)
      // Falcon-H1 runs attention and a Mamba mixer side by side in every layer.
      let attends = kv[i] > 0 && (!isRecurrent || arch == "falcon-h1")
      guard attends else { return Layer(attention: .none, kvHeads: 0, keyDim: 0, valueDim: 0, recurrent: isRecurrent) }
      if i >= layers - shared { return Layer(attention: .none, kvHeads: 0, keyDim: 0, valueDim: 0, recurrent: isRecurrent, sharesKV: true) }
      let sliding = slides(i)
      return Layer(
        attention: sliding ? .sliding : .full, kvHeads: kv[i], keyDim: sliding ? keyDimSliding : keyDim,
        valueDim: sliding ? valueDimSliding : valueDim, recurrent: isRecurrent)
    }
    shape.recurrentState = state
    if let rank = int("attention.kv_lora_rank"), let rope = int("rope.dimension_count") {
      shape.latentDim = rank.addingReportingOverflow(rope).overflow ? nil : rank + rope
    }
    return shape.isPlausible ? shape : nil
  }

  struct Failure: Error {}

  /// From a config.json. Per layer: `layer_types` ("full_attention", "sliding_attention",
  /// "chunked_attention", "linear_attention", "mamba"), else `full_attention_interval` (layer i
  /// attends when (i + 1) % n == 0, the others are linear attention), else Jamba's
  /// `attn_layer_period` / `attn_layer_offset`, else every layer of a Mamba; sliding layers from
  /// `sliding_window` with Gemma 2's alternation or `sliding_window_pattern` (layer i slides when
  /// (i + 1) % n != 0), else every layer when there is a window.
  public static func from(config: ConfigFile) -> AttentionShape? {
    let type = config.string("model_type") ?? ""
    if type == "gpt2" {
      guard let l = config.integer("n_layer"), let d = config.integer("n_embd"), let h = config.integer("n_head"), h > 0 else { return nil }
      let shape = AttentionShape(
        layers: l, kvHeads: h, keyDim: d / h, valueDim: d / h, trainedContext: config.integer("n_positions"), source: "config.json")
      return shape.isPlausible ? shape : nil
    }
    guard !configEncoders.contains(type), !type.isEmpty,
      let layers = config.integer("num_hidden_layers", "n_layer"), (1...maxLayers).contains(layers)
    else { return nil }
    let d = config.integer("hidden_size", "d_model") ?? 0
    let heads = config.integer("num_attention_heads") ?? 0
    let kvHeads = config.integer("num_key_value_heads") ?? heads
    let headDim = config.integer("head_dim") ?? (heads > 0 ? d / heads : 0)
    let mamba = ["mamba", "mamba2", "falcon_mamba"].contains(type)
    let window = config.integer("sliding_window").flatMap { $0 > 0 && config.bool("use_sliding_window") != false ? $0 : nil }
    let chunk = config.integer("attention_chunk_size").flatMap { $0 > 0 ? $0 : nil }

    var types: [String]?
    if case .array(let items)? = config.value("layer_types"), items.count == layers {
      types = items.map { if case .string(let s) = $0 { return s } else { return "" } }
    }
    let interval = config.integer("full_attention_interval")
    let period = config.integer("attn_layer_period"), offset = config.integer("attn_layer_offset") ?? 0
    func kind(_ i: Int) -> Layer.Attention? {  // nil: recurrent
      if let types {
        switch types[i] {
        case "sliding_attention": return window == nil ? .full : .sliding
        case "chunked_attention": return (window ?? chunk) == nil ? .full : .sliding
        case "linear_attention", "mamba": return nil
        default: return .full
        }
      }
      if mamba { return nil }
      if let interval, interval > 0 { return (i + 1) % interval == 0 ? .full : nil }
      if let period, period > 0 { return i % period == offset ? .full : nil }
      guard window != nil else { return .full }
      if type == "gemma2" { return i % 2 == 0 ? .sliding : .full }
      if let n = config.integer("sliding_window_pattern"), n > 0 { return (i + 1) % n != 0 ? .sliding : .full }
      return .sliding
    }
    let state = RecurrentState.from(config: config)
    var shape = AttentionShape(layers: layers, trainedContext: config.integer("max_position_embeddings"), slidingWindow: window ?? chunk, source: "config.json") { i in
      guard let attention = kind(i) else { return Layer(attention: .none, kvHeads: 0, keyDim: 0, valueDim: 0, recurrent: true) }
      return Layer(attention: attention, kvHeads: kvHeads, keyDim: headDim, valueDim: headDim)
    }
    shape.recurrentState = state
    if let rank = config.integer("kv_lora_rank"), let rope = config.integer("qk_rope_head_dim") {
      shape.latentDim = rank.addingReportingOverflow(rope).overflow ? nil : rank + rope
    }
    return shape.isPlausible ? shape : nil
  }
}
