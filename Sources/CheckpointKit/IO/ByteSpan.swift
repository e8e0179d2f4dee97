/// The memory primitives that Swift 6.3's standard library offers only as `unsafe` API, wrapped
/// here with the bounds check that makes each safe. They are unsafe in general because the type
/// loaded or stored might have invalid bit patterns (or the element type padding); for bytes and
/// fixed-width integers every bit pattern is valid, so the only hazard left is the range, and
/// every function checks it before touching memory. Everything outside IO/ reads bytes through
/// these, `Span` subscripts and `ByteReader`.
extension Span where Element == UInt8 {
  /// The 8 bytes at `offset` as one machine word (native byte order: the bit tricks that use it
  /// count on little-endian, as every supported platform is). Traps unless all 8 are in range.
  /// One check for 8 bytes is what makes word-at-a-time scanning worth it.
  @inline(__always)
  func word(at offset: Int) -> UInt64 {
    precondition(offset >= 0 && offset <= count &- 8, "word read out of range")
    // The check above keeps the 8 bytes inside the span; any bits are a valid UInt64.
    return unsafe RawSpan(_elements: self).unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self)
  }

  /// `word(at:)` without the range check, for hot loops that have checked the range once for all
  /// their reads (the caller says why in a comment beside its `unsafe`). Out of range it reads
  /// outside the span.
  @unsafe
  @inline(__always)
  func word(uncheckedAt offset: Int) -> UInt64 {
    unsafe RawSpan(_elements: self).unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self)
  }

  /// A fixed-width integer at `offset` in native byte order. Traps unless all its bytes are in range.
  @inline(__always)
  func integer<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, at offset: Int) -> T {
    precondition(offset >= 0 && offset <= count &- MemoryLayout<T>.size, "integer read out of range")
    // In range by the check above; any bits are a valid integer.
    return unsafe RawSpan(_elements: self).unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: T.self)
  }

  /// Whether the bytes equal `other`'s, compared a word at a time (names are a few dozen bytes:
  /// a call to memcmp costs more than the comparison).
  @inline(__always)
  func bytesEqual(_ other: Span<UInt8>) -> Bool {
    guard count == other.count else { return false }
    var at = 0
    while at <= count &- 8 {
      // 0 <= at <= count - 8 in both spans (the counts are equal).
      if unsafe word(uncheckedAt: at) != other.word(uncheckedAt: at) { return false }
      at &+= 8
    }
    while at < count {
      if self[at] != other[at] { return false }
      at &+= 1
    }
    return true
  }

  /// Whether the bytes equal the UTF-8 of `text` (a literal: dtype names, keys, suffixes).
  @inline(__always)
  func bytesEqual(_ text: StaticString) -> Bool {
    count == text.utf8CodeUnitCount && hasLiteral(text, at: 0)
  }

  /// Whether the UTF-8 of `text` (a literal) is at `offset`: one range check, then words
  /// compared (this runs several times per tensor entry of a header).
  @inline(__always)
  func hasLiteral(_ text: StaticString, at offset: Int) -> Bool {
    let n = text.utf8CodeUnitCount
    guard offset >= 0, count &- offset >= n else { return false }
    guard text.hasPointerRepresentation else { return text.withSpan { extracting(offset..<(offset + n)).bytesEqual($0) } }
    // The literal's n bytes live in the binary; offset + n <= count was checked above.
    let literal = unsafe RawSpan(_unsafeStart: text.utf8Start, byteCount: n)
    let bytes = RawSpan(_elements: self)
    var k = 0
    while k &+ 8 <= n {
      // k + 8 <= n: inside the literal, and inside the span since offset + n <= count.
      guard unsafe bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: offset &+ k, as: UInt64.self)
        == literal.unsafeLoadUnaligned(fromUncheckedByteOffset: k, as: UInt64.self) else { return false }
      k &+= 8
    }
    if k < n && n >= 8 {
      // The last word of the literal, overlapping the one before: n - 8 >= 0, offset + n <= count.
      return unsafe bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: offset &+ n &- 8, as: UInt64.self)
        == literal.unsafeLoadUnaligned(fromUncheckedByteOffset: n &- 8, as: UInt64.self)
    }
    while k < n {
      // k < n: as above, a byte at a time.
      guard unsafe bytes.unsafeLoad(fromUncheckedByteOffset: offset &+ k, as: UInt8.self)
        == literal.unsafeLoad(fromUncheckedByteOffset: k, as: UInt8.self) else { return false }
      k &+= 1
    }
    return true
  }

  /// The bytes as a String, invalid UTF-8 repaired as `String(decoding:as:)` does.
  var decodedString: String {
    if let valid = try? UTF8Span(validating: self) { return String(copying: valid) }
    var copy: [UInt8] = []
    copy.append(bytesOf: self)
    return String(decoding: copy, as: UTF8.self)
  }
}

extension StaticString {
  /// The literal's UTF-8 bytes as a span, valid during `body` (the buffer is the literal's own,
  /// or a temporary for a one-scalar literal, alive for the call).
  @inline(__always)
  func withSpan<R>(_ body: (Span<UInt8>) -> R) -> R {
    withUTF8Buffer { unsafe body(Span(_unsafeElements: $0)) }
  }
}

extension Array where Element == UInt8 {
  /// Appends a span's bytes with one copy (the standard library has no safe bulk copy from a
  /// Span into an Array yet; a byte loop costs ~8 instructions a byte).
  @inline(__always)
  mutating func append(bytesOf span: Span<UInt8>) {
    let n = span.count
    guard n > 0 else { return }
    // `source` is exactly the span's memory, borrowed for the call; `out` has room for n more
    // elements (addingCapacity: n), of which exactly n are initialized and reported.
    unsafe span.withUnsafeBufferPointer { source in
      append(addingCapacity: n) { out in
        unsafe out.withUnsafeMutableBufferPointer { free, initialized in
          unsafe free.baseAddress!.initialize(from: source.baseAddress!, count: n)
          initialized &+= n
        }
      }
    }
  }
}

extension MutableSpan where Element == UInt8 {
  /// Stores 8 bytes at `offset` in native byte order. Traps unless all 8 are in range.
  @inline(__always)
  mutating func storeWord(_ value: UInt64, at offset: Int) {
    // `mutableBytes` is unsafe for element types with invalid bit patterns; bytes have none, and
    // `storeBytes(of:toByteOffset:as:)` checks the range.
    var raw = unsafe mutableBytes
    raw.storeBytes(of: value, toByteOffset: offset, as: UInt64.self)
  }
}
