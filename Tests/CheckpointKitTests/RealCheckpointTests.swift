import Testing
@testable import CheckpointKit

/// Checkpoints written by other people's tools, against the ground truth in
/// shared/realdata/README.md (counted by hand, by formula and by two independent readers).
@Suite struct RealCheckpointTests {
  @Test func miniLM() throws {
    let catalog = try CheckpointLoader.load(Paths.real("minilm/model.safetensors"))
    let s = Counter.count(catalog)
    #expect(catalog.format == .safetensors)
    #expect(catalog.tensors.count == 104)
    #expect(catalog.tensors.filter { $0.dtype == "F32" }.count == 103)
    #expect(catalog.tensors.map(\.elements).reduce(0, +) == 22_713_728)
    #expect(s.totals.parameters == 22_713_216)
    #expect(s.totals.bufferElements == 512)
    let buffers = catalog.tensors.filter { $0.role == .buffer }
    #expect(buffers.map(\.name) == ["embeddings.position_ids"])
    #expect(buffers.first?.dtype == "I64")
    #expect(buffers.first?.shape == [1, 512])
    #expect(s.parameters(of: .embedding) == 11_917_824)
    #expect(s.parameters(of: .attention) == 3_548_160)
    #expect(s.parameters(of: .ffn) == 7_089_408)
    #expect(s.parameters(of: .norm) == 9_984)
    #expect(s.parameters(of: .head) == 147_840)
    #expect(catalog.files.first?.headerBytes == 8 + 11_408)
    #expect(catalog.metadata == [MetadataEntry(key: "format", value: .string("pt"))])
    #expect(s.tiedHead.state == .notApplicable)
    let word = catalog.tensors.first { $0.name == "embeddings.word_embeddings.weight" }
    #expect(word?.shape == [30522, 384])
    #expect(word?.bytes == 30522 * 384 * 4)
    #expect(word?.layer == nil)
    #expect(catalog.tensors.first { $0.name == "encoder.layer.5.output.dense.weight" }?.layer == 5)
  }

  @Test func fracastFP32() throws {
    let catalog = try CheckpointLoader.load(Paths.real("fracast/model.safetensors"))
    let s = Counter.count(catalog)
    #expect(catalog.tensors.count == 47)
    #expect(Set(catalog.tensors.map(\.dtype)) == ["F32"])
    #expect(s.totals.parameters == 85_001)
    #expect(s.totals.nonParameterElements == 0)
    #expect(catalog.metadata["parameter_count"] == .string("85001"))
  }

  @Test func fracastInt8() throws {
    let catalog = try CheckpointLoader.load(Paths.real("fracast/model.int8.safetensors"))
    let s = Counter.count(catalog)
    #expect(catalog.tensors.count == 67)
    #expect(catalog.tensors.filter { $0.dtype == "F32" }.count == 47)
    #expect(catalog.tensors.filter { $0.dtype == "I8" }.count == 20)
    #expect(catalog.tensors.map(\.elements).reduce(0, +) == 86_611)
    #expect(catalog.tensors.filter { $0.dtype == "I8" }.map(\.elements).reduce(0, +) == 79_872)
    #expect(s.totals.parameters == 85_001)
    #expect(s.totals.quantAuxElements == 1_610)
    #expect(catalog.tensors.filter { $0.role == .quantAux }.allSatisfy { $0.name.hasSuffix(".scale") })
    #expect(catalog.metadata["parameter_count"] == .string("85001"))
  }

  @Test func smolLM2() throws {
    let catalog = try CheckpointLoader.load(Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    let s = Counter.count(catalog)
    #expect(catalog.format == .gguf)
    #expect(catalog.details.ggufVersion == 3)
    #expect(catalog.details.bigEndian == false)
    #expect(catalog.architecture == "llama")
    #expect(catalog.metadata.count == 33)
    #expect(catalog.tensors.count == 272)
    #expect(catalog.tensors.filter { $0.dtype == "Q4_1" }.count == 210)
    #expect(catalog.tensors.filter { $0.dtype == "Q8_0" }.map(\.name) == ["token_embd.weight"])
    #expect(catalog.tensors.filter { $0.dtype == "F32" }.count == 61)
    #expect(catalog.files.first?.dataStart == 1_785_664)
    #expect(catalog.tensors.compactMap(\.bytes).reduce(0, +) == 96_576_768)
    #expect(s.totals.parameters == 134_515_008)
    #expect(!catalog.tensors.contains { $0.name == "output.weight" })
    #expect(s.tiedHead.state == .tied)
    #expect(s.parameters(of: .embedding) == 28_311_552)
    #expect(s.parameters(of: .attention) == 26_542_080)
    #expect(s.parameters(of: .ffn) == 79_626_240)
    #expect(s.parameters(of: .norm) == 35_136)
    #expect(catalog.metadata["general.size_label"] == .string("135M"))
    #expect(catalog.metadata["general.file_type"] == .unsigned(3, type: "uint32"))
    #expect(catalog.metadata["general.name"] == .string("Smollm2 135M 8k Lc100K Mix1 Ep2"))
    #expect(catalog.metadata["llama.block_count"] == .unsigned(30, type: "uint32"))
    let embd = catalog.tensors.first { $0.name == "token_embd.weight" }
    #expect(embd?.shape == [49152, 576])
    #expect(embd?.storedShape == [576, 49152])
    #expect(s.byLayer.count == 30)
  }

  @Test(arguments: ["ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-spm.gguf", "ggml-vocab-bert-bge.gguf"])
  func vocabOnlyFiles(_ name: String) throws {
    let catalog = try CheckpointLoader.load(Paths.real("vocab/" + name))
    let s = Counter.count(catalog)
    #expect(catalog.tensors.isEmpty)
    #expect(s.totals.parameters == 0)
    #expect(s.tiedHead.state == .notApplicable)
    guard case .array(let tokens)? = catalog.metadata["tokenizer.ggml.tokens"] else {
      Issue.record("no token array")
      return
    }
    #expect(tokens.count > 1000)
    #expect(tokens.items.count == GGUFReader.previewItems)
  }

  @Test func llamaSPMVocabCarriesTheFullModelsHyperparameters() throws {
    let catalog = try CheckpointLoader.load(Paths.real("vocab/ggml-vocab-llama-spm.gguf"))
    #expect(catalog.metadata["llama.block_count"]?.integer == 32)
    #expect(catalog.metadata["llama.embedding_length"]?.integer == 4096)
  }
}
