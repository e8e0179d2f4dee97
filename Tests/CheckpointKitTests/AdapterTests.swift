import Foundation
import Testing
@testable import CheckpointKit

/// Adapter mode: PEFT's own adapters (TestData/peft, made by scripts/make-peft-fixtures) against
/// their bases, with PEFT's own trainable counts (expected.json) asserted exactly, and hand-made
/// files for the cases PEFT does not write (a saved copy of the wrong shape, a base with a prefix).
@Suite struct AdapterTests {
  static func fit(_ adapter: String, _ base: String) throws -> AdapterFit {
    let a = try CheckpointLoader.load(Paths.testData("peft/" + adapter))
    let b = try CheckpointLoader.load(Paths.testData("peft/" + base))
    let config = AdapterConfig.find(for: a)
    #expect(AdapterChecker.isAdapter(a, config: config))
    #expect(!AdapterChecker.isAdapter(b, config: AdapterConfig.find(for: b)))
    return AdapterChecker.check(adapter: a, config: config, base: b)
  }

  /// PEFT's get_nb_trainable_parameters(), recorded by the fixture script.
  static func peft(_ name: String) throws -> (trainable: UInt64, all: UInt64) {
    let data = try Data(contentsOf: URL(fileURLWithPath: Paths.testData("peft/expected.json")))
    let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let entry = try #require(doc[name] as? [String: Any])
    return (try #require(entry["trainable"] as? UInt64), try #require(entry["all"] as? UInt64))
  }

  @Test func gpt2Conv1DAdapterFitsTheUnprefixedBase() throws {
    // PEFT names transformer.h.0.attn.c_attn; the base (original gpt2 naming) h.0.attn.c_attn,
    // stored [in, out] = [32, 96] (fan_in_fan_out).
    let f = try Self.fit("gpt2-lora", "gpt2-base")
    #expect(f.fits)
    #expect(f.problems.isEmpty)
    #expect(f.pairs == 2)
    #expect(f.newModules.isEmpty)
    let peft = try Self.peft("gpt2-lora")
    #expect(f.trainableParameters == 1_024)
    #expect(f.trainableParameters == peft.trainable)
    // PEFT's "all params" is base + adapter here: every model parameter is in the base file.
    #expect(f.baseParameters == 31_616)
    #expect(f.baseParameters + f.trainableParameters == peft.all)
    #expect(AdapterReport.trainableLine(f) == "trainable params: 1,024 || all params: 32,640 || trainable%: 3.1373")
  }

  @Test func llamaAdapterFitsAndMatchesPEFTsLine() throws {
    let f = try Self.fit("llama-lora", "llama-base")
    #expect(f.fits)
    #expect(f.pairs == 4)
    let peft = try Self.peft("llama-lora")
    #expect(f.trainableParameters == 1_792 && f.trainableParameters == peft.trainable)
    #expect(f.baseParameters == 26_784 && f.baseParameters + f.trainableParameters == peft.all)
    // PEFT printed: trainable params: 1,792 || all params: 28,576 || trainable%: 6.2710
    #expect(AdapterReport.trainableLine(f) == "trainable params: 1,792 || all params: 28,576 || trainable%: 6.2710")
  }

  @Test func classifierOnAMaskedLMBaseIsNewNotAMisfit() throws {
    let f = try Self.fit("bert-seqcls-lora", "bert-mlm-base")
    #expect(f.fits)
    #expect(f.pairs == 4)
    #expect(f.newModules == ["classifier"])
    // PEFT's trainable count includes the saved classifier copy (3 x 32 + 3 = 99): ours too.
    let peft = try Self.peft("bert-seqcls-lora")
    #expect(f.trainableParameters == 1_123 && f.trainableParameters == peft.trainable)
    // PEFT's "all params" (25,638) counts the sequence-classification model: its pooler and both
    // classifiers, not the masked-LM head the base file holds. Ours is base file + adapter.
    #expect(peft.all == 25_638)
    #expect(f.baseParameters == 24_608)
    #expect(f.baseParameters + f.trainableParameters == 25_731)
  }

  @Test func wrongRankAndWrongLoraBAreNamedWithNumbers() throws {
    let f = try Self.fit("llama-lora-bad", "llama-base")
    #expect(!f.fits)
    #expect(f.problems.map(\.module) == ["model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.v_proj"])
    #expect(f.problems.map(\.kind) == ["rank", "out_features"])
    #expect(f.problems[0].expected == [8] && f.problems[0].found == [4])
    #expect(f.problems[1].expected == [16] && f.problems[1].found == [24])
    #expect(f.problems[1].message == "model.layers.1.self_attn.v_proj: lora_B out-features 24, the base's model.layers.1.self_attn.v_proj has 16")
    #expect(f.trainableParameters == 1_600)
  }

  @Test func adapterForAnotherHiddenSizeMisfitsEveryModule() throws {
    let f = try Self.fit("llama48-lora", "llama-base")
    #expect(!f.fits)
    #expect(f.problems.count == 8)
    #expect(f.problems.filter { $0.kind == "in_features" }.allSatisfy { $0.expected == [32] && $0.found == [48] })
    let outs = f.problems.filter { $0.kind == "out_features" }
    #expect(outs.map(\.found) == [[48], [24], [48], [24]])
    #expect(outs.map(\.expected) == [[32], [16], [32], [16]])
    #expect(try Self.peft("llama48-lora").trainable == f.trainableParameters)
  }

  @Test func adapterForAnotherArchitectureHasMissingModules() throws {
    let f = try Self.fit("gpt2-lora", "llama-base")
    #expect(f.problems.map(\.kind) == ["missing_module", "missing_module"])
    #expect(f.problems.map(\.module) == ["transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn"])
  }

  @Test func handMadeCopiesPrefixesAndRankPattern() throws {
    let dir = TempDir()
    // The base has a prefix the adapter lacks; a saved copy of the wrong shape; a rank_pattern.
    let base = dir.write(
      "base.safetensors",
      DiffTests.safetensors([
        ("model.decoder.layers.0.q.weight", "F32", [8, 8]), ("model.decoder.layers.1.q.weight", "F32", [8, 8]),
        ("model.decoder.head.weight", "F32", [4, 8]), ("model.decoder.head.bias", "F32", [4]),
      ]))
    try FileManager.default.createDirectory(atPath: dir.path + "/adapter", withIntermediateDirectories: true)
    dir.write("adapter/adapter_config.json", Array(#"{"r": 2, "rank_pattern": {"layers.1.q": 4}, "modules_to_save": ["head"]}"#.utf8))
    dir.write(
      "adapter/adapter_model.safetensors",
      DiffTests.safetensors([
        ("base_model.model.layers.0.q.lora_A.weight", "F32", [2, 8]), ("base_model.model.layers.0.q.lora_B.weight", "F32", [8, 2]),
        ("base_model.model.layers.1.q.lora_A.weight", "F32", [2, 8]), ("base_model.model.layers.1.q.lora_B.weight", "F32", [8, 2]),
        ("base_model.model.head.weight", "F32", [5, 8]), ("base_model.model.head.bias", "F32", [5]),
      ]))
    let a = try CheckpointLoader.load(dir.path + "/adapter")
    let config = try #require(AdapterConfig.find(for: a))
    #expect(config.expectedRank(of: "layers.1.q") == 4 && config.expectedRank(of: "layers.0.q") == 2)
    let f = AdapterChecker.check(adapter: a, config: config, base: try CheckpointLoader.load(base))
    #expect(f.problems.map(\.kind) == ["rank", "shape", "shape"])
    #expect(f.problems.map(\.module) == ["layers.1.q", "head.bias", "head.weight"])
    #expect(f.problems[2].expected == [4, 8] && f.problems[2].found == [5, 8])
    #expect(f.newModules.isEmpty)
    #expect(f.trainableParameters == 4 * 16 + 45)
  }

  @Test func shardedBaseAndAdapterFileAreReadToo() throws {
    // The llama base re-written as two shards with an index; the adapter named by its file.
    let dir = TempDir()
    let whole = try CheckpointLoader.load(Paths.testData("peft/llama-base"))
    let tensors = whole.tensors.map { (String($0.name), "F32", $0.shape.map { Int($0) }) }
    let half = tensors.count / 2
    dir.write("model-00001-of-00002.safetensors", DiffTests.safetensors(Array(tensors[..<half])))
    dir.write("model-00002-of-00002.safetensors", DiffTests.safetensors(Array(tensors[half...])))
    let map = tensors.enumerated().map { "\"\($0.element.0)\": \"model-0000\($0.offset < half ? 1 : 2)-of-00002.safetensors\"" }
    dir.write("model.safetensors.index.json", "{\"metadata\": {}, \"weight_map\": {\(map.joined(separator: ", "))}}")
    let base = try CheckpointLoader.load(dir.path)
    #expect(base.format == .shardedSafetensors)
    let adapter = try CheckpointLoader.load(Paths.testData("peft/llama-lora-bad/adapter_model.safetensors"))
    let config = try #require(AdapterConfig.find(for: adapter))
    #expect(config.rank == 8)
    let f = AdapterChecker.check(adapter: adapter, config: config, base: base)
    #expect(f.baseParameters == 26_784)
    #expect(f.problems.map(\.kind) == ["rank", "out_features"])
  }

  @Test func anEmbeddingAdaptedByLoraEmbeddingIsChecked() throws {
    // PEFT names these lora_embedding_A [r, num_embeddings] and lora_embedding_B [dim, r].
    let dir = TempDir()
    let base = dir.write("base.safetensors", DiffTests.safetensors([("model.embed_tokens.weight", "F32", [16, 8])]))
    let good = dir.write(
      "good.safetensors",
      DiffTests.safetensors([
        ("base_model.model.model.embed_tokens.lora_embedding_A", "F32", [2, 16]),
        ("base_model.model.model.embed_tokens.lora_embedding_B", "F32", [8, 2]),
      ]))
    let bad = dir.write(
      "bad.safetensors",
      DiffTests.safetensors([
        ("base_model.model.model.embed_tokens.lora_embedding_A", "F32", [2, 32]),
        ("base_model.model.model.embed_tokens.lora_embedding_B", "F32", [8, 2]),
      ]))
    let b = try CheckpointLoader.load(base)
    let config = AdapterConfig(rank: 2)
    #expect(AdapterChecker.check(adapter: try CheckpointLoader.load(good), config: config, base: b).fits)
    let f = AdapterChecker.check(adapter: try CheckpointLoader.load(bad), config: config, base: b)
    #expect(f.problems.map(\.kind) == ["in_features"])
    #expect(f.problems[0].expected == [16] && f.problems[0].found == [32])
  }
}

@Suite struct LoraNameTests {
  @Test(arguments: [
    ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", true),
    ("base_model.model.h.0.attn.c_attn.lora_B.weight", true),
    ("x..lora_A.weight", true),
    ("model.layers.0.self_attn.q_proj.weight", false),
    ("x.lora_C.weight", false),
    ("x.lora_Ab.weight", false),
    ("x.lora_A", false),
    ("lora_A.weight", false),
    ("x.lora_embedding_A.weight", false),
  ])
  func loraPartsAreFoundOverBytes(name: String, expected: Bool) {
    #expect(AdapterChecker.hasLoraPart(Substring(name)) == expected)
    // The same answer as the String search it replaces.
    #expect((name.contains(".lora_A.") || name.contains(".lora_B.")) == expected)
  }

  /// The word-at-a-time search at every position and length: the pattern across word borders, in
  /// the overlapping last word, beside other underscores, and almost-patterns.
  @Test func loraPartsAtEveryOffset() {
    for length in 8...40 {
      for at in 0...(length - 8) {
        for part in [".lora_A.", ".lora_B.", ".lora_C.", ".lorb_A.", "_lora_A.", ".lora_A_"] {
          let filler = Array("q_p.o_j_x".utf8)
          var bytes = (0..<length).map { filler[$0 % filler.count] }
          bytes.replaceSubrange(at..<(at + 8), with: part.utf8)
          let name = String(decoding: bytes, as: UTF8.self)
          #expect(AdapterChecker.hasLoraPart(Substring(name)) == (name.contains(".lora_A.") || name.contains(".lora_B.")), "\(name)")
        }
      }
    }
  }
}
