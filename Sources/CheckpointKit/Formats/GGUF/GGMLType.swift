/// One ggml tensor type: how many elements a block holds and how many bytes it takes.
/// Quantized types store weights in blocks, so bytes = elements / blockElements x blockBytes.
public struct GGMLType: Equatable, Sendable {
  public let id: UInt32
  public let name: String
  public let blockElements: UInt64
  public let blockBytes: UInt64

  /// Bits per weight including the block's scales (Q4_K: 144 x 8 / 256 = 4.5).
  public var bitsPerElement: Double { Double(blockBytes * 8) / Double(blockElements) }

  /// The type with this id, nil for ids that were removed from ggml or never assigned.
  public static func type(id: UInt32) -> GGMLType? {
    id < UInt32(table.count) ? table[Int(id)] : nil
  }

  /// The table as data, indexed by id (ggml.h `enum ggml_type`, gguf-py `GGML_QUANT_SIZES`).
  /// Holes: 4 and 5 (Q4_2, Q4_3), 31-33 (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) and 36-38
  /// (IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8) were removed; files using them are reported, not read.
  static let table: [GGMLType?] = {
    let rows: [(UInt32, String, UInt64, UInt64)] = [
      (0, "F32", 1, 4), (1, "F16", 1, 2),
      (2, "Q4_0", 32, 18), (3, "Q4_1", 32, 20),
      (6, "Q5_0", 32, 22), (7, "Q5_1", 32, 24),
      (8, "Q8_0", 32, 34), (9, "Q8_1", 32, 36),
      (10, "Q2_K", 256, 84), (11, "Q3_K", 256, 110), (12, "Q4_K", 256, 144),
      (13, "Q5_K", 256, 176), (14, "Q6_K", 256, 210), (15, "Q8_K", 256, 292),
      (16, "IQ2_XXS", 256, 66), (17, "IQ2_XS", 256, 74), (18, "IQ3_XXS", 256, 98),
      (19, "IQ1_S", 256, 50), (20, "IQ4_NL", 32, 18), (21, "IQ3_S", 256, 110),
      (22, "IQ2_S", 256, 82), (23, "IQ4_XS", 256, 136),
      (24, "I8", 1, 1), (25, "I16", 1, 2), (26, "I32", 1, 4), (27, "I64", 1, 8), (28, "F64", 1, 8),
      (29, "IQ1_M", 256, 56), (30, "BF16", 1, 2),
      (34, "TQ1_0", 256, 54), (35, "TQ2_0", 256, 66),
      (39, "MXFP4", 32, 17), (40, "NVFP4", 64, 36), (41, "Q1_0", 128, 18), (42, "Q2_0", 64, 18),
    ]
    var table = [GGMLType?](repeating: nil, count: 43)
    for (id, name, elements, bytes) in rows {
      table[Int(id)] = GGMLType(id: id, name: name, blockElements: elements, blockBytes: bytes)
    }
    return table
  }()
}
