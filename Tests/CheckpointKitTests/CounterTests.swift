import Testing
@testable import CheckpointKit

/// The Counter on catalogs built by hand, so every figure can be checked by arithmetic.
@Suite struct CounterTests {
  static func record(
    _ name: String, _ dtype: String, _ shape: [UInt64], bits: Double, role: Role = .parameter,
    component: Component, layer: Int? = nil, offset: UInt64 = 0
  ) -> TensorRecord {
    let elements = shape.reduce(1, *)
    return TensorRecord(
      name: name, dtype: dtype, shape: TensorShape(shape), elements: elements, bytes: UInt64(Double(elements) * bits / 8),
      bitsPerElement: bits, offset: offset, component: component, role: role, layer: layer)
  }

  /// A two-layer decoder: 100 x 8 embedding (Q8_0), per layer 8 x 8 attention (Q4_K) and
  /// 16 x 8 ffn (Q4_K) and an 8-wide norm (F32), a final norm, a 1-element buffer.
  static let catalog: Catalog = {
    var tensors = [record("token_embd.weight", "Q8_0", [100, 8], bits: 8.5, component: .embedding)]
    for layer in 0..<2 {
      tensors += [
        record("blk.\(layer).attn_q.weight", "Q4_K", [8, 8], bits: 4.5, component: .attention, layer: layer),
        record("blk.\(layer).ffn_up.weight", "Q4_K", [16, 8], bits: 4.5, component: .ffn, layer: layer),
        record("blk.\(layer).attn_norm.weight", "F32", [8], bits: 32, component: .norm, layer: layer),
      ]
    }
    tensors.append(record("output_norm.weight", "F32", [8], bits: 32, component: .norm))
    tensors.append(record("rope_freqs.weight", "F32", [4], bits: 32, role: .buffer, component: .other))
    return Catalog(
      path: "hand.gguf", format: .gguf, files: [FileInfo(path: "hand.gguf", bytes: 0, headerBytes: 0, dataStart: 0)],
      metadata: [MetadataEntry(key: "general.architecture", value: .string("llama"))], tensors: tensors)
  }()

  @Test func totals() {
    let s = Counter.count(Self.catalog)
    #expect(s.totals.tensors == 9)
    #expect(s.totals.parameters == 800 + 2 * (64 + 128 + 8) + 8)
    #expect(s.totals.bufferElements == 4)
    #expect(s.totals.quantAuxElements == 0)
    #expect(s.totals.nonParameterElements == 4)
    #expect(s.totals.bytes == 850 + 2 * (36 + 72 + 32) + 32 + 16)
  }

  @Test func byComponentInComponentOrder() {
    let s = Counter.count(Self.catalog)
    #expect(s.byComponent.map(\.key) == ["embedding", "attention", "ffn", "norm"])
    #expect(s.byComponent.map(\.row.elements) == [800, 128, 256, 24])
    #expect(s.byComponent.map(\.row.tensors) == [1, 2, 2, 3])
    #expect(s.parameters(of: .ffn) == 256)
    #expect(s.parameters(of: .experts) == 0)
  }

  @Test func byDTypeLargestFirstWithBits() {
    let s = Counter.count(Self.catalog)
    #expect(s.byDType.map(\.key) == ["Q8_0", "Q4_K", "F32"])
    #expect(s.byDType[1].row.elements == 384)
    #expect(s.byDType[1].row.bitsPerElement == 4.5)
    // F32 includes the buffer: dtype rows count every tensor.
    #expect(s.byDType[2].row.tensors == 4)
  }

  @Test func byComponentDTypeLayerAndRole() {
    let s = Counter.count(Self.catalog)
    #expect(s.byComponentDType.map { "\($0.component.rawValue)/\($0.dtype)" } == ["embedding/Q8_0", "attention/Q4_K", "ffn/Q4_K", "norm/F32"])
    #expect(s.byLayer.map(\.layer) == [0, 1])
    #expect(s.byLayer.map(\.row.elements) == [200, 200])
    #expect(s.byRole.map(\.key) == ["parameter", "buffer"])
    #expect(s.byRole.map(\.row.tensors) == [8, 1])
  }

  @Test func tiedHeadWhenDecoderHasNoOutputTensor() {
    let s = Counter.count(Self.catalog)
    #expect(s.tiedHead.state == .tied)
    #expect(s.tiedHead.embedding == "token_embd.weight")
  }

  @Test func untiedHeadOfTheEmbeddingsShape() {
    var catalog = Self.catalog
    catalog.tensors.append(Self.record("output.weight", "Q6_K", [100, 8], bits: 6.5625, component: .head, offset: 4096))
    let head = Counter.count(catalog).tiedHead
    #expect(head.state == .untied)
    #expect(head.head == "output.weight")
    #expect(head.headMatchesEmbeddingShape)
  }

  @Test func encoderHasNoHeadToTie() {
    var catalog = Self.catalog
    catalog.metadata = [MetadataEntry(key: "general.architecture", value: .string("bert"))]
    #expect(Counter.count(catalog).tiedHead.state == .notApplicable)
  }

  /// One DeepSeek-V3-shaped MoE layer (hidden 8, 4 routed experts of width 2, one shared expert)
  /// under both naming schemes, classified by name: the router's `e_score_correction_bias`
  /// (GGUF `exp_probs_b.bias`) is a buffer, as transformers registers it, so the parameters are
  /// the router's 4 x 8 weight, the experts' 4 x 3 x 2 x 8 and the shared expert's 3 x 2 x 8.
  @Test(arguments: [
    [
      ("model.layers.3.mlp.gate.weight", [4, 8]), ("model.layers.3.mlp.gate.e_score_correction_bias", [4]),
      ("model.layers.3.mlp.experts.gate_up_proj", [4, 4, 8]), ("model.layers.3.mlp.experts.down_proj", [4, 8, 2]),
      ("model.layers.3.mlp.shared_experts.gate_proj.weight", [2, 8]), ("model.layers.3.mlp.shared_experts.up_proj.weight", [2, 8]),
      ("model.layers.3.mlp.shared_experts.down_proj.weight", [8, 2]),
    ],
    [
      ("blk.3.ffn_gate_inp.weight", [8, 4]), ("blk.3.exp_probs_b.bias", [4]),
      ("blk.3.ffn_gate_exps.weight", [8, 2, 4]), ("blk.3.ffn_up_exps.weight", [8, 2, 4]), ("blk.3.ffn_down_exps.weight", [2, 8, 4]),
      ("blk.3.ffn_gate_shexp.weight", [8, 2]), ("blk.3.ffn_up_shexp.weight", [8, 2]), ("blk.3.ffn_down_shexp.weight", [2, 8]),
    ],
  ] as [[(String, [UInt64])]])
  func routerCorrectionBiasIsCountedAsABuffer(_ layer: [(String, [UInt64])]) {
    var catalog = Catalog(
      path: "hand", format: .safetensors, files: [],
      tensors: layer.map { Self.record($0.0, "F32", $0.1, bits: 32, component: .other) })
    CheckpointLoader.classify(&catalog)
    let s = Counter.count(catalog)
    #expect(s.totals.parameters == 32 + 192 + 48)
    #expect(s.totals.bufferElements == 4)
    #expect(s.parameters(of: .router) == 32)
    #expect(s.parameters(of: .experts) == 192)
    #expect(s.parameters(of: .sharedExperts) == 48)
    #expect(s.byRole.map(\.key) == ["parameter", "buffer"])
  }

  @Test func emptyCatalog() {
    let catalog = Catalog(path: "vocab.gguf", format: .gguf, files: [], tensors: [])
    let s = Counter.count(catalog)
    #expect(s.totals.parameters == 0)
    #expect(s.byComponent.isEmpty)
    #expect(s.tiedHead.state == .notApplicable)
  }
}

@Suite struct ComponentOrderTests {
  @Test func indexFollowsAllCases() {
    #expect(Component.allCases.map(\.index) == Array(0..<Component.allCases.count))
    #expect(Component.embedding < Component.other)
  }
}
