/// The hyperparameters of a GGUF model that llama.cpp's buffers depend on, beside the attention
/// shape: the vocabulary (logits), the embedding and FFN widths and the experts (activations),
/// and which tensors belong to which layer (what an offloaded layer takes along).
public struct LlamaCppModelShape: Equatable, Sendable {
  public var architecture: String
  /// n_vocab: the tokenizer's token count (llama_vocab::n_tokens), else token_embd's rows.
  public var vocabulary: Int
  public var embedding: Int
  public var layers: Int
  /// Query heads (the widest layer's).
  public var heads: Int
  public var feedForward: Int
  public var experts: Int
  public var expertsUsed: Int
  public var expertFeedForward: Int
  public var sharedExpertFeedForward: Int
  /// No KV cache, no causal decoding (llama_model::create_memory returns none).
  public var isEncoder: Bool
  /// Weights of each repeating layer (`blk.N.`), of its experts (`*_exps`), and outside any layer.
  public var layerBytes: [UInt64]
  public var layerExpertBytes: [UInt64]
  /// The output layer as llama.cpp places it: output_norm plus output.weight, or a second copy of
  /// token_embd when the head is tied (TENSOR_DUPLICATED).
  public var outputLayerBytes: UInt64
  /// The tied head's copy of token_embd inside `outputLayerBytes` (0 when untied): on the host
  /// the output layer reads token_embd itself and costs nothing more.
  public var tiedHeadBytes: UInt64
  /// token_embd and whatever else belongs to no layer: llama.cpp keeps the input layer on the host.
  public var inputBytes: UInt64

  /// llama.cpp's architectures without a KV cache (llama-model.cpp create_memory: res = nullptr).
  static let encoders: Set<String> = [
    "bert", "modern-bert", "nomic-bert", "nomic-bert-moe", "neo-bert", "jina-bert-v2", "jina-bert-v3", "eurobert",
    "gemma-embedding", "wavtokenizer-dec", "dream", "llada", "llada-moe", "rnd1", "t5encoder",
  ]

  public static func from(gguf catalog: Catalog) -> LlamaCppModelShape? {
    guard let arch = catalog.architecture else { return nil }
    func int(_ key: String) -> Int? {
      switch catalog.metadata["\(arch).\(key)"] {
      case .array(let a)?: return a.items.compactMap { $0.integer.flatMap { Int(exactly: $0) } }.max()
      case let v?: return v.integer.flatMap { Int(exactly: $0) }
      case nil: return nil
      }
    }
    guard let layers = int("block_count"), (1...AttentionShape.maxLayers).contains(layers) else { return nil }
    let embd = catalog.tensors.first { $0.name == "token_embd.weight" }
    var vocabulary = 0
    if case .array(let tokens)? = catalog.metadata["tokenizer.ggml.tokens"] { vocabulary = Int(clamping: tokens.count) }
    if vocabulary == 0, let embd, embd.shape.count == 2 { vocabulary = Int(clamping: embd.shape[0]) }
    if vocabulary == 0, let v = int("vocab_size") { vocabulary = v }
    let limit = 1 << 24
    let embedding = int("embedding_length") ?? 0
    guard (1...limit).contains(vocabulary), (1...limit).contains(embedding) else { return nil }

    var layerBytes = [UInt64](repeating: 0, count: layers)
    var expertBytes = [UInt64](repeating: 0, count: layers)
    var output: UInt64 = 0, input: UInt64 = 0
    var hasOutput = false
    for t in catalog.tensors {
      let bytes = t.bytes ?? 0
      if let l = t.layer, l < layers, t.name.hasPrefix("blk.") {
        layerBytes[l] = layerBytes[l] &+ bytes
        if t.name.contains("_exps.") { expertBytes[l] = expertBytes[l] &+ bytes }
      } else if t.name.hasPrefix("output") {
        output = output &+ bytes
        if t.name == "output.weight" { hasOutput = true }
      } else {
        input = input &+ bytes
      }
    }
    let tied = hasOutput ? 0 : embd?.bytes ?? 0
    output = output &+ tied
    // Widths and counts no real model has (negative, past 2^24) are not estimated: the compute
    // model multiplies them together.
    var sizes: [Int] = []
    for key in ["attention.head_count", "feed_forward_length", "expert_count", "expert_used_count", "expert_shared_feed_forward_length"] {
      let v = int(key) ?? 0
      guard (0...limit).contains(v) else { return nil }
      sizes.append(v)
    }
    let expertFF = int("expert_feed_forward_length") ?? sizes[1]
    guard (0...limit).contains(expertFF) else { return nil }
    return LlamaCppModelShape(
      architecture: arch, vocabulary: vocabulary, embedding: embedding, layers: layers,
      heads: sizes[0], feedForward: sizes[1], experts: sizes[2], expertsUsed: sizes[3],
      expertFeedForward: expertFF, sharedExpertFeedForward: sizes[4],
      isEncoder: encoders.contains(arch), layerBytes: layerBytes, layerExpertBytes: expertBytes, outputLayerBytes: output,
      tiedHeadBytes: tied, inputBytes: input)
  }
}
