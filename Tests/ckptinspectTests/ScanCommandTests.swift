import Foundation
import Testing

/// `ckptinspect scan` end to end: exit statuses, the JSON names scripts rely on, refusals.
@Suite struct ScanCommandTests {
  static let smol = (ProcessInfo.processInfo.environment["CKPT_REALDATA"] ?? NSHomeDirectory() + "/.cache/ckptinspect/realdata")
    + "/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

  @Test func cleanFileExitsZeroWithTheDocumentedJSON() throws {
    let r = try CLI.run(["scan", Self.smol, "--json", "--tensors", "--sha256"])
    #expect(r.status == 0)
    let doc = try #require(CLI.json(r.stdout) as? [String: Any])
    #expect(doc["clean"] as? Bool == true)
    let files = try #require(doc["files"] as? [[String: Any]])
    #expect(files.count == 1)
    // The sha256 shared/realdata/README.md pins for this file.
    #expect(files[0]["sha256"] as? String == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
    #expect(files[0]["sha256_expected"] is NSNull)
    let tensors = try #require(doc["tensors"] as? [[String: Any]])
    #expect(Set(tensors[0].keys) == [
      "name", "dtype", "elements", "decoded", "nan", "pos_inf", "neg_inf", "zeros", "min", "max", "mean", "std", "abs_max",
      "content_hash",
    ])
    #expect(tensors.allSatisfy { $0["decoded"] as? Bool == true })
    let summary = try #require(doc["summary"] as? [String: Any])
    #expect(summary["tensors"] as? Int == tensors.count)
    #expect(summary["tensors_scanned"] as? Int == tensors.count)
    #expect(tensors.count == 272)
    #expect(summary["values"] as? Int == 134_515_008)
  }

  /// The generated fixture's data is a byte pattern, not weights: 32 of token_embd's 1,024 Q8_0
  /// blocks have a NaN pattern as their f16 scale (gguf-py's dequantize counts the same 1,024 NaN).
  @Test func patternFixtureHoldsNaNBlocks() throws {
    let r = try CLI.run(["scan", "TestData/tiny-llama.Q8_0.gguf"])
    #expect(r.status == 1)
    #expect(r.stdout.contains("15 findings:\n    token_embd.weight: 1024 NaN\n    blk.0.attn_q.weight: 128 NaN\n"))
  }

  @Test func expectedChecksumMismatchExitsOne() throws {
    let wrong = String(repeating: "0", count: 64)
    let r = try CLI.run(["scan", Self.smol, "--expect-sha256", wrong])
    #expect(r.status == 1)
    #expect(r.stdout.contains("1 finding:"))
    #expect(r.stdout.contains("DIFFERS from expected"))
    let json = try CLI.run(["scan", Self.smol, "--expect-sha256", wrong, "--json"])
    let findings = (CLI.json(json.stdout) as? [String: Any])?["findings"] as? [[String: Any]]
    #expect(findings?.map { $0["kind"] as? String } == ["checksum_mismatch"])
    #expect((findings?.first?["message"] as? String)?.hasSuffix("differs from \(wrong) (--expect-sha256)") == true)
  }

  @Test func truncatedFileExits65() throws {
    let dir = TempDir()
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.smol))
    let path = dir.write("part.gguf", Array(data.prefix(60_000_000)))
    let r = try CLI.run(["scan", path, "--json"])
    #expect(r.status == 65)
    let findings = (CLI.json(r.stdout) as? [String: Any])?["findings"] as? [[String: Any]]
    #expect(findings?.first?["kind"] as? String == "truncated")
    #expect((findings?.first?["message"] as? String)?.contains("data ends at byte 60000000") == true)
  }

  @Test(arguments: ["hf://org/model", "https://example.com/m.safetensors", "-"])
  func remoteInputsAreRefusedWithoutANetworkRequest(input: String) throws {
    let r = try CLI.run(["scan", input])
    #expect(r.status == 64)
    #expect(r.stderr.hasPrefix("error: scan reads local files only: download \(input) first"))
  }

  @Test func directoryOfSeveralCheckpointsIsScannedOneByOne() throws {
    let dir = TempDir()
    let fm = FileManager.default
    try fm.copyItem(atPath: "TestData/tiny-llama.Q8_0.gguf", toPath: dir.path + "/a.gguf")
    try fm.copyItem(atPath: "TestData/tiny-gpt2.safetensors", toPath: dir.path + "/b.safetensors")
    let r = try CLI.run(["scan", dir.path, "--json"])
    let docs = try #require(CLI.json(r.stdout) as? [[String: Any]])
    #expect(docs.map { ($0["path"] as? String).map { String($0.split(separator: "/").last!) } } == ["a.gguf", "b.safetensors"])
    #expect(r.status == 1)  // the pattern-filled GGUF's NaN
    let one = try CLI.run(["scan", dir.path, "--expect-sha256", String(repeating: "0", count: 64)])
    #expect(one.status == 64)
    #expect(one.stderr.contains("holds 2 checkpoints: name one"))
  }

  @Test func missingFileIsUnreadable() throws {
    let r = try CLI.run(["scan", "nope.safetensors"])
    #expect(r.status == 66)
    #expect(r.stderr == "error: nope.safetensors: cannot open: No such file or directory\n")
  }
}
