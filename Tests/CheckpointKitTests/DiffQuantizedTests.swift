import Foundation
import Testing
@testable import CheckpointKit

/// A checkpoint against its quantized copy: each weight is paired with its quantized form (another
/// name for GPTQ, AWQ and fracast's int8; the same name for MLX), a packed layout is a change of
/// packing rather than of shape when the unpacked weights are as many, and the scales, zero points
/// and group indices quantizing added are kept apart from tensors the model gained.
@Suite struct DiffQuantizedTests {
  static func catalog(_ dir: TempDir, _ name: String, _ entries: [(String, String, [Int])]) throws -> Catalog {
    var offset = 0
    var fields: [String] = []
    let width = ["I32": 4, "U32": 4, "U8": 1, "F16": 2, "F32": 4]
    for (name, dtype, shape) in entries {
      let n = shape.reduce(1, *) * width[dtype]!
      fields.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + n)]}")
      offset += n
    }
    return try CheckpointLoader.load(dir.write(name, Bytes.safetensors("{" + fields.joined(separator: ",") + "}", dataBytes: offset)))
  }

  /// fracast's own fp32 and int8 files (real): 20 weights became `*.qweight` I8 with a `*.scale` each.
  @Test func fracastFloatAgainstItsInt8Copy() throws {
    let a = try CheckpointLoader.load(Paths.real("fracast/model.safetensors"))
    let b = try CheckpointLoader.load(Paths.real("fracast/model.int8.safetensors"))
    let d = Differ.diff(a, b)
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.changed.count == 20)
    #expect(d.changed.allSatisfy { $0.a.dtype == "F32" && $0.b.dtype == "I8" && $0.changes == ["dtype", "bytes"] && $0.b.name == $0.a.name + ".qweight" })
    #expect(d.changed.contains { $0.a.name == "core.block.dw_weight" && $0.b.name == "core.block.dw_weight.qweight" })
    #expect(d.bookkeepingOnlyInB.count == 20)
    #expect(d.bookkeepingOnlyInB.allSatisfy { $0.name.hasSuffix(".scale") && $0.dtype == "F32" && $0.parameters == 0 })
    // 1,610 elements of scales: the realdata ground truth's quantization bookkeeping.
    #expect(d.bookkeepingOnlyInB.reduce(0) { $0 + ($1.bytes ?? 0) } == 1_610 * 4)
    #expect(d.identicalCount == 27)
    #expect(d.parametersA == 85_001 && d.parametersB == 85_001)
    #expect(!d.structurallyDifferent && !d.identical)
    #expect(d.metadataChanged.map(\.key) == ["quantization"])
    #expect(
      DiffReport.verdict(d)
        == "same model, quantized: 20 tensors F32→I8; quantization adds 20 bookkeeping tensors (scale); 1 metadata key differ; parameters equal")
    let text = DiffReport.text(d)
    #expect(text.contains("\nquantization bookkeeping only in B (20):\n  scale  20 tensors, 6.44 kB\n"))
    #expect(text.contains("    core.block.dw_weight -> core.block.dw_weight.qweight  F32 -> I8, 768 B -> 192 B\n"))
    // The other way round: dequantized.
    #expect(DiffReport.verdict(Differ.diff(b, a)).hasPrefix("same model, dequantized: 20 tensors I8→F32; B drops 20 bookkeeping tensors (scale);"))
  }

  @Test func gptqPackedWeightsPairWithTheirOriginals() throws {
    let dir = TempDir()
    // in 256, out 64, group 128: qweight [in/8, out], qzeros [groups, out/8], scales [groups, out].
    let plain = try Self.catalog(dir, "a.safetensors", [("l.weight", "F16", [64, 256]), ("n.weight", "F16", [64])])
    let gptq = try Self.catalog(
      dir, "b.safetensors",
      [
        ("l.qweight", "I32", [32, 64]), ("l.qzeros", "I32", [2, 8]), ("l.scales", "F16", [2, 64]), ("l.g_idx", "I32", [256]),
        ("n.weight", "F16", [64]),
      ])
    let d = Differ.diff(plain, gptq)
    #expect(d.changed.count == 1)
    let c = try #require(d.changed.first)
    #expect(c.a.name == "l.weight" && c.b.name == "l.qweight")
    #expect(c.changes == ["packing", "dtype", "bytes"])
    #expect(c.a.parameters == 16_384 && c.b.parameters == 16_384)
    #expect(d.bookkeepingOnlyInB.map(\.name) == ["l.qzeros", "l.scales", "l.g_idx"])
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty && d.identicalCount == 1)
    #expect(!d.structurallyDifferent && d.parameterDifference == 0)
    #expect(DiffReport.verdict(d) == "same model, quantized: 1 tensor F16→I32 packed; quantization adds 3 bookkeeping tensors (qzeros, scales, g_idx); parameters equal")
    #expect(DiffReport.changeText(c) == "packed [64, 256] -> [32, 64], F16 -> I32, 32.8 kB -> 8.19 kB")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(DiffReport.json(d).serialized().utf8)) as? [String: Any])
    #expect((json["bookkeeping_only_in_b"] as? [[String: Any]])?.map { $0["name"] as? String } == ["l.qzeros", "l.scales", "l.g_idx"])
    #expect((json["tensors_changed"] as? [[String: Any]])?.first?["changes"] as? [String] == ["packing", "dtype", "bytes"])
    // Dequantized: the other way round.
    let back = Differ.diff(gptq, plain)
    #expect(back.changed.map(\.b.name) == ["l.weight"] && back.changed.first?.changes == ["packing", "dtype", "bytes"])
    #expect(back.bookkeepingOnlyInA.count == 3 && !back.structurallyDifferent)
  }

  @Test func mlxKeepsTheNameAndPacksTheRows() throws {
    let dir = TempDir()
    let plain = try Self.catalog(dir, "a.safetensors", [("l.weight", "F16", [64, 256])])
    // 4-bit MLX, group 64: weight U32 [out, in/8], scales and biases [out, in/64].
    let mlx = try Self.catalog(dir, "b.safetensors", [("l.weight", "U32", [64, 32]), ("l.scales", "F16", [64, 4]), ("l.biases", "F16", [64, 4])])
    let d = Differ.diff(plain, mlx)
    #expect(d.changed.first?.changes == ["packing", "dtype", "bytes"])
    #expect(d.bookkeepingOnlyInB.map(\.name) == ["l.scales", "l.biases"])
    #expect(!d.structurallyDifferent)
  }

  /// Packing does not hide a real change: a quantized weight of another size is a shape change.
  @Test func aPackedWeightOfAnotherSizeIsStillAShapeChange() throws {
    let dir = TempDir()
    let plain = try Self.catalog(dir, "a.safetensors", [("l.weight", "F16", [64, 256])])
    let gptq = try Self.catalog(dir, "b.safetensors", [("l.qweight", "I32", [32, 96]), ("l.qzeros", "I32", [2, 12]), ("l.scales", "F16", [2, 96])])
    let d = Differ.diff(plain, gptq)
    #expect(d.changed.first?.changes == ["shape", "dtype", "bytes"])
    #expect(d.structurallyDifferent)
  }
}
