import Foundation
import Testing
@testable import CheckpointKit

/// Two LoRA adapters other people trained and published (headers in TestData/peft-real; sources,
/// commits and sha256 in scripts/make-real-adapter-fixtures), against bases with the layouts they
/// were trained on, written by transformers from the published configurations.
@Suite struct RealAdapterTests {
  static func load(_ folder: String, _ dir: TempDir) throws -> (Catalog, AdapterConfig?) {
    let catalog = try CheckpointLoader.load(try SparseCheckpoint.rebuild("peft-real/" + folder, into: dir))
    return (catalog, AdapterConfig.find(for: catalog))
  }

  /// anirudh-ak/peft-gpt2: c_attn in 12 layers, fan_in_fan_out (gpt2's Conv1D is [768, 2304]),
  /// and the sequence-classification head `score` saved whole: new to a GPT2Model base.
  @Test func gpt2SequenceClassificationAdapterFitsGpt2() throws {
    let dir = TempDir()
    let (adapter, config) = try Self.load("gpt2-seqcls-lora", dir)
    let (base, baseConfig) = try Self.load("gpt2-base", dir)
    #expect(AdapterChecker.isAdapter(adapter, config: config) && !AdapterChecker.isAdapter(base, config: baseConfig))
    #expect(config?.fanInFanOut == true && config?.rank == 8)
    let f = AdapterChecker.check(adapter: adapter, config: config, base: base)
    #expect(f.fits)
    #expect(f.pairs == 12 && f.modulesChecked == 12)
    #expect(f.newModules == ["score"])
    // 12 x (lora_A [8, 768] + lora_B [2304, 8]) + score [6, 768].
    #expect(f.trainableParameters == 12 * (8 * 768 + 2304 * 8) + 6 * 768)
    // gpt2's published count.
    #expect(f.baseParameters == 124_439_808)
    #expect(AdapterReport.trainableLine(f) == "trainable params: 299,520 || all params: 124,739,328 || trainable%: 0.2401")
  }

  /// Tashu014/lora-imdb-distilbert: q_lin and v_lin in 6 layers; pre_classifier and classifier
  /// saved whole, which the masked-LM checkpoint lacks.
  @Test func distilbertImdbAdapterFitsDistilbertBaseUncased() throws {
    let dir = TempDir()
    let (adapter, config) = try Self.load("distilbert-imdb-lora", dir)
    let (base, _) = try Self.load("distilbert-base-uncased", dir)
    let f = AdapterChecker.check(adapter: adapter, config: config, base: base)
    #expect(f.fits)
    #expect(f.pairs == 12)
    #expect(f.newModules == ["classifier", "pre_classifier"])
    #expect(f.trainableParameters == 12 * 2 * 8 * 768 + (768 * 768 + 768) + (2 * 768 + 2))
    // distilbert-base-uncased's masked-LM checkpoint: the 66,362,880 of the encoder plus
    // vocab_transform, vocab_layer_norm and vocab_projector's bias (its weight is tied).
    #expect(f.baseParameters == 66_985_530)
  }

  /// Each real adapter against the other's base: every LoRA module is missing there.
  @Test func realAdaptersOnTheWrongBase() throws {
    let dir = TempDir()
    let (gpt2, gpt2Config) = try Self.load("gpt2-seqcls-lora", dir)
    let (distilbert, distilbertConfig) = try Self.load("distilbert-imdb-lora", dir)
    let (gpt2Base, _) = try Self.load("gpt2-base", dir)
    let (distilbertBase, _) = try Self.load("distilbert-base-uncased", dir)
    let a = AdapterChecker.check(adapter: gpt2, config: gpt2Config, base: distilbertBase)
    #expect(a.problems.count == 12 && a.problems.allSatisfy { $0.kind == "missing_module" })
    #expect(a.problems.first?.module == "transformer.h.0.attn.c_attn")
    let b = AdapterChecker.check(adapter: distilbert, config: distilbertConfig, base: gpt2Base)
    #expect(b.problems.count == 12 && b.problems.allSatisfy { $0.kind == "missing_module" })
  }

  /// The gpt2 adapter against a gpt2-medium-shaped base (1024 wide, 24 layers), written here
  /// from gpt2-base's own names: every pair misfits on both sides, the extra layers are untouched.
  @Test func gpt2AdapterOnAWiderGpt2() throws {
    let dir = TempDir()
    let (adapter, config) = try Self.load("gpt2-seqcls-lora", dir)
    let (small, _) = try Self.load("gpt2-base", dir)
    var entries = small.tensors.map { t -> (String, [Int]) in
      (String(t.name), t.shape.map { $0 == 768 ? 1024 : ($0 == 2304 ? 3072 : ($0 == 3072 ? 4096 : Int($0))) })
    }
    for layer in 12..<24 {
      entries += entries.filter { $0.0.hasPrefix("h.0.") }.map { ("h.\(layer)." + $0.0.dropFirst(4), $0.1) }
    }
    let base = try CheckpointLoader.load(try SparseCheckpoint.write(entries, to: dir.path + "/medium.safetensors"))
    #expect(base.tensors.count == 148 + 12 * 12)
    let f = AdapterChecker.check(adapter: adapter, config: config, base: base)
    #expect(f.problems.count == 24)
    #expect(f.problems[0].message == "transformer.h.0.attn.c_attn: lora_A in-features 768, the base's h.0.attn.c_attn has 1024")
    #expect(f.problems[1].message == "transformer.h.0.attn.c_attn: lora_B out-features 2304, the base's h.0.attn.c_attn has 3072")
  }
}
