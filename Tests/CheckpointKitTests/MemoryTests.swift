import Testing
@testable import CheckpointKit

/// Memory figures checked by hand: each expectation states its arithmetic.
@Suite struct MemoryTests {
  static func estimate(_ catalog: Catalog, config: ConfigFile? = nil, _ options: MemoryEstimate.Options = .init()) -> MemoryEstimate {
    let summary = Counter.count(catalog)
    let active = Auditor.audit(catalog, summary, config: config).actual.activeParameters
    return MemoryEstimate.estimate(catalog, summary, config: config, active: active, options: options)
  }

  @Test func smolLM2KVCache() throws {
    let catalog = try CheckpointLoader.load(Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    let m = Self.estimate(catalog)
    // K and V x 30 layers x 3 KV heads x 64 dims x 2 bytes (f16) = 23,040 bytes per token.
    #expect(m.kvPerToken.first { $0.type == "f16" }?.bytes == 23_040)
    // q8_0: 34 bytes per 32 elements; q4_0: 18 per 32.
    #expect(m.kvPerToken.first { $0.type == "q8_0" }?.bytes == 11_520 * 34 / 32)
    #expect(m.kvPerToken.first { $0.type == "q4_0" }?.bytes == 11_520 * 18 / 32)
    // The trained context (8,192) by default.
    #expect(m.context == 8192)
    #expect(m.kvBytes == 23_040 * 8192)
    #expect(m.weightBytes == 96_576_768)
    #expect(m.fullFineTuneBytes == 134_515_008 * 16)
    let overhead: UInt64 = (1 << 30) + (96_576_768 + 23_040 * 8192) / 20
    #expect(m.overheadBytes == overhead)
  }

  /// A catalog shaped like Llama-3-8B (BF16), built by hand, with its GGUF-style keys.
  static func llama3_8b() -> Catalog {
    let v: UInt64 = 128_256, d: UInt64 = 4096, f: UInt64 = 14_336
    func t(_ name: String, _ shape: [UInt64], _ component: Component, _ layer: Int? = nil) -> TensorRecord {
      let n = shape.reduce(1, *)
      return TensorRecord(name: name, dtype: "BF16", shape: TensorShape(shape), elements: n, bytes: n * 2, bitsPerElement: 16, component: component, layer: layer)
    }
    var tensors = [t("token_embd.weight", [v, d], .embedding), t("output.weight", [v, d], .head), t("output_norm.weight", [d], .norm)]
    for l in 0..<32 {
      tensors += [
        t("blk.\(l).attn_norm.weight", [d], .norm, l), t("blk.\(l).ffn_norm.weight", [d], .norm, l),
        t("blk.\(l).attn_q.weight", [d, d], .attention, l), t("blk.\(l).attn_k.weight", [1024, d], .attention, l),
        t("blk.\(l).attn_v.weight", [1024, d], .attention, l), t("blk.\(l).attn_output.weight", [d, d], .attention, l),
        t("blk.\(l).ffn_gate.weight", [f, d], .ffn, l), t("blk.\(l).ffn_up.weight", [f, d], .ffn, l),
        t("blk.\(l).ffn_down.weight", [d, f], .ffn, l),
      ]
    }
    let metadata: [MetadataEntry] = [
      .init(key: "general.architecture", value: .string("llama")),
      .init(key: "llama.block_count", value: .unsigned(32, type: "uint32")),
      .init(key: "llama.embedding_length", value: .unsigned(4096, type: "uint32")),
      .init(key: "llama.attention.head_count", value: .unsigned(32, type: "uint32")),
      .init(key: "llama.attention.head_count_kv", value: .unsigned(8, type: "uint32")),
      .init(key: "llama.context_length", value: .unsigned(8192, type: "uint32")),
    ]
    return Catalog(path: "llama3-8b.gguf", format: .gguf, files: [], metadata: metadata, tensors: tensors)
  }

  @Test func llama3_8bByHand() {
    let m = Self.estimate(Self.llama3_8b(), config: nil, .init(gpus: MemoryEstimate.GPU.parse("rtx4090,t4")!))
    #expect(m.parameters == 8_030_261_248)
    // 8,030,261,248 parameters x 2 bytes = 16.06 GB at BF16.
    #expect(m.weightBytes == 16_060_522_496)
    #expect(m.precisions.first { $0.name == "F16/BF16" }?.bytes == 16_060_522_496)
    // KV at 8,192 tokens: 2 x 32 layers x 8 heads x 128 dims x 2 bytes x 8,192 = 1 GiB.
    #expect(m.kvBytes == 1 << 30)
    // Q4_K: every 2-D row is 4,096 or 14,336 wide (multiples of 256): 144 bytes per 256 weights;
    // the 65 norms of 4,096 stay F32.
    let matrices: UInt64 = 8_030_261_248 - 65 * 4096
    #expect(m.precisions.first { $0.name == "Q4_K" }?.bytes == matrices / 256 * 144 + 65 * 4096 * 4)
    // 24 GiB: 16.06 GB + 1 GiB + overhead fits; 16 GiB does not.
    #expect(m.gpuFits.map(\.fits) == [true, false])
    #expect(m.gpuFits[1].bestPrecision == "Q8_0")
    // LoRA r=16 on 32 x (q, k, v, o, gate, up, down).
    let perLayer: UInt64 = 16 * ((4096 + 4096) * 2 + (1024 + 4096) * 2 + (14_336 + 4096) * 3)
    #expect(m.loraTrainable == 32 * perLayer)
  }

  @Test func slidingWindowLayersHoldTheirWindow() throws {
    // Mistral-7B-v0.1: 32 layers, 8 KV heads of 128, a 4,096-token window on every layer.
    let json = #"{"model_type":"mistral","num_hidden_layers":32,"hidden_size":4096,"num_attention_heads":32,"num_key_value_heads":8,"max_position_embeddings":32768,"sliding_window":4096}"#
    let config = try FormulaTests.config(json)
    let shape = try #require(AttentionShape.from(config: config))
    #expect(shape.slidingLayers == 32)
    // 32 x 8 x 256 x 4,096 tokens x 2 bytes = 0.5 GiB, whatever the context beyond the window.
    #expect(shape.elements(context: 32_768) * 2 == 1 << 29)
    #expect(shape.elements(context: 1024) * 2 == 1 << 27)
    // Gemma 2 alternates: half the layers keep the window.
    let gemma = #"{"model_type":"gemma2","num_hidden_layers":26,"hidden_size":2304,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,"sliding_window":4096}"#
    #expect(AttentionShape.from(config: try FormulaTests.config(gemma))?.slidingLayers == 13)
  }

  @Test func mixtralKeepsAllExpertsResident() throws {
    let json = #"{"model_type":"mixtral","vocab_size":32000,"hidden_size":4096,"num_hidden_layers":32,"intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":8,"num_local_experts":8,"num_experts_per_tok":2,"max_position_embeddings":32768}"#
    let shape = try #require(AttentionShape.from(config: try FormulaTests.config(json)))
    // 2 x 32 x 8 x 128 x 2 bytes = 131,072 bytes per token.
    #expect(shape.elements(context: 1) * 2 == 131_072)
  }

  @Test func encodersHaveNoKVCache() throws {
    let catalog = try CheckpointLoader.load(Paths.real("minilm/model.safetensors"))
    let m = Self.estimate(catalog, config: ConfigFile.find(for: catalog))
    #expect(m.attention == nil)
    #expect(m.kvBytes == 0)
    #expect(m.fullFineTuneBytes == 22_713_216 * 16)
  }

  static func smolLM2() throws -> Catalog {
    try CheckpointLoader.load(Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
  }

  /// The size units of a line (`B`, `KiB`, `MiB`, `GiB`) that follow a number.
  static func units(_ line: Substring) -> Set<String> {
    let words = line.split(separator: " ").map { String($0.filter { !",;:()".contains($0) }) }
    var found: Set<String> = []
    for k in words.indices.dropFirst() where ["B", "KiB", "MiB", "GiB"].contains(words[k]) {
      if Double(words[k - 1]) != nil { found.insert(words[k]) }
    }
    return found
  }

  @Test func contextHeadlineStopsAtTheTrainedLength() throws {
    let m = Self.estimate(try Self.smolLM2(), .init(gpus: MemoryEstimate.GPU.parse("rtx4090,1GiB")!))
    // 24 GiB - 1 GiB runtime leaves 23 GiB for (weights + KV) x 1.05: 96,576,768 + 23,040 x n bytes
    // with n = 1,016,644 tokens. SmolLM2 was trained on 8,192: the headline says 8,192.
    #expect(m.gpuFits[0].maxContext == 8192)
    #expect(m.gpuFits[0].memoryContext == 1_016_644)
    #expect(m.gpuFits[1].maxContext == 0)
    // A GGUF file gets llama.cpp's offload plan instead of the generic lines: everything on the
    // 24 GiB GPU; 1 GiB is all llama.cpp's margin, so nothing is offloaded.
    let text = MemoryReport.text(m)
    #expect(text.contains("    rtx4090              llama.cpp -ngl 31: all 30 layers + output on the GPU\n"))
    #expect(text.contains("    1gib                 llama.cpp -ngl 0: CPU only, nothing fits\n"))
    #expect(!text.contains("context up to"))

    // Some context but not the trained 32,768 (the Gemma-3-like shape, no weights): 1.1 GiB - 1 GiB
    // leaves 107,374,182 bytes for KV x 1.05, so KV <= 102,261,126 = 22 x 512 x 1,024 + 4 x 1,024 x n:
    // n = 22,150.
    let gemma = Self.estimate(HybridCacheTests.gemma3, .init(gpus: MemoryEstimate.GPU.parse("1.1GiB")!))
    #expect(gemma.gpuFits[0].maxContext == 22_150)
    let gemmaText = MemoryReport.text(gemma)
    #expect(gemmaText.contains("    1.1gib               1.10 GiB: does not fit at 32,768 tokens, best fit none\n"))
    #expect(gemmaText.contains("\n                         context up to 22,150"))
  }

  @Test func contextPastTheTrainedLengthIsAWarning() throws {
    let m = Self.estimate(try Self.smolLM2(), .init(context: 16_384))
    #expect(m.gpuFits.isEmpty)
    #expect(m.warnings == ["--context 16,384 is beyond the trained context (8,192 tokens): the model was not trained for it"])
    #expect(Self.estimate(try Self.smolLM2(), .init(context: 8192)).warnings.isEmpty)
  }

  @Test func saturatedSizesAreOverflowNotNumbers() throws {
    let h100 = MemoryEstimate.GPU.parse("h100")!
    // 23,040 bytes x 10^12 tokens x 10^8 sequences = 2.3 x 10^24 bytes: past 2^64 - 1.
    let m = Self.estimate(try Self.smolLM2(), .init(context: 1_000_000_000_000, parallel: 100_000_000, gpus: h100))
    let text = MemoryReport.text(m)
    #expect(text.contains("    KV cache             overflow (f16) at 1,000,000,000,000 tokens x 100,000,000\n"))
    #expect(text.contains("    serving              overflow = weights + KV + overhead\n"))
    // llama.cpp counts its context in 32 bits: no llama.cpp figures, and a warning says why.
    #expect(m.llamaCpp == nil)
    #expect(m.warnings.contains { $0.hasPrefix("no llama.cpp figures: llama.cpp serves at most 256 sequences") })
    #expect(!text.contains("17179869184") && !text.contains("858993460"))
    #expect(m.warnings.contains { $0.contains("KV cache") && $0.contains("2^64") })
    let json = MemoryReport.json(m).serialized()
    #expect(!json.contains("18446744073709551615"))
    #expect(json.contains(#""bytes": null"#) && json.contains(#""total": null"#))

    // Tensors whose sizes sum past 2^64 (a crafted header): the weights are overflow too.
    let huge = (0..<8).map { k in
      TensorRecord(name: "blk.\(k).ffn_up.weight", dtype: "F32", shape: TensorShape([1 << 31, 1 << 31]), elements: 1 << 62,
                   bytes: 1 << 62, bitsPerElement: 32, component: .ffn, layer: k)
    }
    let crafted = Self.estimate(Catalog(path: "huge.gguf", format: .gguf, files: [], metadata: [], tensors: huge))
    let craftedText = MemoryReport.text(crafted)
    #expect(craftedText.contains("    weights as stored    overflow\n"))
    #expect(craftedText.contains("    full fine-tuning     overflow (Adam, 16 B/param) + activations\n"))
    #expect(!craftedText.contains("17179869184"))
    #expect(!MemoryReport.json(crafted).serialized().contains("18446744073709551615"))
  }

  @Test func kQuantFallbacksFollowLlamaCpp() throws {
    // tiny-gpt2: 33,792 weights in 2-D tensors whose rows (32, 96, 128) hold no whole 256-block,
    // 896 1-D weights that stay F32 (3,584 bytes). llama.cpp 0c1e57098 (llama-quant.cpp,
    // tensor_type_fallback) quantizes such rows as Q6_K -> Q8_0, Q5_K -> Q5_1, Q4_K -> Q5_0,
    // Q3_K and Q2_K -> Q4_0, IQ2_XS -> IQ4_NL: 1,056 blocks of 32 at 34, 24, 22, 18, 18, 18 bytes.
    let m = Self.estimate(try CheckpointLoader.load(Paths.testData("tiny-gpt2.safetensors")))
    func bytes(_ name: String) -> UInt64? { m.precisions.first { $0.name == name }?.bytes }
    #expect(bytes("Q6_K") == 1056 * 34 + 3584)
    #expect(bytes("Q5_K") == 1056 * 24 + 3584)
    #expect(bytes("Q4_K") == 1056 * 22 + 3584)
    #expect(bytes("Q3_K") == 1056 * 18 + 3584)
    #expect(bytes("Q2_K") == 1056 * 18 + 3584)
    #expect(bytes("IQ2_XS") == 1056 * 18 + 3584)
    let text = MemoryReport.text(m)
    #expect(text.contains("Q4_K 26.2 KiB (all rows fall back to Q5_0)"))
    #expect(text.contains("Q2_K 22.1 KiB (all rows fall back to Q4_0)"))

    // SmolLM2: rows of 576 (token_embd, attention, ffn_gate/up: 107,937,792 weights) fall back,
    // ffn_down's rows of 1,536 take Q4_K (26,542,080 weights), 35,136 norm weights stay F32:
    // 3,373,056 x 22 + 103,680 x 144 + 140,544 bytes.
    let smol = Self.estimate(try Self.smolLM2())
    #expect(smol.precisions.first { $0.name == "Q4_K" }?.bytes == 89_277_696)
    let smolText = MemoryReport.text(smol)
    #expect(smolText.contains("Q4_K 85.1 MiB (rows of 576 fall back to Q5_0)"))
    // One unit per line.
    for line in smolText.split(separator: "\n") + text.split(separator: "\n") {
      #expect(Self.units(line).count <= 1, "\(line)")
    }
  }

  @Test func gpuSizes() {
    #expect(MemoryEstimate.GPU.parse("24GiB") == [MemoryEstimate.GPU(name: "24gib", bytes: 24 << 30)])
    #expect(MemoryEstimate.GPU.parse("h100,a100-40g")?.map(\.bytes) == [80 << 30, 40 << 30])
    #expect(MemoryEstimate.GPU.parse("big") == nil)
    // GB is SI, GiB binary, as everywhere in the tool; a bare number has no unit to mean.
    #expect(MemoryEstimate.GPU.parse("24GB")?.map(\.bytes) == [24_000_000_000])
    #expect(MemoryEstimate.GPU.parse("3090") == nil)
    #expect(MemoryEstimate.GPU.problem(in: "3090")?.contains("rtx3090") == true)
    #expect(MemoryEstimate.GPU.problem(in: "A100")?.contains("a100-40g or a100-80g") == true)
    #expect(MemoryEstimate.GPU.parse("h100, A100-80G")?.map(\.bytes) == [80 << 30, 80 << 30])
    #expect(MemoryEstimate.GPU.parse("RTX 4090")?.map(\.bytes) == [24 << 30])
    #expect(MemoryEstimate.GPU.problem(in: "-3GiB")?.contains("must be positive") == true)
    #expect(MemoryEstimate.GPU.parse("1e308") == nil)
    #expect(MemoryEstimate.GPU.parse("99999999999999999999999GiB") == nil)
  }
}

@Suite struct MemoryUnitTests {
  /// Above 1024 GiB sizes are TiB, not `17179.9 GiB`.
  @Test func terabytesAreTiB() {
    #expect(MemoryReport.SizeUnit.best(for: 2 << 40).name == "TiB")
    #expect(MemoryReport.SizeUnit.best(for: 2 << 40).format(3 << 40) == "3.00 TiB")
    #expect(MemoryReport.SizeUnit.best(for: 1000 << 30).name == "GiB")
  }
}
