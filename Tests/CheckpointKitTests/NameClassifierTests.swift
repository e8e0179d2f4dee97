import Testing
@testable import CheckpointKit

/// The classifier over the name families of the tools people use.
@Suite struct NameClassifierTests {
  func check(_ cases: [(String, Component)], file: String = #filePath, line: Int = #line) {
    var classifier = NameClassifier()
    for (name, expected) in cases {
      let got = classifier.classify(name, dtype: "F32").component
      #expect(got == expected, "\(name)", sourceLocation: SourceLocation(fileID: #fileID, filePath: file, line: line, column: 1))
    }
  }

  @Test func llamaMistralQwenGemma() {
    check([
      ("model.embed_tokens.weight", .embedding),
      ("model.layers.0.self_attn.q_proj.weight", .attention),
      ("model.layers.0.self_attn.k_proj.bias", .attention),
      ("model.layers.0.self_attn.o_proj.weight", .attention),
      ("model.layers.0.self_attn.q_norm.weight", .norm),
      ("model.layers.0.mlp.gate_proj.weight", .ffn),
      ("model.layers.0.mlp.down_proj.weight", .ffn),
      ("model.layers.0.input_layernorm.weight", .norm),
      ("model.layers.0.pre_feedforward_layernorm.weight", .norm),
      ("model.norm.weight", .norm),
      ("lm_head.weight", .head),
      ("model.layers.3.self_attn.qkv_proj.weight", .attention),
      ("model.layers.3.mlp.gate_up_proj.weight", .ffn),
    ])
  }

  @Test func gpt2() {
    check([
      ("wte.weight", .embedding), ("transformer.wpe.weight", .embedding),
      ("h.0.attn.c_attn.weight", .attention), ("h.0.attn.c_proj.bias", .attention),
      ("h.0.mlp.c_fc.weight", .ffn), ("h.0.mlp.c_proj.weight", .ffn),
      ("h.0.ln_1.weight", .norm), ("ln_f.bias", .norm),
    ])
  }

  @Test func bertAndMiniLM() {
    check([
      ("embeddings.word_embeddings.weight", .embedding),
      ("embeddings.token_type_embeddings.weight", .embedding),
      ("embeddings.LayerNorm.weight", .norm),
      ("encoder.layer.0.attention.self.query.weight", .attention),
      ("encoder.layer.0.attention.output.dense.weight", .attention),
      ("encoder.layer.0.attention.output.LayerNorm.bias", .norm),
      ("encoder.layer.0.intermediate.dense.weight", .ffn),
      ("encoder.layer.0.output.dense.weight", .ffn),
      ("encoder.layer.0.output.LayerNorm.weight", .norm),
      ("pooler.dense.weight", .head),
      ("bert.pooler.dense.bias", .head),
      ("cls.predictions.transform.dense.weight", .head),
    ])
  }

  @Test func mixtureOfExperts() {
    check([
      ("model.layers.0.block_sparse_moe.gate.weight", .router),
      ("model.layers.0.block_sparse_moe.experts.7.w1.weight", .experts),
      ("model.layers.0.mlp.gate.weight", .router),
      ("model.layers.0.mlp.gate.e_score_correction_bias", .router),
      ("model.layers.0.mlp.experts.12.down_proj.weight", .experts),
      ("model.layers.0.mlp.shared_experts.up_proj.weight", .sharedExperts),
      ("model.layers.0.mlp.shared_expert_gate.weight", .sharedExperts),
    ])
  }

  @Test func t5() {
    check([
      ("shared.weight", .embedding),
      ("encoder.block.0.layer.0.SelfAttention.q.weight", .attention),
      ("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", .attention),
      ("decoder.block.0.layer.1.EncDecAttention.k.weight", .attention),
      ("encoder.block.0.layer.1.DenseReluDense.wi_0.weight", .ffn),
      ("encoder.block.0.layer.1.DenseReluDense.wo.weight", .ffn),
      ("encoder.final_layer_norm.weight", .norm),
    ])
  }

  @Test func multimodalAdaptersAndMTP() {
    check([
      ("vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight", .vision),
      ("model.vision_tower.embeddings.patch_embedding.weight", .vision),
      ("visual.blocks.0.attn.qkv.weight", .vision),
      ("visual.merger.mlp.0.weight", .projector),
      ("multi_modal_projector.linear_1.weight", .projector),
      ("audio_tower.layers.0.fc1.weight", .audio),
      ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", .adapter),
      ("model.layers.0.self_attn.q_proj.lora_B.default.weight", .adapter),
      ("mtp.layers.0.eh_proj.weight", .mtp),
    ])
  }

  @Test func ggufCanonicalNames() {
    check([
      ("token_embd.weight", .embedding), ("token_embd_norm.weight", .norm), ("position_embd.weight", .embedding),
      ("blk.0.attn_q.weight", .attention), ("blk.0.attn_kv_a_mqa.weight", .attention),
      ("blk.0.attn_output.weight", .attention), ("blk.0.attn_q_norm.weight", .norm),
      ("blk.0.attn_norm.weight", .norm), ("blk.0.ffn_norm.weight", .norm),
      ("blk.0.ffn_up.weight", .ffn), ("blk.0.ffn_gate_exps.weight", .experts),
      ("blk.0.ffn_gate_inp.weight", .router), ("blk.0.exp_probs_b.bias", .router),
      ("blk.0.ffn_up_shexp.weight", .sharedExperts), ("blk.0.ffn_gate_inp_shexp.weight", .sharedExperts),
      ("output_norm.weight", .norm), ("output.weight", .head),
      ("v.blk.0.attn_q.weight", .vision), ("mm.0.weight", .projector), ("blk.61.nextn.eh_proj.weight", .mtp),
    ])
  }

  @Test func roles() {
    let names: Set<String> = ["core.block.pw.weight.qweight", "core.block.pw.weight.scale", "core.scale.to_gb.weight"]
    var c = NameClassifier(names: names)
    #expect(c.classify("embeddings.position_ids", dtype: "I64").role == .buffer)
    #expect(c.classify("h.3.attn.bias", dtype: "U8").role == .buffer)
    #expect(c.classify("h.3.attn.c_attn.bias", dtype: "F32").role == .parameter)
    #expect(c.classify("model.layers.0.self_attn.rotary_emb.inv_freq", dtype: "F32").role == .buffer)
    #expect(c.classify("rope_freqs.weight", dtype: "F32").role == .buffer)
    #expect(c.classify("model.layers.0.mlp.down_proj.scales", dtype: "F16").role == .quantAux)
    #expect(c.classify("model.layers.0.mlp.down_proj.qzeros", dtype: "I32").role == .quantAux)
    #expect(c.classify("model.layers.0.mlp.down_proj.g_idx", dtype: "I32").role == .quantAux)
    #expect(c.classify("model.layers.0.mlp.down_proj.weight_scale_inv", dtype: "F32").role == .quantAux)
    #expect(c.classify("model.layers.0.mlp.down_proj.weight.absmax", dtype: "F32").role == .quantAux)
    #expect(c.classify("model.layers.0.mlp.experts.gate_up_proj_scales", dtype: "U8").role == .quantAux)
    #expect(c.classify("anything.weight", dtype: "F8_E8M0").role == .quantAux)
    #expect(c.classify("core.block.pw.weight.scale", dtype: "F32").role == .quantAux)
    #expect(c.classify("core.block.pw.weight.qweight", dtype: "I8").role == .parameter)
    // A module named `scale` is not a quantization scale.
    #expect(c.classify("core.scale.to_gb.weight", dtype: "F32").role == .parameter)
    #expect(c.classify("model.layers.0.mlp.down_proj.weight", dtype: "BF16").role == .parameter)
  }

  /// DeepSeek-V3's router bias is a buffer in transformers (moved by load balancing, not
  /// gradients), under its Hugging Face name and the GGUF one convert_hf_to_gguf.py writes.
  @Test func routerCorrectionBiasIsABuffer() {
    var c = NameClassifier()
    for name in ["model.layers.3.mlp.gate.e_score_correction_bias", "blk.3.exp_probs_b.bias"] {
      #expect(c.classify(name, dtype: "F32") == .init(component: .router, role: .buffer, layer: 3), "\(name)")
    }
    // The router's weight and other biases stay parameters.
    #expect(c.classify("model.layers.3.mlp.gate.weight", dtype: "BF16").role == .parameter)
    #expect(c.classify("blk.3.ffn_gate_inp.weight", dtype: "F32").role == .parameter)
    #expect(c.classify("blk.3.attn_q.bias", dtype: "F32").role == .parameter)
  }

  @Test func layers() {
    var c = NameClassifier()
    #expect(c.classify("model.layers.12.mlp.up_proj.weight", dtype: "F32").layer == 12)
    #expect(c.classify("h.7.attn.c_attn.weight", dtype: "F32").layer == 7)
    #expect(c.classify("blk.29.ffn_up.weight", dtype: "F32").layer == 29)
    #expect(c.classify("encoder.layer.5.output.dense.weight", dtype: "F32").layer == 5)
    #expect(c.classify("model.embed_tokens.weight", dtype: "F32").layer == nil)
    #expect(c.classify("model.decoder_layers.3.fc1.weight", dtype: "F32").layer == 3)
    #expect(c.classify("Model.Layers.4.mlp.weight", dtype: "F32").layer == 4)
    #expect(c.classify("layers.1234567890.mlp.weight", dtype: "F32").layer == nil)
    #expect(c.classify("layers.", dtype: "F32").layer == nil)
    #expect(c.classify("head.decoder_ffns.0.up.weight", dtype: "F32").layer == nil)
  }
}

@Suite struct TemplateTableTests {
  @Test func namesOfOneTemplateShareAnEntryAndEmptyNamesWork() {
    var c = NameClassifier()
    #expect(c.classify("", dtype: "F32").component == .other)
    #expect(c.classify("", dtype: "F32").component == .other)
    for layer in 0..<300 {
      #expect(c.classify("model.layers.\(layer).mlp.experts.\(layer * 7).down_proj.weight", dtype: "BF16").component == .experts)
      #expect(c.classify("Model.Layers.\(layer).Self_Attn.Q_Proj.weight", dtype: "BF16").component == .attention)
      #expect(c.classify("blk.\(layer).ffn_norm.weight", dtype: "F32").component == .norm)
    }
  }

  @Test func layerNumbersReadFromTheCachedRunMatchTheSlowReading() {
    var c = NameClassifier()
    // Same template, different layers: the cached run position gives each name its own number.
    for layer in [0, 7, 12, 95] {
      #expect(c.classify("model.layers.\(layer).mlp.experts.\(layer + 3).up_proj.weight", dtype: "BF16").layer == layer)
      #expect(c.classify("blk.\(layer).attn_q.weight", dtype: "Q4_K").layer == layer)
    }
    // A ten-digit run is no layer number, so the first name's layer is in its second run; a name
    // of the same template with a short first run has its layer in the first.
    #expect(c.classify("layers.1234567890.blocks.3.w", dtype: "F32").layer == 3)
    #expect(c.classify("layers.12.blocks.3.w", dtype: "F32").layer == 12)
    #expect(c.classify("layers.1234567890.blocks.4.w", dtype: "F32").layer == 4)
    // And the other way round: a short run cached first, then a long one at that position.
    #expect(c.classify("stack.5.h.6.w", dtype: "F32").layer == 6)
    #expect(c.classify("blocks.5.h.6.w", dtype: "F32").layer == 5)
    #expect(c.classify("blocks.9999999999.h.6.w", dtype: "F32").layer == 6)
    // More digit runs than are kept inline.
    #expect(c.classify("a.1.b.2.c.3.d.4.e.5.f.6.g.7.k.8.m.9.layers.10.w", dtype: "F32").layer == 10)
    #expect(c.classify("a.1.b.2.c.3.d.4.e.5.f.6.g.7.k.8.m.9.layers.11.w", dtype: "F32").layer == 11)
    // A literal '#' is not a digit run.
    #expect(c.classify("layers.#.w", dtype: "F32").layer == nil)
    #expect(c.classify("layers.8.w", dtype: "F32").layer == 8)
  }

  /// The cached reading against the uncached one on many generated names: same layer, same
  /// component and role, whatever order templates are met in.
  @Test func cachedClassificationAgreesWithAFreshClassifier() {
    var rng = SplitMix(seed: 42)
    let words = ["model", "layers", "Layers", "h", "blk", "blocks", "mlp", "experts", "self_attn", "q_proj", "#", "x1y", "norm", ""]
    var cached = NameClassifier()
    for _ in 0..<3000 {
      var segments: [String] = []
      for _ in 0..<(1 + Int(rng.next() % 6)) {
        if rng.next() % 3 == 0 {
          // Digit runs of 1 to 12 digits, leading zeros included.
          segments.append(String((0..<(1 + Int(rng.next() % 12))).map { _ in Character(String(rng.next() % 10)) }))
        } else {
          segments.append(words[Int(rng.next() % UInt64(words.count))])
        }
      }
      let name = segments.joined(separator: ".") + (rng.next() % 2 == 0 ? ".weight" : "")
      var fresh = NameClassifier()
      let expected = fresh.classify(name, dtype: "F32")
      #expect(cached.classify(name, dtype: "F32") == expected, "\(name)")
      #expect(expected.layer == NameClassifier.layer(name), "\(name)")
    }
  }
}

/// A small deterministic generator for test inputs.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
