import Testing
@testable import CheckpointKit

/// The compact storage behind catalog records, shapes and names: what goes in comes out.
@Suite struct CatalogStorageTests {
  @Test func recordKeepsOptionalAndNarrowFields() {
    var r = TensorRecord(name: "blk.3.attn_q.weight", dtype: "Q4_K", shape: [4096, 4096], reversedInFile: true,
                         elements: 16_777_216, bytes: nil, bitsPerElement: nil, file: 7, layer: 3)
    #expect(r.bytes == nil && r.bitsPerElement == nil)
    #expect(r.file == 7 && r.layer == 3)
    #expect(r.storedShape == [4096, 4096])
    r.bytes = 9_437_184
    r.bitsPerElement = 4.5
    r.layer = nil
    #expect(r.bytes == 9_437_184 && r.bitsPerElement == 4.5 && r.layer == nil)
    r.bytes = 0
    #expect(r.bytes == 0)
    r.bytes = nil
    #expect(r.bytes == nil && r.bitsPerElement == 4.5)
    // Out-of-range values clamp instead of trapping.
    r.file = Int.max
    r.layer = Int.max
    #expect(r.file == Int(Int32.max) && r.layer == Int(Int32.max))
    // 144 bytes each: a 20,000-tensor catalog touches 2.9 MB, not the 3.9 MB of the plain layout.
    #expect(MemoryLayout<TensorRecord>.stride == 144)
  }

  @Test func shapesSpillPastFourDimensions() {
    var s = TensorShape([2, 3, 4, 5])
    #expect(Array(s) == [2, 3, 4, 5] && s.elementCount == 120)
    s.append(6)
    #expect(Array(s) == [2, 3, 4, 5, 6] && s.count == 5 && s.elementCount == 720)
    #expect(s == [2, 3, 4, 5, 6] && s != [2, 3, 4, 5])
    #expect(TensorShape().elementCount == 1)
    #expect(TensorShape([UInt64.max, 2]).elementCount == nil)
    #expect(s.description == "[2, 3, 4, 5, 6]")
  }

  @Test func namesShareOneBufferAndRefuseDuplicates() {
    var again: [Bool] = []
    var added = 0
    let names = NameStore.collect(byteCapacity: 64_000, expectedCount: 2) { (store: inout NameStore) in
      for name in ["model.embed_tokens.weight", "é.ünïcode", "", "model.norm.weight"] where store.insert(name) { added += 1 }
      again = [store.insert("model.norm.weight"), store.insert("")]
      // Enough names to grow the hash index several times.
      for k in 0..<1000 where store.insert("model.layers.\(k).mlp.up_proj.weight") { added += 1 }
      again.append(store.insert("model.layers.999.mlp.up_proj.weight"))
    }
    #expect(added == 1004 && again == [false, false, false])
    #expect(names.count == 1004)
    var list: [Substring] = []
    names.forEach { k, name in
      #expect(k == list.count)
      list.append(name)
    }
    #expect(list[0...3] == ["model.embed_tokens.weight", "é.ünïcode", "", "model.norm.weight"])
    #expect(list[1003] == "model.layers.999.mlp.up_proj.weight")
    #expect(list[1].endsWith("ünïcode") && list[0].isBytes("model.embed_tokens.weight"))
    #expect(list[3].endsWith(text: ".norm.weight") && !list[3].endsWith(".scale"))
  }

  @Test func aFailureInsideTheNameStoreIsRethrown() {
    struct Stop: Error {}
    #expect(throws: Stop.self) {
      _ = try NameStore.collect(byteCapacity: 16, expectedCount: 1) { (store: inout NameStore) throws(Stop) in
        _ = store.insert("a")
        throw Stop()
      }
    }
  }
}
