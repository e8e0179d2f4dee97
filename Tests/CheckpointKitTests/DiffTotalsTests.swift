import Foundation
import Testing
@testable import CheckpointKit

/// Per-layer totals (`DiffTotals`) and the verdict naming where lacking tensors sit: pairs the
/// tests write (one layer loses or reshapes a tensor, a vision tower is dropped) and tiny-llama
/// against its real Q8_0 conversion.
@Suite struct DiffTotalsTests {
  /// Two layers of 8 + 96 + 64 parameters (norm, up_proj [12, 8], q_proj [8, 8]), an embedding
  /// and a final norm outside the layers; all F32.
  static let twoLayers: [(String, String, [Int])] = [
    ("model.embed_tokens.weight", "F32", [16, 8]),
    ("model.layers.0.input_layernorm.weight", "F32", [8]),
    ("model.layers.0.mlp.up_proj.weight", "F32", [12, 8]),
    ("model.layers.0.self_attn.q_proj.weight", "F32", [8, 8]),
    ("model.layers.1.input_layernorm.weight", "F32", [8]),
    ("model.layers.1.mlp.up_proj.weight", "F32", [12, 8]),
    ("model.layers.1.self_attn.q_proj.weight", "F32", [8, 8]),
    ("model.norm.weight", "F32", [8]),
  ]

  @Test func onlyTheLayerThatLostATensorDiffers() throws {
    let d = try DiffTests.diff(Self.twoLayers, Self.twoLayers.filter { $0.0 != "model.layers.1.mlp.up_proj.weight" })
    #expect(
      d.byLayer == [
        .init(layer: 0, parametersA: 168, parametersB: 168, bytesA: 672, bytesB: 672),
        .init(layer: 1, parametersA: 168, parametersB: 72, bytesA: 672, bytesB: 288, onlyInA: ["mlp.up_proj"]),
      ])
    #expect(d.byLayer.map(\.differs) == [false, true])
    #expect(d.byLayer[1].bitsPerWeightA == 32 && d.byLayer[1].bitsPerWeightB == 32)
    // The embedding (128) and the final norm (8) have no layer: in the component rows only.
    #expect(d.parametersA == 168 * 2 + 128 + 8)
    #expect(DiffReport.verdict(d) == "structurally different: B lacks 1 tensor (layer 1 ffn); parameters −96")
    #expect(
      DiffReport.layerRows(d, all: false) == [["1", "168", "72", "−96", "672 B", "288 B", "B lacks mlp.up_proj"]])
    #expect(DiffReport.layerLead(d, all: false) == "layers that differ (1 of 2; --layers lists all)")
    #expect(DiffReport.layerRows(d, all: true).map { $0[0] } == ["0", "1"])
    #expect(DiffReport.layerRows(d, all: true)[0] == ["0", "168", "168", "0", "672 B", "672 B", ""])
  }

  // Consecutive layers that differ alike are one row; a layer that differs otherwise, or after
  // a gap, starts another. Four layers: 0-1 lose up_proj, 2 loses q_proj, 3 loses up_proj.
  @Test func layersThatDifferAlikeAreOneRow() throws {
    let layers = (0..<4).flatMap { k in
      [("model.layers.\(k).mlp.up_proj.weight", "F32", [12, 8]), ("model.layers.\(k).self_attn.q_proj.weight", "F32", [8, 8])]
    }
    let lost: Set = [
      "model.layers.0.mlp.up_proj.weight", "model.layers.1.mlp.up_proj.weight", "model.layers.2.self_attn.q_proj.weight",
      "model.layers.3.mlp.up_proj.weight",
    ]
    let d = try DiffTests.diff(layers, layers.filter { !lost.contains($0.0) })
    #expect(
      DiffReport.layerRows(d, all: false) == [
        ["0-1", "160", "64", "−96", "640 B", "256 B", "B lacks mlp.up_proj"],
        ["2", "160", "96", "−64", "640 B", "384 B", "B lacks self_attn.q_proj"],
        ["3", "160", "64", "−96", "640 B", "256 B", "B lacks mlp.up_proj"],
      ])
    #expect(DiffReport.layerLead(d, all: false) == "layers that differ (4 of 4; --layers lists all)")
    // --layers lists every layer on its own row.
    #expect(DiffReport.layerRows(d, all: true).map { $0[0] } == ["0", "1", "2", "3"])
  }

  // A transposed tensor keeps the parameter count: the layer differs by its reshaped tensor.
  @Test func aReshapedTensorMakesItsLayerDiffer() throws {
    var b = Self.twoLayers
    b[3] = ("model.layers.0.self_attn.q_proj.weight", "F32", [4, 16])
    let d = try DiffTests.diff(Self.twoLayers, b)
    #expect(d.byLayer[0].parametersA == d.byLayer[0].parametersB)
    #expect(d.byLayer[0].reshaped == ["self_attn.q_proj"] && d.byLayer[0].differs)
    #expect(!d.byLayer[1].differs)
    #expect(DiffReport.layerRows(d, all: false) == [["0", "168", "168", "0", "672 B", "672 B", "reshaped self_attn.q_proj"]])
  }

  @Test func equalLayersAreOneLine() throws {
    var b = Self.twoLayers
    b[2] = ("model.layers.0.mlp.up_proj.weight", "F16", [12, 8])
    let d = try DiffTests.diff(Self.twoLayers, b)
    // Bytes alone (a requantization) do not make a layer differ.
    #expect(d.byLayer[0].bytesA == 672 && d.byLayer[0].bytesB == 480)
    #expect(d.byLayer.allSatisfy { !$0.differs })
    #expect(DiffReport.layerLead(d, all: false) == "all 2 layers have equal parameters (--layers lists them)")
    #expect(DiffReport.layerRows(d, all: false).isEmpty)
    #expect(DiffReport.layerLead(d, all: true) == "by layer (2 layers)")
    // DiffTests.base has a layer 0 only.
    let one = try DiffTests.diff(DiffTests.base, DiffTests.base)
    #expect(DiffReport.layerLead(one, all: false) == "the one layer has equal parameters (--layers lists them)")
  }

  // An encoder tower numbers its own blocks: dropped, it is named in the verdict and it does
  // not show as the language model's layers 0 and 1 differing.
  @Test func aDroppedVisionTowerIsNamedAndLeavesTheLayersAlone() throws {
    let vision: [(String, String, [Int])] = [
      ("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight", "F32", [4, 8]),
      ("vision_tower.vision_model.encoder.layers.1.mlp.fc1.weight", "F32", [4, 8]),
    ]
    let d = try DiffTests.diff(Self.twoLayers + vision, Self.twoLayers)
    #expect(d.onlyInA.map(\.component) == [.vision, .vision])
    #expect(DiffReport.verdict(d) == "structurally different: B lacks 2 tensors (vision); parameters −64")
    #expect(d.byLayer.map(\.parametersA) == [168, 168] && !d.byLayer.contains { $0.differs })
    #expect(d.byComponent.first { $0.component == .vision } == .init(component: .vision, parametersA: 64, bytesA: 256))
  }

  @Test func theVerdictNamesOnlyWhereTensorsAreConcentrated() throws {
    func verdict(dropping names: Set<String>) throws -> String {
      DiffReport.verdict(try DiffTests.diff(Self.twoLayers, Self.twoLayers.filter { !names.contains($0.0) }))
    }
    // One component over two layers; one layer over two components; neither.
    #expect(
      try verdict(dropping: ["model.layers.0.mlp.up_proj.weight", "model.layers.1.mlp.up_proj.weight"])
        == "structurally different: B lacks 2 tensors (ffn); parameters −192")
    #expect(
      try verdict(dropping: ["model.layers.1.mlp.up_proj.weight", "model.layers.1.self_attn.q_proj.weight"])
        == "structurally different: B lacks 2 tensors (layer 1); parameters −160")
    #expect(
      try verdict(dropping: ["model.layers.1.mlp.up_proj.weight", "model.norm.weight"])
        == "structurally different: B lacks 2 tensors; parameters −104")
    // Added tensors are placed the same way.
    let added = try DiffTests.diff(Array(Self.twoLayers.dropLast()), Self.twoLayers)
    #expect(DiffReport.verdict(added) == "structurally different: B adds 1 tensor (norm); parameters +8")
  }

  @Test func namesWithinTheirLayer() {
    #expect(DiffTotals.withinLayer("blk.12.ffn_gate.weight", 12) == "ffn_gate")
    #expect(DiffTotals.withinLayer("model.layers.12.mlp.gate_proj.weight", 12) == "mlp.gate_proj")
    #expect(DiffTotals.withinLayer("h.3.attn.bias", 3) == "attn.bias")
    #expect(DiffTotals.withinLayer("model.layers.0.block_sparse_moe.experts.*.w1.weight", 0) == "block_sparse_moe.experts.*.w1")
    // The layer's number, not another run of digits, marks where the name within it starts.
    #expect(DiffTotals.withinLayer("model.layers.2.experts.2.w1.weight", 2) == "experts.2.w1")
    #expect(DiffTotals.withinLayer("blk.12", 12) == "blk.12")
    #expect(DiffReport.names(["a", "b", "c"]) == "a, b, c")
    #expect(DiffReport.names(["a", "b", "c", "d"]) == "a, b and 2 more")
  }

  // Across formats the layer rows meet: a Hugging Face file missing layer 1's gate_proj
  // against the real Q8_0 conversion. Layer 1 in Q8_0: three 8,192-weight FFN matrices at 34
  // bytes per 32 (8,704 bytes each), q and o 4,352, k and v 2,176, two F32 norms of 64; A holds
  // BF16 weights and the same F32 norms.
  @Test func acrossFormatsTheLayerThatLostATensorDiffers() throws {
    let original = try CheckpointLoader.load(Paths.testData("tiny-llama"))
    var entries: [(String, String, [Int])] = []
    for t in original.tensors where t.name != "model.layers.1.mlp.gate_proj.weight" {
      entries.append((String(t.name), t.dtype, t.shape.map { Int($0) }))
    }
    let dir = TempDir()
    let hf = try CheckpointLoader.load(dir.write("model.safetensors", DiffTests.safetensors(entries)))
    let gguf = try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf"))
    let d = Differ.diff(hf, gguf)
    #expect(
      d.byLayer == [
        .init(layer: 0, parametersA: 36_992, parametersB: 36_992, bytesA: 74_240, bytesB: 39_680),
        .init(layer: 1, parametersA: 28_800, parametersB: 36_992, bytesA: 57_856, bytesB: 39_680, onlyInB: ["ffn_gate"]),
      ])
    #expect(
      DiffReport.verdict(d) == "structurally different: B adds 1 tensor (layer 1 ffn); 14 tensors BF16→Q8_0; parameters +8,192")
  }

  // A name the tables cannot place makes its layer differ even when nothing else does.
  @Test func anUnmappedTensorIsNamedInItsLayer() throws {
    let original = try CheckpointLoader.load(Paths.testData("tiny-llama"))
    var entries = original.tensors.map { (String($0.name), $0.dtype, $0.shape.map { Int($0) }) }
    entries.append(("model.layers.1.self_attn.q_proj_extra.weight", "BF16", [4]))
    let dir = TempDir()
    let hf = try CheckpointLoader.load(dir.write("model.safetensors", DiffTests.safetensors(entries)))
    let d = Differ.diff(hf, try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf")))
    #expect(d.byLayer.map(\.differs) == [false, true])
    #expect(d.byLayer[1].unmapped == ["self_attn.q_proj_extra"] && d.byLayer[1].parametersA == 36_996)
    #expect(DiffReport.layerRows(d, all: false).first?.last == "unmapped self_attn.q_proj_extra")
  }

  @Test func aRequantizedModelHasEqualLayers() throws {
    let d = Differ.diff(try CheckpointLoader.load(Paths.testData("tiny-llama")), try CheckpointLoader.load(Paths.testData("tiny-llama.Q8_0.gguf")))
    #expect(d.byLayer.map(\.layer) == [0, 1])
    #expect(d.byLayer.allSatisfy { $0.parametersA == 36_992 && $0.parametersB == 36_992 && !$0.differs })
    #expect(d.byLayer.map(\.bytesB) == [39_680, 39_680])
  }
}
