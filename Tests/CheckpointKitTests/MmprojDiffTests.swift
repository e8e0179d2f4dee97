import Testing
@testable import CheckpointKit

/// A Hugging Face multimodal checkpoint against llama.cpp's mmproj file, on a real conversion:
/// conv-gemma3mm (transformers 5's layout) and conv-gemma3mm-mmproj.gguf, its vision tower and
/// projector as `convert_hf_to_gguf.py --mmproj` wrote them (TestData/conversions). Every tower
/// and projector tensor is mapped; the text model, the SigLIP pooling head and the +1 projector
/// norm are conventions; the tower's hyperparameters are compared with vision_config.
@Suite struct MmprojDiffTests {
  static let pair = "conv-gemma3mm-mmproj"

  @Test func theMmprojFileIsRecognized() throws {
    let (_, _, gguf, _) = try Conversions.diff(Self.pair)
    #expect(gguf.metadata["general.type"]?.string == "mmproj")
    #expect(gguf.architecture == "clip")
    #expect(Differ.isMmproj(gguf))
    // The text conversion of the same model is no mmproj file.
    let (_, _, text, _) = try Conversions.diff("conv-gemma3mm")
    #expect(!Differ.isMmproj(text))
  }

  @Test func gemma3TowerDiffsAsConverted() throws {
    let (d, hf, gguf, _) = try Conversions.diff(Self.pair)
    #expect(d.crossFormat)
    #expect(d.unmapped.isEmpty && d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    // Every mmproj tensor matched once, none reshaped; BF16 became F16 (matrices) or F32.
    #expect(gguf.tensors.count == 23 && d.changed.count == 23 && d.identicalCount == 0)
    #expect(Set(d.changed.map(\.b.name)) == Set(gguf.tensors.map { String($0.name) }))
    #expect(d.changed.allSatisfy { $0.changes == ["dtype", "bytes"] || $0.changes == ["dtype"] })
    #expect(d.hyperparametersChanged.isEmpty && d.metadataChanged.isEmpty)
    #expect(!d.structurallyDifferent)
    #expect(DiffReport.verdict(d) == "same model, converted: 23 tensors BF16→F16, BF16→F32; parameters equal")

    // What the file holds besides the tower: the text model and SigLIP's pooling head.
    let text = hf.tensors.filter { $0.name.hasPrefix("language_model.") }
    let head = hf.tensors.filter { $0.name.hasPrefix("vision_tower.head.") }
    #expect(text.count == 28 && head.count == 11)
    let textParameters = text.reduce(0) { $0 + $1.parameters }, headParameters = head.reduce(0) { $0 + $1.parameters }
    #expect(textParameters == 1_320_320 && headParameters == 8_512)
    #expect(d.conventions == [
      "the text model (28 tensors, 1,320,320 parameters) in \(d.pathA) is in the text GGUF, not the mmproj file",
      "SigLIP pooling head (11 tensors, 8,512 parameters) in \(d.pathA) is dropped by the converter: Gemma 3 does not run it",
      "Gemma 3: mm.soft_emb_norm.weight is stored +1 by the converter (Gemma's RMSNorm scales by 1 + w); same shape, values differ by design (headers cannot see values)",
    ])
    #expect(d.parametersA == 1_360_544 && d.parametersB == 31_712)
    #expect(d.explainedDifference == -Int64(textParameters + headParameters))
    #expect(d.parameterDifference == d.explainedDifference)
    // The layer rows would be the text model's, absent by design: no layer table.
    #expect(d.byLayer.isEmpty)
  }

  /// The mmproj file as A: the same mapping, the conventions counted against B.
  @Test func eitherOrder() throws {
    let (forward, hf, gguf, config) = try Conversions.diff(Self.pair)
    let d = Differ.diff(gguf, hf, configB: config)
    #expect(d.unmapped.isEmpty && d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.hyperparametersChanged.isEmpty)
    #expect(d.changed.map(\.a.name).sorted() == forward.changed.map(\.b.name).sorted())
    #expect(d.explainedDifference == -forward.explainedDifference && d.parameterDifference == d.explainedDifference)
    #expect(d.conventions.first == "the text model (28 tensors, 1,320,320 parameters) in \(d.pathB) is in the text GGUF, not the mmproj file")
    #expect(DiffReport.verdict(d) == "same model, converted: 23 tensors F16→BF16, F32→BF16; parameters equal")
  }

  /// The tower's fields (clip.vision.*) against config.json's vision_config, all stated by both;
  /// the text model's fields are not compared (the mmproj file states none).
  @Test func theVisionHyperparametersCompared() throws {
    let (d, _, gguf, config) = try Conversions.diff(Self.pair)
    let tower = Hyperparameters.vision(gguf: gguf), stated = Hyperparameters.vision(config: config)
    let expected: [(String, Double)] = [
      ("vision_hidden", 32), ("vision_layers", 1), ("vision_heads", 2), ("vision_ffn", 64), ("image_size", 28),
      ("patch_size", 14), ("projection", 128),
    ]
    #expect(tower == Hyperparameters(fields: expected) && stated == tower)
    #expect(d.hyperparametersChanged.isEmpty)
  }

  @Test func aWrongVisionBlockCountIsReported() throws {
    let (d, _, _, _) = try Conversions.diff(Self.pair, gguf: ConversionDiffTests.settingUInt32("clip.vision.block_count", to: 2))
    #expect(d.hyperparametersChanged == [.init(field: "vision_layers", a: 1, b: 2)])
    #expect(d.unmapped.isEmpty && d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.structurallyDifferent)
    #expect(DiffReport.verdict(d).hasPrefix("structurally different: hyperparameters differ (vision_layers)"))
  }

  /// Names and shapes as the converter wrote them: no patch-embedding reshape, the projector's
  /// [vision, text] matrix not transposed, the position embedding as is.
  @Test(arguments: [
    ("vision_tower.embeddings.patch_embedding.weight", "v.patch_embd.weight", [UInt64(32), 3, 14, 14], "F32"),
    ("vision_tower.embeddings.position_embedding.weight", "v.position_embd.weight", [4, 32], "F32"),
    ("vision_tower.encoder.layers.0.self_attn.q_proj.weight", "v.blk.0.attn_q.weight", [32, 32], "F16"),
    ("vision_tower.encoder.layers.0.mlp.fc1.weight", "v.blk.0.ffn_up.weight", [64, 32], "F16"),
    ("vision_tower.encoder.layers.0.mlp.fc2.weight", "v.blk.0.ffn_down.weight", [32, 64], "F16"),
    ("vision_tower.encoder.layers.0.layer_norm1.bias", "v.blk.0.ln1.bias", [32], "F32"),
    ("vision_tower.post_layernorm.weight", "v.post_ln.weight", [32], "F32"),
    ("multi_modal_projector.mm_input_projection_weight", "mm.input_projection.weight", [32, 128], "F16"),
    ("multi_modal_projector.mm_soft_emb_norm.weight", "mm.soft_emb_norm.weight", [32], "F32"),
  ])
  func tensorsMapped(_ hfName: String, _ ggufName: String, _ shape: [UInt64], _ dtype: String) throws {
    let (d, _, _, _) = try Conversions.diff(Self.pair)
    let c = try #require(d.changed.first { $0.b.name == ggufName })
    #expect(c.a.name == hfName && c.a.dtype == "BF16" && c.b.dtype == dtype)
    #expect(c.a.shape == shape && c.b.shape == shape)
  }

  /// The HF header rewritten: layer 0's fc2 weight left out, and the projector matrix stored
  /// [text, vision]: the tensor missing and the shape change are both reported.
  @Test func aMissingVisionTensorAndATransposedProjectorAreReported() throws {
    let tmp = TempDir()
    let (hfPath, ggufPath) = try Conversions.rebuild(Conversions.pair(Self.pair), in: tmp)
    let original = try CheckpointLoader.load(hfPath)
    var entries: [(String, String, [Int])] = []
    for t in original.tensors where t.name != "vision_tower.encoder.layers.0.mlp.fc2.weight" {
      var shape = t.shape.map { Int($0) }
      if t.name == "multi_modal_projector.mm_input_projection_weight" { shape.reverse() }
      entries.append((String(t.name), t.dtype, shape))
    }
    let hf = try CheckpointLoader.load(tmp.write("planted.safetensors", DiffTests.safetensors(entries)))
    let d = Differ.diff(hf, try CheckpointLoader.load(ggufPath))
    #expect(d.onlyInB.map(\.name) == ["v.blk.0.ffn_down.weight"])
    #expect(d.onlyInA.isEmpty && d.unmapped.isEmpty)
    let reshaped = d.changed.filter { $0.changes.contains("shape") }
    #expect(reshaped.map(\.b.name) == ["mm.input_projection.weight"])
    #expect(reshaped.first?.a.shape == [128, 32] && reshaped.first?.b.shape == [32, 128])
    // fc2's 32 x 64 parameters are only in the mmproj file, unexplained.
    #expect(d.parameterDifference - d.explainedDifference == 2_048)
    #expect(d.structurallyDifferent)
    #expect(DiffReport.verdict(d).hasPrefix("structurally different"))
  }

  /// A tower tensor the table does not know is listed as unmapped, never dropped silently.
  @Test func anUnknownTowerTensorIsUnmapped() throws {
    let tmp = TempDir()
    let (hfPath, ggufPath) = try Conversions.rebuild(Conversions.pair(Self.pair), in: tmp)
    let original = try CheckpointLoader.load(hfPath)
    var entries = original.tensors.map { (String($0.name), $0.dtype, $0.shape.map { Int($0) }) }
    entries.append(("vision_tower.encoder.layers.0.self_attn.qkv_proj.weight", "BF16", [96, 32]))
    let hf = try CheckpointLoader.load(tmp.write("planted.safetensors", DiffTests.safetensors(entries)))
    let d = Differ.diff(hf, try CheckpointLoader.load(ggufPath))
    #expect(d.unmapped.map(\.name) == ["vision_tower.encoder.layers.0.self_attn.qkv_proj.weight"])
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.structurallyDifferent)
  }
}
