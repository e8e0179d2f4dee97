/// Turns whole blocks of ggml's block-quantized types into Float values.
///
/// Every kernel computes what ggml's reference C (`dequantize_row_*` in ggml-quants.c) computes,
/// bit for bit: the same integer unpacking and the same Float operations in the same order
/// (`(d * sc) * q` is not `d * (sc * q)`), half-precision scales widened exactly. The kernels read
/// a block at a time: one bounds-checked `extracting` per block of input and output, then byte
/// subscripts at constant offsets the optimiser can prove in range.
/// Checked against ggml's C and gguf-py by Tests/CheckpointKitTests/DequantTests.swift.
enum GGMLDequantizer {
  /// Decodes the blocks of the ggml type `typeID` held in `source` into `out`.
  /// Precondition (checked by the caller): `source.count` is a whole number of the type's blocks
  /// (GGMLType.blockBytes) and `out.count` == blocks × GGMLType.blockElements.
  /// Returns false, touching nothing, for ids that are not block types decoded here (F32, F16,
  /// BF16, F64, I8...I64 are decoded by the caller; removed ids).
  static func decode(typeID: UInt32, _ source: Span<UInt8>, into out: inout MutableSpan<Float>) -> Bool {
    switch typeID {
    case 2: q4_0(source, &out)
    case 3: q4_1(source, &out)
    case 6: q5_0(source, &out)
    case 7: q5_1(source, &out)
    case 8: q8_0(source, &out)
    case 9: q8_1(source, &out)
    case 10: q2_K(source, &out)
    case 11: q3_K(source, &out)
    case 12: q4_K(source, &out)
    case 13: q5_K(source, &out)
    case 14: q6_K(source, &out)
    case 15: q8_K(source, &out)
    case 16: iq2_xxs(source, &out)
    case 17: iq2_xs(source, &out)
    case 18: iq3_xxs(source, &out)
    case 19: iq1_s(source, &out)
    case 20: iq4_nl(source, &out)
    case 21: iq3_s(source, &out)
    case 22: iq2_s(source, &out)
    case 23: iq4_xs(source, &out)
    case 29: iq1_m(source, &out)
    case 34: tq1_0(source, &out)
    case 35: tq2_0(source, &out)
    case 39: mxfp4(source, &out)
    case 40: nvfp4(source, &out)
    case 41: q1_0(source, &out)
    case 42: q2_0(source, &out)
    default: return false
    }
    return true
  }

  /// The ids `decode` handles: every block type of GGMLType's table.
  static let blockTypeIDs: [UInt32] = [
    2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 29, 34, 35, 39, 40, 41,
    42,
  ]
}

// MARK: - Reading blocks

// Members of the enum, not free functions, so they cannot clash with other helpers of the module.
extension GGMLDequantizer {
  /// An IEEE half stored little-endian as bytes `lo`, `hi`, widened exactly (ggml's
  /// GGML_FP16_TO_FP32).
  @inline(__always)
  static func halfToFloat(_ lo: UInt8, _ hi: UInt8) -> Float {
    Float(Float16(bitPattern: UInt16(lo) | UInt16(hi) &<< 8))
  }

  /// The little-endian UInt16 at `offset` of a block.
  @inline(__always)
  static func le16(_ b: Span<UInt8>, _ offset: Int) -> UInt16 {
    UInt16(b[offset]) | UInt16(b[offset + 1]) &<< 8
  }

  /// The little-endian UInt32 at `offset` of a block.
  @inline(__always)
  static func le32(_ b: Span<UInt8>, _ offset: Int) -> UInt32 {
    UInt32(b[offset]) | UInt32(b[offset + 1]) &<< 8 | UInt32(b[offset + 2]) &<< 16
      | UInt32(b[offset + 3]) &<< 24
  }
}
