import Foundation
import Testing
@testable import CheckpointKit

/// llama.cpp's real conversions, in CI: TestData/conversions holds the headers of tiny random
/// Hugging Face models (scripts/llama-cpp-oracle convert) and of what convert_hf_to_gguf.py and
/// llama-quantize made of them, copied by scripts/extract-conversion-headers. Each file is rebuilt
/// here as its real header followed by a sparse zero-filled data section of the original length:
/// the diff reads headers only, so it sees exactly what it would on the real files.
enum Conversions {
  struct Manifest: Decodable {
    struct Pair: Decodable, Sendable, CustomTestStringConvertible {
      let name: String
      /// The Hugging Face directory and the GGUF file, relative to TestData/conversions.
      let hf: String
      let gguf: String
      var testDescription: String { name }
    }
    struct File: Decodable {
      let path: String
      /// Header bytes; for a GGUF, where they start in the stream.
      let header: Int
      let bytes: UInt64
      let stream_offset: Int?
    }
    let pairs: [Pair]
    let files: [File]
    let stream: String
    let stream_bytes: Int
  }

  static let dir = Paths.testData("conversions")
  static let manifest: Manifest? = {
    guard let data = FileManager.default.contents(atPath: dir + "/manifest.json") else { return nil }
    return try? JSONDecoder().decode(Manifest.self, from: data)
  }()
  static let pairs: [Manifest.Pair] = manifest?.pairs ?? []
  /// The pairs whose GGUF is a text model (every one but the mmproj files, which MmprojDiffTests take).
  static let textPairs: [Manifest.Pair] = pairs.filter { !$0.gguf.hasSuffix("-mmproj.gguf") }

  /// Every GGUF header, one after the other, decompressed once (the zstd command, as ZstdTests use it).
  static let stream: [UInt8]? = {
    guard let manifest else { return nil }
    let tmp = TempDir()
    let out = tmp.path + "/stream.bin"
    guard ZstdTests.zstd(["-d", "--long=27", dir + "/" + manifest.stream, "-o", out]) == 0,
      let data = FileManager.default.contents(atPath: out), data.count == manifest.stream_bytes
    else { return nil }
    return [UInt8](data)
  }()

  /// The real header of `path` (a manifest path), and the original file's length.
  static func header(_ path: String) throws -> (bytes: [UInt8], length: UInt64) {
    let manifest = try #require(manifest, "TestData/conversions/manifest.json")
    let file = try #require(manifest.files.first { $0.path == path }, "\(path) in the manifest")
    if let at = file.stream_offset {
      let stream = try #require(stream, "TestData/conversions/\(manifest.stream) decompressed")
      return (Array(stream[at..<(at + file.header)]), file.bytes)
    }
    let data = try #require(FileManager.default.contents(atPath: dir + "/" + path + ".header"))
    return ([UInt8](data), file.bytes)
  }

  /// Writes `header` then extends the file to `length` with a hole: zeros that take no disk.
  static func rebuild(_ header: [UInt8], length: UInt64, at path: String) throws {
    #expect(FileManager.default.createFile(atPath: path, contents: Data(header)))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: length)
    try handle.close()
  }

  /// A pair rebuilt in `tmp`: the Hugging Face directory (model.safetensors, config.json) and the GGUF.
  /// `gguf` edits the GGUF header first (a planted fault).
  static func rebuild(_ pair: Manifest.Pair, in tmp: TempDir, gguf edit: ([UInt8]) -> [UInt8] = { $0 }) throws -> (hf: String, gguf: String) {
    let hf = tmp.path + "/" + pair.hf
    // Pairs that share a Hugging Face model (conv-llama's quantizations) share its directory.
    if !FileManager.default.fileExists(atPath: hf + "/config.json") {
      try FileManager.default.createDirectory(atPath: hf, withIntermediateDirectories: true)
      let st = try header(pair.hf + "/model.safetensors")
      try rebuild(st.bytes, length: st.length, at: hf + "/model.safetensors")
      try FileManager.default.copyItem(atPath: dir + "/" + pair.hf + "/config.json", toPath: hf + "/config.json")
    }
    let g = try header(pair.gguf)
    let gguf = tmp.path + "/" + pair.gguf
    try rebuild(edit(g.bytes), length: g.length, at: gguf)
    return (hf, gguf)
  }

  static func pair(_ name: String) throws -> Manifest.Pair {
    try #require(pairs.first { $0.name == name }, "pair \(name) in TestData/conversions/manifest.json")
  }

  /// The pair diffed as `ckptinspect diff HF GGUF` does (GGUF arrays hashed, config.json found),
  /// with the two catalogs and the config (read while the rebuilt files exist).
  static func diff(_ name: String, gguf edit: ([UInt8]) -> [UInt8] = { $0 }) throws -> (CheckpointDiff, Catalog, Catalog, ConfigFile) {
    let tmp = TempDir()
    let (hfPath, ggufPath) = try rebuild(pair(name), in: tmp, gguf: edit)
    var options = LoadOptions()
    options.hashArrays = true
    let hf = try CheckpointLoader.load(hfPath, options: options)
    let gguf = try CheckpointLoader.load(ggufPath, options: options)
    let config = try #require(ConfigFile.find(for: hf), "\(name)'s config.json")
    return (Differ.diff(hf, gguf, configA: config), hf, gguf, config)
  }
}

@Suite struct ConversionDiffTests {
  @Test func theFixturesAreThere() throws {
    let manifest = try #require(Conversions.manifest)
    #expect(manifest.pairs.map(\.name) == [
      "conv-llama", "conv-qwen2", "conv-gemma3", "conv-mixtral", "conv-qwen2moe", "conv-qwen3", "conv-qwen3moe", "conv-phi3",
      "conv-gpt2", "conv-bert", "conv-gemma3mm", "conv-llava", "conv-qwen3moe-native",
      "conv-gemma", "conv-gemma2", "conv-llama31", "conv-phi3-128k", "real-minilm",
      "conv-llama-fusedqkv", "conv-llama-Q4_K_M", "conv-llama-Q8_0", "conv-gemma3mm-mmproj",
    ])
    #expect(Conversions.stream != nil)
  }

  /// On a machine with the conversions (scripts/llama-cpp-oracle convert): the stored headers are
  /// byte for byte the real files' (the fixtures are not stale). Skipped, visibly, elsewhere.
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: LlamaCppMemoryTests.converted + "/conv-llama-Q8_0.gguf"),
      "needs scripts/llama-cpp-oracle convert"))
  func theStoredHeadersAreTheRealOnes() throws {
    let manifest = try #require(Conversions.manifest)
    for file in manifest.files {
      let real = LlamaCppMemoryTests.converted + "/" + file.path
      let stored = try Conversions.header(file.path)
      let handle = try #require(FileHandle(forReadingAtPath: real), "\(real)")
      defer { try? handle.close() }
      let bytes = try handle.read(upToCount: stored.bytes.count) ?? Data()
      #expect([UInt8](bytes) == stored.bytes, "\(file.path)")
      #expect(try handle.seekToEnd() == stored.length, "\(file.path)")
    }
  }

  /// Every real pair: each tensor mapped, nothing only on one side, no shape changed, parameters
  /// equal once the conventions are accounted for, the hyperparameters both sides state equal.
  @Test(arguments: Conversions.textPairs)
  func realConversionDiffsAsConverted(_ pair: Conversions.Manifest.Pair) throws {
    let (d, _, gguf, config) = try Conversions.diff(pair.name)
    #expect(d.crossFormat)
    #expect(d.unmapped.isEmpty)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(!d.changed.contains { $0.changes.contains("shape") })
    // Every GGUF tensor is matched once, alone or as a part of a fused group ("a + b"), or is a
    // RoPE table the converter computed. The random models are BF16, which no GGUF tensor is:
    // all changed. The real MiniLM is F32: its norms and biases stay F32, identical.
    let computed = gguf.tensors.filter { GGUFNameMap.generatedByConverter.contains(String($0.name)) }.count
    #expect(d.identicalTensors.count + d.changed.reduce(0) { $0 + $1.b.name.components(separatedBy: " + ").count } + computed == gguf.tensors.count)
    #expect(d.identicalTensors.allSatisfy { $0.dtype == "F32" })
    #expect(d.parameterDifference == d.explainedDifference)
    #expect(d.hyperparametersChanged.isEmpty)
    // ...and compared at all: the config was read and the GGUF states the architecture's fields.
    #expect(Hyperparameters.from(config: config).fields.count >= 5)
    #expect((Hyperparameters.from(gguf: gguf)?.fields.count ?? 0) >= 5)
    #expect(!d.structurallyDifferent)
    let verdict = DiffReport.verdict(d)
    #expect(verdict.hasPrefix("same model, converted: \(d.changed.count) tensors ") && verdict.hasSuffix("; parameters equal"))
    #expect(!d.identical)
  }

  /// The hyperparameters compared on each pair: every field both the config and the GGUF state.
  /// GPT-2 and BERT have no rotary base; GPT-2's FFN width is 4 x n_embd (n_inner is null);
  /// GPT-2's and BERT's GGUFs state no KV heads.
  @Test func theHyperparametersCompared() throws {
    let rotary: Set = ["vocab", "hidden", "layers", "heads", "kv_heads", "ffn", "context", "rope_base"]
    let expected: [String: Set<String>] = [
      "conv-llama": rotary, "conv-qwen3": rotary, "conv-phi3": rotary, "conv-gemma3mm": rotary, "conv-llava": rotary,
      "conv-qwen3moe": rotary.union(["experts"]),
      "conv-gpt2": ["vocab", "hidden", "layers", "heads", "ffn", "context"],
      "conv-bert": ["vocab", "hidden", "layers", "heads", "ffn", "context"],
      "real-minilm": ["vocab", "hidden", "layers", "heads", "ffn", "context"],
    ]
    for (name, fields) in expected {
      let (_, _, gguf, config) = try Conversions.diff(name)
      let compared = Set(Hyperparameters.from(config: config).fields.map(\.0)).intersection(
        (Hyperparameters.from(gguf: gguf)?.fields ?? []).map(\.0))
      #expect(compared == fields, "\(name)")
    }
  }

  @Test func gpt2Conv1DWeightsAreComparedTransposed() throws {
    let (d, hf, _, _) = try Conversions.diff("conv-gpt2")
    // In the file: Conv1D's [in, out]. In the diff: [out, in], as the converter wrote it.
    #expect(hf.tensors.first { $0.name == "transformer.h.0.attn.c_attn.weight" }?.shape == [64, 192])
    let qkv = try #require(d.changed.first { $0.b.name == "blk.0.attn_qkv.weight" })
    #expect(qkv.a.name == "transformer.h.0.attn.c_attn.weight" && qkv.a.shape == [192, 64] && qkv.b.shape == [192, 64])
    let up = try #require(d.changed.first { $0.b.name == "blk.1.ffn_up.weight" })
    #expect(up.a.shape == [256, 64] && up.b.shape == [256, 64])
    // Biases are not transposed; the tied head is neither stored nor written.
    #expect(d.changed.first { $0.b.name == "blk.0.attn_qkv.bias" }?.a.shape == [192])
    #expect(d.conventions == [
      "8 GPT-2 Conv1D weight(s) in \(d.pathA) are stored [in, out]; the converter transposes them, so they are compared as [out, in]"
    ])
    #expect(d.explainedDifference == 0 && d.parameterDifference == 0)
  }

  @Test func bertHeadsAreDroppedByTheConverter() throws {
    let (d, hf, _, _) = try Conversions.diff("conv-bert")
    let heads = hf.tensors.filter { $0.name.hasPrefix("cls.") }
    // BertForMaskedLM's head (its decoder weight is tied to the embedding, so not stored); no pooler.
    #expect(heads.map { String($0.name) } == [
      "cls.predictions.bias", "cls.predictions.transform.LayerNorm.bias", "cls.predictions.transform.LayerNorm.weight",
      "cls.predictions.transform.dense.bias", "cls.predictions.transform.dense.weight",
    ])
    let parameters = heads.reduce(0) { $0 + $1.parameters }
    #expect(d.conventions == [
      "5 pooler / pre-training head tensor(s) in \(d.pathA) (\(Units.grouped(parameters)) parameters) are dropped by the converter: llama.cpp runs BERT as an embedding model"
    ])
    #expect(d.explainedDifference == -Int64(parameters) && d.parameterDifference == -Int64(parameters))
    let norm = try #require(d.changed.first { $0.b.name == "blk.1.layer_output_norm.weight" })
    #expect(norm.a.name == "bert.encoder.layer.1.output.LayerNorm.weight")
    #expect(d.changed.first { $0.b.name == "token_types.weight" }?.a.shape == [2, 64])
  }

  /// A real checkpoint: MiniLM-L6-H384-uncased as transformers 4.8 saved it (BertModel: no
  /// prefix, a pooler, the position_ids buffer), converted to F16.
  @Test func realMiniLM() throws {
    let (d, hf, gguf, _) = try Conversions.diff("real-minilm")
    let pooler = hf.tensors.filter { $0.name.hasPrefix("pooler.") }
    #expect(pooler.map { String($0.name) } == ["pooler.dense.bias", "pooler.dense.weight"])
    let poolerParameters = pooler.reduce(0) { $0 + $1.parameters }
    #expect(poolerParameters == 384 * 384 + 384)
    #expect(d.conventions == [
      "1 buffer(s) in \(d.pathA) (embeddings.position_ids) are dropped by the converter: rebuilt at load time",
      "2 pooler / pre-training head tensor(s) in \(d.pathA) (147,840 parameters) are dropped by the converter: llama.cpp runs BERT as an embedding model",
    ])
    // The pooler is explained; the buffer's 512 positions are no parameters (the summary does not
    // count them either); nothing else differs.
    #expect(d.explainedDifference == -147_840 && d.parameterDifference == d.explainedDifference)
    #expect(gguf.tensors.count == 101 && d.changed.count == 37 && d.identicalTensors.count == 64)
    let q = try #require(d.changed.first { $0.b.name == "blk.5.attn_q.weight" })
    #expect(q.a.name == "encoder.layer.5.attention.self.query.weight" && q.a.dtype == "F32" && q.b.dtype == "F16" && q.b.shape == [384, 384])
  }

  @Test func gemma3VisionTowerGoesToTheMmprojFile() throws {
    let (d, hf, _, _) = try Conversions.diff("conv-gemma3mm")
    let tower = hf.tensors.filter { $0.name.contains("vision_tower") || $0.name.contains("multi_modal_projector") }
    #expect(tower.count == 34)
    let parameters = tower.reduce(0) { $0 + $1.parameters }
    #expect(d.conventions.first == "vision tower (34 tensors, \(Units.grouped(parameters)) parameters) in \(d.pathA) goes to llama.cpp's mmproj file (convert_hf_to_gguf.py --mmproj), not the text GGUF")
    #expect(d.explainedDifference == -Int64(parameters) && d.parameterDifference == -Int64(parameters))
    // The text model under its language_model. prefix, Gemma 3's four norms per block.
    let q = try #require(d.changed.first { $0.b.name == "blk.1.attn_q.weight" })
    #expect(q.a.name == "language_model.model.layers.1.self_attn.q_proj.weight" && q.a.shape == [128, 128])
    #expect(d.changed.first { $0.b.name == "blk.0.post_attention_norm.weight" }?.a.name == "language_model.model.layers.0.post_attention_layernorm.weight")
    // 2 blocks x 6 norms + the output norm, stored +1.
    #expect(d.conventions.last == "Gemma: 13 norm weight(s) are stored +1 by the converter (Gemma's RMSNorm scales by 1 + w); same shapes, values differ by design (headers cannot see values)")
  }

  /// LLaVA: the Llama text model under language_model., the CLIP tower (vision_tower.) and the
  /// projector (multi_modal_projector.linear_1/2) left for the mmproj file; an untied head.
  @Test func llavaTextModelAndTower() throws {
    let (d, hf, _, _) = try Conversions.diff("conv-llava")
    let tower = hf.tensors.filter { $0.name.hasPrefix("vision_tower.") || $0.name.hasPrefix("multi_modal_projector.") }
    #expect(tower.count == 27)
    let parameters = tower.reduce(0) { $0 + $1.parameters }
    #expect(d.conventions == [
      "vision tower (27 tensors, \(Units.grouped(parameters)) parameters) in \(d.pathA) goes to llama.cpp's mmproj file (convert_hf_to_gguf.py --mmproj), not the text GGUF"
    ])
    #expect(d.explainedDifference == -Int64(parameters))
    #expect(d.changed.first { $0.b.name == "output.weight" }?.a.name == "language_model.lm_head.weight")
    #expect(d.changed.first { $0.b.name == "blk.1.ffn_gate.weight" }?.a.name == "language_model.model.layers.1.mlp.gate_proj.weight")
  }

  /// Gemma's norms stored +1, said once per pair with their count: Gemma 1 has 2 per block, Gemma 2
  /// four, Gemma 3 six (with q_norm and k_norm), plus the output norm.
  @Test(arguments: [("conv-gemma", 5), ("conv-gemma2", 9), ("conv-gemma3", 49), ("conv-gemma3mm", 13)])
  func gemmaNormsAreNoted(_ name: String, _ norms: Int) throws {
    let (d, _, _, _) = try Conversions.diff(name)
    #expect(d.conventions.last == "Gemma: \(norms) norm weight(s) are stored +1 by the converter (Gemma's RMSNorm scales by 1 + w); same shapes, values differ by design (headers cannot see values)")
    #expect(d.changed.filter { $0.b.name.hasSuffix("norm.weight") }.count == norms)
  }

  /// Long-context RoPE: tables the converter computes from config.json, only in the GGUF, by design.
  @Test func computedRoPETablesAreAConvention() throws {
    let (llama, _, _, _) = try Conversions.diff("conv-llama31")
    #expect(llama.conventions == [
      "rope_freqs.weight in \(llama.pathB): computed by the converter from config.json's RoPE scaling, not copied from a checkpoint tensor"
    ])
    // One factor per rotary dimension pair (head_dim 32 / 2 = 16 values): a table computed from
    // the config, so no parameters (the summary counts none either), and the difference is nil.
    #expect(llama.onlyInB.isEmpty && llama.explainedDifference == 0 && llama.parameterDifference == 0)
    let (phi, _, _, _) = try Conversions.diff("conv-phi3-128k")
    #expect(phi.conventions == [
      "rope_factors_long.weight, rope_factors_short.weight in \(phi.pathB): computed by the converter from config.json's RoPE scaling, not copied from a checkpoint tensor"
    ])
    #expect(phi.onlyInB.isEmpty && phi.explainedDifference == 0 && phi.parameterDifference == 0)
    // Without the mapping across formats (two GGUFs), a table present in one only is a change.
    let tmp = TempDir()
    let plain = try Conversions.rebuild(Conversions.pair("conv-llama"), in: tmp)
    let scaled = try Conversions.rebuild(Conversions.pair("conv-llama31"), in: tmp)
    let d = Differ.diff(try CheckpointLoader.load(plain.gguf), try CheckpointLoader.load(scaled.gguf))
    #expect(d.onlyInB.contains { $0.name == "rope_freqs.weight" })
  }

  @Test func phi3KeepsItsFusedProjections() throws {
    let (d, _, _, _) = try Conversions.diff("conv-phi3")
    let qkv = try #require(d.changed.first { $0.b.name == "blk.1.attn_qkv.weight" })
    #expect(qkv.a.name == "model.layers.1.self_attn.qkv_proj.weight" && qkv.a.shape == [384, 128] && qkv.b.shape == [384, 128])
    let up = try #require(d.changed.first { $0.b.name == "blk.0.ffn_up.weight" })
    #expect(up.a.name == "model.layers.0.mlp.gate_up_proj.weight" && up.b.shape == [512, 128])
    #expect(d.conventions.isEmpty)
  }

  @Test func qwen3MoEExpertsAndNorms() throws {
    let (d, _, _, _) = try Conversions.diff("conv-qwen3moe")
    let gate = try #require(d.changed.first { $0.b.name == "blk.1.ffn_gate_exps.weight" })
    #expect(gate.a.name == "model.layers.1.mlp.experts.*.gate_proj.weight" && gate.a.shape == [8, 64, 128] && gate.b.shape == [8, 64, 128])
    #expect(d.changed.first { $0.b.name == "blk.0.attn_k_norm.weight" }?.a.shape == [32])
    let (d3, _, _, _) = try Conversions.diff("conv-qwen3")
    #expect(d3.changed.first { $0.b.name == "blk.2.attn_q_norm.weight" }?.a.name == "model.layers.2.self_attn.q_norm.weight")
  }

  /// transformers 5's native MoE layout (one gate_up_proj per block) against the converter's
  /// split ffn_gate_exps and ffn_up_exps: one group per block, rows added.
  @Test func nativeFusedExpertsAgainstSplitStacks() throws {
    let (d, _, gguf, _) = try Conversions.diff("conv-qwen3moe-native")
    let gateUp = try #require(d.changed.first { $0.a.name == "model.layers.1.mlp.experts.gate_up_proj" })
    #expect(gateUp.b.name == "blk.1.ffn_gate_exps.weight + blk.1.ffn_up_exps.weight")
    #expect(gateUp.a.shape == [8, 128, 128] && gateUp.b.shape == [8, 128, 128])
    #expect(gguf.tensors.first { $0.name == "blk.1.ffn_gate_exps.weight" }?.shape == [8, 64, 128])
    #expect(d.changed.first { $0.a.name == "model.layers.0.mlp.experts.down_proj" }?.b.shape == [8, 128, 64])
    #expect(d.conventions == [
      "fused ffn_gate_up_exps: 2 group(s) of ffn_gate_exps/ffn_up_exps in \(d.pathB) compared as one ffn_gate_up_exps in \(d.pathA) (rows add up)"
    ])
  }

  /// conv-llama converted with --fuse-qkv: the HF q/k/v of each block against one attn_qkv.
  @Test func fusedQKVAgainstSplitProjections() throws {
    let (d, _, _, _) = try Conversions.diff("conv-llama-fusedqkv")
    let qkv = try #require(d.changed.first { $0.b.name == "blk.2.attn_qkv.weight" })
    #expect(qkv.a.name == "model.layers.2.self_attn.q_proj.weight + model.layers.2.self_attn.k_proj.weight + model.layers.2.self_attn.v_proj.weight")
    // 512 query rows + 128 key + 128 value (GQA 8/2, heads of 64).
    #expect(qkv.a.shape == [768, 512] && qkv.b.shape == [768, 512])
    #expect(qkv.a.parameters == 393_216 && qkv.b.parameters == 393_216)
    #expect(d.fusedGroups == 4)
    #expect(d.conventions == [
      "fused attn_qkv: 4 group(s) of attn_q/attn_k/attn_v in \(d.pathA) compared as one attn_qkv in \(d.pathB) (rows add up)"
    ])
  }

  /// The same conversion with and without --fuse-qkv, GGUF against GGUF: the groups match, nothing else moves.
  @Test func fusedAndSplitGGUFs() throws {
    let tmp = TempDir()
    let split = try Conversions.rebuild(Conversions.pair("conv-llama"), in: tmp)
    let fused = try Conversions.rebuild(Conversions.pair("conv-llama-fusedqkv"), in: tmp)
    let a = try CheckpointLoader.load(split.gguf), b = try CheckpointLoader.load(fused.gguf)
    #expect(a.tensors.count == 39 && b.tensors.count == 31)
    let d = Differ.diff(a, b)
    #expect(!d.crossFormat)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.unmapped.isEmpty && d.changed.isEmpty)
    #expect(d.identicalTensors.count == 31)
    #expect(d.identicalTensors.first { $0.name.hasPrefix("blk.0.attn_q.weight") }?.name == "blk.0.attn_q.weight + blk.0.attn_k.weight + blk.0.attn_v.weight")
    #expect(d.conventions.count == 1 && d.conventions[0].hasPrefix("fused attn_qkv: 4 group(s) of attn_q/attn_k/attn_v in "))
    #expect(d.fusedGroups == 4)
    #expect(!d.structurallyDifferent && !d.identical)
    #expect(DiffReport.verdict(d) == "same model, fused differently: 4 groups fused on one side, split on the other; parameters equal")
  }

  @Test func quantizedByLlamaQuantize() throws {
    let (q4, _, _, _) = try Conversions.diff("conv-llama-Q4_K_M")
    let types = Set(q4.changed.map(\.b.dtype))
    #expect(types.isSuperset(of: ["Q4_K", "Q6_K"]))
    #expect(q4.changed.first { $0.b.name == "blk.0.attn_q.weight" }?.b.dtype == "Q4_K")
    let (q8, _, _, _) = try Conversions.diff("conv-llama-Q8_0")
    #expect(Set(q8.changed.map(\.b.dtype)) == ["Q8_0", "F32"])
    // 39 dtype-only changes: summarized by change in text and Markdown (all listed with --all).
    #expect(q4.changed.count == 39 && !q4.changed.contains { $0.changes.contains("shape") })
    let text = DiffReport.text(q4)
    #expect(text.contains("\nchanged (39):\n  dtype only, by change (39 tensors; --all lists each):\n    BF16 -> Q4_K  23  embedding 1, attention 14, ffn 8\n    BF16 -> F32    9  norm 9\n"))
    #expect(!text.contains("-> blk.0.attn_q.weight"))
    #expect(DiffReport.text(q4, all: true).contains("model.layers.0.self_attn.q_proj.weight -> blk.0.attn_q.weight  BF16 -> Q4_K"))
    let markdown = DiffReport.markdown(q4)
    #expect(markdown.contains("**changed, dtype only** (39) — `--all` lists each\n\n| dtype change | tensors | components |\n| :-- | --: | :-- |\n| BF16 -> Q4_K | 23 | embedding 1, attention 14, ffn 8 |\n"))
    #expect(!markdown.contains("**changed** ("))
  }

  // MARK: Planted faults on real conversion headers

  /// `head_count_kv` rewritten in the real GGUF header (same width, so every offset holds).
  static func settingUInt32(_ key: String, to value: UInt32) -> ([UInt8]) -> [UInt8] {
    { bytes in
      var out = bytes
      // The key as GGUF stores it: u64 length, the bytes, then the value type (4: uint32).
      func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
      let needle = le(UInt64(key.utf8.count), 8) + Array(key.utf8) + le(4, 4)
      guard let at = (0...(bytes.count - needle.count)).first(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
      else { return bytes }
      out.replaceSubrange((at + needle.count)..<(at + needle.count + 4), with: le(UInt64(value), 4))
      return out
    }
  }

  @Test(arguments: [("conv-llama", "llama", 2.0), ("conv-qwen3", "qwen3", 2.0), ("conv-phi3", "phi3", 4.0)])
  func aWrongHeadCountKVInTheGGUFIsReported(_ name: String, _ arch: String, _ truth: Double) throws {
    let (d, _, gguf, _) = try Conversions.diff(name, gguf: Self.settingUInt32("\(arch).attention.head_count_kv", to: 1))
    #expect(gguf.metadata["\(arch).attention.head_count_kv"].flatMap(Hyperparameters.number) == 1)
    #expect(d.hyperparametersChanged == [.init(field: "kv_heads", a: truth, b: 1)])
    #expect(d.structurallyDifferent)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.unmapped.isEmpty)
    #expect(DiffReport.verdict(d).hasPrefix("structurally different: hyperparameters differ (kv_heads)"))
  }

  /// GPT-2's HF header rewritten: one block's c_fc bias left out, and c_attn stored [out, in] as a
  /// Linear would (so the converter's transposition makes it [in, out]): both reported.
  @Test func aMissingAndATransposedGPT2TensorAreReported() throws {
    let tmp = TempDir()
    let (hfPath, ggufPath) = try Conversions.rebuild(Conversions.pair("conv-gpt2"), in: tmp)
    let original = try CheckpointLoader.load(hfPath)
    var entries: [(String, String, [Int])] = []
    for t in original.tensors where t.name != "transformer.h.1.mlp.c_fc.bias" {
      var shape = t.shape.map { Int($0) }
      if t.name == "transformer.h.0.attn.c_attn.weight" { shape.reverse() }
      entries.append((String(t.name), t.dtype, shape))
    }
    let hf = try CheckpointLoader.load(tmp.write("planted.safetensors", DiffTests.safetensors(entries)))
    let d = Differ.diff(hf, try CheckpointLoader.load(ggufPath))
    #expect(d.onlyInB.map(\.name) == ["blk.1.ffn_up.bias"])
    #expect(d.onlyInA.isEmpty && d.unmapped.isEmpty)
    let reshaped = d.changed.filter { $0.changes.contains("shape") }
    #expect(reshaped.map(\.b.name) == ["blk.0.attn_qkv.weight"])
    #expect(reshaped.first?.a.shape == [64, 192] && reshaped.first?.b.shape == [192, 64])
    #expect(d.parameterDifference - d.explainedDifference == 256)
    #expect(d.structurallyDifferent)
  }
}
