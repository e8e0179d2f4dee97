/// A multimodal checkpoint's vision tower and projector -> the names `convert_hf_to_gguf.py
/// --mmproj` gives them in llama.cpp's mmproj file (`general.type` mmproj, `v.*` and `mm.*`
/// tensors). The facts are gguf-py's `tensor_mapping.py` (MODEL_TENSOR.V_*) and the 0.3.36
/// converter's Gemma3VisionModel, checked on a real conversion (conv-gemma3mm-mmproj in
/// TestData/conversions). Only Gemma 3's SigLIP tower is here: the same converter's LLaVA class
/// takes Pixtral towers only, so no CLIP mmproj file could be made to check a table against.
///
/// Gemma 3's tower needs no reshaping: the patch embedding [out, 3, 14, 14], the position
/// embedding and `mm_input_projection_weight` [vision, text] keep their shapes (the converter
/// only renames `_weight` to `.weight`). What it changes is said by `Differ` as conventions: the
/// SigLIP pooling head is dropped, `mm_soft_emb_norm` is stored +1 (a Gemma RMSNorm), and the
/// text model is not in this file at all.
extension GGUFNameMap {
  /// Where the tower's own names start: `vision_tower.vision_model.` in real Gemma 3 checkpoints
  /// (and the converter's table), `vision_tower.` as transformers 5 saves the same model, each
  /// also under transformers 5's `model.`. Longest first: the first that matches wins.
  static let visionTowerPrefixes = [
    "model.vision_tower.vision_model.", "vision_tower.vision_model.", "model.vision_tower.", "vision_tower.",
  ]

  /// The projector's prefixes, with and without transformers 5's `model.`.
  static let projectorPrefixes = ["model.multi_modal_projector.", "multi_modal_projector."]

  /// Tower names outside any block.
  static let visionGlobal: [Substring: String] = [
    "embeddings.patch_embedding": "v.patch_embd",
    "embeddings.position_embedding": "v.position_embd",
    "post_layernorm": "v.post_ln",
  ]

  /// Inside encoder layer N (after `encoder.layers.N.`).
  static let visionBlock: [Substring: String] = [
    "layer_norm1": "ln1",
    "layer_norm2": "ln2",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.out_proj": "attn_out",
    "mlp.fc1": "ffn_up",
    "mlp.fc2": "ffn_down",
  ]

  /// Gemma 3's projector: the input projection (stored as a bare parameter,
  /// `mm_input_projection_weight`) and the soft-embedding norm.
  static let projectorNames: [Substring: String] = [
    "mm_input_projection": "mm.input_projection",
    "mm_soft_emb_norm": "mm.soft_emb_norm",
  ]

  /// The mmproj name of a vision tower or projector tensor, nil when the table cannot place it.
  public static func visionTarget(_ hfName: some StringProtocol) -> Target? {
    let name = Substring(hfName)
    if let inner = projectorPrefixes.lazy.compactMap({ name.dropping($0) }).first {
      // The converter turns `_weight` into `.weight` before its name table sees the name.
      guard let (base, suffix) = split(inner, bareWeight: true), let mapped = projectorNames[base] else { return nil }
      return Target(name: mapped + suffix)
    }
    guard let inner = visionTowerPrefixes.lazy.compactMap({ name.dropping($0) }).first,
      let (base, suffix) = split(inner, bareWeight: false)
    else { return nil }
    if let g = visionGlobal[base] { return Target(name: g + suffix) }
    guard let (layer, part) = block(base, after: "encoder.layers."), let mapped = visionBlock[part] else { return nil }
    return Target(name: "v.blk.\(layer)." + mapped + suffix)
  }

  /// What `--mmproj` leaves out, for a name `visionTarget` cannot place: everything outside the
  /// tower and the projector is the text model (the converter skips it); SigLIP's pooling head
  /// (`head.*`, which Gemma 3 does not run) is dropped by the converter. nil: a tower or
  /// projector name the table does not know, to be listed as unmapped.
  public static func droppedFromMmproj(_ hfName: some StringProtocol) -> Dropped? {
    let name = Substring(hfName)
    if projectorPrefixes.contains(where: { name.hasBytePrefix($0) }) { return nil }
    guard let inner = visionTowerPrefixes.lazy.compactMap({ name.dropping($0) }).first else { return .textModel }
    return inner.hasBytePrefix("head.") ? .visionHead : nil
  }

  /// `base` and `.weight` / `.bias`; with `bareWeight`, a `_weight` ending counts as `.weight`.
  private static func split(_ name: Substring, bareWeight: Bool) -> (Substring, String)? {
    if bareWeight, let base = name.droppingSuffix("_weight") { return (base, ".weight") }
    if let base = name.droppingSuffix(".weight") { return (base, ".weight") }
    if let base = name.droppingSuffix(".bias") { return (base, ".bias") }
    return nil
  }
}
