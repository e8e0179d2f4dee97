// The ternary types of BitNet-style models: TQ1_0 and TQ2_0 (ggml-common.h block_tq*_0;
// ggml-quants.c dequantize_row_tq*_0). Values are (t - 1) * d for t in 0, 1, 2.

extension GGMLDequantizer {
  /// TQ1_0, 54 bytes: 48 bytes of five base-3 digits each (as a fixed-point fraction of 243),
  /// 4 bytes of four digits each, d. Digit n of byte q is ((q * 3^n mod 256) * 3) >> 8.
  static func tq1_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 54 {
      let b = src.extracting(i * 54..<i * 54 + 54)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[52], b[53])
      var pow3: UInt8 = 1
      for n in 0..<5 {
        // Bytes 0-31: values 32n + m; bytes 32-47: values 160 + 16n + m.
        for m in 0..<32 {
          let q = b[m] &* pow3
          y[32 * n + m] = Float(Int32((UInt16(q) * 3) >> 8) - 1) * d
        }
        for m in 0..<16 {
          let q = b[32 + m] &* pow3
          y[160 + 16 * n + m] = Float(Int32((UInt16(q) * 3) >> 8) - 1) * d
        }
        pow3 &*= 3
      }
      pow3 = 1
      for n in 0..<4 {
        for j in 0..<4 {
          let q = b[48 + j] &* pow3
          y[240 + 4 * n + j] = Float(Int32((UInt16(q) * 3) >> 8) - 1) * d
        }
        pow3 &*= 3
      }
    }
  }

  /// TQ2_0, 66 bytes: 64 bytes of four 2-bit digits, d. Byte 32h + m holds values
  /// 128h + 32l + m at bits 2l.
  static func tq2_0(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 66 {
      let b = src.extracting(i * 66..<i * 66 + 66)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[64], b[65])
      for h in 0..<2 {
        for l in 0..<4 {
          let shift = UInt8(2 * l)
          for m in 0..<32 {
            let q = (b[32 * h + m] >> shift) & 3
            y[128 * h + 32 * l + m] = Float(Int32(q) - 1) * d
          }
        }
      }
    }
  }
}
