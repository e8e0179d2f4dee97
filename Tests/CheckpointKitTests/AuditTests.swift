import Foundation
import Testing
@testable import CheckpointKit

/// The formulas against published counts, size labels, packed weights, and the audit on real
/// files and on fixtures built here.
@Suite struct FormulaTests {
  static func config(_ json: String) throws -> ConfigFile {
    let root = try Array(json.utf8).withUnsafeBytes { try ConfigFile.parse($0) }
    return ConfigFile(path: "config.json", root: root)
  }

  static func expected(_ json: String) throws -> ExpectedCount? {
    ExpectedCount.from(config: try config(json))
  }

  @Test func llama2and3AndMistralAndQwen3() throws {
    let llama2_7b = #"{"model_type":"llama","vocab_size":32000,"hidden_size":4096,"num_hidden_layers":32,"intermediate_size":11008,"num_attention_heads":32,"num_key_value_heads":32,"tie_word_embeddings":false}"#
    #expect(try Self.expected(llama2_7b)?.total == 6_738_415_616)
    let llama2_70b = #"{"model_type":"llama","vocab_size":32000,"hidden_size":8192,"num_hidden_layers":80,"intermediate_size":28672,"num_attention_heads":64,"num_key_value_heads":8,"tie_word_embeddings":false}"#
    #expect(try Self.expected(llama2_70b)?.total == 68_976_648_192)
    let llama3_8b = #"{"model_type":"llama","vocab_size":128256,"hidden_size":4096,"num_hidden_layers":32,"intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":8,"tie_word_embeddings":false}"#
    #expect(try Self.expected(llama3_8b)?.total == 8_030_261_248)
    let llama3_70b = #"{"model_type":"llama","vocab_size":128256,"hidden_size":8192,"num_hidden_layers":80,"intermediate_size":28672,"num_attention_heads":64,"num_key_value_heads":8,"tie_word_embeddings":false}"#
    #expect(try Self.expected(llama3_70b)?.total == 70_553_706_496)
    let mistral = #"{"model_type":"mistral","vocab_size":32000,"hidden_size":4096,"num_hidden_layers":32,"intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":8}"#
    let m = try #require(try Self.expected(mistral))
    #expect(m.total == 7_241_732_096)
    #expect(m.assumptions == ["tie_word_embeddings not stated: false assumed (the mistral default)"])
    let qwen3 = #"{"model_type":"qwen3","vocab_size":151936,"hidden_size":2560,"num_hidden_layers":36,"intermediate_size":9728,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,"tie_word_embeddings":true}"#
    #expect(try Self.expected(qwen3)?.total == 4_022_468_096)
  }

  @Test func mixtralTotalAndActive() throws {
    let json = #"{"model_type":"mixtral","vocab_size":32000,"hidden_size":4096,"num_hidden_layers":32,"intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":8,"num_local_experts":8,"num_experts_per_tok":2,"tie_word_embeddings":false}"#
    let e = try #require(try Self.expected(json))
    #expect(e.total == 46_702_792_704)
    #expect(e.active == 12_879_925_248)
    #expect(e.experts == 8)
    #expect(e.expertsUsed == 2)
  }

  @Test func gpt2AndBert() throws {
    let gpt2 = #"{"model_type":"gpt2","vocab_size":50257,"n_positions":1024,"n_embd":768,"n_layer":12,"n_inner":null}"#
    #expect(try Self.expected(gpt2)?.total == 124_439_808)
    let bert = #"{"model_type":"bert","vocab_size":30522,"max_position_embeddings":512,"type_vocab_size":2,"hidden_size":768,"num_hidden_layers":12,"intermediate_size":3072}"#
    #expect(try Self.expected(bert)?.total == 109_482_240)
  }

  @Test func unknownFamiliesGiveNoEstimate() throws {
    #expect(try Self.expected(#"{"model":{"d_model":64,"n_layers":6,"n_heads":8,"d_ff":1024}}"#) == nil)
    #expect(try Self.expected(#"{"model_type":"mamba","hidden_size":768}"#) == nil)
  }

  @Test func ruleOfThumb() {
    // Llama-2-7B: 2 x 32000 x 4096 + 12 x 32 x 4096^2.
    #expect(ArchitectureFormula.ruleOfThumb(vocab: 32000, hidden: 4096, layers: 32) == 262_144_000 + 6_442_450_944)
  }
}

@Suite struct SizeLabelTests {
  func labels(_ text: String, thousands: Bool = false) -> [String] {
    SizeLabel.find(in: text, allowThousands: thousands).map { "\($0.text)=\($0.value)/\($0.kind.rawValue)" }
  }

  @Test func findsLabelsAndNothingElse() {
    #expect(labels("SmolLM2-135M-Instruct.Q4_1.gguf") == ["135M=135000000/total"])
    #expect(labels("Llama-2-7b-chat.Q4_K_M.gguf") == ["7b=7000000000/total"])
    #expect(labels("Mixtral-8x7B-v0.1") == ["8x7B=56000000000/experts"])
    #expect(labels("Qwen3-30B-A3B-Instruct") == ["30B=30000000000/total", "A3B=3000000000/active"])
    #expect(labels("Qwen2-1.5B") == ["1.5B=1500000000/total"])
    #expect(labels("qwen2.5-0.5b-instruct") == ["0.5b=500000000/total"])
    #expect(labels("Meta-Llama-3.1-405B") == ["405B=405000000000/total"])
    #expect(labels("gemma-3-270m-it") == ["270m=270000000/total"])
    #expect(labels("Smollm2 135M 8k Lc100K Mix1 Ep2") == ["135M=135000000/total"])
    #expect(labels("model-4bit-int8-bf16-IQ2_XS.gguf").isEmpty)
    #expect(labels("model-0x7B").isEmpty)
    #expect(labels("model-99999999999999999999x7B").isEmpty)
    #expect(labels("140K", thousands: true) == ["140K=140000/total"])
  }

  @Test func rounding() {
    #expect(SizeLabel.find(in: "7B").first?.rounding == 500_000_000)
    #expect(SizeLabel.find(in: "1.5B").first?.rounding == 50_000_000)
  }

  @Test func expectations() {
    #expect(ParameterExpectation("7B")?.value == 7_000_000_000)
    #expect(ParameterExpectation("7B")?.tolerance == 0.02)
    #expect(ParameterExpectation("6738415616")?.tolerance == 0)
    #expect(ParameterExpectation("seven") == nil)
    #expect(ParameterExpectation("7B and more") == nil)
  }
}

@Suite struct AuditTests {
  static func audit(_ path: String, expect: ParameterExpectation? = nil) throws -> Audit {
    let catalog = try CheckpointLoader.load(path)
    return Auditor.audit(catalog, Counter.count(catalog), config: ConfigFile.find(for: catalog), expect: expect)
  }

  @Test func miniLMConfigIsExact() throws {
    let a = try Self.audit(Paths.real("minilm/model.safetensors"))
    #expect(a.actual.parameters == 22_713_216)
    #expect(a.actual.bufferElements == 512)
    let config = try #require(a.reported.first { $0.source == "config.json (BERT)" })
    #expect(config.value == 22_713_216)
    #expect(config.ok)
    #expect(a.passed)
  }

  @Test func smolLM2() throws {
    let a = try Self.audit(Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    #expect(a.actual.tiedHead == .tied)
    #expect(a.reported.map(\.source) == [
      "file name", "general.size_label", "general.name", "GGUF hyperparameters (llama)", "rule of thumb 2Vd+12Ld²",
    ])
    // Rule of thumb: 2 x 49152 x 576 + 12 x 30 x 576^2 = 56,623,104 + 119,439,360.
    #expect(a.reported.map(\.value) == [135_000_000, 135_000_000, 135_000_000, 134_515_008, 176_062_464])
    #expect(a.reported[0].difference == 484_992)
    #expect(a.reported.allSatisfy { $0.ok })
    #expect(a.passed)
  }

  @Test func fracastMetadataAndNoBogusEstimate() throws {
    for file in ["fracast/model.safetensors", "fracast/model.int8.safetensors"] {
      let a = try Self.audit(Paths.real(file))
      #expect(a.actual.parameters == 85_001)
      #expect(a.reported.map(\.source) == ["__metadata__.parameter_count"])
      #expect(a.reported.first?.ok == true)
      #expect(a.notes.first?.hasPrefix("config.json does not describe an architecture") == true)
      #expect(a.passed)
    }
    #expect(try Self.audit(Paths.real("fracast/model.int8.safetensors")).actual.quantAuxElements == 1_610)
  }

  @Test(arguments: ["ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-bert-bge.gguf"])
  func vocabOnlyFilesAreAFindingNotACrash(_ name: String) throws {
    let a = try Self.audit(Paths.real("vocab/" + name))
    #expect(a.actual.parameters == 0)
    #expect(!a.passed)
    #expect(a.findings.first?.contains("holds no tensors") == true)
  }

  @Test func llamaSPMVocabDescribesLlama2_7B() throws {
    let a = try Self.audit(Paths.real("vocab/ggml-vocab-llama-spm.gguf"))
    #expect(a.reported.first?.value == 6_738_415_616)
  }

  @Test func expectGates() throws {
    let smol = Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    #expect(try Self.audit(smol, expect: ParameterExpectation("135M")).passed)
    #expect(!(try Self.audit(smol, expect: ParameterExpectation("7B")).passed))
    #expect(try Self.audit(smol, expect: ParameterExpectation("134515008")).passed)
    #expect(!(try Self.audit(smol, expect: ParameterExpectation("134515009")).passed))
    #expect(try Self.audit(smol, expect: ParameterExpectation("134515009", tolerance: 0.01)).passed)
  }

  @Test func tiedHeadCountedTwiceIsExplained() throws {
    // TestData's GGUF says 140K: the untied safetensors model's size; the GGUF ties the head.
    let a = try Self.audit(Paths.testData("tiny-llama.Q8_0.gguf"))
    let label = try #require(a.reported.first { $0.source == "general.size_label" })
    #expect(!label.ok)
    #expect(label.explainedBy == ["counts the tied head twice (+32,768): it is stored once and counted once here"])
    #expect(a.passed)
  }

  @Test func indexTotalsRightAndWrong() throws {
    let right = try Self.audit(Paths.testData("tiny-llama-sharded"))
    let indexRows = right.reported.filter { $0.source.hasPrefix("index metadata") }
    #expect(indexRows.count == 2)
    #expect(indexRows.allSatisfy { $0.ok })
    #expect(right.passed)
    let tmp = LoaderTests().shardedCopy {
      $0.replacingOccurrences(of: "\"total_size\": 279808", with: "\"total_size\": 279000")
        .replacingOccurrences(of: "\"total_parameters\": 139584", with: "\"total_parameters\": 140000")
    }
    let wrong = try Self.audit(tmp.path)
    #expect(!wrong.passed)
    #expect(wrong.findings.count == 2)
    #expect(wrong.findings.contains { $0.hasPrefix("index metadata.total_size claims 279000") })
  }

  /// A Mixtral-shaped catalog (2 layers, 8 experts, top-2) with its config beside it.
  @Test func mixtureOfExpertsActiveParameters() throws {
    let tmp = TempDir()
    let v = 64, d = 16, ffn = 32, layers = 2, experts = 8
    var entries: [(String, [Int])] = [("model.embed_tokens.weight", [v, d]), ("lm_head.weight", [v, d]), ("model.norm.weight", [d])]
    for l in 0..<layers {
      let p = "model.layers.\(l)."
      entries += [
        (p + "input_layernorm.weight", [d]), (p + "post_attention_layernorm.weight", [d]),
        (p + "self_attn.q_proj.weight", [d, d]), (p + "self_attn.k_proj.weight", [8, d]),
        (p + "self_attn.v_proj.weight", [8, d]), (p + "self_attn.o_proj.weight", [d, d]),
        (p + "block_sparse_moe.gate.weight", [experts, d]),
      ]
      for e in 0..<experts {
        let q = p + "block_sparse_moe.experts.\(e)."
        entries += [(q + "w1.weight", [ffn, d]), (q + "w2.weight", [d, ffn]), (q + "w3.weight", [ffn, d])]
      }
    }
    var offset = 0
    var fields: [String] = []
    for (name, shape) in entries {
      let n = shape.reduce(1, *) * 2
      fields.append("\"\(name)\":{\"dtype\":\"BF16\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + n)]}")
      offset += n
    }
    tmp.write("model.safetensors", Bytes.safetensors("{" + fields.joined(separator: ",") + "}", dataBytes: offset))
    tmp.write(
      "config.json",
      #"{"model_type":"mixtral","vocab_size":64,"hidden_size":16,"num_hidden_layers":2,"intermediate_size":32,"num_attention_heads":4,"num_key_value_heads":2,"num_local_experts":8,"num_experts_per_tok":2,"tie_word_embeddings":false}"#)
    let a = try Self.audit(tmp.path)
    let routed = UInt64(layers * experts * 3 * ffn * d)
    #expect(a.actual.routedExpertParameters == routed)
    #expect(a.actual.experts == 8)
    #expect(a.actual.expertsUsed == 2)
    #expect(a.actual.activeParameters == a.actual.parameters - routed + routed / 4)
    #expect(a.reported.first { $0.source == "config.json (mixtral)" }?.ok == true)
    #expect(a.reported.first { $0.comparedTo == "active parameters" }?.ok == true)
    #expect(a.passed)
  }

  /// Packed layouts written here, each with the sibling tensors that identify it.
  @Test func packedQuantizedWeights() throws {
    func catalog(_ entries: [(String, String, [Int])]) throws -> Catalog {
      var offset = 0
      var fields: [String] = []
      let width = ["I32": 4, "U8": 1, "F16": 2, "F32": 4]
      for (name, dtype, shape) in entries {
        let n = shape.reduce(1, *) * width[dtype]!
        fields.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + n)]}")
        offset += n
      }
      let tmp = TempDir()
      let path = tmp.write("m.safetensors", Bytes.safetensors("{" + fields.joined(separator: ",") + "}", dataBytes: offset))
      return try CheckpointLoader.load(path)
    }
    // GPTQ 4-bit: qweight [in/8, out], qzeros [groups, out/8], scales [groups, out]; in 256, out 64, group 128.
    let gptq = try catalog([
      ("l.qweight", "I32", [32, 64]), ("l.qzeros", "I32", [2, 8]), ("l.scales", "F16", [2, 64]), ("l.g_idx", "I32", [256]),
    ])
    #expect(Counter.count(gptq).totals.parameters == 256 * 64)
    #expect(Counter.count(gptq).totals.quantAuxElements == 16 + 128 + 256)
    // GPTQ 8-bit: qzeros [groups, out/4].
    let gptq8 = try catalog([("l.qweight", "I32", [64, 64]), ("l.qzeros", "I32", [2, 16]), ("l.scales", "F16", [2, 64])])
    #expect(Counter.count(gptq8).totals.parameters == 256 * 64)
    // AWQ 4-bit: qweight [in, out/8], scales [groups, out].
    let awq = try catalog([("l.qweight", "I32", [256, 8]), ("l.scales", "F16", [2, 64])])
    #expect(Counter.count(awq).totals.parameters == 256 * 64)
    // bitsandbytes nf4: a U8 weight with absmax and quant_map beside it.
    let bnb = try catalog([
      ("l.weight", "U8", [8192, 1]), ("l.weight.absmax", "F32", [256]), ("l.weight.quant_map", "F32", [16]),
    ])
    #expect(Counter.count(bnb).totals.parameters == 16384)
    // MXFP4 (gpt-oss): *_blocks U8 beside *_scales.
    let mx = try catalog([("experts.gate_up_proj_blocks", "U8", [4, 16, 16]), ("experts.gate_up_proj_scales", "U8", [4, 16])])
    #expect(Counter.count(mx).totals.parameters == 4 * 16 * 16 * 2)
    #expect(mx.tensors.first { $0.name.hasSuffix("_scales") }?.role == .quantAux)
    // Plain int8 qweight (fracast): one weight per element.
    let int8 = try catalog([("l.weight.qweight", "U8", [64, 64])])
    #expect(Counter.count(int8).totals.parameters == 4096)
  }

  @Test func packedCountsAreExplainedAgainstStoredCounts() throws {
    let tmp = TempDir()
    let json = #"{"__metadata__":{"parameter_count":"2048"},"l.qweight":{"dtype":"I32","shape":[32,64],"data_offsets":[0,8192]},"l.qzeros":{"dtype":"I32","shape":[2,8],"data_offsets":[8192,8256]},"l.scales":{"dtype":"F16","shape":[2,64],"data_offsets":[8256,8512]}}"#
    let path = tmp.write("m.safetensors", Bytes.safetensors(json, dataBytes: 8512))
    let a = try Self.audit(path)
    #expect(a.actual.parameters == 16384)
    #expect(a.actual.packedTensors == 1)
    let row = try #require(a.reported.first)
    #expect(row.explainedBy == ["counts the packed quantized tensors' stored elements, not the weights they hold"])
  }
}

@Suite struct SizeLabelRobustnessTests {
  /// Random names from the characters labels are made of: the parser must never trap and every
  /// label it returns must be a real one.
  @Test func randomNames() {
    let alphabet = Array("0123456789xXaAbBmMkKtT.-_ /")
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let length = Int.random(in: 0...24, using: &generator)
      let name = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
      for label in SizeLabel.find(in: name, allowThousands: true) {
        #expect(label.value > 0, "\(name)")
        if label.kind == .experts { #expect((label.expertCount ?? 0) >= 1, "\(name)") }
      }
      _ = ParameterExpectation(name)
    }
  }
}
