import Testing
@testable import CheckpointKit

/// GGUF headers built byte by byte: every value type, both byte orders, all versions, and one
/// test per fault.
@Suite struct GGUFReaderTests {
  /// A small valid file: one key of each kind worth checking and two tensors.
  static func sample(version: UInt32 = 3, bigEndian: Bool = false) -> GGUFBuilder {
    var g = GGUFBuilder()
    g.version = version
    g.bigEndian = bigEndian
    g.string("general.architecture", "llama")
    g.uint32("llama.block_count", 2)
    g.kv("flag") { _, b in b.u32(7); b.u8(1) }
    g.kv("eps") { _, b in b.u32(6); b.f32(0.5) }
    g.kv("i64") { _, b in b.u32(11); b.u64(UInt64(bitPattern: -5)) }
    g.kv("tokens") { g, b in
      b.u32(9)
      b.u32(8)
      g.count(10, into: &b)
      for k in 0..<10 { g.string("t\(k)", into: &b) }
    }
    g.tensor("token_embd.weight", dims: [64, 10], type: 8, offset: 0)  // Q8_0: 640/32 x 34 = 680 bytes
    g.tensor("output_norm.weight", dims: [64], type: 0, offset: 704)  // F32: 256 bytes, aligned to 32
    g.dataBytes = 704 + 256
    return g
  }

  @Test(arguments: [(UInt32(3), false), (3, true), (2, false), (1, false)])
  func parsesEveryVersionAndByteOrder(version: UInt32, bigEndian: Bool) throws {
    let file = try Self.sample(version: version, bigEndian: bigEndian).build().parseGGUF()
    #expect(file.version == version)
    #expect(file.bigEndian == bigEndian)
    #expect(file.metadata.map(\.key) == ["general.architecture", "llama.block_count", "flag", "eps", "i64", "tokens"])
    #expect(file.metadata["general.architecture"] == .string("llama"))
    #expect(file.metadata["llama.block_count"] == .unsigned(2, type: "uint32"))
    #expect(file.metadata["flag"] == .bool(true))
    #expect(file.metadata["eps"] == .float(0.5, type: "float32"))
    #expect(file.metadata["i64"] == .signed(-5, type: "int64"))
    guard case .array(let tokens)? = file.metadata["tokens"] else {
      Issue.record("tokens is not an array")
      return
    }
    #expect(tokens.count == 10)
    #expect(tokens.items == (0..<8).map { .string("t\($0)") })
    #expect(!tokens.isComplete)
    #expect(file.tensors.map(\.name) == ["token_embd.weight", "output_norm.weight"])
    #expect(file.tensors[0].dims == [64, 10])
    #expect(file.tensors[0].shape == [10, 64])
    #expect(file.tensors[0].typeName == "Q8_0")
    #expect(file.tensors[0].elements == 640)
    #expect(file.tensors[0].bytes == 680)
    #expect(file.tensors[1].bytes == 256)
    #expect(file.dataStart % 32 == 0)
    #expect(file.dataStart >= file.headerBytes && file.dataStart - file.headerBytes < 32)
    #expect(file.warnings.isEmpty)
  }

  @Test func materializesWholeArraysOnRequest() throws {
    let file = try Self.sample().build().parseGGUF(arrayItems: Int.max)
    guard case .array(let tokens)? = file.metadata["tokens"] else { return }
    #expect(tokens.isComplete)
    #expect(tokens.items.last == .string("t9"))
  }

  @Test func readsEveryScalarType() throws {
    var g = GGUFBuilder()
    g.kv("u8") { _, b in b.u32(0); b.u8(200) }
    g.kv("i8") { _, b in b.u32(1); b.u8(0xFF) }
    g.kv("u16") { _, b in b.u32(2); b.u16(60000) }
    g.kv("i16") { _, b in b.u32(3); b.u16(0xFFFE) }
    g.kv("u32") { _, b in b.u32(4); b.u32(4_000_000_000) }
    g.kv("i32") { _, b in b.u32(5); b.i32(-7) }
    g.kv("f64") { _, b in b.u32(12); b.u64((2.25).bitPattern) }
    g.kv("u64") { _, b in b.u32(10); b.u64(UInt64.max) }
    g.kv("nested") { g, b in
      b.u32(9); b.u32(9); g.count(2, into: &b)
      for _ in 0..<2 { b.u32(5); g.count(1, into: &b); b.i32(3) }
    }
    let m = try g.build().parseGGUF().metadata
    #expect(m["u8"] == .unsigned(200, type: "uint8"))
    #expect(m["i8"] == .signed(-1, type: "int8"))
    #expect(m["u16"] == .unsigned(60000, type: "uint16"))
    #expect(m["i16"] == .signed(-2, type: "int16"))
    #expect(m["u32"] == .unsigned(4_000_000_000, type: "uint32"))
    #expect(m["i32"] == .signed(-7, type: "int32"))
    #expect(m["f64"] == .float(2.25, type: "float64"))
    #expect(m["u64"] == .unsigned(UInt64.max, type: "uint64"))
    let inner = MetadataValue.array(MetadataArray(elementType: "int32", count: 1, items: [.signed(3, type: "int32")]))
    #expect(m["nested"] == .array(MetadataArray(elementType: "array", count: 2, items: [inner, inner])))
  }

  @Test func unknownAndRemovedTypesAreListedNotFatal() throws {
    var g = GGUFBuilder()
    g.tensor("old", dims: [32], type: 4, offset: 0)
    g.tensor("future", dims: [32], type: 99, offset: 0)
    let file = try g.build().parseGGUF()
    #expect(file.tensors.map(\.typeName) == ["unknown(4)", "unknown(99)"])
    #expect(file.tensors.map(\.bytes) == [nil, nil])
    #expect(file.warnings.count == 2)
  }

  @Test func customAlignmentMovesTheDataSection() throws {
    var g = GGUFBuilder()
    g.uint32("general.alignment", 256)
    g.tensor("w", dims: [8], type: 0, offset: 0)
    g.alignment = 256
    g.dataBytes = 32
    let file = try g.build().parseGGUF()
    #expect(file.alignment == 256)
    #expect(file.dataStart == 256)
  }

  @Test func trailingBytesAfterLastTensorAreAWarning() throws {
    var g = GGUFBuilder()
    g.tensor("w", dims: [8], type: 0, offset: 0)
    g.dataBytes = 32 + 64
    let file = try g.build().parseGGUF()
    #expect(file.warnings == ["64 bytes after the last tensor's data"])
  }

  // MARK: Faults

  @Test func badMagic() {
    var b = Bytes()
    b.raw("GGML")
    b.u32(3)
    #expect(fault { try b.data.parseGGUF() } == .gguf(.badMagic(0x4747_4D4C)))
  }

  @Test(arguments: [UInt32(0), UInt32(4), UInt32(0x0100_0005)])
  func unsupportedVersions(_ version: UInt32) {
    var g = GGUFBuilder()
    g.version = version
    #expect(fault { try g.build().parseGGUF() } == .gguf(.unsupportedVersion(version)))
  }

  @Test func hugeTensorCountRejectedAtOnce() {
    var b = Bytes()
    b.raw("GGUF"); b.u32(3); b.u64(1 << 63); b.u64(0)
    #expect(fault { try b.data.parseGGUF() } == .gguf(.countTooLarge(what: "tensor", count: 1 << 63, remaining: 0)))
  }

  @Test func hugeMetadataCountRejectedAtOnce() {
    var b = Bytes()
    b.raw("GGUF"); b.u32(3); b.u64(0); b.u64(1 << 63); b.zeros(100)
    #expect(fault { try b.data.parseGGUF() } == .gguf(.countTooLarge(what: "metadata", count: 1 << 63, remaining: 100)))
  }

  @Test func stringLengthPastTheFile() {
    var b = Bytes()
    b.raw("GGUF"); b.u32(3); b.u64(0); b.u64(1); b.u64(1000); b.raw("abc"); b.zeros(10)
    let error = caught { try b.data.parseGGUF() }
    #expect(error?.fault == .truncated(needed: 1000, remaining: 13))
    #expect(error?.offset == 32)
    #expect(error?.field == "metadata key")
  }

  @Test func arrayCountPastTheFile() {
    var g = GGUFBuilder()
    g.kv("a") { _, b in b.u32(9); b.u32(5); b.u64(1 << 40); b.zeros(8) }
    guard case .gguf(.countTooLarge(what: "array 'a'", count: 1 << 40, remaining: 8))? = fault({ try g.build().parseGGUF() }) else {
      Issue.record("huge array count accepted")
      return
    }
  }

  @Test func deeplyNestedArrays() {
    var g = GGUFBuilder()
    g.kv("deep") { _, b in
      b.u32(9)
      for _ in 0..<10_000 { b.u32(9); b.u64(1) }
      b.u32(0); b.u64(0)
    }
    #expect(fault { try g.build().parseGGUF() } == .gguf(.nestingTooDeep(limit: 8)))
  }

  @Test func unknownValueType() {
    var g = GGUFBuilder()
    g.kv("x") { _, b in b.u32(13); b.u32(0) }
    #expect(fault { try g.build().parseGGUF() } == .gguf(.unknownValueType(13)))
  }

  @Test func boolThatIsNeitherZeroNorOne() {
    var g = GGUFBuilder()
    g.kv("x") { _, b in b.u32(7); b.u8(2) }
    #expect(fault { try g.build().parseGGUF() } == .gguf(.invalidBool(2)))
  }

  @Test func boolArraysAreCheckedPastThePreview() {
    var g = GGUFBuilder()
    g.kv("x") { _, b in b.u32(9); b.u32(7); b.u64(20); b.zeros(19); b.u8(3) }
    #expect(fault { try g.build().parseGGUF() } == .gguf(.invalidBool(3)))
  }

  @Test(arguments: [[UInt64](), [UInt64]([1, 1, 1, 1, 1])])
  func dimensionCounts(_ dims: [UInt64]) {
    var g = GGUFBuilder()
    g.tensor("t", dims: dims, type: 0, offset: 0)
    // Room for data, so the count check (a tensor info needs at least 32 bytes) does not fire first.
    g.dataBytes = 64
    #expect(fault { try g.build().parseGGUF() } == .gguf(.invalidDimensionCount(tensor: "t", count: UInt32(dims.count))))
  }

  @Test func zeroDimension() {
    var g = GGUFBuilder()
    g.tensor("t", dims: [4, 0], type: 0, offset: 0)
    #expect(fault { try g.build().parseGGUF() } == .gguf(.invalidDimension(tensor: "t", value: 0)))
  }

  @Test func dimensionProductOverflow() {
    var g = GGUFBuilder()
    g.tensor("t", dims: [1 << 32, 1 << 32], type: 0, offset: 0)
    #expect(fault { try g.build().parseGGUF() } == .gguf(.elementCountOverflow(tensor: "t")))
  }

  @Test func rowThatIsNotWholeBlocks() {
    var g = GGUFBuilder()
    g.tensor("t", dims: [100], type: 12, offset: 0)
    #expect(fault { try g.build().parseGGUF() } == .gguf(.partialBlock(tensor: "t", rowElements: 100, blockElements: 256)))
  }

  @Test(arguments: [UInt32(0), UInt32(3), UInt32(48)])
  func alignmentNotAPowerOfTwo(_ value: UInt32) {
    var g = GGUFBuilder()
    g.uint32("general.alignment", value)
    #expect(fault { try g.build().parseGGUF() } == .gguf(.invalidAlignment("\(value) is not a power of two")))
  }

  @Test func alignmentNotUInt32() {
    var g = GGUFBuilder()
    g.kv("general.alignment") { _, b in b.u32(10); b.u64(32) }
    #expect(fault { try g.build().parseGGUF() } == .gguf(.invalidAlignment("has type uint64, not uint32")))
  }

  @Test func tensorOffsetNotAligned() {
    var g = GGUFBuilder()
    g.tensor("t", dims: [8], type: 0, offset: 4)
    #expect(fault { try g.build().parseGGUF() } == .gguf(.misalignedOffset(tensor: "t", offset: 4, alignment: 32)))
  }

  @Test func tensorDataPastTheEnd() throws {
    var g = GGUFBuilder()
    g.tensor("t", dims: [64], type: 0, offset: 0)
    g.dataBytes = 100
    let bytes = g.build()
    let end = UInt64(bytes.count - 100) + 256
    // Validating reports it; reading notes it for a warning and reports the header.
    var collected = Problems(collect: true)
    _ = try bytes.withUnsafeBytes { try GGUFReader.parse($0, problems: &collected) }
    #expect(collected.list.map(\.fault) == [.gguf(.dataPastEnd(tensor: "t", end: end, fileSize: UInt64(bytes.count)))])
    var noted = Problems()
    let file = try bytes.withUnsafeBytes { try GGUFReader.parse($0, problems: &noted) }
    #expect(file.tensors.map(\.name) == ["t"])
    #expect(noted.shortData?.dataEnd == end)
    #expect(noted.shortData?.tensors == 1)
  }

  @Test func duplicateKeys() {
    var g = GGUFBuilder()
    g.uint32("k", 1)
    g.uint32("k", 2)
    #expect(fault { try g.build().parseGGUF() } == .gguf(.duplicateKey("k")))
  }

  @Test func duplicateTensorNames() {
    var g = GGUFBuilder()
    g.tensor("t", dims: [8], type: 0, offset: 0)
    g.tensor("t", dims: [8], type: 0, offset: 32)
    g.dataBytes = 64
    #expect(fault { try g.build().parseGGUF() } == .gguf(.duplicateTensor("t")))
  }

  /// Cutting a valid header anywhere must give a clean `truncated` error (or, past the tensor
  /// infos, a data-past-end error), never a crash.
  @Test func truncatedAtEveryByte() throws {
    let bytes = Self.sample().build()
    let full = try bytes.parseGGUF()
    for cut in 0..<Int(full.dataStart) + 700 {
      let prefix = Array(bytes[0..<cut])
      let found = fault { try prefix.parseGGUF() }
      switch found {
      case .truncated?, .gguf(.countTooLarge)?: continue
      // Cut inside the tensor data: the whole header parses (the loader warns; validate reports).
      case nil where cut >= Int(full.dataStart) - 32: continue
      default: Issue.record("cut at \(cut): \(String(describing: found))")
      }
    }
  }
}

@Suite struct GGMLTypeTests {
  @Test func blockGeometry() {
    let expected: [(UInt32, String, UInt64, UInt64)] = [
      (0, "F32", 1, 4), (2, "Q4_0", 32, 18), (3, "Q4_1", 32, 20), (8, "Q8_0", 32, 34), (10, "Q2_K", 256, 84),
      (12, "Q4_K", 256, 144), (14, "Q6_K", 256, 210), (15, "Q8_K", 256, 292), (23, "IQ4_XS", 256, 136),
      (29, "IQ1_M", 256, 56), (30, "BF16", 1, 2), (34, "TQ1_0", 256, 54), (35, "TQ2_0", 256, 66),
      (39, "MXFP4", 32, 17), (40, "NVFP4", 64, 36), (41, "Q1_0", 128, 18), (42, "Q2_0", 64, 18),
    ]
    for (id, name, elements, bytes) in expected {
      #expect(GGMLType.type(id: id) == GGMLType(id: id, name: name, blockElements: elements, blockBytes: bytes))
    }
    #expect(GGMLType.type(id: 12)?.bitsPerElement == 4.5)
  }

  @Test func removedAndUnknownIDs() {
    for id: UInt32 in [4, 5, 31, 32, 33, 36, 37, 38, 43, 1000] { #expect(GGMLType.type(id: id) == nil) }
    let known = (0..<43).compactMap { GGMLType.type(id: UInt32($0)) }
    #expect(known.count == 35)
  }
}
