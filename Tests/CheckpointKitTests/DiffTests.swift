import Foundation
import Testing
@testable import CheckpointKit

/// `Differ` on files the tests write (same format), on TestData's tiny Llama and its GGUF
/// conversion, on hand-built MoE catalogs, and (on a developer's machine) on llama.cpp's own
/// conversions.
@Suite struct DiffTests {
  /// A safetensors file holding `tensors` (zero-filled), laid out back to back.
  static func safetensors(_ tensors: [(String, String, [Int])], metadata: [String: String] = [:]) -> [UInt8] {
    let width = ["F32": 4, "F16": 2, "BF16": 2, "I8": 1]
    var entries: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
      entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for (name, dtype, shape) in tensors {
      let size = shape.reduce(1, *) * (width[dtype] ?? 1)
      entries.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + size)]}")
      offset += size
    }
    return Bytes.safetensors("{" + entries.joined(separator: ",") + "}", dataBytes: offset)
  }

  static let base: [(String, String, [Int])] = [
    ("model.embed_tokens.weight", "F32", [16, 8]),
    ("model.layers.0.self_attn.q_proj.weight", "F32", [8, 8]),
    ("model.layers.0.mlp.up_proj.weight", "F32", [12, 8]),
    ("model.norm.weight", "F32", [8]),
  ]

  static func diff(_ a: [(String, String, [Int])], _ b: [(String, String, [Int])], metaA: [String: String] = [:], metaB: [String: String] = [:]) throws -> CheckpointDiff {
    let dir = TempDir()
    let pa = dir.write("a.safetensors", safetensors(a, metadata: metaA))
    let pb = dir.write("b.safetensors", safetensors(b, metadata: metaB))
    return Differ.diff(try CheckpointLoader.load(pa), try CheckpointLoader.load(pb))
  }

  @Test func identicalFilesAreIdentical() throws {
    let d = try Self.diff(Self.base, Self.base)
    #expect(d.identical)
    #expect(!d.structurallyDifferent)
    #expect(d.identicalTensors.count == 4)
    #expect(d.parametersA == 296 && d.parametersB == 296 && d.parameterDifference == 0)
    #expect(!d.crossFormat)
  }

  @Test func aRemovedTensorIsOnlyInA() throws {
    let d = try Self.diff(Self.base, Array(Self.base.dropLast()))
    #expect(d.onlyInA.map(\.name) == ["model.norm.weight"])
    #expect(d.onlyInB.isEmpty && d.changed.isEmpty)
    #expect(d.identicalTensors.count == 3)
    #expect(d.parameterDifference == -8)
    #expect(d.structurallyDifferent && !d.identical)
    #expect(DiffReport.verdict(d) == "structurally different: B lacks 1 tensor (norm); parameters −8")
  }

  @Test func aChangedShapeIsStructural() throws {
    var b = Self.base
    b[2] = ("model.layers.0.mlp.up_proj.weight", "F32", [16, 8])
    let d = try Self.diff(Self.base, b)
    #expect(d.changed.count == 1)
    #expect(d.changed[0].changes == ["shape", "bytes"])
    #expect(d.changed[0].a.shape == [12, 8] && d.changed[0].b.shape == [16, 8])
    #expect(d.changed[0].a.bytes == 384 && d.changed[0].b.bytes == 512)
    #expect(d.changed[0].a.component == .ffn && d.changed[0].a.layer == 0)
    #expect(d.parameterDifference == 32)
    #expect(d.structurallyDifferent)
  }

  @Test func aChangedDtypeIsNotStructural() throws {
    var b = Self.base
    b[1] = ("model.layers.0.self_attn.q_proj.weight", "F16", [8, 8])
    let d = try Self.diff(Self.base, b)
    #expect(d.changed.count == 1)
    #expect(d.changed[0].changes == ["dtype", "bytes"])
    #expect(d.changed[0].a.dtype == "F32" && d.changed[0].b.dtype == "F16")
    #expect(d.changed[0].a.bytes == 256 && d.changed[0].b.bytes == 128)
    #expect(!d.structurallyDifferent && !d.identical)
    #expect(d.parameterDifference == 0)
    #expect(DiffReport.verdict(d) == "same model, requantized: 1 tensor F32→F16; parameters equal")
    let attention = try #require(d.byComponent.first { $0.component == .attention })
    #expect(attention.bitsPerWeightA == 32 && attention.bitsPerWeightB == 16)
  }

  @Test func metadataKeysAddedRemovedAndChanged() throws {
    let d = try Self.diff(Self.base, Self.base, metaA: ["format": "pt", "author": "x"], metaB: ["format": "np", "license": "mit"])
    let changes = d.metadataChanged.map { "\($0.key): \($0.a ?? "-") | \($0.b ?? "-")" }
    #expect(changes.sorted() == ["author: string x | -", "format: string pt | string np", "license: - | string mit"])
    #expect(!d.structurallyDifferent && !d.identical)
  }

  @Test func arraysAreSummarizedByTypeLengthAndHash() {
    let a = MetadataValue.array(MetadataArray(elementType: "string", count: 3, items: [.string("a"), .string("b"), .string("c")]))
    let b = MetadataValue.array(MetadataArray(elementType: "string", count: 3, items: [.string("a"), .string("b"), .string("d")]))
    let sa = Differ.summary(a), sb = Differ.summary(b)
    #expect(sa.hasPrefix("[string x 3] fnv1a64:") && sb.hasPrefix("[string x 3] fnv1a64:"))
    #expect(sa != sb)
    #expect(sa == Differ.summary(a))
    #expect(!sa.contains("\"a\""))
  }

  // MARK: Across formats

  @Test func tinyLlamaAgainstItsGGUFConversion() throws {
    let hf = try CheckpointLoader.load(Paths.testData("tiny-llama"))
    let gguf = try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf"), options: LoadOptions(arrayItems: Int.max))
    let d = Differ.diff(hf, gguf, configA: ConfigFile.find(for: hf))
    #expect(d.crossFormat)
    #expect(d.unmapped.isEmpty)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    // 15 matrices requantized BF16 -> Q8_0; the 5 F32 norms unchanged.
    #expect(d.changed.count == 15)
    #expect(d.changed.allSatisfy { $0.changes == ["dtype", "bytes"] && $0.a.dtype == "BF16" && $0.b.dtype == "Q8_0" })
    #expect(d.identicalTensors.count == 5)
    let q = try #require(d.changed.first { $0.b.name == "blk.1.attn_q.weight" })
    #expect(q.a.name == "model.layers.1.self_attn.q_proj.weight" && q.a.shape == [64, 64] && q.b.shape == [64, 64])
    #expect(q.a.bytes == 8192 && q.b.bytes == 4352)
    // The head: lm_head in the HF file, none in the GGUF (the embedding serves): accounted for.
    #expect(d.parametersA == 139_584 && d.parametersB == 106_816)
    #expect(d.parameterDifference == -32_768 && d.explainedDifference == -32_768)
    #expect(d.conventions.count == 1 && d.conventions[0].hasPrefix("head: lm_head.weight stored in"))
    // tiny-llama's config says untied: the note says what the headers cannot check.
    #expect(d.conventions[0].hasSuffix("config.json says tie_word_embeddings: false, so this is right only if lm_head.weight equals the embedding"))
    #expect(d.hyperparametersChanged.isEmpty)
    #expect(d.metadataChanged.isEmpty)
    #expect(!d.structurallyDifferent && !d.identical)
    #expect(DiffReport.verdict(d) == "same model, converted: 15 tensors BF16→Q8_0; parameters equal")
    // The other way round: the same, from B's side.
    let back = Differ.diff(gguf, hf, configB: ConfigFile.find(for: hf))
    #expect(back.onlyInA.isEmpty && back.onlyInB.isEmpty && back.changed.count == 15 && back.explainedDifference == 32_768)
  }

  @Test func aWrongHeadCountKVIsCaught() throws {
    let dir = TempDir()
    try FileManager.default.createDirectory(atPath: dir.path + "/hf", withIntermediateDirectories: true)
    dir.copy(Paths.testData("tiny-llama/model.safetensors"), as: "hf/model.safetensors")
    let config = try String(contentsOfFile: Paths.testData("tiny-llama/config.json"), encoding: .utf8)
    dir.write("hf/config.json", config.replacingOccurrences(of: "\"num_key_value_heads\": 2", with: "\"num_key_value_heads\": 4"))
    let hf = try CheckpointLoader.load(dir.path + "/hf")
    let gguf = try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf"))
    let d = Differ.diff(hf, gguf, configA: ConfigFile.find(for: hf))
    #expect(d.hyperparametersChanged == [.init(field: "kv_heads", a: 4, b: 2)])
    #expect(d.structurallyDifferent)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.unmapped.isEmpty)
  }

  static func record(_ name: String, _ dtype: String, _ shape: TensorShape, gguf: Bool) -> TensorRecord {
    let n = shape.reduce(1, *)
    return TensorRecord(
      name: name, dtype: dtype, shape: shape, reversedInFile: gguf, elements: n, bytes: n * 2, bitsPerElement: 16)
  }

  /// Mixtral: 4 experts x (w1, w2, w3) per block in HF, one stacked tensor per projection in GGUF.
  static func mixtral(experts: [Int]) -> (Catalog, Catalog) {
    var hf: [TensorRecord] = [record("model.layers.0.block_sparse_moe.gate.weight", "BF16", [4, 8], gguf: false)]
    for e in experts {
      hf.append(record("model.layers.0.block_sparse_moe.experts.\(e).w1.weight", "BF16", [16, 8], gguf: false))
      hf.append(record("model.layers.0.block_sparse_moe.experts.\(e).w2.weight", "BF16", [8, 16], gguf: false))
      hf.append(record("model.layers.0.block_sparse_moe.experts.\(e).w3.weight", "BF16", [16, 8], gguf: false))
    }
    hf.append(record("model.layers.0.self_attn.rotary_emb.inv_freq", "F32", [4], gguf: false))
    hf.append(record("model.layers.0.mystery.weight", "BF16", [2], gguf: false))
    let gguf = [
      record("blk.0.ffn_gate_inp.weight", "BF16", [4, 8], gguf: true),
      record("blk.0.ffn_gate_exps.weight", "BF16", [4, 16, 8], gguf: true),
      record("blk.0.ffn_down_exps.weight", "BF16", [4, 8, 16], gguf: true),
      record("blk.0.ffn_up_exps.weight", "BF16", [4, 16, 8], gguf: true),
    ]
    return (
      Catalog(path: "hf", format: .safetensors, files: [], tensors: hf),
      Catalog(path: "gguf", format: .gguf, files: [], tensors: gguf)
    )
  }

  @Test func mixtralExpertsMapToTheStackedTensors() {
    let (hf, gguf) = Self.mixtral(experts: [0, 1, 2, 3])
    let d = Differ.diff(hf, gguf)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.changed.isEmpty)
    #expect(d.identicalTensors.count == 4)
    let gate = d.identicalTensors.first { $0.name.contains("w1") }
    #expect(gate?.name == "model.layers.0.block_sparse_moe.experts.*.w1.weight")
    #expect(gate?.shape == [4, 16, 8] && gate?.parameters == 512)
    // The dropped buffer is a convention; an unknown name is listed, not dropped.
    #expect(d.unmapped.map(\.name) == ["model.layers.0.mystery.weight"])
    #expect(d.explainedDifference == -4)
    #expect(d.structurallyDifferent)
  }

  @Test func aMissingExpertIsAShapeChange() {
    let (hf, gguf) = Self.mixtral(experts: [0, 1, 3])
    let d = Differ.diff(hf, gguf)
    #expect(d.changed.count == 3)
    #expect(d.changed.allSatisfy { $0.changes.first == "shape" && $0.a.shape.first == 0 && $0.b.shape.first == 4 })
  }

  @Test func nameTableFacts() {
    func g(_ n: String, gemma: Bool = false) -> String? { GGUFNameMap.target(n, gemmaPostNorms: gemma)?.name }
    #expect(g("model.embed_tokens.weight") == "token_embd.weight")
    #expect(g("lm_head.weight") == "output.weight")
    #expect(g("model.norm.weight") == "output_norm.weight")
    #expect(g("model.layers.7.self_attn.k_proj.bias") == "blk.7.attn_k.bias")
    #expect(g("model.layers.2.post_attention_layernorm.weight") == "blk.2.ffn_norm.weight")
    #expect(g("model.layers.2.post_attention_layernorm.weight", gemma: true) == "blk.2.post_attention_norm.weight")
    #expect(g("model.layers.2.pre_feedforward_layernorm.weight") == "blk.2.ffn_norm.weight")
    #expect(g("model.layers.2.post_feedforward_layernorm.weight") == "blk.2.post_ffw_norm.weight")
    #expect(g("model.layers.0.self_attn.q_norm.weight") == "blk.0.attn_q_norm.weight")
    #expect(g("model.layers.1.mlp.experts.5.down_proj.weight") == "blk.1.ffn_down_exps.weight")
    #expect(GGUFNameMap.target("model.layers.1.mlp.experts.5.down_proj.weight")?.expert == 5)
    #expect(g("model.layers.1.mlp.shared_expert_gate.weight") == "blk.1.ffn_gate_inp_shexp.weight")
    #expect(g("model.layers.1.mlp.shared_expert.up_proj.weight") == "blk.1.ffn_up_shexp.weight")
    #expect(g("model.layers.1.mlp.gate.weight") == "blk.1.ffn_gate_inp.weight")
    #expect(g("model.layers.x.mlp.gate.weight") == nil)
    #expect(g("model.vision_tower.patch_embed.weight") == nil)
  }

  /// llama.cpp's own conversions (scripts/llama-cpp-oracle-convert.py): every tensor mapped,
  /// shapes equal, parameters equal once the head convention is accounted for, hyperparameters
  /// equal. Skipped (visibly) where the conversions were never made, as in CI.
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: LlamaCppMemoryTests.converted + "/conv-llama.gguf"),
      "needs scripts/llama-cpp-oracle convert"),
    arguments: ["conv-llama", "conv-qwen2", "conv-gemma3", "conv-mixtral", "conv-qwen2moe"])
  func realConversionsDiffAsConverted(_ name: String) throws {
    let hf = try CheckpointLoader.load(LlamaCppMemoryTests.converted + "/hf/\(name)")
    let gguf = try CheckpointLoader.load(LlamaCppMemoryTests.converted + "/\(name).gguf")
    let config = try #require(ConfigFile.find(for: hf))
    let d = Differ.diff(hf, gguf, configA: config)
    #expect(d.unmapped.isEmpty)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(!d.changed.contains { $0.changes.contains("shape") })
    #expect(d.identicalTensors.count + d.changed.count == gguf.tensors.count)
    #expect(d.parameterDifference == d.explainedDifference)
    #expect(d.hyperparametersChanged.isEmpty)
    #expect(!d.structurallyDifferent)
    // Every field the audit reads was stated on both sides and compared.
    let compared = Set(Hyperparameters.from(config: config).fields.map(\.0)).intersection(
      (Hyperparameters.from(gguf: gguf)?.fields ?? []).map(\.0))
    #expect(compared.isSuperset(of: ["hidden", "layers", "heads", "kv_heads", "ffn", "context", "rope_base"]))
  }
}

/// Conversion faults planted in a Hugging Face file written from tiny-llama's own header, diffed
/// against the real tiny-llama.Q8_0.gguf: each is reported, nothing else is.
@Suite struct PlantedConversionFaultTests {
  @Test func aTransposedAndAMissingTensorAreReported() throws {
    let original = try CheckpointLoader.load(Paths.testData("tiny-llama"))
    var entries: [(String, String, [Int])] = []
    for t in original.tensors where t.name != "model.layers.1.mlp.up_proj.weight" {
      var shape = t.shape.map { Int($0) }
      if t.name == "model.layers.0.self_attn.k_proj.weight" { shape.reverse() }
      entries.append((String(t.name), t.dtype, shape))
    }
    entries.append(("model.layers.0.self_attn.rotary_emb.inv_freq", "F32", [8]))
    entries.append(("model.layers.0.self_attn.q_proj_extra.weight", "BF16", [4]))
    let dir = TempDir()
    let hf = try CheckpointLoader.load(dir.write("model.safetensors", DiffTests.safetensors(entries)))
    let gguf = try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf"))
    let d = Differ.diff(hf, gguf)
    #expect(d.onlyInA.isEmpty)
    #expect(d.onlyInB.map(\.name) == ["blk.1.ffn_up.weight"])
    let reshaped = d.changed.filter { $0.changes.contains("shape") }
    #expect(reshaped.count == 1)
    #expect(reshaped.first?.b.name == "blk.0.attn_k.weight")
    #expect(reshaped.first?.a.shape == [64, 32] && reshaped.first?.b.shape == [32, 64])
    #expect(d.unmapped.map(\.name) == ["model.layers.0.self_attn.q_proj_extra.weight"])
    // The head (-32,768) is explained; the dropped buffer holds no parameters (it is not learned:
    // it is noted, and counts for nothing); the missing up_proj (+8,192 in B) and the unmapped
    // tensor (4) are not explained.
    #expect(d.explainedDifference == -32_768)
    #expect(d.parameterDifference - d.explainedDifference == 8_192 - 4)
    #expect(d.conventions.count == 2)
    #expect(d.structurallyDifferent)
  }

  @Test func twoNamesForOneGGUFTensorAreNotBothMatched() throws {
    let hf = Catalog(path: "hf", format: .safetensors, files: [], tensors: [
      DiffTests.record("model.layers.0.mlp.gate.weight", "BF16", [4, 8], gguf: false),
      DiffTests.record("model.layers.0.block_sparse_moe.gate.weight", "BF16", [4, 8], gguf: false),
    ])
    let gguf = Catalog(path: "g", format: .gguf, files: [], tensors: [DiffTests.record("blk.0.ffn_gate_inp.weight", "BF16", [4, 8], gguf: true)])
    let d = Differ.diff(hf, gguf)
    #expect(d.identicalTensors.count == 1)
    #expect(d.unmapped.map(\.name) == ["model.layers.0.block_sparse_moe.gate.weight"])
  }
}

/// GGUF arrays compared by a hash of all their bytes, taken while the header is read: a change
/// deep in a tokenizer's token list (far past the items a report keeps) is still seen.
@Suite struct ArrayDigestTests {
  @Test func oneTokenChangedPastThePreviewIsSeen() throws {
    let original = Paths.testData("tiny-llama.Q8_0.gguf")
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
    let key = Array("tokenizer.ggml.tokens".utf8)
    let at = try #require((0..<(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key })
    // A letter of a token some 2,000 bytes into the list, well past the first items.
    let letter = try #require(((at + 2_000)..<bytes.count).first { bytes[$0] >= 0x61 && bytes[$0] <= 0x79 })
    bytes[letter] += 1
    let dir = TempDir()
    let changed = dir.write("changed.gguf", bytes)
    var options = LoadOptions()
    options.hashArrays = true
    let a = try CheckpointLoader.load(original, options: options)
    let b = try CheckpointLoader.load(changed, options: options)
    guard case .array(let x)? = a.metadata["tokenizer.ggml.tokens"], case .array(let y)? = b.metadata["tokenizer.ggml.tokens"] else {
      Issue.record("no token array")
      return
    }
    #expect(x.count == 512 && y.count == 512)
    #expect(!x.isComplete)
    #expect(x.items == y.items)  // the preview is the same...
    #expect(x.digest != nil && y.digest != nil && x.digest != y.digest)  // ...the bytes are not
    let same = try CheckpointLoader.load(original, options: options)
    #expect(Differ.summary(a.metadata["tokenizer.ggml.tokens"]!) == Differ.summary(same.metadata["tokenizer.ggml.tokens"]!))
    #expect(Differ.summary(a.metadata["tokenizer.ggml.tokens"]!) != Differ.summary(b.metadata["tokenizer.ggml.tokens"]!))
    #expect(Differ.summary(a.metadata["tokenizer.ggml.tokens"]!).hasPrefix("[string x 512] hash:"))
    // Without the option, nothing is hashed (the other commands pay nothing).
    guard case .array(let plain)? = try CheckpointLoader.load(original).metadata["tokenizer.ggml.tokens"] else { return }
    #expect(plain.digest == nil)
  }
}
