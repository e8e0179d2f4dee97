/// The dtypes of the safetensors reference implementation with their widths in bits.
/// Kept as data (not a switch) so the table reads like the spec.
public enum SafetensorsDType {
  /// Name -> bits per element, for all 22 dtypes the reference reader accepts.
  public static let bits: [String: Int] = [
    "BOOL": 8, "U8": 8, "I8": 8,
    "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
    "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
    "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
    "I32": 32, "U32": 32, "F32": 32,
    "F64": 64, "I64": 64, "U64": 64, "C64": 64,
  ]

  private static let names: [(name: String, bits: Int)] = bits.keys.sorted().map { ($0, bits[$0]!) }
  /// Each name's bytes packed into two words (all are at most 16 bytes), so a lookup compares
  /// integers instead of byte arrays: this runs once per tensor.
  private static let keys: [(UInt64, UInt64, Int)] = names.map { entry in key(entry.name.utf8.span)! }

  /// The bytes packed little-endian into two words, with the length.
  private static func key(_ raw: Span<UInt8>) -> (UInt64, UInt64, Int)? {
    guard raw.count <= 16 else { return nil }
    var words: (UInt64, UInt64) = (0, 0)
    if raw.count >= 8 {
      words.0 = raw.word(at: 0)
      for k in 8..<raw.count { words.1 |= UInt64(raw[k]) << (8 * (k - 8)) }
    } else {
      for k in 0..<raw.count { words.0 |= UInt64(raw[k]) << (8 * k) }
    }
    return (words.0, words.1, raw.count)
  }

  /// The known dtype whose name is `raw`, as a shared String (nothing is allocated per tensor).
  static func name(matching raw: Span<UInt8>) -> String? {
    known(matching: raw)?.name
  }

  /// The known dtype whose name is `raw`, with its width.
  static func known(matching raw: Span<UInt8>) -> (name: String, bits: Int)? {
    guard let wanted = key(raw) else { return nil }
    for k in keys.indices where keys[k] == wanted { return names[k] }
    return nil
  }

  /// The width of a dtype, by a scan of the 22 names (dtype names are short strings: comparing
  /// them is cheaper than hashing one for the dictionary, once per tensor).
  static func width(of dtype: String) -> Int? {
    names.first { $0.name == dtype }?.bits
  }
}
