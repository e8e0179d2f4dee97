import Foundation
import Testing
@testable import CheckpointKit

/// The name tables of GPT-2, BERT, Phi-3, Qwen3 and multimodal checkpoints, and the conventions
/// the diff accounts for (Conv1D transposition, fused QKV groups, dropped heads and buffers, the
/// vision tower), on hand-built catalogs whose every number is stated here.
@Suite struct CrossFormatMappingTests {
  static func g(_ name: String) -> String? { GGUFNameMap.target(name)?.name }

  static func catalog(_ path: String, gguf: Bool, _ tensors: [(String, [UInt64])], dtype: String = "F16") -> Catalog {
    Catalog(
      path: path, format: gguf ? .gguf : .safetensors, files: [],
      tensors: tensors.map { DiffTests.record($0.0, dtype, TensorShape($0.1), gguf: gguf) })
  }

  @Test func gpt2Names() {
    // transformers' GPT2LMHeadModel and the original gpt2 checkpoint (no `transformer.`).
    for p in ["transformer.", ""] {
      #expect(Self.g(p + "wte.weight") == "token_embd.weight")
      #expect(Self.g(p + "wpe.weight") == "position_embd.weight")
      #expect(Self.g(p + "ln_f.bias") == "output_norm.bias")
      #expect(Self.g(p + "h.11.ln_1.weight") == "blk.11.attn_norm.weight")
      #expect(Self.g(p + "h.11.ln_2.bias") == "blk.11.ffn_norm.bias")
      #expect(Self.g(p + "h.3.attn.c_attn.weight") == "blk.3.attn_qkv.weight")
      #expect(Self.g(p + "h.3.attn.c_proj.weight") == "blk.3.attn_output.weight")
      #expect(Self.g(p + "h.3.mlp.c_fc.bias") == "blk.3.ffn_up.bias")
      #expect(Self.g(p + "h.3.mlp.c_proj.weight") == "blk.3.ffn_down.weight")
    }
    // Only the Conv1D weights are transposed: not their biases, not the norms or embeddings.
    #expect(GGUFNameMap.target("h.0.attn.c_attn.weight")?.transposed == true)
    #expect(GGUFNameMap.target("h.0.mlp.c_proj.weight")?.transposed == true)
    #expect(GGUFNameMap.target("h.0.attn.c_attn.bias")?.transposed == false)
    #expect(GGUFNameMap.target("h.0.ln_1.weight")?.transposed == false)
    #expect(GGUFNameMap.target("wte.weight")?.transposed == false)
    // The causal-mask buffers are not weights.
    #expect(GGUFNameMap.target("h.0.attn.bias") == nil && GGUFNameMap.dropped("h.0.attn.bias") == .buffer)
    #expect(GGUFNameMap.dropped("transformer.h.5.attn.masked_bias") == .buffer)
    #expect(GGUFNameMap.dropped("h.0.attn.c_attn.bias") == nil)
  }

  @Test func bertNames() {
    for p in ["bert.", ""] {
      #expect(Self.g(p + "embeddings.word_embeddings.weight") == "token_embd.weight")
      #expect(Self.g(p + "embeddings.position_embeddings.weight") == "position_embd.weight")
      #expect(Self.g(p + "embeddings.token_type_embeddings.weight") == "token_types.weight")
      #expect(Self.g(p + "embeddings.LayerNorm.bias") == "token_embd_norm.bias")
      #expect(Self.g(p + "encoder.layer.4.attention.self.query.weight") == "blk.4.attn_q.weight")
      #expect(Self.g(p + "encoder.layer.4.attention.self.key.bias") == "blk.4.attn_k.bias")
      #expect(Self.g(p + "encoder.layer.4.attention.self.value.weight") == "blk.4.attn_v.weight")
      #expect(Self.g(p + "encoder.layer.4.attention.output.dense.weight") == "blk.4.attn_output.weight")
      #expect(Self.g(p + "encoder.layer.4.attention.output.LayerNorm.weight") == "blk.4.attn_output_norm.weight")
      #expect(Self.g(p + "encoder.layer.4.intermediate.dense.weight") == "blk.4.ffn_up.weight")
      #expect(Self.g(p + "encoder.layer.4.output.dense.bias") == "blk.4.ffn_down.bias")
      #expect(Self.g(p + "encoder.layer.4.output.LayerNorm.weight") == "blk.4.layer_output_norm.weight")
    }
    // TensorFlow-era names: gamma and beta are the LayerNorm's weight and bias.
    #expect(Self.g("bert.encoder.layer.0.output.LayerNorm.gamma") == "blk.0.layer_output_norm.weight")
    #expect(Self.g("bert.embeddings.LayerNorm.beta") == "token_embd_norm.bias")
    // What the converter drops: the position_ids buffer, the pooler, the MLM and NSP heads.
    #expect(GGUFNameMap.dropped("bert.embeddings.position_ids") == .buffer)
    #expect(GGUFNameMap.dropped("embeddings.position_ids") == .buffer)
    for head in [
      "bert.pooler.dense.weight", "pooler.dense.bias", "cls.predictions.bias", "cls.predictions.transform.dense.weight",
      "cls.predictions.transform.LayerNorm.weight", "cls.predictions.decoder.weight", "cls.seq_relationship.weight",
    ] {
      #expect(GGUFNameMap.target(head) == nil && GGUFNameMap.dropped(head) == .head, "\(head)")
    }
    // A classifier the converter does not place here stays unmapped.
    #expect(GGUFNameMap.target("classifier.weight") == nil && GGUFNameMap.dropped("classifier.weight") == nil)
  }

  @Test func phi3AndQwen3Names() {
    #expect(Self.g("model.layers.2.self_attn.qkv_proj.weight") == "blk.2.attn_qkv.weight")
    #expect(Self.g("model.layers.2.mlp.gate_up_proj.weight") == "blk.2.ffn_up.weight")
    #expect(Self.g("model.layers.2.self_attn.k_norm.weight") == "blk.2.attn_k_norm.weight")
    #expect(Self.g("model.layers.2.mlp.experts.63.up_proj.weight") == "blk.2.ffn_up_exps.weight")
    #expect(GGUFNameMap.target("model.layers.2.mlp.experts.63.up_proj.weight")?.expert == 63)
    #expect(GGUFNameMap.dropped("model.layers.0.self_attn.rotary_emb.inv_freq") == .buffer)
    // transformers 5's native MoE parameters, with and without `.weight`.
    #expect(Self.g("model.layers.3.mlp.experts.gate_up_proj") == "blk.3.ffn_gate_up_exps.weight")
    #expect(Self.g("model.layers.3.mlp.experts.down_proj") == "blk.3.ffn_down_exps.weight")
    #expect(Self.g("model.layers.3.mlp.experts.gate_up_proj.weight") == "blk.3.ffn_gate_up_exps.weight")
    #expect(GGUFNameMap.target("model.layers.3.mlp.experts.gate_up_proj")?.expert == nil)
    #expect(GGUFNameMap.target("model.layers.3.mlp.experts.gate_up_proj.bias") == nil)
    #expect(GGUFNameMap.target("model.layers.3.mlp.experts.mystery") == nil)
  }

  @Test func multimodalPrefixesAndTowers() {
    // transformers 5 in memory (model.language_model.), older and saved checkpoints (language_model.model.).
    #expect(Self.g("model.language_model.layers.2.mlp.down_proj.weight") == "blk.2.ffn_down.weight")
    #expect(Self.g("model.language_model.embed_tokens.weight") == "token_embd.weight")
    #expect(Self.g("model.language_model.norm.weight") == "output_norm.weight")
    #expect(Self.g("language_model.model.layers.0.self_attn.q_proj.weight") == "blk.0.attn_q.weight")
    #expect(Self.g("language_model.lm_head.weight") == "output.weight")
    #expect(GGUFNameMap.target("model.language_model.layers.1.post_attention_layernorm.weight", gemmaPostNorms: true)?.name == "blk.1.post_attention_norm.weight")
    for tower in [
      "model.vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight", "vision_tower.vision_model.post_layernorm.bias",
      "multi_modal_projector.linear_1.weight", "model.multi_modal_projector.mm_input_projection_weight",
      "model.multi_modal_projector.mm_soft_emb_norm.weight", "model.visual.blocks.0.attn.qkv.weight",
    ] {
      #expect(GGUFNameMap.target(tower) == nil && GGUFNameMap.dropped(tower) == .multimodal, "\(tower)")
    }
    #expect(GGUFNameMap.dropped("model.layers.0.mystery.weight") == nil)
  }

  /// GPT-2: Conv1D [in, out] in HF, [out, in] in the GGUF: equal after transposition; a Conv1D
  /// weight that was already [out, in] (not transposed by a converter that expects [in, out]) is a
  /// shape change.
  @Test func gpt2TranspositionIsAConvention() {
    let hf = Self.catalog("hf", gguf: false, [
      ("h.0.attn.c_attn.weight", [8, 24]), ("h.0.attn.c_attn.bias", [24]), ("h.0.mlp.c_fc.weight", [8, 32]),
      ("h.0.attn.bias", [1, 1, 16, 16]), ("wte.weight", [50, 8]),
    ])
    let gguf = Self.catalog("g", gguf: true, [
      ("blk.0.attn_qkv.weight", [24, 8]), ("blk.0.attn_qkv.bias", [24]), ("blk.0.ffn_up.weight", [8, 32]), ("token_embd.weight", [50, 8]),
    ])
    let d = Differ.diff(hf, gguf)
    #expect(d.identicalTensors.map(\.name) == ["h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias", "wte.weight"])
    #expect(d.identicalTensors.first?.shape == [24, 8])
    #expect(d.changed.count == 1)
    #expect(d.changed.first?.b.name == "blk.0.ffn_up.weight" && d.changed.first?.a.shape == [32, 8] && d.changed.first?.changes == ["shape"])
    #expect(d.unmapped.isEmpty && d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.conventions == [
      "1 buffer(s) in hf (h.0.attn.bias) are dropped by the converter: rebuilt at load time",
      "2 GPT-2 Conv1D weight(s) in hf are stored [in, out]; the converter transposes them, so they are compared as [out, in]",
    ])
    #expect(d.explainedDifference == -256)
  }

  @Test func bertDroppedHeadsAreOneConvention() {
    let hf = Self.catalog("hf", gguf: false, [
      ("bert.embeddings.word_embeddings.weight", [100, 8]), ("bert.embeddings.position_ids", [1, 16]),
      ("bert.pooler.dense.weight", [8, 8]), ("bert.pooler.dense.bias", [8]), ("cls.seq_relationship.weight", [2, 8]),
      ("cls.predictions.bias", [100]),
    ])
    let gguf = Self.catalog("g", gguf: true, [("token_embd.weight", [100, 8])])
    let d = Differ.diff(hf, gguf)
    #expect(d.identicalTensors.count == 1 && d.unmapped.isEmpty && d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.conventions == [
      "1 buffer(s) in hf (bert.embeddings.position_ids) are dropped by the converter: rebuilt at load time",
      "4 pooler / pre-training head tensor(s) in hf (188 parameters) are dropped by the converter: llama.cpp runs BERT as an embedding model",
    ])
    #expect(d.explainedDifference == -(16 + 188) && d.parameterDifference == -(16 + 188))
    // Same dtype on both sides: nothing but conventions differs.
    #expect(DiffReport.verdict(d) == "identical (names mapped Hugging Face -> GGUF)")
  }

  @Test func aVisionTowerIsOneConventionNotMissingTensors() {
    let hf = Self.catalog("hf", gguf: false, [
      ("model.language_model.embed_tokens.weight", [100, 8]), ("model.language_model.layers.0.self_attn.q_proj.weight", [8, 8]),
      ("model.vision_tower.vision_model.embeddings.patch_embedding.weight", [4, 3, 2, 2]),
      ("model.vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight", [4, 4]),
      ("model.multi_modal_projector.mm_input_projection_weight", [4, 8]),
    ])
    let gguf = Self.catalog("g", gguf: true, [("token_embd.weight", [100, 8]), ("blk.0.attn_q.weight", [8, 8])])
    let d = Differ.diff(hf, gguf)
    #expect(d.identicalTensors.map(\.name) == ["model.language_model.embed_tokens.weight", "model.language_model.layers.0.self_attn.q_proj.weight"])
    #expect(d.unmapped.isEmpty && d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.conventions == [
      "vision tower (3 tensors, 96 parameters) in hf goes to llama.cpp's mmproj file (convert_hf_to_gguf.py --mmproj), not the text GGUF"
    ])
    #expect(d.explainedDifference == -96)
  }

  /// Q, K, V split on one side and fused on the other, weights and biases: one group each, rows
  /// added; a group whose columns disagree is a shape change (a leading 0), never a match.
  @Test func fusedQKVIsComparedAsAGroup() {
    let hf = Self.catalog("hf", gguf: false, [
      ("model.layers.0.self_attn.q_proj.weight", [16, 16]), ("model.layers.0.self_attn.k_proj.weight", [4, 16]),
      ("model.layers.0.self_attn.v_proj.weight", [4, 16]), ("model.layers.0.self_attn.q_proj.bias", [16]),
      ("model.layers.0.self_attn.k_proj.bias", [4]), ("model.layers.0.self_attn.v_proj.bias", [4]),
      ("model.layers.1.self_attn.q_proj.weight", [16, 16]), ("model.layers.1.self_attn.k_proj.weight", [4, 12]),
      ("model.layers.1.self_attn.v_proj.weight", [4, 16]),
    ])
    let gguf = Self.catalog("g", gguf: true, [
      ("blk.0.attn_qkv.weight", [24, 16]), ("blk.0.attn_qkv.bias", [24]), ("blk.1.attn_qkv.weight", [24, 16]),
    ])
    let d = Differ.diff(hf, gguf)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.unmapped.isEmpty)
    let w = d.identicalTensors.first { $0.name.hasPrefix("model.layers.0.self_attn.q_proj.weight") }
    #expect(w?.name == "model.layers.0.self_attn.q_proj.weight + model.layers.0.self_attn.k_proj.weight + model.layers.0.self_attn.v_proj.weight")
    #expect(w?.shape == [24, 16] && w?.parameters == 384)
    #expect(d.identicalTensors.first { $0.name.hasPrefix("model.layers.0.self_attn.q_proj.bias") }?.shape == [24])
    #expect(d.changed.count == 1 && d.changed[0].b.name == "blk.1.attn_qkv.weight" && d.changed[0].a.shape == [0, 16, 16])
    #expect(d.conventions == ["fused attn_qkv: 3 group(s) of attn_q/attn_k/attn_v in hf compared as one attn_qkv in g (rows add up)"])
    #expect(d.fusedGroups == 3)
    // The other way: fused in the HF file (Phi-3's qkv_proj), split in the GGUF.
    let phi = Self.catalog("hf", gguf: false, [("model.layers.0.self_attn.qkv_proj.weight", [24, 16])])
    let split = Self.catalog("g", gguf: true, [("blk.0.attn_q.weight", [16, 16]), ("blk.0.attn_k.weight", [4, 16]), ("blk.0.attn_v.weight", [4, 16])])
    let back = Differ.diff(phi, split)
    #expect(back.identicalTensors.map(\.name) == ["model.layers.0.self_attn.qkv_proj.weight"])
    #expect(back.onlyInA.isEmpty && back.onlyInB.isEmpty)
    #expect(back.conventions == ["fused attn_qkv: 1 group(s) of attn_q/attn_k/attn_v in g compared as one attn_qkv in hf (rows add up)"])
  }

  /// --fuse-gate-up-exps: [experts, 2 x ffn, hidden] against the two stacked tensors.
  @Test func fusedGateUpExpertsAreComparedAsAGroup() {
    let split = Self.catalog("a", gguf: true, [("blk.0.ffn_gate_exps.weight", [8, 32, 16]), ("blk.0.ffn_up_exps.weight", [8, 32, 16])])
    let fused = Self.catalog("b", gguf: true, [("blk.0.ffn_gate_up_exps.weight", [8, 64, 16])])
    let d = Differ.diff(split, fused)
    #expect(d.identicalTensors.map(\.shape) == [[8, 64, 16]])
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && !d.structurallyDifferent)
    #expect(d.conventions == ["fused ffn_gate_up_exps: 1 group(s) of ffn_gate_exps/ffn_up_exps in a compared as one ffn_gate_up_exps in b (rows add up)"])
    // A part missing: no group, the tensors are reported as they are.
    let lone = Self.catalog("a", gguf: true, [("blk.0.ffn_gate_exps.weight", [8, 32, 16])])
    let e = Differ.diff(lone, fused)
    #expect(e.onlyInA.map(\.name) == ["blk.0.ffn_gate_exps.weight"] && e.onlyInB.map(\.name) == ["blk.0.ffn_gate_up_exps.weight"])
    #expect(e.conventions.isEmpty)
  }

  @Test func gemmaNormsAreNotedOnlyForGemma() {
    var gguf = Self.catalog("g", gguf: true, [("blk.0.attn_norm.weight", [8]), ("output_norm.weight", [8]), ("blk.0.attn_q.weight", [8, 8])])
    let hf = Self.catalog("hf", gguf: false, [
      ("model.layers.0.input_layernorm.weight", [8]), ("model.norm.weight", [8]), ("model.layers.0.self_attn.q_proj.weight", [8, 8]),
    ])
    #expect(Differ.diff(hf, gguf).conventions.isEmpty)
    gguf.metadata = [MetadataEntry(key: "general.architecture", value: .string("gemma2"))]
    #expect(Differ.diff(hf, gguf).conventions == [
      "Gemma: 2 norm weight(s) are stored +1 by the converter (Gemma's RMSNorm scales by 1 + w); same shapes, values differ by design (headers cannot see values)"
    ])
  }
}
