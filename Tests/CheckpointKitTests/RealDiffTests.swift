import Foundation
import Testing
@testable import CheckpointKit

/// Real checkpoints against modified copies made here: the diff must name exactly what was
/// changed and nothing else. MiniLM's copy has its JSON header rewritten (a tensor removed, a
/// dtype changed, a metadata value changed) over the original data; SmolLM2's is patched in place
/// (a metadata string, a tensor's type, the KV head count a bad conversion would get wrong).
@Suite struct RealDiffTests {
  static let minilm = Paths.real("minilm/model.safetensors")
  static let smollm2 = Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")

  static func load(_ path: String) throws -> Catalog {
    var options = LoadOptions(arrayItems: AttentionShape.maxLayers)
    options.hashArrays = true
    return try CheckpointLoader.load(path, options: options)
  }

  @Test func minilmAgainstAnEditedCopy() throws {
    let original = try Data(contentsOf: URL(fileURLWithPath: Self.minilm))
    let length = original.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    var header = try #require(try JSONSerialization.jsonObject(with: original.subdata(in: 8..<(8 + length))) as? [String: Any])
    // Removed: the pooler's bias (384). Retyped: the embedding LayerNorm's weight to F16 (the
    // first half of its bytes). Changed: the `format` metadata value. The data section is
    // rebuilt in the original order without holes, as a writer would lay it out.
    #expect(header.removeValue(forKey: "pooler.dense.bias") != nil)
    header["__metadata__"] = ["format": "np"]
    let dataStart = 8 + length
    var data = Data()
    let names = header.keys.filter { $0 != "__metadata__" }.sorted {
      ((header[$0] as? [String: Any])?["data_offsets"] as? [Int])?.first ?? 0 < ((header[$1] as? [String: Any])?["data_offsets"] as? [Int])?.first ?? 0
    }
    for name in names {
      var entry = try #require(header[name] as? [String: Any])
      let offsets = try #require(entry["data_offsets"] as? [Int])
      var size = offsets[1] - offsets[0]
      if name == "embeddings.LayerNorm.weight" {
        entry["dtype"] = "F16"
        size /= 2
      }
      entry["data_offsets"] = [data.count, data.count + size]
      data.append(original.subdata(in: (dataStart + offsets[0])..<(dataStart + offsets[0] + size)))
      header[name] = entry
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
    let count = UInt64(json.count)
    let dir = TempDir()
    let copy = dir.write("edited.safetensors", (0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * UInt64($0))) } + Array(json) + Array(data))

    let d = Differ.diff(try Self.load(Self.minilm), try Self.load(copy))
    #expect(d.onlyInA.map(\.name) == ["pooler.dense.bias"])
    #expect(d.onlyInA.first?.component == .head)
    #expect(d.onlyInB.isEmpty && d.unmapped.isEmpty)
    #expect(d.changed.map(\.a.name) == ["embeddings.LayerNorm.weight"])
    #expect(d.changed.first?.changes == ["dtype", "bytes"])
    #expect(d.changed.first?.b.bytes == 768 && d.changed.first?.a.bytes == 1_536)
    #expect(d.metadataChanged == [.init(key: "format", a: "string pt", b: "string np")])
    #expect(d.identicalCount == 102)
    #expect(d.parametersA == 22_713_216 && d.parameterDifference == -384)
    #expect(d.structurallyDifferent)
    #expect(DiffReport.verdict(d) == "structurally different: B lacks 1 tensor (head); 1 tensor F32→F16; 1 metadata key differ; parameters −384")
  }

  @Test func smollm2AgainstAPatchedCopy() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.smollm2)))
    func find(_ text: String, from start: Int = 0) throws -> Int {
      let needle = Array(text.utf8)
      return try #require((start..<(bytes.count - needle.count)).first { bytes[$0] == needle[0] && Array(bytes[$0..<($0 + needle.count)]) == needle })
    }
    func u32(_ value: UInt32, at offset: Int) {
      for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    }
    // general.name: one letter of the value changed (same length).
    let name = try find("Smollm2 135M")
    bytes[name] = UInt8(ascii: "X")
    // llama.attention.head_count_kv (uint32 3): the key, then its type (u32 4 = UINT32), then the value.
    let kv = try find("llama.attention.head_count_kv") + "llama.attention.head_count_kv".utf8.count
    #expect(bytes[kv] == 4 && bytes[kv + 4] == 3)
    u32(9, at: kv + 4)
    // output_norm.weight's tensor info: name, n_dims (1), dims (576), then its type F32 (0) -> F16 (1).
    let info = try find("output_norm.weight", from: 1_000_000) + "output_norm.weight".utf8.count
    #expect(bytes[info] == 1 && bytes[info + 4] == 0x40 && bytes[info + 5] == 0x02 && bytes[info + 12] == 0)
    u32(1, at: info + 12)
    let dir = TempDir()
    let copy = dir.write("patched.gguf", bytes)

    let d = Differ.diff(try Self.load(Self.smollm2), try Self.load(copy))
    #expect(d.onlyInA.isEmpty && d.onlyInB.isEmpty)
    #expect(d.changed.map(\.a.name) == ["output_norm.weight"])
    #expect(d.changed.first?.a.dtype == "F32" && d.changed.first?.b.dtype == "F16")
    #expect(d.changed.first?.changes == ["dtype", "bytes"])
    #expect(d.identicalCount == 271)
    #expect(d.metadataChanged.map(\.key) == ["general.name", "llama.attention.head_count_kv"])
    #expect(d.metadataChanged[0].a == "string Smollm2 135M 8k Lc100K Mix1 Ep2" && d.metadataChanged[0].b == "string Xmollm2 135M 8k Lc100K Mix1 Ep2")
    #expect(d.metadataChanged[1].a == "uint32 3" && d.metadataChanged[1].b == "uint32 9")
    #expect(d.hyperparametersChanged == [.init(field: "kv_heads", a: 3, b: 9)])
    #expect(d.parameterDifference == 0)
    #expect(d.structurallyDifferent)
    #expect(
      DiffReport.verdict(d)
        == "structurally different: hyperparameters differ (kv_heads); 1 tensor F32→F16; 2 metadata keys differ; parameters equal")
  }
}
