/// A fast 64-bit fingerprint of a tensor's bytes, to find tensors stored twice with the same
/// content (a head written out beside the embedding it is tied to). Not cryptographic: equal
/// fingerprints of equal-sized tensors are reported as duplicates, and `--sha256` is the check
/// against tampering.
///
/// Four independent multiply-rotate lanes over 8-byte words (so the multiplies overlap), folded
/// with the length. A tensor's fingerprint combines its pieces' in order; pieces start at the
/// same offsets within every tensor, so equal bytes give equal fingerprints.
enum ContentHash {
  private static let k0: UInt64 = 0x9E37_79B9_7F4A_7C15
  private static let k1: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  private static let k2: UInt64 = 0x1656_67B1_9E37_79F9
  private static let k3: UInt64 = 0x27D4_EB2F_1656_67C5

  static func of(_ buffer: ChunkBuffer) -> UInt64 {
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (k0, k1, k2, k3)
    let words = buffer.withElements(of: UInt64.self) { words in
      var (a, b, c, d) = lanes
      var i = 0
      let n = words.count
      while i + 4 <= n {
        a = mix(a, words[i])
        b = mix(b, words[i + 1])
        c = mix(c, words[i + 2])
        d = mix(d, words[i + 3])
        i += 4
      }
      while i < n {
        a = mix(a, words[i])
        i += 1
      }
      lanes = (a, b, c, d)
      return n
    }
    var tail: UInt64 = 0
    buffer.withBytes { bytes in
      var shift: UInt64 = 0
      for i in (words * 8)..<bytes.count {
        tail |= UInt64(bytes[i]) << shift
        shift += 8
      }
    }
    var h = mix(lanes.0, tail)
    h = mix(h, lanes.1)
    h = mix(h, lanes.2)
    h = mix(h, lanes.3)
    return finish(h ^ UInt64(buffer.count))
  }

  /// Combines the fingerprints of a tensor's pieces, in order.
  static func combine(_ pieces: some Sequence<UInt64>) -> UInt64 {
    var h = k3
    for piece in pieces { h = mix(h, piece) }
    return finish(h)
  }

  @inline(__always)
  private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
    let x = (h ^ word) &* k0
    return (x << 31 | x >> 33) &* k1
  }

  private static func finish(_ h: UInt64) -> UInt64 {
    var x = h
    x ^= x >> 33
    x = x &* k2
    x ^= x >> 29
    x = x &* k3
    return x ^ (x >> 32)
  }
}
