// The i-quants: indices into ggml's lattice grids (IQGrids.swift) with sign bits and block
// scales, and the non-linear 4-bit types (ggml-common.h block_iq*; ggml-quants.c
// dequantize_row_iq*). ggml multiplies by ±1.0 for the signs; so does this code, to keep the
// operations the same.

extension GGMLDequantizer {
  /// IQ2_XXS, 66 bytes: d, then per 32 values two LE uint32: four 8-bit indices into iq2xxs, and
  /// four 7-bit sign indices + a 4-bit scale. Value = (d * (0.5 + s) * 0.25) * grid * sign.
  static func iq2_xxs(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq2xxs, ksigns = IQGrids.ksigns
    for i in 0..<src.count / 66 {
      let b = src.extracting(i * 66..<i * 66 + 66)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      for ib in 0..<8 {
        let o = 2 + 8 * ib
        let aux1 = le32(b, o + 4)
        let db = d * (0.5 + Float(aux1 >> 28)) * 0.25
        for l in 0..<4 {
          let g = grid[Int(b[o + l])]
          let signs = ksigns[Int((aux1 >> UInt32(7 * l)) & 127)]
          let y0 = 32 * ib + 8 * l
          for j in 0..<8 {
            let sign: Float = signs & (1 << UInt8(j)) != 0 ? -1 : 1
            y[y0 + j] = db * Float(UInt8(truncatingIfNeeded: g >> UInt64(8 * j))) * sign
          }
        }
      }
    }
  }

  /// IQ2_XS, 74 bytes: d, 32 LE uint16 (9-bit index into iq2xs, 7-bit sign index), 8 bytes of
  /// two 4-bit scales. Value = (d * (0.5 + s) * 0.25) * grid * sign.
  static func iq2_xs(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq2xs, ksigns = IQGrids.ksigns
    for i in 0..<src.count / 74 {
      let b = src.extracting(i * 74..<i * 74 + 74)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      for ib in 0..<8 {
        let sc = b[66 + ib]
        let db0 = d * (0.5 + Float(sc & 0xF)) * 0.25
        let db1 = d * (0.5 + Float(sc >> 4)) * 0.25
        for l in 0..<4 {
          let q = le16(b, 2 + 2 * (4 * ib + l))
          let g = grid[Int(q & 511)]
          let signs = ksigns[Int(q >> 9)]
          let dl = l < 2 ? db0 : db1
          let y0 = 32 * ib + 8 * l
          for j in 0..<8 {
            let sign: Float = signs & (1 << UInt8(j)) != 0 ? -1 : 1
            y[y0 + j] = dl * Float(UInt8(truncatingIfNeeded: g >> UInt64(8 * j))) * sign
          }
        }
      }
    }
  }

  /// IQ2_S, 82 bytes: d, 32 low index bytes, 32 sign bytes, 8 bytes of high index bits (2 per
  /// group of 8), 8 bytes of two 4-bit scales. Value = (d * (0.5 + s) * 0.25) * grid * sign.
  static func iq2_s(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq2s
    for i in 0..<src.count / 82 {
      let b = src.extracting(i * 82..<i * 82 + 82)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      for ib in 0..<8 {
        let sc = b[74 + ib]
        let db0 = d * (0.5 + Float(sc & 0xF)) * 0.25
        let db1 = d * (0.5 + Float(sc >> 4)) * 0.25
        let qh = Int(b[66 + ib])
        for l in 0..<4 {
          let index = Int(b[2 + 4 * ib + l]) | ((qh << (8 - 2 * l)) & 0x300)
          let g = grid[index]
          let signs = b[34 + 4 * ib + l]
          let dl = l < 2 ? db0 : db1
          let y0 = 32 * ib + 8 * l
          for j in 0..<8 {
            let sign: Float = signs & (1 << UInt8(j)) != 0 ? -1 : 1
            y[y0 + j] = dl * Float(UInt8(truncatingIfNeeded: g >> UInt64(8 * j))) * sign
          }
        }
      }
    }
  }

  /// IQ3_XXS, 98 bytes: d, 64 index bytes into iq3xxs (4 values each), then per 32 values a LE
  /// uint32 of four 7-bit sign indices and a 4-bit scale. Value = (d * (0.5 + s) * 0.5) * grid * sign.
  static func iq3_xxs(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq3xxs, ksigns = IQGrids.ksigns
    for i in 0..<src.count / 98 {
      let b = src.extracting(i * 98..<i * 98 + 98)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      for ib in 0..<8 {
        let aux = le32(b, 66 + 4 * ib)
        let db = d * (0.5 + Float(aux >> 28)) * 0.5
        let qs = 2 + 8 * ib
        for l in 0..<4 {
          let signs = ksigns[Int((aux >> UInt32(7 * l)) & 127)]
          let g1 = grid[Int(b[qs + 2 * l])]
          let g2 = grid[Int(b[qs + 2 * l + 1])]
          let y0 = 32 * ib + 8 * l
          for j in 0..<4 {
            let s1: Float = signs & (1 << UInt8(j)) != 0 ? -1 : 1
            let s2: Float = signs & (1 << UInt8(j + 4)) != 0 ? -1 : 1
            y[y0 + j] = db * Float(UInt8(truncatingIfNeeded: g1 >> UInt32(8 * j))) * s1
            y[y0 + j + 4] = db * Float(UInt8(truncatingIfNeeded: g2 >> UInt32(8 * j))) * s2
          }
        }
      }
    }
  }

  /// IQ3_S, 110 bytes: d, 64 low index bytes, 8 bytes of ninth index bits, 32 sign bytes, 4
  /// bytes of two 4-bit scales. Value = (d * (1 + 2 * s)) * grid * sign.
  static func iq3_s(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq3s
    for i in 0..<src.count / 110 {
      let b = src.extracting(i * 110..<i * 110 + 110)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      for ib in 0..<8 {
        let s = Int32((b[106 + ib / 2] >> UInt8(4 * (ib % 2))) & 0xF)
        let db = d * Float(1 + 2 * s)
        let qh = Int(b[66 + ib])
        let qs = 2 + 8 * ib
        for l in 0..<4 {
          let g1 = grid[Int(b[qs + 2 * l]) | ((qh << (8 - 2 * l)) & 256)]
          let g2 = grid[Int(b[qs + 2 * l + 1]) | ((qh << (7 - 2 * l)) & 256)]
          let signs = b[74 + 4 * ib + l]
          let y0 = 32 * ib + 8 * l
          for j in 0..<4 {
            let s1: Float = signs & (1 << UInt8(j)) != 0 ? -1 : 1
            let s2: Float = signs & (1 << UInt8(j + 4)) != 0 ? -1 : 1
            y[y0 + j] = db * Float(UInt8(truncatingIfNeeded: g1 >> UInt32(8 * j))) * s1
            y[y0 + j + 4] = db * Float(UInt8(truncatingIfNeeded: g2 >> UInt32(8 * j))) * s2
          }
        }
      }
    }
  }

  /// IQ1_S, 50 bytes: d, 32 low index bytes into iq1s, 8 LE uint16 (four 3-bit high index parts,
  /// a 3-bit scale, the delta's sign). Value = (d * (2 * s + 1)) * (grid + delta), delta ±0.125.
  static func iq1_s(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq1s
    for i in 0..<src.count / 50 {
      let b = src.extracting(i * 50..<i * 50 + 50)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      for ib in 0..<8 {
        let qh = le16(b, 34 + 2 * ib)
        let dl = d * Float(2 * Int32((qh >> 12) & 7) + 1)
        let delta: Float = qh & 0x8000 != 0 ? -0.125 : 0.125
        for l in 0..<4 {
          let g = grid[Int(b[2 + 4 * ib + l]) | (Int((qh >> UInt16(3 * l)) & 7) << 8)]
          let y0 = 32 * ib + 8 * l
          for j in 0..<8 {
            let v = Int8(truncatingIfNeeded: g >> UInt64(8 * j))
            y[y0 + j] = dl * (Float(v) + delta)
          }
        }
      }
    }
  }

  /// IQ1_M, 56 bytes: 32 low index bytes, 16 bytes of (3 high index bits + the delta's sign) per
  /// group of 8, 4 LE uint16 of 3-bit scales whose top nibbles together are the half d.
  /// Value = (d * (2 * s + 1)) * (grid + delta).
  static func iq1_m(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let grid = IQGrids.iq1s
    for i in 0..<src.count / 56 {
      let b = src.extracting(i * 56..<i * 56 + 56)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let sc0 = le16(b, 48), sc1 = le16(b, 50), sc2 = le16(b, 52), sc3 = le16(b, 54)
      let dBits = (sc0 >> 12) | ((sc1 >> 8) & 0x00F0) | ((sc2 >> 4) & 0x0F00) | (sc3 & 0xF000)
      let d = Float(Float16(bitPattern: dBits))
      for ib in 0..<8 {
        let sc = le16(b, 48 + 2 * (ib / 2))
        let shift = UInt16(6 * (ib % 2))
        let dl1 = d * Float(2 * Int32((sc >> shift) & 7) + 1)
        let dl2 = d * Float(2 * Int32((sc >> (shift + 3)) & 7) + 1)
        let qh0 = Int(b[32 + 2 * ib]), qh1 = Int(b[32 + 2 * ib + 1])
        let qs = 4 * ib
        for l in 0..<4 {
          let qh = l < 2 ? qh0 : qh1
          // Groups 0 and 2 take bits 0-3 of their qh byte, groups 1 and 3 bits 4-7.
          let index = Int(b[qs + l]) | ((qh << (l % 2 == 0 ? 8 : 4)) & 0x700)
          let signBit = l % 2 == 0 ? 0x08 : 0x80
          let delta: Float = qh & signBit != 0 ? -0.125 : 0.125
          let dl = l < 2 ? dl1 : dl2
          let g = grid[index]
          let y0 = 32 * ib + 8 * l
          for j in 0..<8 {
            let v = Int8(truncatingIfNeeded: g >> UInt64(8 * j))
            y[y0 + j] = dl * (Float(v) + delta)
          }
        }
      }
    }
  }

  /// IQ4_NL, 18 bytes: d, 16 bytes of nibbles indexing kvalues_iq4nl; d * kvalue.
  static func iq4_nl(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let kv = IQGrids.kvaluesIQ4NL
    for i in 0..<src.count / 18 {
      let b = src.extracting(i * 18..<i * 18 + 18)
      var y = out._mutatingExtracting(i * 32..<i * 32 + 32)
      let d = halfToFloat(b[0], b[1])
      for j in 0..<16 {
        let q = b[2 + j]
        y[j] = d * Float(kv[Int(q & 0xF)])
        y[j + 16] = d * Float(kv[Int(q >> 4)])
      }
    }
  }

  /// IQ4_XS, 136 bytes: d, LE uint16 of eight 2-bit high scale parts, 4 bytes of 4-bit low scale
  /// parts, 128 bytes of nibbles indexing kvalues_iq4nl. Value = (d * (ls - 32)) * kvalue.
  static func iq4_xs(_ src: Span<UInt8>, _ out: inout MutableSpan<Float>) {
    let kv = IQGrids.kvaluesIQ4NL
    for i in 0..<src.count / 136 {
      let b = src.extracting(i * 136..<i * 136 + 136)
      var y = out._mutatingExtracting(i * 256..<i * 256 + 256)
      let d = halfToFloat(b[0], b[1])
      let scalesH = le16(b, 2)
      for ib in 0..<8 {
        let low = Int32((b[4 + ib / 2] >> UInt8(4 * (ib % 2))) & 0xF)
        let high = Int32((scalesH >> UInt16(2 * ib)) & 3)
        let dl = d * Float((low | (high << 4)) - 32)
        let qs = 8 + 16 * ib
        let y0 = 32 * ib
        for j in 0..<16 {
          let q = b[qs + j]
          y[y0 + j] = dl * Float(kv[Int(q & 0xF)])
          y[y0 + j + 16] = dl * Float(kv[Int(q >> 4)])
        }
      }
    }
  }
}
