#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Validates UTF-8 without building a String. Headers are almost always ASCII, so eight bytes are
/// checked at a time for a high bit before falling back to the full decoder.
enum UTF8Validation {
  static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 0
    let count = bytes.count
    while index <= count &- 8 {
      let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      if word & 0x8080_8080_8080_8080 != 0 { break }
      index += 8
    }
    if index == count { return true }
    var decoder = UTF8()
    var iterator = bytes[index...].makeIterator()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: return true
      case .error: return false
      }
    }
  }
}

extension UnsafeRawBufferPointer {
  /// Byte equality with `other`, by memcmp (the generic `elementsEqual` walks iterators).
  func equals(_ other: [UInt8]) -> Bool {
    guard count == other.count else { return false }
    guard count > 0 else { return true }
    return other.withUnsafeBytes { memcmp(baseAddress!, $0.baseAddress!, count) == 0 }
  }
}
