// The 1- and 2-bit types Q1_0 and Q2_0 (ggml-common.h block_q1_0, block_q2_0; ggml-quants.c
// dequantize_row_q1_0, dequantize_row_q2_0). No gguf-py dequantizer: checked against ggml's C.

extension GGMLDequantizer {
  /// Q1_0, 18 bytes: d, 16 bytes of sign bits (value j is bit j % 8 of byte j / 8); ±d.
  static func q1_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 18 {
      let b = src.extracting(i * 18..<i * 18 + 18)
      var y = out._mutatingExtracting(i * 128..<i * 128 + 128)
      let d = halfToFloat(b[0], b[1])
      let negD = -d
      for byte in 0..<16 {
        let q = b[2 + byte]
        for bit in 0..<8 {
          y[8 * byte + bit] = (q >> UInt8(bit)) & 1 != 0 ? d : negD
        }
      }
    }
  }

  /// Q2_0, 18 bytes: d, 16 bytes of four 2-bit codes (value j at bits 2(j % 4) of byte j / 4);
  /// (code - 1) * d, codes 0-3 meaning -1, 0, +1, +2.
  static func q2_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 18 {
      let b = src.extracting(i * 18..<i * 18 + 18)
      var y = out._mutatingExtracting(i * 64..<i * 64 + 64)
      let d = halfToFloat(b[0], b[1])
      for byte in 0..<16 {
        let q = b[2 + byte]
        for k in 0..<4 {
          y[4 * byte + k] = Float(Int32((q >> UInt8(2 * k)) & 3) - 1) * d
        }
      }
    }
  }
}
