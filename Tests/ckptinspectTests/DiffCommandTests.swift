import Foundation
import Testing

/// `ckptinspect diff` end to end: exit codes with and without --exit-code, the JSON keys
/// scripts rely on, and the text report's order.
@Suite struct DiffCommandTests {
  static let entries: [(String, [Int])] = [
    ("model.embed_tokens.weight", [16, 8]),
    ("model.layers.0.self_attn.q_proj.weight", [8, 8]),
    ("model.norm.weight", [8]),
  ]

  @Test func exitCodeIsOneOnlyForStructuralDifferences() throws {
    let dir = TempDir()
    let a = Fixtures.safetensors(Self.entries, dtype: "F32", width: 4, in: dir, name: "a.safetensors")
    let same = Fixtures.safetensors(Self.entries, dtype: "F32", width: 4, in: dir, name: "same.safetensors")
    let half = Fixtures.safetensors(Self.entries, dtype: "F16", width: 2, in: dir, name: "half.safetensors")
    let fewer = Fixtures.safetensors(Array(Self.entries.dropLast()), dtype: "F32", width: 4, in: dir, name: "fewer.safetensors")
    #expect(try CLI.run(["diff", a, same, "--exit-code"]).status == 0)
    // Dtype only (quantization) is not structural.
    #expect(try CLI.run(["diff", a, half, "--exit-code"]).status == 0)
    let removed = try CLI.run(["diff", a, fewer, "--exit-code"])
    #expect(removed.status == 1)
    #expect(removed.stdout.contains("structurally different: B lacks 1 tensor (norm); parameters −8"))
    // Without --exit-code, a difference is a report, not a failure.
    #expect(try CLI.run(["diff", a, fewer]).status == 0)
    #expect(try CLI.run(["diff", a, fewer, "--exit-code", "--quiet"]).stdout == "")
    // The usual codes for inputs that cannot be read.
    let missing = try CLI.run(["diff", a, dir.path + "/nope.safetensors", "--exit-code"])
    #expect(missing.status == 66)
    #expect(missing.stderr.hasPrefix("error: "))
    let bad = dir.write("bad.safetensors", Array("\u{8}\0\0\0\0\0\0\0{\"x\":1}".utf8))
    #expect(try CLI.run(["diff", a, bad]).status == 65)
    #expect(try CLI.run(["diff", a]).status == 64)
  }

  @Test func jsonHasTheDocumentedKeys() throws {
    let r = try CLI.run(["diff", "TestData/tiny-llama", "TestData/tiny-llama.Q8_0.gguf", "--json"])
    #expect(r.status == 0)
    let doc = try #require(CLI.json(r.stdout) as? [String: Any])
    for key in [
      "identical", "parameters", "tensors_only_in_a", "tensors_only_in_b", "tensors_changed", "unmapped", "metadata_changed",
      "hyperparameters_changed", "by_component",
    ] {
      #expect(doc[key] != nil, "missing \(key)")
    }
    #expect(doc["identical"] as? Bool == false)
    let parameters = try #require(doc["parameters"] as? [String: Any])
    #expect(parameters["a"] as? Int == 139_584 && parameters["b"] as? Int == 106_816)
    #expect(parameters["difference"] as? Int == -32_768 && parameters["unexplained"] as? Int == 0)
    #expect((doc["tensors_only_in_a"] as? [Any])?.count == 0 && (doc["tensors_only_in_b"] as? [Any])?.count == 0)
    let changed = try #require(doc["tensors_changed"] as? [[String: Any]])
    #expect(changed.count == 15)
    let first = try #require(changed.first)
    #expect(Set(first.keys) == ["a", "b", "changes"])
    #expect(first["changes"] as? [String] == ["dtype", "bytes"])
    #expect((first["b"] as? [String: Any])?["dtype"] as? String == "Q8_0")
    let components = try #require(doc["by_component"] as? [[String: Any]])
    #expect(components.map { $0["component"] as? String } == ["embedding", "attention", "ffn", "norm", "head"])
  }

  @Test func jsonReportsAWrongHeadCountKV() throws {
    let dir = TempDir()
    try FileManager.default.createDirectory(atPath: dir.path + "/hf", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: CLI.root + "/TestData/tiny-llama/model.safetensors", toPath: dir.path + "/hf/model.safetensors")
    let config = try String(contentsOfFile: CLI.root + "/TestData/tiny-llama/config.json", encoding: .utf8)
    dir.write("hf/config.json", Array(config.replacingOccurrences(of: "\"num_key_value_heads\": 2", with: "\"num_key_value_heads\": 4").utf8))
    let r = try CLI.run(["diff", dir.path + "/hf", "TestData/tiny-llama.Q8_0.gguf", "--json", "--exit-code"])
    #expect(r.status == 1)
    let doc = try #require(CLI.json(r.stdout) as? [String: Any])
    let changes = try #require(doc["hyperparameters_changed"] as? [[String: Any]])
    #expect(changes.count == 1)
    #expect(changes.first?["field"] as? String == "kv_heads" && changes.first?["a"] as? Int == 4 && changes.first?["b"] as? Int == 2)
  }

  @Test func textListsFindingsFirstAndIdenticalOnlyWithAll() throws {
    let r = try CLI.run(["diff", "TestData/tiny-llama", "TestData/tiny-llama.Q8_0.gguf"])
    let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[2] == "same model, converted: 15 tensors BF16→Q8_0; parameters equal")
    #expect(lines.contains("changed (15):"))
    #expect(lines.contains("5 tensors identical (--all lists them)"))
    #expect(!r.stdout.contains("blk.0.attn_norm.weight"))
    let all = try CLI.run(["diff", "TestData/tiny-llama", "TestData/tiny-llama.Q8_0.gguf", "--all"])
    #expect(all.stdout.contains("model.layers.0.input_layernorm.weight  F32 [64]"))
    #expect(all.stdout.contains("head: lm_head.weight stored in TestData/tiny-llama, tied to the embedding"))
  }

  // Adapter mode (TestData/peft, written by PEFT itself): exit 0 when the adapter fits, 1 when
  // it does not, with or without --exit-code; either argument order.
  @Test func adapterModeExitCodesAndVerdict() throws {
    let fits = try CLI.run(["diff", "TestData/peft/gpt2-lora", "TestData/peft/gpt2-base"])
    #expect(fits.status == 0)
    #expect(fits.stdout.hasPrefix("adapter fits the base: 2 LoRA pairs checked\n"))
    #expect(fits.stdout.contains("trainable params: 1,024 || all params: 32,640 || trainable%: 3.1373"))
    let reversed = try CLI.run(["diff", "TestData/peft/bert-mlm-base", "TestData/peft/bert-seqcls-lora", "--exit-code"])
    #expect(reversed.status == 0)
    #expect(reversed.stdout.hasPrefix("adapter fits the base: 4 LoRA pairs checked; 1 new module (classifier)\n"))
    let bad = try CLI.run(["diff", "TestData/peft/llama-lora-bad", "TestData/peft/llama-base"])
    #expect(bad.status == 1)
    let lines = bad.stdout.split(separator: "\n").map(String.init)
    #expect(lines[0] == "adapter does not fit the base: 2 problems")
    #expect(lines[1] == "  model.layers.0.self_attn.q_proj: rank 4, adapter_config.json says r = 8")
    #expect(lines[2] == "  model.layers.1.self_attn.v_proj: lora_B out-features 24, the base's model.layers.1.self_attn.v_proj has 16")
    #expect(try CLI.run(["diff", "TestData/peft/llama48-lora", "TestData/peft/llama-base", "--quiet"]).status == 1)
    // A GGUF base (llama.cpp's conversion of llama-base), and llama.cpp's GGUF form of the adapter.
    let gguf = try CLI.run(["diff", "TestData/peft/llama-lora", "TestData/peft/llama-base.gguf"])
    #expect(gguf.status == 0)
    #expect(gguf.stdout.hasPrefix("adapter fits the base: 4 LoRA pairs checked\n"))
    let both = try CLI.run(["diff", "TestData/peft/llama-base.gguf", "TestData/peft/llama-lora-bad.gguf"])
    #expect(both.status == 1)
    #expect(both.stdout.hasPrefix("adapter does not fit the base: 1 problem\n  blk.1.attn_v: lora_B out-features 24, the base's blk.1.attn_v has 16\n"))
    #expect(try CLI.run(["diff", "TestData/peft/llama-ia3", "TestData/peft/llama-base"]).stdout.hasPrefix("adapter fits the base: 6 IA3 modules checked\n"))
    // A PEFT type whose layout adapter mode does not know: a one-line error, usage status.
    let dir = TempDir()
    try FileManager.default.createDirectory(atPath: dir.path + "/oft", withIntermediateDirectories: true)
    dir.write("oft/adapter_config.json", Array(#"{"peft_type": "OFT", "r": 4}"#.utf8))
    dir.write("oft/adapter_model.safetensors", Array(try Data(contentsOf: URL(fileURLWithPath: "TestData/peft/llama-lora/adapter_model.safetensors"))))
    let oft = try CLI.run(["diff", dir.path + "/oft", "TestData/peft/llama-base"])
    #expect(oft.status == 64)
    #expect(oft.stderr == "error: \(dir.path)/oft: peft_type OFT is not one adapter mode checks (LORA, ADALORA, IA3, LOHA, LOKR, VERA, PROMPT_TUNING, P_TUNING, PREFIX_TUNING)\n")
    let two = try CLI.run(["diff", "TestData/peft/llama-lora", "TestData/peft/llama-lora-bad"])
    #expect(two.status == 64 && two.stderr.contains("are PEFT adapters"))
    let help = try CLI.run(["diff", "--help"])
    // ArgumentParser wraps the discussion: compare it with the line breaks taken out.
    let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(flat.contains("Exit status 1 whenever the adapter does not fit"))
    #expect(flat.contains("a GGUF adapter written by llama.cpp's convert_lora_to_gguf.py"))
  }

  @Test func adapterModeJSONKeys() throws {
    let r = try CLI.run(["diff", "TestData/peft/bert-mlm-base", "TestData/peft/bert-seqcls-lora", "--json"])
    #expect(r.status == 0)
    let doc = try #require(CLI.json(r.stdout) as? [String: Any])
    #expect(doc["mode"] as? String == "adapter")
    #expect(doc["a"] as? String == "TestData/peft/bert-mlm-base")
    let adapter = try #require(doc["adapter"] as? [String: Any])
    #expect(adapter["fits"] as? Bool == true)
    #expect((adapter["problems"] as? [Any])?.isEmpty == true)
    #expect(adapter["new_modules"] as? [String] == ["classifier"])
    #expect(adapter["trainable_parameters"] as? Int == 1_123)
    #expect(adapter["base_parameters"] as? Int == 24_608)
    #expect(adapter["adapter_path"] as? String == "TestData/peft/bert-seqcls-lora")
    let bad = try CLI.run(["diff", "TestData/peft/llama-lora-bad", "TestData/peft/llama-base", "--json"])
    #expect(bad.status == 1)
    let problems = try #require(((CLI.json(bad.stdout) as? [String: Any])?["adapter"] as? [String: Any])?["problems"] as? [[String: Any]])
    #expect(problems.count == 2)
    #expect(Set(problems[0].keys) == ["module", "kind", "expected", "found", "message"])
    #expect(problems[1]["kind"] as? String == "out_features")
    #expect(problems[1]["expected"] as? [Int] == [16] && problems[1]["found"] as? [Int] == [24])
  }

  // MARK: Layers and Markdown

  /// Two layers of 8 + 96 + 64 parameters (norm, up_proj [12, 8], q_proj [8, 8]), F32.
  static let twoLayers: [(String, [Int])] = [
    ("model.embed_tokens.weight", [16, 8]),
    ("model.layers.0.input_layernorm.weight", [8]),
    ("model.layers.0.mlp.up_proj.weight", [12, 8]),
    ("model.layers.0.self_attn.q_proj.weight", [8, 8]),
    ("model.layers.1.input_layernorm.weight", [8]),
    ("model.layers.1.mlp.up_proj.weight", [12, 8]),
    ("model.layers.1.self_attn.q_proj.weight", [8, 8]),
    ("model.norm.weight", [8]),
  ]

  /// `a.safetensors` (twoLayers) and `b.safetensors` (layer 1 without its up_proj) in `dir`.
  static func layerPair(in dir: TempDir) {
    _ = Fixtures.safetensors(twoLayers, dtype: "F32", width: 4, in: dir, name: "a.safetensors")
    _ = Fixtures.safetensors(twoLayers.filter { $0.0 != "model.layers.1.mlp.up_proj.weight" }, dtype: "F32", width: 4, in: dir, name: "b.safetensors")
  }

  /// `diff a.safetensors b.safetensors ARGUMENTS` (or `diff ARGUMENTS` with `files: ""`) run
  /// in `dir`, so the paths in its output are short and stable.
  static func run(in dir: TempDir, _ arguments: String, files: String = "a.safetensors b.safetensors", columns: Int? = nil) throws -> CLI.Result {
    try CLI.shell("cd '\(dir.path)' && \(columns.map { "COLUMNS=\($0) " } ?? "")'\(CLI.binary)' diff \(files) \(arguments)")
  }

  @Test func textListsTheLayersThatDiffer() throws {
    let dir = TempDir()
    Self.layerPair(in: dir)
    let r = try Self.run(in: dir, "")
    #expect(r.status == 0)
    #expect(r.stdout.hasPrefix("A: a.safetensors\nB: b.safetensors\nstructurally different: B lacks 1 tensor (layer 1 ffn); parameters −96\n"))
    #expect(
      r.stdout.hasSuffix(
        """

        layers that differ (1 of 2; --layers lists all):
          layer  params A  params B  difference  bytes A  bytes B  what differs
              1       168        72         −96    672 B    288 B  B lacks mlp.up_proj

        """))
    let all = try Self.run(in: dir, "--layers")
    #expect(
      all.stdout.hasSuffix(
        """

        by layer (2 layers):
          layer  params A  params B  difference  bytes A  bytes B  what differs
              0       168       168           0    672 B    672 B
              1       168        72         −96    672 B    288 B  B lacks mlp.up_proj

        """))
    // The layer table fits the terminal: its last column wraps.
    let narrow = try Self.run(in: dir, "", columns: 72)
    #expect(
      narrow.stdout.hasSuffix(
        """
          layer  params A  params B  difference  bytes A  bytes B  what differs
              1       168        72         −96    672 B    288 B  B lacks
                                                                     mlp.up_proj

        """))
    // Equal layers are one line, not a table.
    let same = try CLI.run(["diff", "TestData/tiny-llama", "TestData/tiny-llama.Q8_0.gguf"])
    #expect(same.stdout.hasSuffix("\n\nall 2 layers have equal parameters (--layers lists them)\n"))
  }

  @Test func jsonByLayer() throws {
    let dir = TempDir()
    Self.layerPair(in: dir)
    let doc = try #require(CLI.json(try Self.run(in: dir, "--json").stdout) as? [String: Any])
    let layers = try #require(doc["by_layer"] as? [[String: Any]])
    #expect(layers.map { $0["layer"] as? Int } == [0, 1])
    let one = layers[1]
    #expect(Set(one.keys) == ["layer", "a", "b", "differs", "only_in_a", "only_in_b", "reshaped", "unmapped"])
    let a = try #require(one["a"] as? [String: Any]), b = try #require(one["b"] as? [String: Any])
    #expect(a["parameters"] as? Int == 168 && a["bytes"] as? Int == 672 && a["bits_per_weight"] as? Double == 32)
    #expect(b["parameters"] as? Int == 72 && b["bytes"] as? Int == 288)
    #expect(one["differs"] as? Bool == true && one["only_in_a"] as? [String] == ["mlp.up_proj"])
    #expect(layers[0]["differs"] as? Bool == false)
    #expect(doc["verdict"] as? String == "structurally different: B lacks 1 tensor (layer 1 ffn); parameters −96")
  }

  @Test func markdownOfALostTensor() throws {
    let dir = TempDir()
    Self.layerPair(in: dir)
    let r = try Self.run(in: dir, "--markdown --exit-code")
    // --exit-code applies to Markdown as to text.
    #expect(r.status == 1)
    CLI.assertGolden(r.stdout, "diff-layer-lost.md")
  }

  @Test func markdownOfAConversion() throws {
    let r = try CLI.run(["diff", "TestData/tiny-llama", "TestData/tiny-llama.Q8_0.gguf", "--markdown", "--layers"])
    #expect(r.status == 0)
    CLI.assertGolden(r.stdout, "diff-tiny-llama-gguf.md")
  }

  @Test func markdownOfAnAdapter() throws {
    let bad = try CLI.run(["diff", "TestData/peft/llama-lora-bad", "TestData/peft/llama-base", "--markdown"])
    #expect(bad.status == 1)
    CLI.assertGolden(bad.stdout, "diff-adapter-bad.md")
    let fits = try CLI.run(["diff", "TestData/peft/bert-mlm-base", "TestData/peft/bert-seqcls-lora", "--markdown"])
    #expect(fits.status == 0)
    #expect(fits.stdout.contains("| new modules (saved whole, not in the base) | `classifier` |\n"))
    #expect(fits.stdout.hasSuffix("\n\n`trainable params: 1,123 || all params: 25,731 || trainable%: 4.3644`\n"))
  }

  @Test func jsonAndMarkdownTogetherIsAUsageError() throws {
    let r = try CLI.run(["diff", "TestData/tiny-llama", "TestData/tiny-llama.Q8_0.gguf", "--json", "--markdown"])
    #expect(r.status == 64)
    #expect(r.stdout == "")
    #expect(r.stderr.hasPrefix("error: Choose one of --markdown and --json.\n"))
    let adapter = try CLI.run(["diff", "TestData/peft/gpt2-lora", "TestData/peft/gpt2-base", "--markdown", "--json"])
    #expect(adapter.status == 64)
    let help = try CLI.run(["diff", "--help"]).stdout
    #expect(help.contains("--layers") && help.contains("--markdown"))
    #expect(help.contains("--layers lists every layer"))
  }

  // A GGUF with its name and head_count_kv patched: the hyperparameter and the metadata tables,
  // with a `|` escaped inside a cell.
  @Test func markdownOfChangedMetadataAndHyperparameters() throws {
    var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: CLI.root + "/TestData/tiny-llama.Q8_0.gguf")))
    func offset(of text: String) throws -> Int {
      let needle = Array(text.utf8)
      return try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
    }
    let name = try offset(of: "Tiny Llama")
    bytes[name + 4] = UInt8(ascii: "|")
    // The key, its uint32 type tag, then the value (little-endian): 2 becomes 4.
    let kv = try offset(of: "llama.attention.head_count_kv") + "llama.attention.head_count_kv".utf8.count + 4
    #expect(bytes[kv] == 2)
    bytes[kv] = 4
    let dir = TempDir()
    _ = dir.write("b.gguf", bytes)
    FileManager.default.createFile(atPath: dir.path + "/a.gguf", contents: FileManager.default.contents(atPath: CLI.root + "/TestData/tiny-llama.Q8_0.gguf"))
    let r = try Self.run(in: dir, "--markdown", files: "a.gguf b.gguf")
    #expect(r.status == 0)
    #expect(
      r.stdout.contains(
        """
        **verdict**: structurally different: hyperparameters differ (kv_heads); 2 metadata keys differ; parameters equal

        **hyperparameters changed**

        | field | A | B |
        | :-- | --: | --: |
        | kv_heads | 2 | 4 |

        **metadata changed**

        | key | A | B |
        | :-- | :-- | :-- |
        | `general.name` | string Tiny Llama | string Tiny\\|Llama |
        | `llama.attention.head_count_kv` | uint32 2 | uint32 4 |

        """))
  }
}
