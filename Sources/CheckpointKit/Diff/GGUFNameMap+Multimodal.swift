/// Multimodal checkpoints (Gemma 3, LLaVA, Mistral 3, ...) hold the text model under a
/// `language_model.` prefix (`model.language_model.layers.N.` in transformers 5,
/// `language_model.model.layers.N.` in older ones) beside a vision tower and its projector. The
/// text conversion deletes `language_model.` wherever it stands and leaves the vision and audio
/// parts out: `convert_hf_to_gguf.py --mmproj` writes those to a separate mmproj file.
extension GGUFNameMap {
  /// The name with `language_model.` deleted, nil when it has none (the common case: one prefix check).
  static func textModelName(_ name: Substring) -> Substring? {
    if let rest = name.dropping("language_model.") { return rest }
    // `model.language_model.`: the text model's own `model.` stays.
    if let rest = name.dropping("model.language_model.") { return Substring("model." + rest) }
    return nil
  }

  /// Parts the text conversion leaves for the mmproj file: the converter's own test (any name
  /// with a vision or audio part, a projector or a patch embedding).
  static let towerMarkers = [
    "vision_tower.", "vision_model.", "multi_modal_projector.", "mm_projector.", "projector.", "visual.", "vision.",
    "vision_", "audio_tower.", "audio.", "audio_", "patch_embed", "image_newline",
  ]

  static func multimodalTower(_ name: Substring) -> Bool {
    towerMarkers.contains { name.contains($0) }
  }
}
