// The 32-value block types: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1 (ggml-common.h block_q*_*;
// ggml-quants.c dequantize_row_q*_*). `d` and `m` are halves; value = q * d (+ m).

extension GGMLDequantizer {
  /// Q4_0, 18 bytes: d, 16 bytes of nibbles (low nibbles are values 0-15, high 16-31); (q - 8) * d.
  static func q4_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 18 {
      let b = src.extracting(i * 18..<i * 18 + 18)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      for j in 0..<16 {
        let q = b[2 + j]
        y[j] = Float(Int32(q & 0x0F) - 8) * d
        y[j + 16] = Float(Int32(q >> 4) - 8) * d
      }
    }
  }

  /// Q4_1, 20 bytes: d, m, 16 bytes of nibbles; q * d + m.
  static func q4_1(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 20 {
      let b = src.extracting(i * 20..<i * 20 + 20)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      let m = halfToFloat(b[2], b[3])
      for j in 0..<16 {
        let q = b[4 + j]
        y[j] = Float(q & 0x0F) * d + m
        y[j + 16] = Float(q >> 4) * d + m
      }
    }
  }

  /// Q5_0, 22 bytes: d, 32 fifth bits (LE uint32), 16 bytes of nibbles; (q - 16) * d.
  static func q5_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 22 {
      let b = src.extracting(i * 22..<i * 22 + 22)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      let qh = le32(b, 2)
      for j in 0..<16 {
        let q = b[6 + j]
        let h0 = Int32(truncatingIfNeeded: (qh &>> UInt32(j)) &<< 4) & 0x10
        let h1 = Int32(truncatingIfNeeded: qh &>> UInt32(j + 12)) & 0x10
        y[j] = Float((Int32(q & 0x0F) | h0) - 16) * d
        y[j + 16] = Float((Int32(q >> 4) | h1) - 16) * d
      }
    }
  }

  /// Q5_1, 24 bytes: d, m, 32 fifth bits, 16 bytes of nibbles; q * d + m.
  static func q5_1(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 24 {
      let b = src.extracting(i * 24..<i * 24 + 24)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      let m = halfToFloat(b[2], b[3])
      let qh = le32(b, 4)
      for j in 0..<16 {
        let q = b[8 + j]
        let h0 = Int32(truncatingIfNeeded: (qh &>> UInt32(j)) &<< 4) & 0x10
        let h1 = Int32(truncatingIfNeeded: qh &>> UInt32(j + 12)) & 0x10
        y[j] = Float(Int32(q & 0x0F) | h0) * d + m
        y[j + 16] = Float(Int32(q >> 4) | h1) * d + m
      }
    }
  }

  /// Q8_0, 34 bytes: d, 32 signed bytes; q * d.
  static func q8_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 34 {
      let b = src.extracting(i * 34..<i * 34 + 34)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      for j in 0..<32 {
        y[j] = Float(Int8(bitPattern: b[2 + j])) * d
      }
    }
  }

  /// Q8_1, 36 bytes: d, s (= d × the sum of the quants, for dot products; not needed here), 32
  /// signed bytes; q * d. ggml has no dequantize_row_q8_1 (Q8_1 is the activation type of the
  /// Q4_1/Q5_1 dot products): the value is Q8_0's, d * q.
  static func q8_1(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 36 {
      let b = src.extracting(i * 36..<i * 36 + 36)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      for j in 0..<32 {
        y[j] = Float(Int8(bitPattern: b[4 + j])) * d
      }
    }
  }
}
