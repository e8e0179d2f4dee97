import Foundation
import Testing
@testable import CheckpointKit

/// The PEFT types beyond LoRA, and GGUF on either side of adapter mode. The adapters are PEFT's
/// own (scripts/make-peft-fixtures: AdaLoRA, IA3, LoHa, LoKr, VeRA, prompt and prefix tuning on the
/// Llama base) and llama.cpp's own (`llama-lora.gguf` by convert_lora_to_gguf.py); the GGUF base
/// is llama-base converted by convert_hf_to_gguf.py. PEFT's trainable counts are asserted exactly.
@Suite struct AdapterTypeTests {
  static let types: [(adapter: String, type: String, modules: Int)] = [
    ("llama-adalora", "ADALORA", 4), ("llama-ia3", "IA3", 6), ("llama-loha", "LOHA", 4), ("llama-lokr", "LOKR", 4),
    ("llama-vera", "VERA", 4), ("llama-prompt", "PROMPT_TUNING", 0), ("llama-prefix", "PREFIX_TUNING", 0),
  ]

  /// Every type fits the base it was made for, in safetensors and as llama.cpp's GGUF conversion,
  /// and counts what PEFT counts as trainable.
  @Test(arguments: ["llama-base", "llama-base.gguf"])
  func everyTypeFitsItsBase(base: String) throws {
    for (adapter, type, modules) in Self.types {
      let f = try AdapterTests.fit(adapter, base)
      #expect(f.adapterType == type, "\(adapter)")
      #expect(f.fits, "\(adapter) on \(base): \(f.problems.map(\.message))")
      #expect(f.modulesChecked == modules, "\(adapter)")
      #expect(f.baseParameters == 26_784)
      let peft = try AdapterTests.peft(adapter)
      #expect(f.trainableParameters == peft.trainable, "\(adapter)")
      // PEFT's "all params" is base + trainable, except AdaLoRA's: it also counts one `ranknum`
      // per adapted module (4), a frozen scalar that is never saved.
      #expect(peft.all - (f.baseParameters + f.trainableParameters) == (type == "ADALORA" ? 4 : 0), "\(adapter)")
    }
  }

  @Test func veraSharedProjectionsAreSavedButNotTrainable() throws {
    let adapter = try CheckpointLoader.load(Paths.testData("peft/llama-vera"))
    // 8 lambda vectors (112) + vera_A [4, 32] + vera_B [32, 4] (256) in the file; PEFT trains 112.
    #expect(adapter.tensors.count == 10)
    #expect(adapter.tensors.reduce(0) { $0 + $1.parameters } == 368)
    #expect(try AdapterTests.fit("llama-vera", "llama-base").trainableParameters == 112)
  }

  /// IA3 trained on the hidden-48 model: every scaling vector has the wrong length, and a
  /// feedforward module's is checked against its input.
  @Test func ia3ForAnotherHiddenSize() throws {
    let f = try AdapterTests.fit("llama48-ia3", "llama-base")
    #expect(f.problems.count == 6)
    #expect(f.problems.map(\.kind) == ["in_features", "out_features", "out_features", "in_features", "out_features", "out_features"])
    #expect(f.problems[0].module == "model.layers.0.mlp.down_proj")
    #expect(f.problems[0].expected == [1, 64] && f.problems[0].found == [1, 96])
    #expect(f.problems[1].expected == [16, 1] && f.problems[1].found == [24, 1])
    #expect(
      f.problems[0].message
        == "model.layers.0.mlp.down_proj: ia3_l [1, 96], the base's model.layers.0.mlp.down_proj [32, 64] needs [1, 64] (a feedforward module scales its input)")
    #expect(f.trainableParameters == (try AdapterTests.peft("llama48-ia3")).trainable)
  }

  /// PEFT adapters on the GGUF base: modules placed through the GGUF names, problems named with them.
  @Test func peftAdaptersOnAGGUFBase() throws {
    let bad = try AdapterTests.fit("llama-lora-bad", "llama-base.gguf")
    #expect(bad.problems.map(\.kind) == ["rank", "out_features"])
    #expect(bad.problems[1].message == "model.layers.1.self_attn.v_proj: lora_B out-features 24, the base's blk.1.attn_v has 16")
    let other = try AdapterTests.fit("llama48-lora", "llama-base.gguf")
    #expect(other.problems.count == 8)
    #expect(other.problems.filter { $0.kind == "in_features" }.allSatisfy { $0.expected == [32] && $0.found == [48] })
    let gpt2 = try AdapterTests.fit("gpt2-lora", "llama-base.gguf")
    #expect(gpt2.problems.map(\.kind) == ["missing_module", "missing_module"])
  }

  /// llama.cpp's GGUF LoRA (`blk.0.attn_q.weight.lora_a`, general.type = adapter) on both bases.
  /// The bad one was converted from llama-lora-bad: its out-features misfit is still there; its
  /// wrong rank is not visible, as the GGUF keeps no `r` (only adapter.lora.alpha).
  @Test(arguments: ["llama-base", "llama-base.gguf"])
  func ggufLoraAdapters(base: String) throws {
    let good = try AdapterTests.fit("llama-lora.gguf", base)
    #expect(good.adapterType == "LORA")
    #expect(good.fits && good.pairs == 4 && good.modulesChecked == 4)
    #expect(good.trainableParameters == (try AdapterTests.peft("llama-lora")).trainable)
    let bad = try AdapterTests.fit("llama-lora-bad.gguf", base)
    #expect(bad.problems.map(\.module) == ["blk.1.attn_v"])
    #expect(bad.problems[0].kind == "out_features" && bad.problems[0].expected == [16] && bad.problems[0].found == [24])
    #expect(bad.problems[0].message.hasPrefix("blk.1.attn_v: lora_B out-features 24, the base's "))
  }

  /// Layouts PEFT does not write wrong by itself, edited by hand: each misfit named.
  @Test func handMadeMisfitsOfEachType() throws {
    let base = try CheckpointLoader.load(Paths.testData("peft/llama-base"))
    let p = "base_model.model.model.layers.0.self_attn"
    func check(_ config: String, _ tensors: [(String, String, [Int])]) throws -> AdapterFit {
      let dir = TempDir()
      try FileManager.default.createDirectory(atPath: dir.path + "/a", withIntermediateDirectories: true)
      dir.write("a/adapter_config.json", Array(config.utf8))
      dir.write("a/adapter_model.safetensors", DiffTests.safetensors(tensors))
      let a = try CheckpointLoader.load(dir.path + "/a")
      return AdapterChecker.check(adapter: a, config: AdapterConfig.find(for: a), base: base)
    }
    // LoKr: kron([4, 4], [8, 6]) is 32 x 24; q_proj is 32 x 32.
    let lokr = try check(#"{"peft_type": "LOKR", "r": 4}"#, [("\(p).q_proj.lokr_w1", "F32", [4, 4]), ("\(p).q_proj.lokr_w2", "F32", [8, 6])])
    #expect(lokr.problems.map(\.kind) == ["in_features"])
    #expect(lokr.problems[0].expected == [32] && lokr.problems[0].found == [24])
    // LoKr with w2 stored as a product: [8, 2] @ [2, 8].
    let product = try check(
      #"{"peft_type": "LOKR", "r": 2}"#,
      [("\(p).q_proj.lokr_w1", "F32", [4, 4]), ("\(p).q_proj.lokr_w2_a", "F32", [8, 2]), ("\(p).q_proj.lokr_w2_b", "F32", [2, 8])])
    #expect(product.fits)
    // LoHa: one factor missing, and a rank that disagrees with r.
    let loha = try check(
      #"{"peft_type": "LOHA", "r": 4}"#,
      [
        ("\(p).q_proj.hada_w1_a", "F32", [32, 2]), ("\(p).q_proj.hada_w1_b", "F32", [2, 32]), ("\(p).q_proj.hada_w2_a", "F32", [32, 2]),
        ("\(p).q_proj.hada_w2_b", "F32", [2, 32]), ("\(p).v_proj.hada_w1_a", "F32", [16, 4]),
      ])
    #expect(loha.problems.map(\.kind) == ["rank", "missing_part"])
    #expect(loha.problems[1].message == "model.layers.0.self_attn.v_proj: has hada_w1_a without hada_w1_b, hada_w2_a, hada_w2_b")
    // VeRA: lambda_b as long as q_proj's in-features on k_proj (16 out).
    let vera = try check(#"{"peft_type": "VERA", "r": 4}"#, [("\(p).k_proj.vera_lambda_b", "F32", [32]), ("\(p).k_proj.vera_lambda_d", "F32", [4])])
    #expect(vera.problems.map(\.kind) == ["out_features"])
    #expect(vera.problems[0].expected == [16])
    // Prompt tuning for a 48-wide model; prefix tuning for 3 layers of a 2-layer base.
    let prompt = try check(
      #"{"peft_type": "PROMPT_TUNING", "num_virtual_tokens": 5, "token_dim": 48, "num_transformer_submodules": 1}"#,
      [("prompt_embeddings", "F32", [5, 48])])
    #expect(prompt.problems.map(\.kind) == ["token_dim"])
    #expect(prompt.problems[0].expected == [32] && prompt.problems[0].found == [48])
    let prefix = try check(
      #"{"peft_type": "PREFIX_TUNING", "num_virtual_tokens": 5, "token_dim": 16, "num_layers": 3}"#,
      [("prompt_embeddings", "F32", [5, 96])])
    #expect(prefix.problems.map(\.kind) == ["layers"])
    #expect(prefix.problems[0].expected == [2] && prefix.problems[0].found == [3])
    // A prefix as wide as the hidden size (32) where grouped-query attention makes keys 16 wide.
    let wide = try check(
      #"{"peft_type": "PREFIX_TUNING", "num_virtual_tokens": 5, "token_dim": 32, "num_layers": 2}"#,
      [("prompt_embeddings", "F32", [5, 128])])
    #expect(wide.problems.map(\.kind) == ["token_dim"])
    #expect(wide.problems[0].expected == [64] && wide.problems[0].found == [128])
    // AdaLoRA: matrices saved at init_r, whatever config r says; lora_E must follow.
    let ada = try check(
      #"{"peft_type": "ADALORA", "r": 8, "init_r": 6}"#,
      [("\(p).q_proj.lora_A.weight", "F32", [6, 32]), ("\(p).q_proj.lora_B.weight", "F32", [32, 6]), ("\(p).q_proj.lora_E.weight", "F32", [5, 1])])
    #expect(ada.problems.map(\.kind) == ["rank_pair"])
    #expect(ada.problems[0].expected == [6, 1] && ada.problems[0].found == [5, 1])
  }
}
