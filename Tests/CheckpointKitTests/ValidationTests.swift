import Testing
@testable import CheckpointKit

/// `validate` reads on after a fault wherever the format allows, and lists every problem.
@Suite struct ValidationTests {
  @Test func everySafetensorsLayoutProblemIsListed() {
    let tmp = TempDir()
    // a: 4 F32 in 8 bytes (size), b after a 2-byte hole (contiguity), 4 bytes past the data (coverage).
    let json = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[2],"data_offsets":[10,12]}}"#
    let path = tmp.write("m.safetensors", Bytes.safetensors(json, dataBytes: 16))
    let result = ValidationResult.validate(path)
    #expect(!result.isValid)
    #expect(result.problems.map(\.fault.kind) == [
      "safetensors.size_mismatch", "safetensors.not_contiguous", "safetensors.data_size_mismatch",
    ])
    #expect(result.problems.allSatisfy { $0.file == path })
    #expect(result.catalog?.tensors.count == 2)
  }

  @Test func everyGGUFTensorProblemIsListed() {
    var g = GGUFBuilder()
    g.tensor("misaligned", dims: [8], type: 0, offset: 4)
    g.tensor("partial", dims: [100], type: 12, offset: 64)
    g.tensor("zero", dims: [0, 4], type: 0, offset: 96)
    g.tensor("past", dims: [4096], type: 0, offset: 128)
    g.tensor("misaligned", dims: [8], type: 0, offset: 0)
    g.dataBytes = 256
    let tmp = TempDir()
    let result = ValidationResult.validate(tmp.write("m.gguf", g.build()))
    #expect(result.problems.map(\.fault.kind) == [
      "gguf.misaligned_offset", "gguf.partial_block", "gguf.invalid_dimension", "gguf.duplicate_tensor",
      "gguf.data_past_end",
    ])
    #expect(result.catalog?.tensors.map(\.name) == ["misaligned", "partial", "zero", "past"])
  }

  @Test func everyShardProblemIsListed() {
    let tmp = LoaderTests().shardedCopy {
      $0.replacingOccurrences(of: "\"model.norm.weight\": \"model-00002-of-00002", with: "\"model.norm.weight\": \"../x")
        .replacingOccurrences(of: "\"lm_head.weight\": \"model-00002-of-00002", with: "\"lm_head.weight\": \"model-00009-of-00009")
    }
    let result = ValidationResult.validate(tmp.path)
    #expect(result.problems.map(\.fault) == [
      // Shards in name order; within a shard, tensors in offset order.
      .index(.shardEscapes("../x.safetensors")),
      .index(.tensorNotInIndex(tensor: "model.norm.weight", shard: "model-00002-of-00002.safetensors")),
      .index(.tensorNotInIndex(tensor: "lm_head.weight", shard: "model-00002-of-00002.safetensors")),
      .index(.missingShard("model-00009-of-00009.safetensors")),
    ])
  }

  @Test func aStructuralFaultEndsTheList() {
    let tmp = TempDir()
    let result = ValidationResult.validate(tmp.write("t.safetensors", Bytes.safetensors("{", dataBytes: 0)))
    #expect(result.catalog == nil)
    #expect(result.problems.map(\.fault.kind) == ["safetensors.invalid_json"])
  }

  @Test func validFilesHaveNoProblems() {
    for name in ["tiny-llama", "tiny-llama-sharded", "tiny-gpt2.safetensors", "tiny-llama.Q8_0.gguf", "tiny-split"] {
      let result = ValidationResult.validate(Paths.testData(name))
      #expect(result.isValid, "\(name): \(result.problems)")
    }
  }

  @Test func strictLoadingStillThrowsTheFirstProblem() {
    let tmp = TempDir()
    let json = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[2],"data_offsets":[10,12]}}"#
    let path = tmp.write("m.safetensors", Bytes.safetensors(json, dataBytes: 16))
    #expect(fault { try CheckpointLoader.load(path) } == .safetensors(.sizeMismatch(tensor: "a", expected: 16, span: 8)))
  }
}

/// Numbers from a crafted file that would overflow any sum or product: every report must
/// saturate, never trap.
@Suite struct OverflowTests {
  @Test func hugeTensorsOfUnknownTypeAreSummedWithoutTrapping() throws {
    var g = GGUFBuilder()
    g.string("general.architecture", "llama")
    for k in 0..<6 { g.tensor("t\(k)", dims: [1 << 31, 1 << 31], type: 99, offset: 0) }
    let tmp = TempDir()
    let catalog = try CheckpointLoader.load(tmp.write("huge.gguf", g.build()))
    let summary = Counter.count(catalog)
    #expect(summary.totals.parameters == UInt64.max)
    _ = TextReport.summary(catalog, summary)
    _ = AuditReport.text(Auditor.audit(catalog, summary))
    _ = MemoryReport.text(MemoryEstimate.estimate(catalog, summary, config: nil, active: nil, options: .init(gpus: [.init(name: "x", bytes: 1 << 30)])))
  }

  @Test func absurdHyperparametersNeitherTrapNorEstimate() throws {
    var g = GGUFBuilder()
    g.string("general.architecture", "llama")
    for (key, value) in [("block_count", UInt32.max), ("embedding_length", UInt32.max), ("attention.head_count", 1),
                         ("attention.head_count_kv", UInt32.max), ("feed_forward_length", UInt32.max), ("vocab_size", UInt32.max),
                         ("expert_count", UInt32.max), ("expert_used_count", UInt32.max), ("context_length", UInt32.max)] {
      g.uint32("llama.\(key)", value)
    }
    g.kv("llama.attention.key_length") { _, b in b.u32(5); b.i32(-4) }
    let tmp = TempDir()
    let catalog = try CheckpointLoader.load(tmp.write("absurd.gguf", g.build()))
    let summary = Counter.count(catalog)
    let audit = Auditor.audit(catalog, summary)
    #expect(audit.reported.first?.value == UInt64.max)
    _ = AuditReport.text(audit)
    let memory = MemoryEstimate.estimate(catalog, summary, config: nil, active: nil, options: .init(context: Int.max, parallel: Int.max))
    // A negative key length is not a shape any model has: no KV estimate rather than nonsense.
    #expect(memory.attention == nil)
    _ = MemoryReport.text(memory)
  }
}
