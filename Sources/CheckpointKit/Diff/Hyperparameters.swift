/// The architecture fields the audit reads, from either side of a conversion: GGUF
/// `{arch}.*` keys or a Hugging Face `config.json`. A diff compares the fields both sides state,
/// so a wrong `head_count_kv` after conversion is caught.
public struct Hyperparameters: Equatable, Sendable {
  /// Field name (as reported) and value, in a fixed order; absent fields are left out.
  public var fields: [(String, Double)]

  public static func == (a: Hyperparameters, b: Hyperparameters) -> Bool {
    a.fields.elementsEqual(b.fields) { $0.0 == $1.0 && $0.1 == $1.1 }
  }

  /// The reported field names, in order, with their GGUF key and their config.json keys.
  static let table: [(field: String, gguf: String, config: [String])] = [
    ("vocab", "vocab_size", ["vocab_size"]),
    ("hidden", "embedding_length", ["hidden_size", "n_embd"]),
    ("layers", "block_count", ["num_hidden_layers", "n_layer"]),
    ("heads", "attention.head_count", ["num_attention_heads", "n_head"]),
    ("kv_heads", "attention.head_count_kv", ["num_key_value_heads"]),
    ("ffn", "feed_forward_length", ["intermediate_size", "n_inner"]),
    ("experts", "expert_count", ["num_local_experts", "num_experts"]),
    ("context", "context_length", ["max_position_embeddings", "n_positions"]),
    // transformers 5 writes rope_parameters (Gemma 3: one per attention kind; the full-attention
    // one is GGUF's freq_base, the sliding one freq_base_swa).
    ("rope_base", "rope.freq_base", ["rope_theta", "rope_parameters.rope_theta", "rope_parameters.full_attention.rope_theta"]),
  ]

  /// From a GGUF's metadata; nil without `general.architecture`.
  public static func from(gguf catalog: Catalog) -> Hyperparameters? {
    guard let arch = catalog.architecture else { return nil }
    var fields: [(String, Double)] = []
    for row in table {
      var value = catalog.metadata["\(arch).\(row.gguf)"].flatMap(number)
      // Converters leave vocab_size out when the token list says it.
      if value == nil, row.field == "vocab", case .array(let tokens)? = catalog.metadata["tokenizer.ggml.tokens"] {
        value = Double(tokens.count)
      }
      if let value { fields.append((row.field, value)) }
    }
    return Hyperparameters(fields: fields)
  }

  /// From a config.json (a multimodal config's `text_config` when the top level lacks a key).
  /// `num_key_value_heads` defaults to the head count, as in transformers.
  public static func from(config: ConfigFile) -> Hyperparameters {
    var fields: [(String, Double)] = []
    for row in table {
      var value: Double?
      for key in row.config {
        value = config.value(key).flatMap(number) ?? config.value("text_config." + key).flatMap(number)
        if value != nil { break }
      }
      if value == nil, row.field == "kv_heads", let heads = fields.first(where: { $0.0 == "heads" }) { value = heads.1 }
      // GPT-2's config leaves n_inner null for the usual 4 x n_embd (what transformers and the
      // converter then use), so its FFN width is compared too.
      if value == nil, row.field == "ffn", let width = config.value("n_embd").flatMap(number) { value = 4 * width }
      if let value { fields.append((row.field, value)) }
    }
    return Hyperparameters(fields: fields)
  }

  static func number(_ value: MetadataValue) -> Double? {
    switch value {
    case .unsigned(let v, _): return Double(v)
    case .signed(let v, _): return Double(v)
    case .float(let v, _): return v
    default: return nil
    }
  }

  static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .unsigned(let v): return Double(v)
    case .signed(let v): return Double(v)
    case .double(let v): return v
    case .float(let v): return Double(v)
    default: return nil
    }
  }

  /// The fields both sides state and that differ. Rope base is stored as float32 in GGUF, so it
  /// is equal within float32 precision.
  public static func changes(_ a: Hyperparameters, _ b: Hyperparameters) -> [(field: String, a: Double, b: Double)] {
    var out: [(field: String, a: Double, b: Double)] = []
    for (field, x) in a.fields {
      guard let y = b.fields.first(where: { $0.0 == field })?.1 else { continue }
      let same = field == "rope_base" ? abs(x - y) <= 1e-6 * max(abs(x), abs(y)) : x == y
      if !same { out.append((field, x, y)) }
    }
    return out
  }
}
