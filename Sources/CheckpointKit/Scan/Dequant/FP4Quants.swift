// The microscaling FP4 types: MXFP4 (OCP MX, E8M0 scale per 32 values) and NVFP4 (UE4M3 scale
// per 16 values) (ggml-common.h block_mxfp4, block_nvfp4; ggml-quants.c dequantize_row_mxfp4,
// dequantize_row_nvfp4). The E2M1 values are kvalues_fp4, which are doubled, so ggml halves the
// scales: value = kvalue * (scale / 2).

extension GGMLDequantizer {
  /// MXFP4, 17 bytes: E8M0 exponent e, 16 bytes of nibbles (low nibbles values 0-15, high 16-31).
  static func mxfp4(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let kv = IQGrids.kvaluesFP4
    for i in 0..<src.count / 17 {
      let b = src.extracting(i * 17..<i * 17 + 17)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = e8m0Half(b[0])
      for j in 0..<16 {
        let q = b[1 + j]
        y[j] = Float(kv[Int(q & 0xF)]) * d
        y[j + 16] = Float(kv[Int(q >> 4)]) * d
      }
    }
  }

  /// NVFP4, 36 bytes: four UE4M3 scales, then 8 bytes of nibbles per 16 values (low nibbles the
  /// first 8).
  static func nvfp4(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let kv = IQGrids.kvaluesFP4
    let scales = ue4m3Half
    for i in 0..<src.count / 36 {
      let b = src.extracting(i * 36..<i * 36 + 36)
      var y = out._mutatingExtracting(i * 64..<i * 64 + 64)
      for s in 0..<4 {
        let d = scales[Int(b[s])]
        for j in 0..<8 {
          let q = b[4 + 8 * s + j]
          y[16 * s + j] = Float(kv[Int(q & 0xF)]) * d
          y[16 * s + j + 8] = Float(kv[Int(q >> 4)]) * d
        }
      }
    }
  }

  /// 2^(e - 128): half the E8M0 scale 2^(e - 127), as ggml_e8m0_to_fp32_half builds it from bits
  /// (e = 0 and 1 are the subnormals 2^-128 and 2^-127; e = 255, NaN in OCP MX, is 2^127 here).
  @inline(__always)
  static func e8m0Half(_ e: UInt8) -> Float {
    e < 2 ? Float(bitPattern: UInt32(0x0020_0000) << UInt32(e)) : Float(bitPattern: UInt32(e - 1) << 23)
  }

  /// Half of every UE4M3 byte's value, as ggml_ue4m3_to_fp32 computes it: the sign bit is
  /// ignored, 0x00 and 0x7f (NaN in E4M3) are 0, exponent 0 is subnormal (man × 2^-9), else
  /// (1 + man/8) × 2^(exp-7). All exact, so a table built once serves.
  static let ue4m3Half: [Float] = (0..<256).map { x -> Float in
    if x == 0 || x == 0x7F { return 0 }
    let exp = (x >> 3) & 0xF, man = x & 7
    let raw = exp == 0
      ? Float(man) * Float(sign: .plus, exponent: -9, significand: 1)
      : (1 + Float(man) / 8) * Float(sign: .plus, exponent: exp - 7, significand: 1)
    return raw * 0.5
  }
}
