import Foundation
import Testing

/// End-to-end: the real binary on TestData/, checked against golden files and exact values.
@Suite struct CommandTests {
  @Test func summaryTextOfTheTinyGGUF() throws {
    let r = try CLI.run(["TestData/tiny-llama.Q8_0.gguf"])
    #expect(r.status == 0)
    #expect(r.stderr == "")
    CLI.assertGolden(r.stdout, "summary-tiny-gguf.txt")
    #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
  }

  @Test func summaryTextOfShardedSafetensorsWithExactCounts() throws {
    let r = try CLI.run(["summary", "--exact", "--layers", "TestData/tiny-llama-sharded"])
    #expect(r.status == 0)
    CLI.assertGolden(r.stdout, "summary-tiny-sharded-exact.txt")
  }

  @Test func summaryJSON() throws {
    let r = try CLI.run(["TestData/tiny-llama", "--json"])
    #expect(r.status == 0)
    CLI.assertGolden(r.stdout, "summary-tiny-llama.json")
    let doc = CLI.json(r.stdout) as? [String: Any]
    #expect(doc?["schema"] as? String == "ckptinspect/1")
    let totals = doc?["totals"] as? [String: Any]
    #expect(totals?["parameters"] as? Int == 139_584)
    #expect(totals?["tensors"] as? Int == 21)
    #expect(doc?["tied_embeddings"] as? Bool == false)
  }

  @Test func summaryJSONWithTensors() throws {
    let r = try CLI.run(["TestData/tiny-gpt2.safetensors", "--json", "--tensors"])
    let doc = CLI.json(r.stdout) as? [String: Any]
    let tensors = doc?["tensors"] as? [[String: Any]]
    #expect(tensors?.count == 30)
    let mask = tensors?.first { $0["name"] as? String == "h.0.attn.bias" }
    #expect(mask?["role"] as? String == "buffer")
    #expect(mask?["dtype"] as? String == "U8")
    #expect(mask?["shape"] as? [Int] == [1, 1, 32, 32])
    #expect(mask?["layer"] as? Int == 0)
    #expect(doc?["tied_embeddings"] as? Bool == true)
  }

  @Test func tensorsFilteredAndSorted() throws {
    let r = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "blk.0.*", "--sort", "bytes"])
    #expect(r.status == 0)
    CLI.assertGolden(r.stdout, "tensors-tiny-gguf-blk0.txt")
  }

  @Test func tensorsJSONKeepsGGUFDimensionOrder() throws {
    let r = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "token_embd.weight", "--json"])
    let doc = CLI.json(r.stdout) as? [String: Any]
    let tensor = (doc?["tensors"] as? [[String: Any]])?.first
    #expect(tensor?["shape"] as? [Int] == [512, 64])
    #expect(tensor?["gguf_dims"] as? [Int] == [64, 512])
    #expect(tensor?["bytes"] as? Int == 512 * 64 / 32 * 34)
    #expect(tensor?["bits_per_element"] as? Double == 8.5)
  }

  @Test func metadataListingAndOneKey() throws {
    let r = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf"])
    #expect(r.status == 0)
    CLI.assertGolden(r.stdout, "metadata-tiny-gguf.txt")
    let one = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf", "--key", "general.architecture"])
    #expect(one.stdout == "llama\n")
    let missing = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf", "--key", "no.such.key"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("no key 'no.such.key'"))
  }

  @Test func metadataAllReadsWholeArrays() throws {
    let r = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf", "--key", "tokenizer.ggml.tokens", "--all", "--json"])
    let doc = CLI.json(r.stdout) as? [String: Any]
    let tokens = (doc?["metadata"] as? [String: Any])?["tokenizer.ggml.tokens"] as? [String: Any]
    #expect(tokens?["count"] as? Int == 512)
    #expect((tokens?["items"] as? [String])?.count == 512)
    #expect((tokens?["items"] as? [String])?.last == "tok511")
    #expect(tokens?["truncated"] as? Bool == false)
  }

  @Test func severalInputsAsJSONArrayAndNDJSON() throws {
    let inputs = ["TestData/tiny-llama.Q8_0.gguf", "TestData/tiny-split"]
    let array = CLI.json(try CLI.run(inputs + ["--json"]).stdout) as? [[String: Any]]
    #expect(array?.count == 2)
    #expect(array?.map { ($0["totals"] as? [String: Any])?["parameters"] as? Int } == [106_816, 106_816])
    let lines = try CLI.run(inputs + ["--ndjson"]).stdout.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.allSatisfy { CLI.json(String($0)) != nil })
  }

  @Test func severalInputsAsText() throws {
    let r = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "TestData/tiny-gpt2.safetensors"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("TestData/tiny-llama.Q8_0.gguf\n"))
    #expect(r.stdout.contains("\n\nTestData/tiny-gpt2.safetensors\n"))
  }

  // MARK: Exit statuses and errors

  @Test func malformedInputExits65WithOneLine() throws {
    let r = try CLI.run(["Package.swift"])
    #expect(r.status == 65)
    #expect(r.stdout == "")
    #expect(r.stderr == "error: Package.swift: byte 0: not a safetensors or GGUF checkpoint: no GGUF magic and no safetensors header\n")
  }

  @Test func unreadableInputExits66() throws {
    let r = try CLI.run(["TestData/no-such-file.gguf"])
    #expect(r.status == 66)
    #expect(r.stderr == "error: TestData/no-such-file.gguf: cannot open: No such file or directory\n")
  }

  @Test func oneBadInputDoesNotHideTheOthers() throws {
    let r = try CLI.run(["Package.swift", "TestData/tiny-llama.Q8_0.gguf", "--json"])
    #expect(r.status == 65)
    let array = CLI.json(r.stdout) as? [[String: Any]]
    #expect(array?.count == 2)
    let error = array?.first?["error"] as? [String: Any]
    #expect(error?["kind"] as? String == "unrecognized_format")
    #expect(error?["offset"] as? Int == 0)
    #expect((array?.last?["totals"] as? [String: Any])?["parameters"] as? Int == 106_816)
  }

  @Test func usageErrorsExit64() throws {
    #expect(try CLI.run([]).status == 64)
    #expect(try CLI.run(["TestData/tiny-llama", "--json", "--ndjson"]).status == 64)
    #expect(try CLI.run(["tensors", "TestData/tiny-llama", "--sort", "size"]).status == 64)
  }

  @Test func versionAndHelp() throws {
    #expect(try CLI.run(["--version"]).stdout == "0.1.0\n")
    let help = try CLI.run(["--help"]).stdout
    for word in ["summary", "tensors", "metadata", "Exit status", "65", "66"] { #expect(help.contains(word), "\(word)") }
    let tensorsHelp = try CLI.run(["tensors", "--help"]).stdout
    #expect(tensorsHelp.contains("--filter"))
    #expect(tensorsHelp.contains("blk.0.*"))
  }
}

@Suite struct ValidateCommandTests {
  @Test func validInputsExitZero() throws {
    let r = try CLI.run(["validate", "TestData/tiny-llama.Q8_0.gguf", "TestData/tiny-llama-sharded"])
    #expect(r.status == 0)
    #expect(r.stdout == """
      TestData/tiny-llama.Q8_0.gguf: valid (gguf, 20 tensors)
      TestData/tiny-llama-sharded: valid (safetensors-sharded, 21 tensors)

      """)
  }

  @Test func invalidInputExitsOneWithEveryProblem() throws {
    let r = try CLI.run(["validate", "TestData/malformed/offsets-hole.safetensors", "TestData/tiny-gpt2.safetensors"])
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("TestData/malformed/offsets-hole.safetensors: invalid, 1 problem\n"))
    #expect(r.stdout.contains("TestData/tiny-gpt2.safetensors: valid"))
  }

  @Test func jsonListsProblems() throws {
    let r = try CLI.run(["validate", "--json", "TestData/malformed/index-missing-shard"])
    #expect(r.status == 1)
    let doc = CLI.json(r.stdout) as? [String: Any]
    #expect(doc?["valid"] as? Bool == false)
    let problems = doc?["problems"] as? [[String: Any]]
    #expect(problems?.map { $0["kind"] as? String } == ["index.missing_shard"])
  }

  @Test func warningsGoToStandardErrorAndDoNotFail() throws {
    let r = try CLI.run(["TestData/malformed/unknown-dtype.safetensors"])
    #expect(r.status == 0)
    #expect(r.stderr == "warning: unknown-dtype.safetensors: tensor 'w' has unknown dtype 'F12': its size cannot be checked\n")
    #expect(!r.stdout.contains("warning"))
  }
}

@Suite struct AuditCommandTests {
  @Test func auditTextAndStatus() throws {
    let r = try CLI.run(["audit", "TestData/tiny-llama-sharded"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("config.json (llama)"))
    #expect(r.stdout.contains("verdict: 139,584 parameters; every reported figure agrees or is explained"))
  }

  @Test func expectGatesCI() throws {
    #expect(try CLI.run(["audit", "--expect", "140K", "TestData/tiny-llama"]).status == 0)
    let wrong = try CLI.run(["audit", "--expect", "7B", "TestData/tiny-llama"])
    #expect(wrong.status == 3)
    #expect(wrong.stdout.contains("finding: expected 7B (7,000,000,000) within 2.0%"))
    #expect(try CLI.run(["audit", "--expect", "139584", "TestData/tiny-llama"]).status == 0)
    #expect(try CLI.run(["audit", "--expect", "139585", "TestData/tiny-llama"]).status == 3)
    #expect(try CLI.run(["audit", "--expect", "lots", "TestData/tiny-llama"]).status == 64)
  }

  @Test func auditJSON() throws {
    let r = try CLI.run(["audit", "--json", "TestData/tiny-llama.Q8_0.gguf"])
    let audit = (CLI.json(r.stdout) as? [String: Any])?["audit"] as? [String: Any]
    #expect(audit?["passed"] as? Bool == true)
    let actual = audit?["actual"] as? [String: Any]
    #expect(actual?["parameters"] as? Int == 106_816)
    #expect(actual?["tied_head"] as? String == "tied")
    let rows = audit?["reported"] as? [[String: Any]]
    #expect(rows?.map { $0["source"] as? String } == ["general.size_label", "GGUF hyperparameters (llama)", "rule of thumb 2Vd+12Ld²"])
    #expect(rows?.first?["difference"] as? Int == 33_184)
    #expect((rows?.first?["explained_by"] as? [String])?.count == 1)
  }
}

@Suite struct MemoryCommandTests {
  @Test func memoryText() throws {
    let r = try CLI.run(["memory", "TestData/tiny-llama.Q8_0.gguf", "--context", "256", "--gpu", "t4", "--explain"])
    #expect(r.status == 0)
    // 2 layers x 2 KV heads x (16 + 16) x 2 bytes = 256 bytes per token at f16.
    #expect(r.stdout.contains("KV cache per token   f16 256 B, q8_0 136 B, q4_0 72 B"))
    // llama.cpp's buffers at -c 256 (the micro-batch shrinks to the context), and the plan.
    #expect(r.stdout.contains("-c 256 -ub 256 -fa on"))
    #expect(r.stdout.contains("- KV cache           64.0 KiB (f16): 2 layers x 256 cells"))
    #expect(r.stdout.contains("t4                   llama.cpp -ngl 3: all 2 layers + output on the GPU"))
    #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
  }

  @Test func memoryJSON() throws {
    let r = try CLI.run(["memory", "--json", "TestData/tiny-llama.Q8_0.gguf", "--context", "256", "--parallel", "2"])
    let memory = (CLI.json(r.stdout) as? [String: Any])?["memory"] as? [String: Any]
    let kv = memory?["kv_cache"] as? [String: Any]
    #expect((kv?["per_token"] as? [String: Any])?["f16"] as? Int == 256)
    #expect(kv?["bytes"] as? Int == 256 * 256 * 2)
    // 106,496 Q8_0 weights in 34-byte blocks of 32, and 320 F32 norm weights.
    #expect(memory?["weights_bytes"] as? Int == 106_496 / 32 * 34 + 320 * 4)
  }

  @Test func badOptions() throws {
    #expect(try CLI.run(["memory", "TestData/tiny-llama", "--cache-type", "q5"]).status == 64)
    #expect(try CLI.run(["memory", "TestData/tiny-llama", "--gpu", "huge"]).status == 64)
  }
}
