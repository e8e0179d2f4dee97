#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte comparisons of tensor names. `Substring.hasSuffix` walks Characters backwards through
/// grapheme breaking (~900 instructions on a typical name); names are exact byte keys for the
/// frameworks that write them, so bytes are also the right meaning, and memcmp costs a few dozen.
extension Substring {
  /// The name's UTF-8 bytes (contiguous for every name a reader makes; copied otherwise).
  @inline(__always)
  func withNameBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let result = utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
    var copy = String(self)
    return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
  }

  func endsWith(_ suffix: StaticString) -> Bool {
    withNameBytes { name in
      let n = suffix.utf8CodeUnitCount
      return name.count >= n && (n == 0 || memcmp(name.baseAddress! + (name.count - n), suffix.utf8Start, n) == 0)
    }
  }

  func endsWith(text suffix: String) -> Bool {
    var suffix = suffix
    return suffix.withUTF8 { s in
      withNameBytes { name in
        name.count >= s.count && (s.isEmpty || memcmp(name.baseAddress! + (name.count - s.count), s.baseAddress!, s.count) == 0)
      }
    }
  }

  func isBytes(_ text: StaticString) -> Bool {
    withNameBytes { name in
      let n = text.utf8CodeUnitCount
      return name.count == n && (n == 0 || memcmp(name.baseAddress!, text.utf8Start, n) == 0)
    }
  }
}
