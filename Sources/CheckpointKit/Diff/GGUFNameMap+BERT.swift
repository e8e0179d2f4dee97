/// BERT: `bert.` in the task models (`BertForMaskedLM`, `BertForPreTraining`, ...), no prefix in
/// `BertModel` checkpoints; blocks `encoder.layer.N.`. llama.cpp runs BERT as an embedding
/// model: its converter strips `bert.`, drops the `position_ids` buffer, the pooler and the
/// pre-training heads (`cls.predictions.*`, `cls.seq_relationship.*`).
extension GGUFNameMap {
  static let bertGlobal: [Substring: String] = [
    "embeddings.word_embeddings": "token_embd",
    "embeddings.position_embeddings": "position_embd",
    "embeddings.token_type_embeddings": "token_types",
    "embeddings.LayerNorm": "token_embd_norm",
  ]

  static let bertBlock: [Substring: String] = [
    "attention.self.query": "attn_q",
    "attention.self.key": "attn_k",
    "attention.self.value": "attn_v",
    "attention.output.dense": "attn_output",
    "attention.output.LayerNorm": "attn_output_norm",
    "intermediate.dense": "ffn_up",
    "output.dense": "ffn_down",
    "output.LayerNorm": "layer_output_norm",
  ]

  static func bert(_ base: Substring, suffix: String) -> Target? {
    let name = base.dropping("bert.") ?? base
    if let g = bertGlobal[name] { return Target(name: g + suffix) }
    guard let (layer, inner) = block(name, after: "encoder.layer."), let mapped = bertBlock[inner] else { return nil }
    return Target(name: "blk.\(layer)." + mapped + suffix)
  }

  /// `embeddings.position_ids`: positions 0..<512 as a buffer, not a weight.
  static func bertBuffer(_ name: Substring) -> Bool {
    name == "embeddings.position_ids" || name == "bert.embeddings.position_ids"
  }

  /// The pooler and the masked-LM / next-sentence heads, which the converter leaves out.
  static func bertHead(_ name: Substring) -> Bool {
    let n = name.dropping("bert.") ?? name
    return n.hasBytePrefix("pooler.") || n.hasBytePrefix("cls.predictions.") || n.hasBytePrefix("cls.seq_relationship.")
  }
}
