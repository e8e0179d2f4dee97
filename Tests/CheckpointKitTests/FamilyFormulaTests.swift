import Foundation
import Testing
@testable import CheckpointKit

/// The DeepSeek-V2/V3, Gemma 3, Phi-3 and Starcoder2 formulas, from config.json and from GGUF
/// keys, against published parameter counts. Hyperparameters are those of each model's published
/// config.json (or the keys convert_hf_to_gguf.py writes from it). The published totals are the
/// Hugging Face Hub's safetensors counts (every element of every tensor; for an unquantized
/// checkpoint without buffers that is transformers' `sum(p.numel() for p in model.parameters())`),
/// or llama.cpp's `n_params` for a GGUF.
@Suite struct FamilyFormulaTests {
  static func config(_ json: String) throws -> ExpectedCount? {
    let root = try Array(json.utf8).withUnsafeBytes { try ConfigFile.parse($0) }
    return ExpectedCount.from(config: ConfigFile(path: "config.json", root: root))
  }

  /// A GGUF catalog built by hand: `{arch}.KEY` integers, the vocabulary as a token array of
  /// that length, and the named tensors (1-element placeholders: the formula reads only keys and
  /// which tensors exist).
  static func gguf(_ arch: String, vocab: Int, _ keys: [(String, Int)], tensors: [String]) -> Catalog {
    var metadata = [MetadataEntry(key: "general.architecture", value: .string(arch))]
    metadata += keys.map { MetadataEntry(key: "\(arch).\($0.0)", value: .unsigned(UInt64($0.1), type: "uint32")) }
    metadata.append(
      MetadataEntry(key: "tokenizer.ggml.tokens", value: .array(MetadataArray(elementType: "string", count: UInt64(vocab), items: []))))
    let records = tensors.map {
      TensorRecord(name: $0, dtype: "F32", shape: [1], reversedInFile: true, elements: 1, bytes: 4, bitsPerElement: 32)
    }
    return Catalog(path: "hand.gguf", format: .gguf, files: [], metadata: metadata, tensors: records)
  }

  // MARK: DeepSeek

  static let deepseekV3 = #"{"model_type":"deepseek_v3","vocab_size":129280,"hidden_size":7168,"num_hidden_layers":61,"first_k_dense_replace":3,"intermediate_size":18432,"moe_intermediate_size":2048,"n_routed_experts":256,"n_shared_experts":1,"num_experts_per_tok":8,"num_attention_heads":128,"num_key_value_heads":128,"q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"num_nextn_predict_layers":1,"attention_bias":false,"tie_word_embeddings":false}"#

  /// DeepSeek-V3 (model card: 671B total, 37B active; HF's count leaves out the MTP layer).
  /// Per layer: MLA attention 187,107,328 (q_a 7168 x 1536 + q_a_layernorm 1536 + q_b 1536 x
  /// 128 x 192 + kv_a 7168 x 576 + kv_a_layernorm 512 + kv_b 512 x 128 x 256 + o 16384 x 7168) and
  /// two norms; 3 dense FFNs of 3 x 7168 x 18432; 58 MoE layers of 256 experts of 3 x 7168 x 2048,
  /// a 256 x 7168 router and one shared expert of the same width; embedding and head 129280 x 7168;
  /// final norm. Total 671,026,404,352. Active: the 58 x 256 routed experts counted at 8 of 256.
  /// The checkpoint also stores the MTP layer `model.layers.61` (a MoE layer, enorm, hnorm,
  /// eh_proj 7168 x 14336, shared_head.norm, and its own embedding and head): 13,463,426,048 more,
  /// 684,489,830,400 in all: the Hub's count of deepseek-ai/DeepSeek-V3 is exactly that in BF16
  /// and F8_E4M3 (3,918,786,560 + 680,571,043,840), plus 41,555,600 F32 elements: 59 x 256
  /// e_score_correction_bias buffers and 41,540,496 weight_scale_inv blocks of 128 x 128.
  @Test func deepseekV3FromConfig() throws {
    let e = try #require(try Self.config(Self.deepseekV3))
    #expect(e.family == "deepseek_v3")
    #expect(e.total == 671_026_404_352)
    #expect(e.active == 37_552_282_624)
    #expect(e.experts == 256)
    #expect(e.expertsUsed == 8)
    #expect(e.routedExpertParameters == 58 * 256 * 3 * 7168 * 2048)
    #expect(e.mtpLayers == 1)
    #expect(e.mtpParameters == 13_463_426_048)
    #expect(e.total + e.mtpParameters == 3_918_786_560 + 680_571_043_840)
    #expect(e.assumptions.isEmpty)
  }

  /// DeepSeek-V2-Lite (model card: 15.7B total, 2.4B active): no query LoRA (`q_lora_rank: null`),
  /// one dense layer of 10944, 26 MoE layers of 64 experts of 1408 and 2 shared experts, 16 heads.
  /// 15,706,484,224 is the Hub's count of deepseek-ai/DeepSeek-V2-Lite (BF16, no buffers, no MTP).
  /// Active 2,661,150,208: with embedding and head (the card's 2.4B leaves the embedding out).
  /// DeepSeek-V2 (236B total, 21B active): 235,741,434,880, the Hub's count of deepseek-ai/DeepSeek-V2.
  @Test func deepseekV2AndV2LiteFromConfig() throws {
    let lite = #"{"model_type":"deepseek_v2","vocab_size":102400,"hidden_size":2048,"num_hidden_layers":27,"first_k_dense_replace":1,"intermediate_size":10944,"moe_intermediate_size":1408,"n_routed_experts":64,"n_shared_experts":2,"num_experts_per_tok":6,"num_attention_heads":16,"num_key_value_heads":16,"q_lora_rank":null,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"attention_bias":false,"tie_word_embeddings":false}"#
    let e = try #require(try Self.config(lite))
    #expect(e.total == 15_706_484_224)
    #expect(e.active == 2_661_150_208)
    #expect(e.mtpParameters == 0)
    let v2 = #"{"model_type":"deepseek_v2","vocab_size":102400,"hidden_size":5120,"num_hidden_layers":60,"first_k_dense_replace":1,"intermediate_size":12288,"moe_intermediate_size":1536,"n_routed_experts":160,"n_shared_experts":2,"num_experts_per_tok":6,"num_attention_heads":128,"num_key_value_heads":128,"q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"tie_word_embeddings":false}"#
    #expect(try Self.config(v2)?.total == 235_741_434_880)
    // A missing key is the config class's default, and said so.
    let noQLora = try #require(try Self.config(lite.replacingOccurrences(of: #""q_lora_rank":null,"#, with: "")))
    #expect(noQLora.assumptions == ["q_lora_rank not stated: 1536 assumed (the deepseek_v2 default)"])
  }

  /// The keys convert_hf_to_gguf.py writes for DeepSeek-V3 (llama.cpp `deepseek2`): MLA as MQA
  /// (key_length 576 = kv_lora_rank + rope, per-head sizes in *_mla), and the older form that
  /// wrote the per-head sizes as key_length/value_length. The exp_probs_b.bias buffers and the
  /// split attn_k_b/attn_v_b change nothing; MTP layers are not converted.
  @Test func deepseekV3FromGGUF() throws {
    let common: [(String, Int)] = [
      ("block_count", 61), ("embedding_length", 7168), ("feed_forward_length", 18432), ("attention.head_count", 128),
      ("attention.head_count_kv", 1), ("attention.q_lora_rank", 1536), ("attention.kv_lora_rank", 512),
      ("rope.dimension_count", 64), ("expert_feed_forward_length", 2048), ("expert_count", 256), ("expert_shared_count", 1),
      ("expert_used_count", 8), ("leading_dense_block_count", 3),
    ]
    let tensors = ["token_embd.weight", "output.weight", "blk.3.exp_probs_b.bias"]
    let mla = common + [("attention.key_length", 576), ("attention.value_length", 512), ("attention.key_length_mla", 192), ("attention.value_length_mla", 128)]
    let older = common + [("attention.key_length", 192), ("attention.value_length", 128)]
    for keys in [mla, older] {
      let e = try #require(ExpectedCount.from(gguf: Self.gguf("deepseek2", vocab: 129280, keys, tensors: tensors)))
      #expect(e.family == "deepseek2")
      #expect(e.total == 671_026_404_352)
      #expect(e.active == 37_552_282_624)
      #expect(e.assumptions.isEmpty)
    }
    // DeepSeek-V2-Lite: no q_lora_rank key.
    let lite: [(String, Int)] = [
      ("block_count", 27), ("embedding_length", 2048), ("feed_forward_length", 10944), ("attention.head_count", 16),
      ("attention.kv_lora_rank", 512), ("rope.dimension_count", 64), ("attention.key_length", 576), ("attention.value_length", 512),
      ("attention.key_length_mla", 192), ("attention.value_length_mla", 128), ("expert_feed_forward_length", 1408),
      ("expert_count", 64), ("expert_shared_count", 2), ("expert_used_count", 6), ("leading_dense_block_count", 1),
    ]
    #expect(ExpectedCount.from(gguf: Self.gguf("deepseek2", vocab: 102400, lite, tensors: tensors))?.total == 15_706_484_224)
  }

  /// A DeepSeek-V3-shaped checkpoint in miniature, stored as DeepSeek publishes it (per-expert
  /// tensors, the router bias, the MTP layer after the last one), with its config.json: vocab 32,
  /// hidden 16, 2 layers (the first dense, FFN 24), 4 experts of 8 (top-2) and one shared expert,
  /// 2 heads, q_lora 12, kv_lora 8, nope 4, rope 2, v 4. Attention is 772 a layer; the dense layer
  /// 1,956, the MoE layer 2,788; embedding and head 512 each: 5,784 (active 5,016). The MTP layer
  /// (2,788 + eh_proj 512 + 3 norms of 16 + embedding and head 1,024) is 4,372 (active 3,604), so
  /// the file holds 10,156 (active 8,620): the config's figures are explained, not findings.
  @Test func deepseekCheckpointWithItsMTPLayer() throws {
    let v = 32, h = 16, heads = 2, qLora = 12, kvLora = 8, nope = 4, rope = 2, vHead = 4, ffn = 24, expertFFN = 8, experts = 4
    var entries: [(String, [Int])] = [("model.embed_tokens.weight", [v, h])]
    func layer(_ l: Int, moe: Bool) {
      let p = "model.layers.\(l)."
      entries += [
        (p + "input_layernorm.weight", [h]), (p + "post_attention_layernorm.weight", [h]),
        (p + "self_attn.q_a_proj.weight", [qLora, h]), (p + "self_attn.q_a_layernorm.weight", [qLora]),
        (p + "self_attn.q_b_proj.weight", [heads * (nope + rope), qLora]),
        (p + "self_attn.kv_a_proj_with_mqa.weight", [kvLora + rope, h]), (p + "self_attn.kv_a_layernorm.weight", [kvLora]),
        (p + "self_attn.kv_b_proj.weight", [heads * (nope + vHead), kvLora]), (p + "self_attn.o_proj.weight", [h, heads * vHead]),
      ]
      guard moe else {
        entries += [(p + "mlp.gate_proj.weight", [ffn, h]), (p + "mlp.up_proj.weight", [ffn, h]), (p + "mlp.down_proj.weight", [h, ffn])]
        return
      }
      entries += [(p + "mlp.gate.weight", [experts, h]), (p + "mlp.gate.e_score_correction_bias", [experts])]
      for e in 0..<experts {
        let q = p + "mlp.experts.\(e)."
        entries += [(q + "gate_proj.weight", [expertFFN, h]), (q + "up_proj.weight", [expertFFN, h]), (q + "down_proj.weight", [h, expertFFN])]
      }
      entries += [
        (p + "mlp.shared_experts.gate_proj.weight", [expertFFN, h]), (p + "mlp.shared_experts.up_proj.weight", [expertFFN, h]),
        (p + "mlp.shared_experts.down_proj.weight", [h, expertFFN]),
      ]
    }
    layer(0, moe: false)
    layer(1, moe: true)
    entries += [("model.norm.weight", [h]), ("lm_head.weight", [v, h])]
    layer(2, moe: true)
    entries += [
      ("model.layers.2.embed_tokens.weight", [v, h]), ("model.layers.2.enorm.weight", [h]), ("model.layers.2.hnorm.weight", [h]),
      ("model.layers.2.eh_proj.weight", [h, 2 * h]), ("model.layers.2.shared_head.norm.weight", [h]),
      ("model.layers.2.shared_head.head.weight", [v, h]),
    ]
    var offset = 0
    var fields: [String] = []
    for (name, shape) in entries {
      let n = shape.reduce(1, *) * 4
      fields.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + n)]}")
      offset += n
    }
    let tmp = TempDir()
    tmp.write("model.safetensors", Bytes.safetensors("{" + fields.joined(separator: ",") + "}", dataBytes: offset))
    tmp.write(
      "config.json",
      #"{"model_type":"deepseek_v3","vocab_size":32,"hidden_size":16,"num_hidden_layers":2,"first_k_dense_replace":1,"intermediate_size":24,"moe_intermediate_size":8,"n_routed_experts":4,"n_shared_experts":1,"num_experts_per_tok":2,"num_attention_heads":2,"num_key_value_heads":2,"q_lora_rank":12,"kv_lora_rank":8,"qk_nope_head_dim":4,"qk_rope_head_dim":2,"v_head_dim":4,"num_nextn_predict_layers":1,"tie_word_embeddings":false}"#)
    let catalog = try CheckpointLoader.load(tmp.path)
    let a = Auditor.audit(catalog, Counter.count(catalog), config: ConfigFile.find(for: catalog))
    #expect(a.actual.parameters == 10_156)
    #expect(a.actual.bufferElements == 2 * 4)
    #expect(a.actual.activeParameters == 8_620)
    let total = try #require(a.reported.first { $0.source == "config.json (deepseek_v3)" })
    #expect(total.value == 5_784)
    #expect(total.explainedBy == [
      "leaves out the 1 multi-token-prediction layer stored beside the model (4,372 parameters), which transformers does not load"
    ])
    let active = try #require(a.reported.first { $0.comparedTo == "active parameters" && $0.kind == .formula })
    #expect(active.value == 5_016)
    #expect(active.explainedBy == [
      "leaves out the 1 multi-token-prediction layer stored beside the model (3,604 parameters), which transformers does not load"
    ])
    #expect(a.passed)
  }

  // MARK: Gemma 3

  /// google/gemma-3-4b-it's config.json states only what differs from the defaults: text hidden
  /// 2560, FFN 10240, 34 layers (vocab 262,208, 8 heads, 4 KV heads, head_dim 256 are the
  /// Gemma3TextConfig defaults); SigLIP hidden 1152, FFN 4304, 27 layers, 896 px in 14 px patches,
  /// no pooling head. Text 3,880,263,168 + vision 416,866,032 + projector 1152 x 2560 + 1152 =
  /// 4,300,079,472, the Hub's count (and Gemma3ForConditionalGeneration's parameters). 12B and
  /// 27B likewise: 12,187,325,040 and 27,432,406,640.
  @Test func gemma3MultimodalFromConfig() throws {
    func gemma3(text: String) -> String {
      #"{"model_type":"gemma3","mm_tokens_per_image":256,"text_config":{"model_type":"gemma3_text","#
        + text
        + #"},"vision_config":{"hidden_size":1152,"image_size":896,"intermediate_size":4304,"model_type":"siglip_vision_model","num_attention_heads":16,"num_hidden_layers":27,"patch_size":14,"vision_use_head":false}}"#
    }
    let e = try #require(try Self.config(gemma3(text: #""hidden_size":2560,"intermediate_size":10240,"num_hidden_layers":34"#)))
    #expect(e.family == "gemma3")
    #expect(e.total == 4_300_079_472)
    #expect(e.embedding == 262_208 * 2560)
    #expect(e.assumptions == [
      "text_config: not stated, the Gemma3TextConfig defaults assumed: vocab_size 262208, num_attention_heads 8, num_key_value_heads 4, head_dim 256",
      "tie_word_embeddings not stated: true assumed (the gemma3 default)",
      "vision_config: not stated, the SiglipVisionConfig defaults assumed: num_channels 3",
    ])
    let b12 = #""hidden_size":3840,"intermediate_size":15360,"num_hidden_layers":48,"num_attention_heads":16,"num_key_value_heads":8,"head_dim":256"#
    #expect(try Self.config(gemma3(text: b12))?.total == 12_187_325_040)
    let b27 = #""hidden_size":5376,"intermediate_size":21504,"num_hidden_layers":62,"num_attention_heads":32,"num_key_value_heads":16,"head_dim":128"#
    #expect(try Self.config(gemma3(text: b27))?.total == 27_432_406_640)
  }

  /// Gemma-3-1B (text only): vocab 262144, hidden 1152, FFN 6912, 26 layers, 4 heads, 1 KV head,
  /// head_dim 256, q/k norms and four norms a layer, tied: 999,885,952, the Hub's count of
  /// google/gemma-3-1b-it and llama.cpp's n_params for its GGUF, from these keys.
  @Test func gemma3TextFromConfigAndGGUF() throws {
    let config = #"{"model_type":"gemma3_text","vocab_size":262144,"hidden_size":1152,"intermediate_size":6912,"num_hidden_layers":26,"num_attention_heads":4,"num_key_value_heads":1,"head_dim":256,"attention_bias":false}"#
    #expect(try Self.config(config)?.total == 999_885_952)
    let keys: [(String, Int)] = [
      ("block_count", 26), ("embedding_length", 1152), ("feed_forward_length", 6912), ("attention.head_count", 4),
      ("attention.head_count_kv", 1), ("attention.key_length", 256), ("attention.value_length", 256),
    ]
    let e = try #require(ExpectedCount.from(gguf: Self.gguf("gemma3", vocab: 262144, keys, tensors: ["token_embd.weight", "output_norm.weight"])))
    #expect(e.family == "gemma3")
    #expect(e.total == 999_885_952)
  }

  // MARK: Phi-3

  /// Phi-3-mini (vocab 32064, hidden 3072, FFN 8192, 32 layers, 32 heads, untied): 3,821,079,552,
  /// the Hub's count of microsoft/Phi-3-mini-4k-instruct; its 128k sibling has the same weights and
  /// its GGUF adds rope_factors_long/short, LongRoPE constants (buffers). Phi-4-mini (vocab
  /// 200064, hidden 3072, 24 heads, 8 KV heads, tied: no output.weight): 3,836,021,760, the Hub's
  /// count of microsoft/Phi-4-mini-instruct.
  @Test func phi3FromGGUF() throws {
    let mini: [(String, Int)] = [
      ("block_count", 32), ("embedding_length", 3072), ("feed_forward_length", 8192), ("attention.head_count", 32),
      ("attention.head_count_kv", 32), ("rope.dimension_count", 96),
    ]
    let e = try #require(ExpectedCount.from(gguf: Self.gguf("phi3", vocab: 32064, mini, tensors: ["token_embd.weight", "output.weight"])))
    #expect(e.family == "phi3")
    #expect(e.total == 3_821_079_552)
    let phi4mini: [(String, Int)] = [
      ("block_count", 32), ("embedding_length", 3072), ("feed_forward_length", 8192), ("attention.head_count", 24),
      ("attention.head_count_kv", 8), ("rope.dimension_count", 96),
    ]
    #expect(ExpectedCount.from(gguf: Self.gguf("phi3", vocab: 200064, phi4mini, tensors: ["token_embd.weight"]))?.total == 3_836_021_760)
  }

  /// A Phi-3 128k GGUF in miniature (vocab 10, hidden 8, one layer, FFN 16, 2 heads): 10 x 8
  /// embedding and head, attn_qkv [24, 8] and ffn_up [32, 8] fused as llama.cpp stores them,
  /// attn_output 8 x 8, ffn_down 8 x 16, three norms of 8: 160 + 192 + 64 + 256 + 128 + 24 = 824
  /// parameters, what the formula says; the rope factors (2 + 2) are buffers, so the audit finds
  /// nothing.
  @Test func phi3GGUFWithRopeFactors() throws {
    let keys: [(String, Int)] = [
      ("block_count", 1), ("embedding_length", 8), ("feed_forward_length", 16), ("attention.head_count", 2),
      ("attention.head_count_kv", 2), ("rope.dimension_count", 4),
    ]
    var catalog = Self.gguf("phi3", vocab: 10, keys, tensors: [])
    let shapes: [(String, [UInt64])] = [
      ("token_embd.weight", [10, 8]), ("rope_factors_long.weight", [2]), ("rope_factors_short.weight", [2]),
      ("blk.0.attn_norm.weight", [8]), ("blk.0.attn_qkv.weight", [24, 8]), ("blk.0.attn_output.weight", [8, 8]),
      ("blk.0.ffn_norm.weight", [8]), ("blk.0.ffn_up.weight", [32, 8]), ("blk.0.ffn_down.weight", [8, 16]),
      ("output_norm.weight", [8]), ("output.weight", [10, 8]),
    ]
    catalog.tensors = shapes.map { name, shape in
      let n = shape.reduce(1, *)
      return TensorRecord(name: name, dtype: "F32", shape: TensorShape(shape), reversedInFile: true, elements: n, bytes: n * 4, bitsPerElement: 32)
    }
    CheckpointLoader.classify(&catalog)
    let s = Counter.count(catalog)
    #expect(s.totals.parameters == 824)
    #expect(s.totals.bufferElements == 4)
    let a = Auditor.audit(catalog, s)
    let row = try #require(a.reported.first { $0.source == "GGUF hyperparameters (phi3)" })
    #expect(row.value == 824)
    #expect(row.ok)
    #expect(a.passed)
  }

  // MARK: Starcoder2

  /// Starcoder2 3B / 7B / 15B (vocab 49152; hidden 3072 / 4608 / 6144, FFN 4x, 30 / 32 / 40
  /// layers, 24 / 36 / 48 heads, 2 / 4 / 4 KV heads; biases everywhere; LayerNorms with bias;
  /// the 15B's head untied): 3,030,371,328, 7,173,923,840 and 15,957,889,024, the Hub's counts
  /// of bigcode/starcoder2-3b, -7b and -15b.
  @Test func starcoder2FromConfigAndGGUF() throws {
    func config(_ d: Int, _ layers: Int, _ heads: Int, _ kv: Int, tied: Bool) -> String {
      #"{"model_type":"starcoder2","vocab_size":49152,"hidden_size":\#(d),"intermediate_size":\#(4 * d),"num_hidden_layers":\#(layers),"num_attention_heads":\#(heads),"num_key_value_heads":\#(kv),"use_bias":true,"norm_epsilon":1e-05,"tie_word_embeddings":\#(tied)}"#
    }
    let b3 = try #require(try Self.config(config(3072, 30, 24, 2, tied: true)))
    #expect(b3.family == "starcoder2")
    #expect(b3.total == 3_030_371_328)
    #expect(b3.assumptions.isEmpty)
    #expect(try Self.config(config(4608, 32, 36, 4, tied: true))?.total == 7_173_923_840)
    #expect(try Self.config(config(6144, 40, 48, 4, tied: false))?.total == 15_957_889_024)
    let keys: [(String, Int)] = [
      ("block_count", 30), ("embedding_length", 3072), ("feed_forward_length", 12288), ("attention.head_count", 24),
      ("attention.head_count_kv", 2),
    ]
    let e = try #require(
      ExpectedCount.from(gguf: Self.gguf("starcoder2", vocab: 49152, keys, tensors: ["token_embd.weight", "blk.0.attn_q.bias"])))
    #expect(e.total == 3_030_371_328)
  }

  // MARK: Llama-style families with their own norms

  /// StableLM 2 1.6B (vocab 100352, hidden 2048, FFN 5632, 24 layers, 32 heads, use_qkv_bias,
  /// untied): LayerNorms carry a bias (2 x 2048 a layer and 2048 at the end) and q, k, v a bias
  /// each (3 x 2048 a layer): 1,644,515,328, the published count of stabilityai/stablelm-2-1_6b
  /// (the plain Llama formula said 1,644,267,520). OLMo-2 7B and 13B (vocab 100352; hidden 4096 /
  /// 5120, FFN 11008 / 13824, 32 / 40 layers and heads, untied): q_norm and k_norm span all heads
  /// (modeling_olmo2.py), not one: 7,298,617,344 and 13,716,198,400, the Hub's counts of
  /// allenai/OLMo-2-1124-7B and -13B (one head's width said 7,298,363,392 for the 7B).
  @Test func stableLMAndOLMo2Norms() throws {
    let stablelm = #"{"model_type":"stablelm","vocab_size":100352,"hidden_size":2048,"intermediate_size":5632,"num_hidden_layers":24,"num_attention_heads":32,"num_key_value_heads":32,"use_qkv_bias":true,"qk_layernorm":false,"use_parallel_residual":false,"tie_word_embeddings":false}"#
    #expect(try Self.config(stablelm)?.total == 1_644_515_328)
    let olmo2 = #"{"model_type":"olmo2","vocab_size":100352,"hidden_size":4096,"intermediate_size":11008,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":32,"tie_word_embeddings":false}"#
    #expect(try Self.config(olmo2)?.total == 7_298_617_344)
    let olmo2_13b = #"{"model_type":"olmo2","vocab_size":100352,"hidden_size":5120,"intermediate_size":13824,"num_hidden_layers":40,"num_attention_heads":40,"num_key_value_heads":40,"tie_word_embeddings":false}"#
    #expect(try Self.config(olmo2_13b)?.total == 13_716_198_400)
    let keys: [(String, Int)] = [
      ("block_count", 32), ("embedding_length", 4096), ("feed_forward_length", 11008), ("attention.head_count", 32),
      ("attention.head_count_kv", 32),
    ]
    #expect(ExpectedCount.from(gguf: Self.gguf("olmo2", vocab: 100352, keys, tensors: ["token_embd.weight", "output.weight"]))?.total == 7_298_617_344)
  }

  /// Llama's `attention_bias` puts a bias on q, k, v and o_proj, and `mlp_bias` on gate, up and
  /// down (modeling_llama.py). In miniature (vocab 10, hidden 8, one layer, FFN 16, 2 heads of 4,
  /// 1 KV head, untied): embedding and head 160; q 64 + 8, k and v 32 + 4 each, o 64 + 8; FFN
  /// 384 + 16 + 16 + 8; norms 16 + 8: 824 (the q/k/v biases alone said 776; no biases is 760).
  @Test func llamaAttentionAndMLPBiases() throws {
    let config = #"{"model_type":"llama","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,"intermediate_size":16,"num_attention_heads":2,"num_key_value_heads":1,"attention_bias":true,"mlp_bias":true,"tie_word_embeddings":false}"#
    #expect(try Self.config(config)?.total == 824)
  }
}
