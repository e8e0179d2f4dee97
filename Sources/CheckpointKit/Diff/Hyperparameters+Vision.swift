/// An mmproj file states the vision tower's shape (`clip.vision.*`), not the text model's, so a
/// diff against one compares these fields with config.json's `vision_config` instead: the keys
/// `convert_hf_to_gguf.py --mmproj` writes them from (its `find_vparam`), and the projector's
/// output width, which it takes from the text model's hidden size.
extension Hyperparameters {
  static let visionTable: [(field: String, gguf: String, config: String)] = [
    ("vision_hidden", "clip.vision.embedding_length", "vision_config.hidden_size"),
    ("vision_layers", "clip.vision.block_count", "vision_config.num_hidden_layers"),
    ("vision_heads", "clip.vision.attention.head_count", "vision_config.num_attention_heads"),
    ("vision_ffn", "clip.vision.feed_forward_length", "vision_config.intermediate_size"),
    ("image_size", "clip.vision.image_size", "vision_config.image_size"),
    ("patch_size", "clip.vision.patch_size", "vision_config.patch_size"),
    ("projection", "clip.vision.projection_dim", "text_config.hidden_size"),
  ]

  /// The vision fields an mmproj file states.
  public static func vision(gguf catalog: Catalog) -> Hyperparameters {
    Hyperparameters(fields: visionTable.compactMap { row in catalog.metadata[row.gguf].flatMap(number).map { (row.field, $0) } })
  }

  /// The same fields from a multimodal config.json (absent ones left out: only what both sides
  /// state is compared).
  public static func vision(config: ConfigFile) -> Hyperparameters {
    Hyperparameters(fields: visionTable.compactMap { row in config.value(row.config).flatMap(number).map { (row.field, $0) } })
  }
}
