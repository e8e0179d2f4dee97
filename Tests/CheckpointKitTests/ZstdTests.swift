import Foundation
import Testing
@testable import CheckpointKit

/// zstd-compressed checkpoints: compressed in the test with the `zstd` command, they must give the
/// same catalog as the plain files while decompressing only the header.
@Suite struct ZstdTests {
  /// Runs the zstd command; returns its exit status.
  @discardableResult
  static func zstd(_ arguments: [String], stdin: String? = nil, stdout: String? = nil) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["zstd", "-q"] + arguments
    if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin) }
    if let stdout {
      _ = FileManager.default.createFile(atPath: stdout, contents: nil)
      process.standardOutput = FileHandle(forWritingAtPath: stdout)
    }
    do { try process.run() } catch {
      Issue.record("cannot run zstd: \(error)")
      return -1
    }
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// Everything a catalog says about the checkpoint, leaving out where and how it was read.
  static func essence(_ catalog: Catalog) -> String {
    var summary = JSONReport.summary(catalog, Counter.count(catalog), tensors: true)
    if case .object(let members) = summary {
      summary = .object(members.filter { !["path", "files", "warnings"].contains($0.0) }.map { key, value in
        guard key == "tensors", case .array(let tensors) = value else { return (key, value) }
        // Drop the file name from each tensor; keep everything else.
        return (key, .array(tensors.map { t in
          guard case .object(let fields) = t else { return t }
          return .object(fields.filter { $0.0 != "file" })
        }))
      })
    }
    return summary.serialized()
  }

  static let inputs = [
    "TestData/tiny-llama/model.safetensors", "TestData/tiny-gpt2.safetensors", "TestData/tiny-llama.Q8_0.gguf",
    "real:minilm/model.safetensors", "real:fracast/model.int8.safetensors",
    "real:smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "real:vocab/ggml-vocab-llama-spm.gguf",
  ]

  static func path(_ input: String) -> String {
    input.hasPrefix("real:") ? Paths.real(String(input.dropFirst(5))) : Paths.root + "/" + input
  }

  @Test(arguments: inputs)
  func compressedGivesTheSameReport(_ input: String) throws {
    let source = Self.path(input)
    let tmp = TempDir()
    let name = (source as NSString).lastPathComponent
    let compressed = tmp.path + "/" + name + ".zst"
    #expect(Self.zstd(["-3", source, "-o", compressed]) == 0)
    let plain = try CheckpointLoader.load(source)
    let packed = try CheckpointLoader.load(compressed)
    #expect(Self.essence(packed) == Self.essence(plain))
    #expect(packed.warnings == plain.warnings)
    let file = try #require(packed.files.first)
    #expect(file.compression == "zstd")
    #expect(file.bytes == plain.files.first?.bytes)
    let onDisk = try FileManager.default.attributesOfItem(atPath: compressed)[.size] as? Int
    #expect(file.compressedBytes == onDisk.map(UInt64.init))
    #expect(file.headerBytes == plain.files.first?.headerBytes)
  }

  @Test func onlyTheHeaderIsDecompressed() throws {
    // SmolLM2: a 1.79 MB header in a 98 MB file.
    let source = Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    let tmp = TempDir()
    let compressed = tmp.path + "/smol.gguf.zst"
    #expect(Self.zstd(["-1", source, "-o", compressed]) == 0)
    let file = try #require(try CheckpointLoader.load(compressed).files.first)
    let read = try #require(file.compressedBytesRead)
    let total = try #require(file.compressedBytes)
    #expect(read < 4_000_000)
    #expect(read * 10 < total)
  }

  @Test func streamWithoutDeclaredSize() throws {
    let source = Paths.testData("tiny-llama/model.safetensors")
    let tmp = TempDir()
    let piped = tmp.path + "/piped.safetensors.zst"
    #expect(Self.zstd(["-c"], stdin: source, stdout: piped) == 0)
    // Small enough to decompress whole while reading the header: the size is then exact.
    let small = try CheckpointLoader.load(piped)
    #expect(small.files.first?.bytes == 281_960)
    #expect(small.warnings.isEmpty)
    // A large one without a declared size: unknown unless --full.
    let big = Paths.real("minilm/model.safetensors")
    let bigPiped = tmp.path + "/big.safetensors.zst"
    #expect(Self.zstd(["-1", "-c"], stdin: big, stdout: bigPiped) == 0)
    let quick = try CheckpointLoader.load(bigPiped)
    #expect(quick.files.first?.bytes == nil)
    #expect(quick.warnings.count == 1)
    #expect(quick.warnings.first?.contains("does not declare its size") == true)
    let full = try CheckpointLoader.load(bigPiped, options: LoadOptions(full: true))
    #expect(full.files.first?.bytes == 90_868_376)
    #expect(full.warnings.isEmpty)
    #expect(Counter.count(full).totals.parameters == 22_713_216)
  }

  @Test func longWindowFrames() throws {
    // Piped through `zstd --long=31`, a frame declares a 2 GiB window (the decoder's default limit is 128 MiB).
    let source = Paths.real("minilm/model.safetensors")
    let tmp = TempDir()
    let long = tmp.path + "/long.safetensors.zst"
    #expect(Self.zstd(["--long=31", "-1", "-c"], stdin: source, stdout: long) == 0)
    let catalog = try CheckpointLoader.load(long)
    #expect(Counter.count(catalog).totals.parameters == 22_713_216)
    #expect(catalog.files.first?.compressedBytesRead ?? .max < 1_000_000)
  }

  @Test func multipleFramesAndSkippableFrames() throws {
    let source = Paths.real("minilm/model.safetensors")
    let data = try Data(contentsOf: URL(fileURLWithPath: source))
    let tmp = TempDir()
    let first = tmp.write("a", Array(data.prefix(1_000_000)))
    let rest = tmp.write("b", Array(data.dropFirst(1_000_000)))
    #expect(Self.zstd(["-1", first, "-o", first + ".zst"]) == 0)
    #expect(Self.zstd(["-1", rest, "-o", rest + ".zst"]) == 0)
    // A skippable frame (magic 0x184D2A5E, 4-byte length, payload) before the two real frames.
    var skippable = Bytes()
    skippable.u32(0x184D_2A5E)
    skippable.u32(5)
    skippable.raw("hello")
    let joined = skippable.data + Array(try Data(contentsOf: URL(fileURLWithPath: first + ".zst")))
      + Array(try Data(contentsOf: URL(fileURLWithPath: rest + ".zst")))
    let path = tmp.write("multi.safetensors.zst", joined)
    let quick = try CheckpointLoader.load(path)
    #expect(Counter.count(quick).totals.parameters == 22_713_216)
    // The skippable frame hides the first real frame's declared size: the total is unknown.
    #expect(quick.files.first?.bytes == nil)
    #expect(quick.warnings.first?.contains("does not declare its size") == true)
    let full = try CheckpointLoader.load(path, options: LoadOptions(full: true))
    #expect(full.files.first?.bytes == 90_868_376)
    #expect(full.warnings.isEmpty)
    // Without the skippable frame, the first frame declares 1,000,000 bytes: too few to be all.
    let twoFrames = tmp.write("two.safetensors.zst", Array(joined.dropFirst(13)))
    let two = try CheckpointLoader.load(twoFrames)
    #expect(two.files.first?.bytes == nil)
    #expect(two.warnings.first?.contains("more frames follow") == true)
  }

  @Test func truncatedCompressedFile() throws {
    let source = Paths.testData("tiny-llama.Q8_0.gguf")
    let tmp = TempDir()
    let compressed = tmp.path + "/t.gguf.zst"
    #expect(Self.zstd(["-19", source, "-o", compressed]) == 0)
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: compressed)))
    let cut = tmp.write("cut.gguf.zst", Array(bytes.prefix(bytes.count / 2)))
    #expect(fault { try CheckpointLoader.load(cut) } == .zstd(.truncatedFrame))
  }

  @Test func shardsAndSplitPartsMayBeCompressed() throws {
    let tmp = TempDir()
    let sharded = Paths.testData("tiny-llama-sharded")
    tmp.copy(sharded + "/model.safetensors.index.json", as: "model.safetensors.index.json")
    #expect(Self.zstd([sharded + "/model-00001-of-00002.safetensors", "-o", tmp.path + "/model-00001-of-00002.safetensors.zst"]) == 0)
    tmp.copy(sharded + "/model-00002-of-00002.safetensors", as: "model-00002-of-00002.safetensors")
    let mixed = try CheckpointLoader.load(tmp.path)
    #expect(mixed.format == .shardedSafetensors)
    #expect(mixed.files.map(\.compression) == ["zstd", nil])
    #expect(Counter.count(mixed).totals.parameters == 139_584)

    let split = TempDir()
    let parts = Paths.testData("tiny-split/")
    #expect(Self.zstd([parts + "tiny-llama-Q8_0-00001-of-00002.gguf", "-o", split.path + "/tiny-llama-Q8_0-00001-of-00002.gguf.zst"]) == 0)
    #expect(Self.zstd([parts + "tiny-llama-Q8_0-00002-of-00002.gguf", "-o", split.path + "/tiny-llama-Q8_0-00002-of-00002.gguf.zst"]) == 0)
    for path in [split.path, split.path + "/tiny-llama-Q8_0-00002-of-00002.gguf.zst"] {
      let catalog = try CheckpointLoader.load(path)
      #expect(catalog.format == .splitGGUF)
      #expect(catalog.tensors.count == 20)
      #expect(Counter.count(catalog).totals.parameters == 106_816)
    }
  }

  @Test func theMalformedCorpusFailsTheSameWayCompressed() {
    let tmp = TempDir()
    for entry in MalformedCorpusTests.cases where !entry.path.hasSuffix(".zst") && !entry.path.hasPrefix("index-") {
      let compressed = tmp.path + "/" + entry.path + ".zst"
      #expect(Self.zstd([Paths.testData("malformed/" + entry.path), "-o", compressed]) == 0)
      let result = ValidationResult.validate(compressed)
      if entry.kind == "warning" {
        #expect(result.isValid, "\(entry.path).zst: \(result.problems)")
        #expect(result.catalog?.warnings.isEmpty == false, "\(entry.path).zst has no warning")
      } else {
        let kind = entry.kind.contains(":") ? String(entry.kind.drop { $0 != ":" }.dropFirst()) : entry.kind
        #expect(result.problems.first?.fault.kind == kind, "\(entry.path).zst: \(result.problems)")
      }
    }
  }
}

/// The decoder's allocator: large blocks mapped, small ones from malloc, both released.
@Suite struct ZstdMemoryTests {
  @Test func largeBlocksAreMappedAndSmallOnesMalloced() throws {
    for size in [0, 100, ZstdMemory.mapThreshold - 1, ZstdMemory.mapThreshold, 3 << 20] {
      let block = try #require(ZstdMemory.allocate(size))
      #expect(Int(bitPattern: block) % 16 == 0)
      if size > 0 {
        block.storeBytes(of: 0xAB, toByteOffset: 0, as: UInt8.self)
        block.storeBytes(of: 0xCD, toByteOffset: size - 1, as: UInt8.self)
        #expect(block.load(fromByteOffset: size - 1, as: UInt8.self) == 0xCD)
      }
      let kind = (block - ZstdMemory.prefix).load(as: Int.self)
      #expect(size >= ZstdMemory.mapThreshold ? kind == size + ZstdMemory.prefix : kind == -1)
      ZstdMemory.release(block)
    }
    #expect(ZstdMemory.allocate(-1) == nil)
    #expect(ZstdMemory.allocate(Int.max) == nil)
    ZstdMemory.release(nil)
  }

  /// A frame declaring a 2 GiB window: the decoder maps it and reads on to the real fault.
  @Test func aTwoGiBWindowIsOnlyAddressSpace() throws {
    let path = Paths.testData("malformed/zstd-window-2gib.safetensors.zst")
    do {
      _ = try CheckpointLoader.load(path)
      Issue.record("a frame that never ends was accepted")
    } catch {
      #expect(error.fault == .zstd(.truncatedFrame))
    }
  }
}
