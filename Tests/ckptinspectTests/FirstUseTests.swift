import Foundation
import Testing

/// What a first-time user runs into (issue 12): each test failed before its fix.
@Suite struct FirstUseTests {
  /// 1. A misspelled subcommand is not read as a path.
  @Test(arguments: [("tensor", "tensors"), ("sumary", "summary"), ("valdate", "validate"), ("memroy", "memory")])
  func misspelledCommandIsNamed(word: String, meant: String) throws {
    let r = try CLI.run([word, "TestData/tiny-llama.Q8_0.gguf"])
    #expect(r.status == 64)
    #expect(r.stdout == "")
    #expect(r.stderr == "error: unknown command '\(word)': did you mean '\(meant)'? (see ckptinspect --help)\n")
  }

  /// A missing file is still a missing file (66), not a misspelled command.
  @Test func missingFileIsUnreadable() throws {
    let r = try CLI.run(["nope.gguf"])
    #expect(r.status == 66)
    #expect(r.stderr == "error: nope.gguf: cannot open: No such file or directory\n")
  }

  /// 6. --tensors without --json is refused with what to run instead.
  @Test func tensorsFlagNeedsJSON() throws {
    let r = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "--tensors"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("ckptinspect tensors PATH"))
    let json = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "--tensors", "--json"])
    #expect(json.status == 0)
  }

  /// 4. A missing metadata key is one line with suggestions and exit 1, not a usage error.
  @Test func missingMetadataKey() throws {
    let r = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf", "--key", "context_length"])
    #expect(r.status == 1)
    #expect(r.stdout == "")
    #expect(r.stderr == "error: TestData/tiny-llama.Q8_0.gguf: no key 'context_length' (did you mean 'llama.context_length'?)\n")
    let none = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf", "--key", "zzzz", "--json"])
    #expect(none.status == 1)
    #expect(((CLI.json(none.stdout) as? [String: Any])?["error"] as? [String: Any])?["kind"] as? String == "missing_key")
  }

  /// 10. validate: a missing file is unreadable (66), not "invalid"; a directory of unrelated
  /// checkpoints is validated file by file.
  @Test func validateTellsUnreadableFromInvalid() throws {
    let r = try CLI.run(["validate", "nope.gguf"])
    #expect(r.status == 66)
    #expect(r.stderr == "error: nope.gguf: cannot open: No such file or directory\n")
    let dir = TempDir()
    for name in ["a.gguf", "b.gguf"] {
      _ = dir.write(name, Array(try Data(contentsOf: URL(fileURLWithPath: CLI.root + "/TestData/tiny-llama.Q8_0.gguf"))))
    }
    let each = try CLI.run(["validate", dir.path])
    #expect(each.status == 0, "\(each.stderr)")
    #expect(each.stdout.split(separator: "\n").map(String.init) == [
      dir.path + "/a.gguf: valid (gguf, 20 tensors)", dir.path + "/b.gguf: valid (gguf, 20 tensors)",
    ])
  }

  /// 2. --gpu: units mean what they say, a bare number is refused, names match any case.
  @Test func gpuSizesAndNames() throws {
    let bare = try CLI.run(["memory", "TestData/tiny-llama.Q8_0.gguf", "--gpu", "3090"])
    #expect(bare.status == 64)
    #expect(bare.stderr.contains("a size needs a unit: 3090GB or 3090GiB (or the GPU rtx3090)"))
    let a100 = try CLI.run(["memory", "TestData/tiny-llama.Q8_0.gguf", "--gpu", "A100"])
    #expect(a100.stderr.contains("did you mean a100-40g or a100-80g?"))
    let list = try CLI.run(["memory", "TestData/tiny-llama.Q8_0.gguf", "--gpu", "h100, a100-80g", "--json"])
    #expect(list.status == 0, "\(list.stderr)")
    let si = try CLI.run(["memory", "TestData/tiny-llama.Q8_0.gguf", "--gpu", "24GB", "--json"])
    #expect(si.status == 0)
    #expect(si.stdout.contains("24000000000"))
  }

  /// 3. Negative numbers are refused as negative, not as missing values.
  @Test(arguments: [
    (["memory", "--context", "-5"], "--context must be positive"),
    (["memory", "--gpu", "-3GiB"], "--gpu must be positive"),
    (["audit", "--expect", "-7B"], "--expect must be positive"),
    (["audit", "--tolerance", "-5"], "--tolerance must be positive"),
  ])
  func negativeNumbers(arguments: [String], says: String) throws {
    let r = try CLI.run([arguments[0], "TestData/tiny-llama.Q8_0.gguf"] + arguments.dropFirst())
    #expect(r.status == 64)
    #expect(r.stderr.contains(says), "\(r.stderr)")
    #expect(!r.stderr.contains("Missing value"))
  }

  /// 9. A partial download (cut inside its tensor data) is reported from its whole header with
  /// a warning; validate stays invalid. A .zst's offsets say they count decompressed bytes.
  @Test func partialDownloadIsReportedWithAWarning() throws {
    let whole = try Data(contentsOf: URL(fileURLWithPath: CLI.root + "/TestData/tiny-llama.Q8_0.gguf"))
    let dir = TempDir()
    let path = dir.write("tiny-llama.Q8_0.gguf", Array(whole.prefix(100_000)))
    for command in ["summary", "tensors", "metadata", "audit", "memory"] {
      let r = try CLI.run([command, path])
      #expect(r.status == 0, "\(command): \(r.stderr)")
      #expect(r.stderr.contains("the file ends at byte 100000 but its tensor data runs to byte 127712: 27712 bytes of tensor data are missing, 6 tensors"))
    }
    let json = try CLI.run([path, "--json"])
    #expect(((CLI.json(json.stdout) as? [String: Any])?["totals"] as? [String: Any])?["parameters"] as? Int == 106_816)
    let v = try CLI.run(["validate", path])
    #expect(v.status == 1)
    #expect(v.stdout.contains("invalid, 6 problems"))
    let zst = dir.path + "/cut.gguf.zst"
    let zstd = Process()
    zstd.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
    zstd.arguments = ["-q", "-o", zst, dir.write("cut.gguf", Array(whole.prefix(5000)))]
    try zstd.run()
    zstd.waitUntilExit()
    let z = try CLI.run([zst])
    #expect(z.status == 65)
    #expect(z.stderr.contains("byte 4998 of the decompressed stream"))
  }

  /// 18-20. Data laid out where ggml would not load it, and types of unknown size, make a file
  /// invalid for validate; the other commands read it with a warning naming a likely type.
  @Test func layoutAndUnknownTypesAreInvalid() throws {
    for (file, kind) in [
      ("aliased-offsets.gguf", "gguf.unexpected_offset"), ("fork-type-id.gguf", "gguf.unexpected_offset"),
      ("unknown-type-id.gguf", "gguf.unknown_type"), ("unknown-dtype.safetensors", "safetensors.unknown_dtype"),
    ] {
      let path = "TestData/malformed/" + file
      let v = try CLI.run(["validate", path, "--json"])
      #expect(v.status == 1, "\(file)")
      let problems = (CLI.json(v.stdout) as? [String: Any])?["problems"] as? [[String: Any]]
      #expect(problems?.first?["kind"] as? String == kind, "\(file)")
      let s = try CLI.run([path])
      #expect(s.status == 0, "\(file): \(s.stderr)")
      #expect(s.stderr.hasPrefix("warning: "))
    }
    let fork = try CLI.run(["TestData/malformed/fork-type-id.gguf"])
    #expect(fork.stderr.contains("tensor 'a' spans 64 bytes, the size of IQ1_S or IQ1_M or TQ1_0 or Q1_0, not of its declared Q2_0"))
  }

  /// 14. JSON that agrees with itself: tensors' parameters add up to the total (buffers hold
  /// none), an error's absent field is null, a tied head has no shape to compare.
  @Test func jsonAddsUp() throws {
    let r = try CLI.run(["TestData/tiny-gpt2.safetensors", "--json", "--tensors"])
    let doc = CLI.json(r.stdout) as? [String: Any]
    let tensors = doc?["tensors"] as? [[String: Any]] ?? []
    #expect(tensors.reduce(0) { $0 + ($1["parameters"] as? Int ?? 0) } == 34_688)
    #expect((doc?["totals"] as? [String: Any])?["parameters"] as? Int == 34_688)
    #expect(tensors.first { $0["name"] as? String == "h.0.attn.bias" }?["parameters"] as? Int == 0)
    #expect((doc?["head"] as? [String: Any])?["head_matches_embedding_shape"] is NSNull)
    let missing = try CLI.run(["nope.gguf", "--json"])
    #expect(((CLI.json(missing.stdout) as? [String: Any])?["error"] as? [String: Any])?["field"] is NSNull)
  }

  /// 16. Each report agrees with itself.
  @Test func reportsDoNotContradictThemselves() throws {
    let realdata = ProcessInfo.processInfo.environment["CKPT_REALDATA"] ?? NSHomeDirectory() + "/.cache/ckptinspect/realdata"
    let vocab = realdata + "/vocab/ggml-vocab-llama-spm.gguf"
    let audit = try CLI.run(["audit", vocab])
    // The row the finding is about says so, as the verdict does.
    #expect(audit.stdout.contains("GGUF hyperparameters (llama)  6,738,415,616     +6.74B  finding"))
    #expect(audit.stdout.contains("verdict: 0 parameters; 1 finding"))
    #expect(!audit.stdout.contains("explained\n"))
    let nothing = try CLI.run(["audit", "TestData/tiny-gpt2.safetensors"])
    #expect(nothing.stdout.contains("verdict: 34,688 parameters; no reported figure to check"))
    let memory = try CLI.run(["memory", vocab])
    #expect(memory.stdout.contains("fine-tuning          none: the file holds no weights"))
    #expect(!memory.stdout.contains("0 trainable"))
    let minilm = try CLI.run([realdata + "/minilm"])
    #expect(minilm.stdout.contains("head         no LM head (the head row: a pooler or classifier)"))
    #expect(minilm.stdout.contains("head       147.8K"))
  }

  /// 7. A pattern without wildcards matches anywhere in the name.
  @Test func filterWithoutWildcardMatchesSubstrings() throws {
    let r = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "token_embd", "--json"])
    #expect(r.status == 0)
    let names = ((CLI.json(r.stdout) as? [String: Any])?["tensors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
    #expect(names == ["token_embd.weight"])
    let attn = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "attn_q", "--json"])
    let count = ((CLI.json(attn.stdout) as? [String: Any])?["tensors"] as? [Any])?.count
    #expect(count == 2)
    // With a wildcard the whole name must match, as before.
    let exact = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "attn_q*", "--json"])
    #expect(((CLI.json(exact.stdout) as? [String: Any])?["tensors"] as? [Any])?.count == 0)
  }
}

/// 5. `-` and `/dev/stdin`: the header is read from the stream, the rest is never read.
@Suite struct StandardInputTests {
  func piped(_ file: String, _ arguments: [String], through filter: String = "cat") throws -> CLI.Result {
    // A shell pipeline, as a user writes it: the tool reads a pipe, not a mappable file.
    let command = "\(filter) \(file) | '\(CLI.binary)' " + arguments.map { "'\($0)'" }.joined(separator: " ")
    return try CLI.shell(command)
  }

  @Test(arguments: ["-", "/dev/stdin"])
  func pipedGGUFMatchesTheFile(name: String) throws {
    let file = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "--json"])
    let r = try piped("TestData/tiny-llama.Q8_0.gguf", [name, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let a = CLI.json(file.stdout) as? [String: Any]
    let b = CLI.json(r.stdout) as? [String: Any]
    #expect((b?["totals"] as? [String: Any])?["parameters"] as? Int == 106_816)
    #expect(NSDictionary(dictionary: a?["totals"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: b?["totals"] as? [String: Any] ?? [:]))
    // The size is not known without the whole file, and the report says so.
    #expect(((b?["files"] as? [[String: Any]])?.first?["bytes"]) is NSNull)
    #expect((b?["warnings"] as? [String])?.first?.contains("need the whole file") == true)
  }

  @Test func pipedCompressedAndSafetensors() throws {
    let z = try piped("TestData/tiny-llama.Q8_0.gguf", ["-", "--json"], through: "zstd -q -c")
    #expect(z.status == 0, "\(z.stderr)")
    #expect(((CLI.json(z.stdout) as? [String: Any])?["totals"] as? [String: Any])?["parameters"] as? Int == 106_816)
    let s = try piped("TestData/tiny-gpt2.safetensors", ["tensors", "-", "--json"])
    #expect(s.status == 0, "\(s.stderr)")
    #expect(((CLI.json(s.stdout) as? [String: Any])?["tensors"] as? [Any])?.count == 30)
  }

  /// A stream far longer than its header is not drained: the writer is cut off early.
  @Test func streamIsNotDrained() throws {
    // The writer sends the GGUF, then up to 300 MB of zeros, and says how much got through
    // before the pipe closed.
    let script = NSTemporaryDirectory() + "ckptinspect-writer-\(getpid()).py"
    defer { try? FileManager.default.removeItem(atPath: script) }
    try """
      import sys
      sys.stdout.buffer.write(open("TestData/tiny-llama.Q8_0.gguf", "rb").read())
      n = 0
      try:
          while n < 300_000_000:
              sys.stdout.buffer.write(bytes(1 << 20))
              n += 1 << 20
          sys.stdout.flush()
      except BrokenPipeError:
          pass
      sys.stderr.write("zeros %d\\n" % n)
      """.write(toFile: script, atomically: true, encoding: .utf8)
    let writer = "python3 " + script
    let r = try piped("", ["-", "--json"], through: writer)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(((CLI.json(r.stdout) as? [String: Any])?["totals"] as? [String: Any])?["tensors"] as? Int == 20)
    let zeros = r.stderr.split(separator: "\n").first { $0.hasPrefix("zeros ") }.flatMap { Int($0.dropFirst(6)) } ?? .max
    #expect(zeros < 16 << 20, "\(r.stderr)")
  }

  @Test func notACheckpointOnStdinNamesIt() throws {
    let r = try piped("TestData/README.md", ["-"])
    #expect(r.status == 65)
    #expect(r.stderr.hasPrefix("error: standard input: "))
  }
}

/// 8. Files that are another format say what they are and what to do, with exit 67.
@Suite struct ForeignFileTests {
  /// Each file as its tool writes it (bytes built here: a zip member header, a pickle opcode
  /// stream, ggml's old magic, ...), under the name people save it as.
  static let files: [(name: String, bytes: [UInt8], says: String)] = [
    (
      "model.safetensors",
      Array("version https://git-lfs.github.com/spec/v1\noid sha256:4665a5ea423c2713d436b5ee50593a9640e0018c1550b5a0002f74190d6caea8\nsize 98362432\n".utf8),
      "Git LFS pointer"
    ),
    ("model.gguf", Array("<!DOCTYPE html>\n<html><body>Access denied</body></html>".utf8), "HTML page"),
    ("error.safetensors", Array(#"{"error":"Repository not found"}"#.utf8), "JSON document"),
    // A zip whose first member is PyTorch's archive/data.pkl (local file header, then the name).
    ("pytorch_model.bin", [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 22) + [16, 0, 0, 0] + Array("archive/data.pkl".utf8) + [0x80, 0x02, 0x7D, 0x2E], "PyTorch checkpoint"),
    ("old.pt", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E], "Python pickle"),
    ("weights.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0, 0x7B], "NumPy .npy"),
    ("model.onnx", [0x08, 0x07, 0x12, 0x07] + Array("pytorch".utf8), "ONNX model"),
    ("llama-7b.ggmlv3.q4_0.bin", Array("tjgg".utf8) + [3, 0, 0, 0] + [UInt8](repeating: 0, count: 60), "legacy 'ggjt' file"),
  ]

  @Test(arguments: files.indices)
  func foreignFileIsNamed(index: Int) throws {
    let file = Self.files[index]
    let dir = TempDir()
    let path = dir.write(file.name, file.bytes)
    let r = try CLI.run([path, "--json"])
    #expect(r.status == 67, "\(file.name): \(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
    #expect(r.stderr.contains(file.says))
    let error = (CLI.json(r.stdout) as? [String: Any])?["error"] as? [String: Any]
    #expect(error?["kind"] as? String == "not_a_checkpoint")
  }

  @Test func lfsPointerSaysWhatToRun() throws {
    let dir = TempDir()
    let path = dir.write("model.safetensors", Self.files[0].bytes)
    let r = try CLI.run([path])
    #expect(r.stderr.contains("git lfs pull"))
  }
}

/// A directory for files a test writes, removed when the value is released.
final class TempDir {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "ckptinspect-cli-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let file = path + "/" + name
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }
}
