import Foundation
import Testing
@testable import CheckpointKit

/// GGMLDequantizer against two independent oracles: the fixtures in TestData/dequant hold random
/// blocks of every ggml block type (with zero, negative, subnormal and largest scales and
/// all-0xff / all-0x00 payloads) and the float32 values ggml's reference C decodes them to, which
/// scripts/make-dequant-fixtures also checked against gguf-py's numpy dequantizer for every type
/// gguf-py implements. Every value must match bit for bit.
@Suite struct DequantTests {
  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: Paths.testData("dequant/" + name))))
  }

  /// The fixture's expected values as bit patterns (float32, little-endian).
  static func expectedBits(_ name: String) throws -> [UInt32] {
    let raw = try bytes(name + ".f32")
    var bits = [UInt32]()
    bits.reserveCapacity(raw.count / 4)
    for k in stride(from: 0, to: raw.count - 3, by: 4) {
      let low = UInt32(raw[k]) | UInt32(raw[k + 1]) << 8
      let high = UInt32(raw[k + 2]) << 16 | UInt32(raw[k + 3]) << 24
      bits.append(low | high)
    }
    return bits
  }

  /// A value no kernel writes, so an element left alone shows.
  static let sentinel = Float(bitPattern: 0x7FA5_A5A5)

  /// Decodes `blocks` of type `id` into a fresh array; nil when decode declines the type.
  static func decode(_ id: UInt32, _ blocks: [UInt8], elements: Int) -> [Float]? {
    var values = [Float](repeating: sentinel, count: elements)
    var out = values.mutableSpan
    let handled = GGMLDequantizer.decode(typeID: id, blocks.span, into: &out)
    return handled ? values : nil
  }

  @Test(arguments: GGMLDequantizer.blockTypeIDs)
  func matchesGGMLBitForBit(id: UInt32) throws {
    let type = try #require(GGMLType.type(id: id))
    let blocks = try Self.bytes(type.name + ".blocks")
    let expected = try Self.expectedBits(type.name)
    let blockBytes = Int(type.blockBytes), blockElements = Int(type.blockElements)
    try #require(blocks.count % blockBytes == 0)
    try #require(expected.count == blocks.count / blockBytes * blockElements)

    let values = try #require(Self.decode(id, blocks, elements: expected.count), "\(type.name) not decoded")
    var mismatches = 0
    for (k, value) in values.enumerated() where value.bitPattern != expected[k] {
      if mismatches < 5 {
        Issue.record(
          "\(type.name) block \(k / blockElements) value \(k % blockElements): got \(value) (0x\(String(value.bitPattern, radix: 16))), ggml \(Float(bitPattern: expected[k])) (0x\(String(expected[k], radix: 16)))"
        )
      }
      mismatches += 1
    }
    #expect(mismatches == 0, "\(type.name): \(mismatches) of \(values.count) values differ")
  }

  /// The scan driver decodes tensors in chunks: any run of whole blocks decodes to the same values
  /// as it does inside the whole buffer.
  @Test(arguments: GGMLDequantizer.blockTypeIDs)
  func decodesAnyRunOfBlocks(id: UInt32) throws {
    let type = try #require(GGMLType.type(id: id))
    let blocks = try Self.bytes(type.name + ".blocks")
    let expected = try Self.expectedBits(type.name)
    let blockBytes = Int(type.blockBytes), blockElements = Int(type.blockElements)
    let count = blocks.count / blockBytes
    for (first, end) in [(1, 3), (count - 1, count), (2, 2)] {
      let run = Array(blocks[first * blockBytes..<end * blockBytes])
      let values = try #require(Self.decode(id, run, elements: (end - first) * blockElements))
      let want = expected[first * blockElements..<end * blockElements]
      let differ = zip(values, want).filter { $0.0.bitPattern != $0.1 }.count
      #expect(values.count == want.count && differ == 0, "\(type.name) blocks \(first)..<\(end): \(differ) values differ")
    }
  }

  /// Every block type of the catalog's table is decoded here; the rest are declined.
  @Test func coversEveryBlockTypeOfTheTable() {
    let blockTypes = GGMLType.table.compactMap { $0 }.filter { $0.blockElements > 1 }.map(\.id)
    #expect(blockTypes == GGMLDequantizer.blockTypeIDs)
  }

  /// F32, F16, BF16, F64 and the integer types are the caller's; removed and unknown ids are
  /// nobody's. decode returns false and leaves the output alone.
  @Test(arguments: [UInt32(0), 1, 24, 25, 26, 27, 28, 30, 4, 5, 31, 32, 33, 36, 37, 38, 43, 1000, .max])
  func declinesOtherTypes(id: UInt32) {
    let source = [UInt8](repeating: 0x3C, count: 64)
    var values = [Float](repeating: Self.sentinel, count: 32)
    var out = values.mutableSpan
    #expect(!GGMLDequantizer.decode(typeID: id, source.span, into: &out))
    #expect(values.allSatisfy { $0.bitPattern == Self.sentinel.bitPattern })
  }

  /// Empty input is zero blocks: nothing to write, still handled.
  @Test func decodesZeroBlocks() {
    for id in GGMLDequantizer.blockTypeIDs {
      var values = [Float]()
      var out = values.mutableSpan
      #expect(GGMLDequantizer.decode(typeID: id, [UInt8]().span, into: &out))
    }
  }

  /// IQGrids.swift (generated from ggml-common.h by scripts/make-iq-grids) against gguf-py's own
  /// copies of the tables, which it keeps as packed hex: iq-grids.bin holds them as bytes.
  @Test func gridsMatchGGUFPy() throws {
    let file = try Self.bytes("iq-grids.bin")
    var offset = 0
    func next(_ count: Int) -> [UInt8] {
      defer { offset += count }
      return offset + count <= file.count ? Array(file[offset..<offset + count]) : []
    }
    func bytes64(_ grid: [UInt64]) -> [UInt8] {
      grid.flatMap { g in (0..<8).map { UInt8(truncatingIfNeeded: g >> (8 * $0)) } }
    }
    func bytes32(_ grid: [UInt32]) -> [UInt8] {
      grid.flatMap { g in (0..<4).map { UInt8(truncatingIfNeeded: g >> (8 * $0)) } }
    }
    #expect(bytes64(IQGrids.iq2xxs) == next(256 * 8))
    #expect(bytes64(IQGrids.iq2xs) == next(512 * 8))
    #expect(bytes64(IQGrids.iq2s) == next(1024 * 8))
    #expect(bytes32(IQGrids.iq3xxs) == next(256 * 4))
    #expect(bytes32(IQGrids.iq3s) == next(512 * 4))
    #expect(bytes64(IQGrids.iq1s) == next(2048 * 8))
    #expect(IQGrids.ksigns == next(128))
    #expect(IQGrids.kvaluesIQ4NL.map { UInt8(bitPattern: $0) } == next(16))
    #expect(IQGrids.kvaluesFP4.map { UInt8(bitPattern: $0) } == next(16))
    #expect(offset == file.count)
  }

  /// The UE4M3 table against the format's definition, and E8M0 at its edges.
  @Test func fp4Scales() {
    #expect(GGMLDequantizer.ue4m3Half[0x00] == 0)
    #expect(GGMLDequantizer.ue4m3Half[0x7F] == 0)
    #expect(GGMLDequantizer.ue4m3Half[0x38] == 0.5)  // exponent 7, mantissa 0: 1.0, halved
    #expect(GGMLDequantizer.ue4m3Half[0x7E] == 224)  // 448 halved, the largest
    #expect(GGMLDequantizer.ue4m3Half[0x01] == 0x1p-10)  // smallest subnormal 2^-9, halved
    #expect(GGMLDequantizer.ue4m3Half[0xB8] == 0.5)  // the sign bit is ignored
    #expect(GGMLDequantizer.e8m0Half(127) == 0.5)
    #expect(GGMLDequantizer.e8m0Half(0) == 0x1p-128)
    #expect(GGMLDequantizer.e8m0Half(1) == 0x1p-127)
    #expect(GGMLDequantizer.e8m0Half(255) == 0x1p127)
  }
}
