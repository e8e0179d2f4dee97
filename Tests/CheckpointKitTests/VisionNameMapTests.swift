import Testing
@testable import CheckpointKit

/// The vision table (`GGUFNameMap.visionTarget`, `droppedFromMmproj`) name by name: Gemma 3's
/// SigLIP tower and projector as `convert_hf_to_gguf.py --mmproj` names them, in both layouts
/// (real checkpoints' `vision_tower.vision_model.`, transformers 5's `vision_tower.`).
@Suite struct VisionNameMapTests {
  @Test(arguments: [
    ("vision_tower.vision_model.embeddings.patch_embedding.weight", "v.patch_embd.weight"),
    ("vision_tower.vision_model.embeddings.patch_embedding.bias", "v.patch_embd.bias"),
    ("vision_tower.vision_model.embeddings.position_embedding.weight", "v.position_embd.weight"),
    ("vision_tower.vision_model.post_layernorm.weight", "v.post_ln.weight"),
    ("vision_tower.vision_model.encoder.layers.26.layer_norm1.weight", "v.blk.26.ln1.weight"),
    ("vision_tower.vision_model.encoder.layers.26.layer_norm2.bias", "v.blk.26.ln2.bias"),
    ("vision_tower.vision_model.encoder.layers.3.self_attn.q_proj.weight", "v.blk.3.attn_q.weight"),
    ("vision_tower.vision_model.encoder.layers.3.self_attn.k_proj.bias", "v.blk.3.attn_k.bias"),
    ("vision_tower.vision_model.encoder.layers.3.self_attn.v_proj.weight", "v.blk.3.attn_v.weight"),
    ("vision_tower.vision_model.encoder.layers.3.self_attn.out_proj.weight", "v.blk.3.attn_out.weight"),
    ("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight", "v.blk.0.ffn_up.weight"),
    ("vision_tower.vision_model.encoder.layers.0.mlp.fc2.bias", "v.blk.0.ffn_down.bias"),
    // transformers 5's layouts: without `vision_model.`, and under `model.`.
    ("vision_tower.encoder.layers.0.mlp.fc2.weight", "v.blk.0.ffn_down.weight"),
    ("vision_tower.embeddings.patch_embedding.weight", "v.patch_embd.weight"),
    ("model.vision_tower.vision_model.encoder.layers.1.self_attn.q_proj.weight", "v.blk.1.attn_q.weight"),
    ("model.vision_tower.post_layernorm.bias", "v.post_ln.bias"),
    // The projector: the bare `_weight` parameter the converter renames, and the norm.
    ("multi_modal_projector.mm_input_projection_weight", "mm.input_projection.weight"),
    ("multi_modal_projector.mm_soft_emb_norm.weight", "mm.soft_emb_norm.weight"),
    ("model.multi_modal_projector.mm_input_projection_weight", "mm.input_projection.weight"),
  ])
  func towerNames(_ hf: String, _ gguf: String) {
    // Gemma 3's tower keeps every shape: nothing is transposed.
    #expect(GGUFNameMap.visionTarget(hf) == GGUFNameMap.Target(name: gguf))
  }

  /// Names the table does not place: what --mmproj leaves out on purpose, and what it would list
  /// as unmapped (an unknown tower part; LLaVA's CLIP projector, which no table here covers).
  @Test(arguments: [
    ("language_model.model.layers.0.self_attn.q_proj.weight", GGUFNameMap.Dropped.textModel),
    ("model.language_model.embed_tokens.weight", .textModel),
    ("lm_head.weight", .textModel),
    ("vision_tower.vision_model.head.probe", .visionHead),
    ("vision_tower.head.attention.in_proj_weight", .visionHead),
    ("vision_tower.vision_model.encoder.layers.0.self_attn.qkv.weight", nil),
    ("vision_tower.vision_model.embeddings.class_embedding", nil),
    ("multi_modal_projector.linear_1.weight", nil),
    ("multi_modal_projector.mm_input_projection", nil),
  ] as [(String, GGUFNameMap.Dropped?)])
  func namesLeftOut(_ hf: String, _ why: GGUFNameMap.Dropped?) {
    #expect(GGUFNameMap.visionTarget(hf) == nil)
    #expect(GGUFNameMap.droppedFromMmproj(hf) == why)
  }

  /// The text table is untouched: a tower name still goes to the mmproj file there.
  @Test func theTextTableStillLeavesTheTowerOut() {
    #expect(GGUFNameMap.target("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight") == nil)
    #expect(GGUFNameMap.dropped("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight") == .multimodal)
    #expect(GGUFNameMap.dropped("multi_modal_projector.mm_input_projection_weight") == .multimodal)
  }
}
