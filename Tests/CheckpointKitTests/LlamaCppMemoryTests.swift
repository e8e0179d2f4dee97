import Foundation
import Testing
@testable import CheckpointKit

/// Our model of llama.cpp's allocations against llama.cpp's own figures: TestData/llama-cpp-memory.tsv,
/// recorded by scripts/llama-cpp-oracle from llama-completion (llama-cpp-python 0.3.36, CPU) on
/// SmolLM2-135M, on generated GGUFs and on real conversions of tiny random Hugging Face models
/// (conv-*; OracleModels builds the same catalogs in code).
/// llama.cpp prints MiB with two decimals (compute: four), so "exact" is within that rounding.
@Suite struct LlamaCppMemoryTests {
  struct Case: CustomStringConvertible {
    var model: String, context: Int, ubatch: Int, parallel: Int, cacheK: String, cacheV: String
    var flashAttention: LlamaCppSettings.FlashAttention, resolvedFlashAttention: Bool
    var modelMiB: Double, repackMiB: Double, kvMiB: Double, outputMiB: Double, computeMiB: Double
    var description: String {
      "\(model) -c \(context) -ub \(ubatch) -np \(parallel) -ctk \(cacheK) -ctv \(cacheV) -fa \(flashAttention.rawValue)"
    }
  }

  static let cases: [Case] = {
    guard let text = try? String(contentsOfFile: Paths.testData("llama-cpp-memory.tsv"), encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line -> Case? in
      let f = line.split(separator: "\t").map(String.init)
      guard f.count == 13, !line.hasPrefix("#"), f[0] != "model", let fa = LlamaCppSettings.FlashAttention(rawValue: f[6]) else { return nil }
      return Case(
        model: f[0], context: Int(f[1])!, ubatch: Int(f[2])!, parallel: Int(f[3])!, cacheK: f[4], cacheV: f[5], flashAttention: fa,
        resolvedFlashAttention: f[7] == "on", modelMiB: Double(f[8])!, repackMiB: Double(f[9])!, kvMiB: Double(f[10])!, outputMiB: Double(f[11])!,
        computeMiB: Double(f[12])!)
    }
  }()

  static func catalog(_ model: String) throws -> Catalog {
    if model == "smollm2" { return try CheckpointLoader.load(Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")) }
    return try #require(OracleModels.catalog(model))
  }

  static func predict(_ c: Case) throws -> LlamaCppMemory {
    let catalog = try catalog(c.model)
    let settings = LlamaCppSettings(
      context: c.context, ubatch: c.ubatch, parallel: c.parallel, cacheTypeK: c.cacheK, cacheTypeV: c.cacheV, flashAttention: c.flashAttention)
    return try #require(LlamaCppMemory.estimate(catalog, attention: AttentionShape.from(gguf: catalog), settings: settings))
  }

  static func mib(_ bytes: UInt64?) -> Double { Double(bytes ?? .max) / Double(1 << 20) }

  /// The cases whose compute buffer misses max(1%, 1 MiB), with the error we accept and why
  /// (docs/llama-cpp-memory.md): the allocator's holes, which no per-tensor sum sees.
  static let computeMisses: [String: Double] = [
    // -np 4 alone (not 2 or 8) leaves a 4.3 MiB hole below SmolLM2's logits.
    "smollm2 -c 8192 -ub 512 -np 4 -ctk f16 -ctv f16 -fa on": 0.05,
    // Gemma 3 with a small vocabulary, where a layer and not the logits sets the peak: llama.cpp
    // keeps ~395 F32 values per token more than our FFN term (~665 with a Q8_0 cache), not
    // explained yet; the f16 runs stay within 1 MiB.
    "conv-gemma3 -c 8192 -ub 512 -np 1 -ctk q8_0 -ctv q8_0 -fa on": 0.05,
    // Qwen2-MoE's hole below the logits (~1,300 F32 values per token: the last layer's routing
    // and expert outputs), as on the generated qwen2moe, where the larger vocabulary hid it in 1%.
    "conv-qwen2moe -c 8192 -ub 512 -np 1 -ctk f16 -ctv f16 -fa auto": 0.03,
    "conv-qwen2moe -c 8192 -ub 512 -np 1 -ctk f16 -ctv f16 -fa off": 0.03,
  ]

  @Test func theTableIsThere() {
    #expect(Self.cases.count == 76)
    #expect(
      Set(Self.cases.map(\.model)) == [
        "smollm2", "llama-gqa", "qwen2", "gemma2", "gemma3-270m", "mixtral", "qwen2moe", "wide-ffn", "wide-moe", "llama-q4_0",
        "llama-q4_0-tied", "gemma2-softcap", "mamba", "conv-llama", "conv-qwen2", "conv-gemma3", "conv-mixtral",
        "conv-qwen2moe",
      ])
  }

  /// Where scripts/llama-cpp-oracle convert writes the real conversions (a developer's cache,
  /// outside the repo, like llama.cpp itself).
  static let converted: String =
    (ProcessInfo.processInfo.environment["CKPT_LLAMA_CACHE"] ?? (NSHomeDirectory() + "/.cache/ckptinspect/llama.cpp")) + "/converted"

  /// The conv-* catalogs built in code against the converted GGUFs themselves: the same tensors
  /// (name, type, shape, bytes), the same hyperparameters where the file has them, the same token
  /// count, and so the same prediction. Shown as skipped (not passed) where the files were never
  /// converted, as in CI, which does not install torch.
  @Test(
    .enabled(if: FileManager.default.fileExists(atPath: converted + "/conv-llama.gguf"), "needs scripts/llama-cpp-oracle convert"),
    arguments: ["conv-llama", "conv-qwen2", "conv-gemma3", "conv-mixtral", "conv-qwen2moe"])
  func convertedCatalogsMatchTheFiles(_ name: String) throws {
    let path = Self.converted + "/\(name).gguf"
    try #require(FileManager.default.fileExists(atPath: path), "missing \(path)")
    let file = try CheckpointLoader.load(path)
    let ours = try #require(OracleModels.catalog(name))
    func tensors(_ c: Catalog) -> [String] { c.tensors.map { "\($0.name) \($0.dtype) \($0.shape) \($0.bytes ?? 0)" }.sorted() }
    #expect(tensors(file) == tensors(ours))
    for entry in ours.metadata {
      guard let theirs = file.metadata[entry.key] else { continue }
      if case .array(let a) = entry.value, case .array(let b) = theirs {
        #expect(a.count == b.count, "\(entry.key)")
      } else {
        #expect("\(theirs)" == "\(entry.value)", "\(entry.key)")
      }
    }
    for settings in [LlamaCppSettings(), LlamaCppSettings(ubatch: 256, flashAttention: .off)] {
      let a = try #require(LlamaCppMemory.estimate(file, attention: AttentionShape.from(gguf: file), settings: settings))
      let b = try #require(LlamaCppMemory.estimate(ours, attention: AttentionShape.from(gguf: ours), settings: settings))
      #expect(a.modelBytes == b.modelBytes && a.kvBytes == b.kvBytes && a.outputBytes == b.outputBytes && a.computeBytes == b.computeBytes)
    }
  }

  @Test(arguments: cases) func modelKVAndOutputBuffersAreExact(_ c: Case) throws {
    let m = try Self.predict(c)
    // Two printed decimals: our exact figure rounds to llama.cpp's (50.625 prints as 50.62).
    #expect(abs(Self.mib(m.modelBytes) - c.modelMiB) <= 0.0051, "model \(c)")
    // The repacked copy (x86 AVX2, where the table was recorded), outside the mapped buffer.
    #expect(abs(Self.mib(m.repackBytes) - c.repackMiB) <= 0.0051, "repack \(c)")
    #expect(abs(Self.mib(m.kvBytes.plus(m.recurrentBytes)) - c.kvMiB) <= 0.0051, "KV \(c)")
    #expect(abs(Self.mib(m.outputBytes) - c.outputMiB) <= 0.0051, "output \(c)")
    #expect(m.resolved.flashAttention == c.resolvedFlashAttention)
  }

  @Test(arguments: cases) func computeBufferWithinOnePercentOrOneMiB(_ c: Case) throws {
    let m = try Self.predict(c)
    let ours = Self.mib(m.computeBytes)
    let tolerance = Self.computeMisses[c.description].map { $0 * c.computeMiB } ?? max(0.01 * c.computeMiB, 1)
    #expect(abs(ours - c.computeMiB) <= tolerance, "compute \(c): ours \(ours), llama.cpp \(c.computeMiB)")
    // The total (model + KV + output + compute) within 2%.
    let theirs = c.modelMiB + c.kvMiB + c.outputMiB + c.computeMiB
    #expect(abs(Self.mib(m.totalBytes) - theirs) <= 0.02 * theirs, "total \(c)")
  }

  /// The issue's Gemma-3-270m figures: 15 sliding layers keep 512 + 512 cells (padded to 256),
  /// the 3 global ones all 32,768; compute is mostly 262,144 logits x 512 tokens x 4 bytes.
  @Test func gemma3SlidingWindowCells() throws {
    let catalog = try #require(OracleModels.catalog("gemma3-270m"))
    let m = try #require(LlamaCppMemory.estimate(catalog, attention: AttentionShape.from(gguf: catalog), settings: .init()))
    #expect(m.resolved.context == 32768)
    #expect(m.caches.map(\.cells) == [32768, 1024])
    #expect(m.caches.map(\.layers) == [3, 15])
    // Per layer and cell: 1 KV head x (256 + 256) x 2 bytes = 1,024 bytes.
    let full: UInt64 = 3 * 32768 * 1024, sliding: UInt64 = 15 * 1024 * 1024
    #expect(m.caches.map(\.bytes) == [full, sliding])
    let output: UInt64 = 262_144 * 4
    #expect(m.outputBytes == output)
    let logits: UInt64 = 512 * 4 * (262_144 + 2 * 640 + 1)
    #expect(m.compute.outputPeak == logits)
  }

  /// llama.cpp's context rules: -c pads to 256, each of -np sequences gets its own padded share,
  /// the batch is at most the context and the micro-batch at most the batch.
  @Test func contextPadding() {
    let r = LlamaCppSettings(context: 1000, batch: 2048, ubatch: 4096, parallel: 3).resolved(trained: nil)
    #expect(r.context == 1536)  // 1,024 / 3 = 341 -> 512 per sequence, x 3
    #expect(r.contextPerSequence == 512)
    #expect(r.batch == 1536)
    #expect(r.ubatch == 1536)
    #expect(LlamaCppSettings().resolved(trained: 8192).context == 8192)
    #expect(LlamaCppSettings(flashAttention: .off).resolved(trained: nil).flashAttention == false)
  }

  /// Numbers from a crafted header: a window of 2^62 tokens is capped at the context, not added to.
  @Test func hugeSlidingWindow() throws {
    var catalog = try #require(OracleModels.catalog("gemma3-270m"))
    catalog.metadata = catalog.metadata.map {
      $0.key == "gemma3.attention.sliding_window" ? MetadataEntry(key: $0.key, value: .unsigned(1 << 62, type: "uint64")) : $0
    }
    let m = try #require(LlamaCppMemory.estimate(catalog, attention: AttentionShape.from(gguf: catalog), settings: .init(context: 4096)))
    #expect(m.caches.map(\.cells) == [4096, 4096])
  }

  @Test func quantizedVNeedsFlashAttention() throws {
    let catalog = try #require(OracleModels.catalog("llama-gqa"))
    let m = try #require(
      LlamaCppMemory.estimate(catalog, attention: AttentionShape.from(gguf: catalog), settings: .init(cacheTypeV: "q8_0", flashAttention: .off)))
    #expect(m.problems.count == 1)
  }

  /// An encoder (BERT-like) has no KV cache in llama.cpp; the config-side list covers
  /// all-mpnet-base-v2 ("mpnet").
  @Test func encodersHaveNoCache() throws {
    let bert = Catalog(
      path: "bert.gguf", format: .gguf, files: [],
      metadata: [
        .init(key: "general.architecture", value: .string("bert")), .init(key: "bert.block_count", value: .unsigned(12, type: "uint32")),
        .init(key: "bert.embedding_length", value: .unsigned(768, type: "uint32")),
        .init(key: "bert.attention.head_count", value: .unsigned(12, type: "uint32")),
        .init(key: "tokenizer.ggml.tokens", value: .array(MetadataArray(elementType: "string", count: 30527, items: []))),
      ],
      tensors: [TensorRecord(name: "token_embd.weight", dtype: "F32", shape: [30527, 768], elements: 30527 * 768, bytes: 30527 * 768 * 4, bitsPerElement: 32)])
    #expect(AttentionShape.from(gguf: bert) == nil)
    let m = try #require(LlamaCppMemory.estimate(bert, attention: nil, settings: .init()))
    #expect(m.kvBytes == 0)
    #expect(m.shape.isEncoder)
    let mpnet = try FormulaTests.config(
      #"{"model_type": "mpnet", "num_hidden_layers": 12, "hidden_size": 768, "num_attention_heads": 12, "max_position_embeddings": 514}"#)
    #expect(AttentionShape.from(config: mpnet) == nil)
  }
}
