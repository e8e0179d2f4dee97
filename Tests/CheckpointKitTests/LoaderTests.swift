import Foundation
import Testing
@testable import CheckpointKit

/// Files, directories, shards and splits: the checkpoints in TestData/ (written by
/// scripts/make-testdata) and broken copies of them made in a temporary directory.
@Suite struct LoaderTests {
  /// Parameters of the tiny Llama, by hand: embedding 512 x 64, per layer q/o 64 x 64,
  /// k/v 32 x 64, gate/up 128 x 64, down 64 x 128, two 64-wide norms; a final norm; lm_head 512 x 64.
  static let tinyLlamaParameters: UInt64 = 512 * 64 + 2 * (2 * 4096 + 2 * 2048 + 3 * 8192 + 2 * 64) + 64 + 512 * 64
  /// The GGUF drops lm_head (tied to token_embd).
  static let tinyGGUFParameters: UInt64 = tinyLlamaParameters - 512 * 64

  @Test func tinyLlamaDirectoryReadsItsSafetensors() throws {
    let catalog = try CheckpointLoader.load(Paths.testData("tiny-llama"))
    #expect(catalog.format == .safetensors)
    #expect(catalog.path == Paths.testData("tiny-llama"))
    #expect(catalog.tensors.count == 21)
    let s = Counter.count(catalog)
    #expect(s.totals.parameters == Self.tinyLlamaParameters)
    #expect(s.totals.parameters == 139_584)
    #expect(s.tiedHead.state == .untied)
    #expect(s.tiedHead.headMatchesEmbeddingShape)
    #expect(s.parameters(of: .head) == 32_768)
  }

  @Test func shardedDirectoryAndIndexPathAgree() throws {
    let byDirectory = try CheckpointLoader.load(Paths.testData("tiny-llama-sharded"))
    let byIndex = try CheckpointLoader.load(Paths.testData("tiny-llama-sharded/model.safetensors.index.json"))
    #expect(byDirectory.format == .shardedSafetensors)
    #expect(byDirectory.files.count == 2)
    #expect(byDirectory.tensors.map(\.name) == byIndex.tensors.map(\.name))
    #expect(Counter.count(byDirectory).totals.parameters == Self.tinyLlamaParameters)
    #expect(byDirectory.details.indexMetadata["total_parameters"] == .unsigned(Self.tinyLlamaParameters, type: "uint64"))
    let single = try CheckpointLoader.load(Paths.testData("tiny-llama/model.safetensors"))
    #expect(Set(byDirectory.tensors.map(\.name)) == Set(single.tensors.map(\.name)))
    #expect(byDirectory.tensors.filter { $0.file == 1 }.count == 11)
  }

  @Test func tinyGGUF() throws {
    let catalog = try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf"))
    let s = Counter.count(catalog)
    #expect(catalog.tensors.count == 20)
    #expect(s.totals.parameters == Self.tinyGGUFParameters)
    #expect(s.tiedHead.state == .tied)
    #expect(catalog.tensors.first?.bytes == 512 * 64 / 32 * 34)
  }

  @Test func splitGGUFFromAnyPartOrTheDirectory() throws {
    let dir = Paths.testData("tiny-split")
    let whole = try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf"))
    for path in [dir, dir + "/tiny-llama-Q8_0-00001-of-00002.gguf", dir + "/tiny-llama-Q8_0-00002-of-00002.gguf"] {
      let split = try CheckpointLoader.load(path)
      #expect(split.format == .splitGGUF)
      #expect(split.files.count == 2)
      #expect(split.tensors.map(\.name) == whole.tensors.map(\.name))
      #expect(split.tensors.map(\.shape) == whole.tensors.map(\.shape))
      #expect(Counter.count(split).totals.parameters == Self.tinyGGUFParameters)
      #expect(split.metadata["general.architecture"] == .string("llama"))
    }
  }

  @Test func gpt2BuffersAndTiedHead() throws {
    let catalog = try CheckpointLoader.load(Paths.testData("tiny-gpt2.safetensors"))
    let s = Counter.count(catalog)
    #expect(catalog.tensors.filter { $0.role == .buffer }.map(\.name) == ["h.0.attn.bias", "h.1.attn.bias"])
    #expect(s.totals.bufferElements == 2 * 32 * 32)
    // wte 256x32 + wpe 32x32; per layer 2 LNs (64 each), c_attn 32x96+96, c_proj 32x32+32,
    // c_fc 32x128+128, mlp c_proj 128x32+32; ln_f 64.
    let perLayer: UInt64 = 4 * 32 + (3072 + 96) + (1024 + 32) + (4096 + 128) + (4096 + 32)
    #expect(s.totals.parameters == 8192 + 1024 + 2 * perLayer + 64)
    #expect(s.tiedHead.state == .tied)
    #expect(s.tiedHead.embedding == "wte.weight")
  }

  // MARK: Broken inputs

  @Test func missingPath() {
    let error = caught { try CheckpointLoader.load("/nonexistent/model.safetensors") }
    #expect(error?.fault == .io(operation: "open", message: "No such file or directory"))
    #expect(error?.isUnreadable == true)
    #expect(error?.description == "/nonexistent/model.safetensors: cannot open: No such file or directory")
  }

  @Test func emptyFiles() {
    let tmp = TempDir()
    #expect(fault { try CheckpointLoader.load(tmp.write("empty.safetensors", [])) } == .safetensors(.fileTooSmall(size: 0)))
    #expect(fault { try CheckpointLoader.load(tmp.write("empty.gguf", [])) } == .truncated(needed: 4, remaining: 0))
    #expect(fault { try CheckpointLoader.load(tmp.write("empty.bin", [])) } == .unrecognizedFormat("the file is empty"))
  }

  @Test func errorsNameTheFile() {
    let tmp = TempDir()
    let path = tmp.write("bad.safetensors", Bytes.safetensors("{]"))
    let error = caught { try CheckpointLoader.load(path) }
    #expect(error?.file == path)
    #expect(error?.description.hasPrefix(path + ": byte 9: header: invalid JSON") == true)
  }

  @Test func formatIsSniffedNotGuessedFromTheName() throws {
    let tmp = TempDir()
    let gguf = tmp.copy(Paths.testData("tiny-llama.Q8_0.gguf"), as: "weights.bin")
    #expect(try CheckpointLoader.load(gguf).format == .gguf)
    let st = tmp.copy(Paths.testData("tiny-gpt2.safetensors"), as: "weights.pt2")
    #expect(try CheckpointLoader.load(st).format == .safetensors)
  }

  @Test func bigEndianGGUFThroughTheLoader() throws {
    let tmp = TempDir()
    let path = tmp.write("be.gguf", GGUFReaderTests.sample(bigEndian: true).build())
    let catalog = try CheckpointLoader.load(path)
    #expect(catalog.details.bigEndian)
    #expect(catalog.tensors.map(\.shape) == [[10, 64], [64]])
  }

  /// Copies the sharded TestData checkpoint and applies `edit` to its index text.
  func shardedCopy(editIndex edit: (String) -> String) -> TempDir {
    let tmp = TempDir()
    let source = Paths.testData("tiny-llama-sharded")
    for name in ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"] {
      tmp.copy(source + "/" + name, as: name)
    }
    let index = (try? String(contentsOfFile: source + "/model.safetensors.index.json", encoding: .utf8)) ?? ""
    tmp.write("model.safetensors.index.json", edit(index))
    return tmp
  }

  @Test func indexNamingAMissingShard() {
    let tmp = shardedCopy { $0.replacingOccurrences(of: "model-00002-of-00002", with: "model-00003-of-00003") }
    #expect(fault { try CheckpointLoader.load(tmp.path) } == .index(.missingShard("model-00003-of-00003.safetensors")))
  }

  @Test func shardNamesThatEscapeTheDirectory() {
    let tmp = shardedCopy { $0.replacingOccurrences(of: "\"model-00002-of-00002", with: "\"../model-00002-of-00002") }
    #expect(fault { try CheckpointLoader.load(tmp.path) } == .index(.shardEscapes("../model-00002-of-00002.safetensors")))
  }

  @Test func tensorMappedToTheWrongShard() {
    let tmp = shardedCopy {
      $0.replacingOccurrences(
        of: "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"",
        with: "\"model.norm.weight\": \"model-00001-of-00002.safetensors\"")
    }
    #expect(fault { try CheckpointLoader.load(tmp.path) } == .index(.tensorNotInIndex(tensor: "model.norm.weight", shard: "model-00002-of-00002.safetensors")))
  }

  @Test func indexNamingATensorNoShardHolds() {
    let tmp = shardedCopy {
      $0.replacingOccurrences(
        of: "\"weight_map\": {", with: "\"weight_map\": {\n    \"ghost.weight\": \"model-00001-of-00002.safetensors\",")
    }
    #expect(fault { try CheckpointLoader.load(tmp.path) } == .index(.tensorMissingFromShard(tensor: "ghost.weight", shard: "model-00001-of-00002.safetensors")))
  }

  @Test func indexWithoutWeightMap() {
    let tmp = TempDir()
    tmp.write("model.safetensors.index.json", #"{"metadata": {"total_size": 5}}"#)
    #expect(fault { try CheckpointLoader.load(tmp.path) } == .index(.noWeightMap))
  }

  @Test func splitGGUFWithAMissingPart() {
    let tmp = TempDir()
    tmp.copy(Paths.testData("tiny-split/tiny-llama-Q8_0-00001-of-00002.gguf"), as: "m-00001-of-00003.gguf")
    let found = fault { try CheckpointLoader.load(tmp.path + "/m-00001-of-00003.gguf") }
    #expect(found == .index(.splitMismatch("part 2 of 3 (m-00002-of-00003.gguf) is missing")))
  }

  @Test func splitNumberingThatDisagreesWithTheName() {
    let tmp = TempDir()
    let source = Paths.testData("tiny-split/")
    tmp.copy(source + "tiny-llama-Q8_0-00001-of-00002.gguf", as: "m-00002-of-00002.gguf")
    tmp.copy(source + "tiny-llama-Q8_0-00002-of-00002.gguf", as: "m-00001-of-00002.gguf")
    let found = fault { try CheckpointLoader.load(tmp.path) }
    #expect(found == .index(.splitMismatch("split.no is 1 but the file name says part 1")))
  }

  @Test func directoriesWithNothingOrTooMuch() {
    let empty = TempDir()
    #expect(fault { try CheckpointLoader.load(empty.path) } == .index(.ambiguousDirectory("directory holds no .safetensors, .safetensors.index.json or .gguf file")))
    let two = TempDir()
    two.copy(Paths.testData("tiny-gpt2.safetensors"), as: "a.safetensors")
    two.copy(Paths.testData("tiny-llama.Q8_0.gguf"), as: "b.gguf")
    #expect(fault { try CheckpointLoader.load(two.path) } == .index(.ambiguousDirectory("directory holds 2 checkpoints and no index (a.safetensors, b.gguf): name one")))
  }

  @Test func splitNames() {
    let split = SplitName("Llama-3-70B-Q4_K_M-00002-of-00010.gguf", suffix: ".gguf")
    #expect(split?.prefix == "Llama-3-70B-Q4_K_M")
    #expect(split?.part == 2)
    #expect(split?.count == 10)
    #expect(split?.name(ofPart: 10) == "Llama-3-70B-Q4_K_M-00010-of-00010.gguf")
    #expect(SplitName("model.gguf", suffix: ".gguf") == nil)
    #expect(SplitName("x-00003-of-00002.gguf", suffix: ".gguf") == nil)
  }
}
