// The k-quants: 256-value super-blocks of 16 or 8 sub-blocks with quantized scales (ggml-common.h
// block_q*_K; ggml-quants.c dequantize_row_q*_K).

extension GGMLDequantizer {
  /// Q2_K, 84 bytes: 16 scale bytes (low nibble scale, high nibble min), 64 bytes of 2-bit
  /// quants, d, dmin. Value = (d * sc) * q - (dmin * m).
  static func q2_K(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 84 {
      let b = src.extracting(i * 84..<i * 84 + 84)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[80], b[81])
      let dmin = halfToFloat(b[82], b[83])
      for n in 0..<2 {
        let q = 16 + 32 * n
        for j in 0..<4 {
          let shift = UInt8(2 * j)
          let is0 = 8 * n + 2 * j
          let y0 = 128 * n + 32 * j
          let sc0 = b[is0]
          let dl0 = d * Float(sc0 & 0xF)
          let ml0 = dmin * Float(sc0 >> 4)
          for l in 0..<16 {
            y[y0 + l] = dl0 * Float((b[q + l] >> shift) & 3) - ml0
          }
          let sc1 = b[is0 + 1]
          let dl1 = d * Float(sc1 & 0xF)
          let ml1 = dmin * Float(sc1 >> 4)
          for l in 0..<16 {
            y[y0 + 16 + l] = dl1 * Float((b[q + 16 + l] >> shift) & 3) - ml1
          }
        }
      }
    }
  }

  /// Q3_K, 110 bytes: 32 bytes of high bits (hmask), 64 bytes of 2-bit quants, 12 bytes of 16
  /// 6-bit scales, d. Value = (d * (sc - 32)) * (q - (high bit set ? 0 : 4)).
  static func q3_K(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 110 {
      let b = src.extracting(i * 110..<i * 110 + 110)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[108], b[109])
      for n in 0..<2 {
        let q = 32 + 32 * n
        for j in 0..<4 {
          let shift = UInt8(2 * j)
          let m = UInt8(1) &<< UInt8(4 * n + j)
          let y0 = 128 * n + 32 * j
          for half in 0..<2 {
            // Scale k: low nibble from byte k (k < 8) or the high nibble of byte k - 8, top two
            // bits from byte 8 + k % 4 at bit 2 * (k / 4): ggml's aux[] shuffle, unrolled.
            let k = 8 * n + 2 * j + half
            let low = k < 8 ? b[96 + k] & 0x0F : b[96 + k - 8] >> 4
            let high = (b[96 + 8 + (k & 3)] >> UInt8(2 * (k >> 2))) & 3
            let dl = d * Float(Int32(low | (high << 4)) - 32)
            let o = 16 * half
            for l in 0..<16 {
              let ql = Int32((b[q + o + l] >> shift) & 3)
              let hm: Int32 = b[o + l] & m != 0 ? 0 : 4
              y[y0 + o + l] = dl * Float(ql - hm)
            }
          }
        }
      }
    }
  }

  /// Q4_K, 144 bytes: d, dmin, 12 bytes of 8 6-bit scales and mins, 128 bytes of nibbles.
  /// Value = (d * sc) * q - (dmin * m).
  static func q4_K(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 144 {
      let b = src.extracting(i * 144..<i * 144 + 144)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      let dmin = halfToFloat(b[2], b[3])
      for j in 0..<4 {
        let (sc0, m0) = scaleMinK4(b, 2 * j)
        let (sc1, m1) = scaleMinK4(b, 2 * j + 1)
        let d1 = d * Float(sc0), min1 = dmin * Float(m0)
        let d2 = d * Float(sc1), min2 = dmin * Float(m1)
        let q = 16 + 32 * j
        let y0 = 64 * j
        for l in 0..<32 {
          y[y0 + l] = d1 * Float(b[q + l] & 0xF) - min1
        }
        for l in 0..<32 {
          y[y0 + 32 + l] = d2 * Float(b[q + l] >> 4) - min2
        }
      }
    }
  }

  /// Q5_K, 176 bytes: d, dmin, 12 bytes of scales and mins, 32 bytes of fifth bits, 128 bytes of
  /// nibbles. Value = (d * sc) * q - (dmin * m).
  static func q5_K(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 176 {
      let b = src.extracting(i * 176..<i * 176 + 176)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      let dmin = halfToFloat(b[2], b[3])
      for j in 0..<4 {
        let (sc0, m0) = scaleMinK4(b, 2 * j)
        let (sc1, m1) = scaleMinK4(b, 2 * j + 1)
        let d1 = d * Float(sc0), min1 = dmin * Float(m0)
        let d2 = d * Float(sc1), min2 = dmin * Float(m1)
        let u1 = UInt8(1) &<< UInt8(2 * j)
        let u2 = UInt8(2) &<< UInt8(2 * j)
        let q = 48 + 32 * j
        let y0 = 64 * j
        for l in 0..<32 {
          let h: UInt8 = b[16 + l] & u1 != 0 ? 16 : 0
          y[y0 + l] = d1 * Float((b[q + l] & 0xF) + h) - min1
        }
        for l in 0..<32 {
          let h: UInt8 = b[16 + l] & u2 != 0 ? 16 : 0
          y[y0 + 32 + l] = d2 * Float((b[q + l] >> 4) + h) - min2
        }
      }
    }
  }

  /// Q4_K and Q5_K's 6-bit scale and min number `j` (0-7) from the 12 bytes at offset 4
  /// (ggml's get_scale_min_k4).
  @inline(__always)
  static func scaleMinK4(_ b: Span<UInt8>, _ j: Int) -> (UInt8, UInt8) {
    if j < 4 {
      return (b[4 + j] & 63, b[4 + j + 4] & 63)
    }
    return (
      (b[4 + j + 4] & 0xF) | ((b[4 + j - 4] >> 6) << 4),
      (b[4 + j + 4] >> 4) | ((b[4 + j] >> 6) << 4)
    )
  }

  /// Q6_K, 210 bytes: 128 bytes of low nibbles, 64 bytes of high 2 bits, 16 signed scales, d.
  /// Value = (d * sc) * (q - 32).
  static func q6_K(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 210 {
      let b = src.extracting(i * 210..<i * 210 + 210)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[208], b[209])
      for n in 0..<2 {
        let ql = 64 * n, qh = 128 + 32 * n, sc = 192 + 8 * n, y0 = 128 * n
        for half in 0..<2 {
          // ggml's is = l / 16: the scales of values l = 0-15 and 16-31 of each quarter differ.
          let s = sc + half
          let d0 = d * Float(Int8(bitPattern: b[s]))
          let d2 = d * Float(Int8(bitPattern: b[s + 2]))
          let d4 = d * Float(Int8(bitPattern: b[s + 4]))
          let d6 = d * Float(Int8(bitPattern: b[s + 6]))
          for l in 16 * half..<16 * half + 16 {
            let h = b[qh + l]
            let lo = b[ql + l], hi = b[ql + 32 + l]
            let q1 = Int32((lo & 0xF) | ((h & 3) << 4)) - 32
            let q2 = Int32((hi & 0xF) | (((h >> 2) & 3) << 4)) - 32
            let q3 = Int32((lo >> 4) | (((h >> 4) & 3) << 4)) - 32
            let q4 = Int32((hi >> 4) | (((h >> 6) & 3) << 4)) - 32
            y[y0 + l] = d0 * Float(q1)
            y[y0 + 32 + l] = d2 * Float(q2)
            y[y0 + 64 + l] = d4 * Float(q3)
            y[y0 + 96 + l] = d6 * Float(q4)
          }
        }
      }
    }
  }

  /// Q8_K, 292 bytes: d as a float32, 256 signed bytes, 16 int16 sums (for dot products); d * q.
  static func q8_K(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    for i in 0..<src.count / 292 {
      let b = src.extracting(i * 292..<i * 292 + 292)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = Float(bitPattern: le32(b, 0))
      for j in 0..<256 {
        y[j] = d * Float(Int8(bitPattern: b[4 + j]))
      }
    }
  }
}
