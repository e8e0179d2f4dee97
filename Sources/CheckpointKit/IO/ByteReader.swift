/// A cursor over untrusted bytes, in the manner of swift-binary-parsing's `ParserSpan`: it cannot
/// be copied or outlive the bytes it reads (a `Span`), every read is bounds-checked once, in
/// `take`, written as `offset <= count &- length` after checking `length <= count`, so the check
/// itself cannot overflow, and the offset in an error is the cursor's. `get…` would read without
/// moving; the formats here only ever read forward, so all reads advance.
struct ByteReader: ~Copyable, ~Escapable {
  let bytes: Span<UInt8>
  /// True when `bytes` is only the start of the file (a zstd stream decompressed so far): running
  /// off its end then asks for more bytes instead of reporting a truncated file.
  let isPrefix: Bool
  /// The next byte to read, counted from the start of `bytes`.
  private(set) var offset: Int
  /// GGUF files may be big-endian; the flag is set once the version field has told us.
  var bigEndian = false

  @_lifetime(copy bytes)
  init(_ bytes: Span<UInt8>, offset: Int = 0, isPrefix: Bool = false) {
    self.bytes = bytes
    self.offset = offset
    self.isPrefix = isPrefix
  }

  /// Bytes not yet read (of the prefix, when reading one).
  var remaining: Int { bytes.count - offset }

  /// Checks that `length` bytes remain and returns the offset where they start, moving past them.
  mutating func take(_ length: Int, field: @autoclosure () -> String) throws(CheckpointError) -> Int {
    guard length >= 0, length <= bytes.count, offset <= bytes.count &- length else {
      throw outOfBytes(UInt64(max(length, 0)), field: field())
    }
    let start = offset
    offset = start + length
    return start
  }

  /// Like `take` for a length that arrived as a 64-bit value from the file.
  mutating func take(_ length: UInt64, field: @autoclosure () -> String) throws(CheckpointError) -> Int {
    guard length <= UInt64(remaining) else { throw outOfBytes(length, field: field()) }
    return try take(Int(length), field: field())
  }

  /// Skips `count` length-prefixed strings (a GGUF tokenizer's 150,000 tokens) in one tight loop:
  /// the same checks as `take`, without building anything or calling per string.
  mutating func skipStrings(_ count: UInt64, lengthSize: Int, field: @autoclosure () -> String) throws(CheckpointError) {
    var at = offset
    let end = bytes.count
    var left = count
    // The case every real file is: 64-bit little-endian lengths. Kept free of branches on the
    // width and byte order, it costs a few instructions per string.
    if lengthSize == 8 && !bigEndian {
      while left > 0 && end - at >= 8 {
        // 0 <= at (it only grows from the offset) and end - at >= 8 by the loop condition.
        let length = UInt64(littleEndian: unsafe bytes.word(uncheckedAt: at))
        guard length <= UInt64(end - at - 8) else { break }
        at += 8 + Int(length)
        left -= 1
      }
    }
    // Everything else, and the faulty string that ended the fast loop, with full checks.
    while left > 0 {
      guard end - at >= lengthSize else {
        offset = at
        throw outOfBytes(UInt64(lengthSize), field: field())
      }
      let length: UInt64
      if lengthSize == 8 {
        let raw = bytes.integer(UInt64.self, at: at)
        length = bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
      } else {
        let raw = bytes.integer(UInt32.self, at: at)
        length = UInt64(bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
      }
      at += lengthSize
      guard length <= UInt64(end - at) else {
        offset = at
        throw outOfBytes(length, field: field())
      }
      at += Int(length)
      left -= 1
    }
    offset = at
  }

  /// The error for a read of `length` bytes past the end of what is here.
  private func outOfBytes(_ length: UInt64, field: String) -> CheckpointError {
    if isPrefix {
      let (end, overflow) = UInt64(offset).addingReportingOverflow(length)
      return CheckpointError(offset: UInt64(offset), field: field, fault: .needMoreBytes(overflow ? UInt64.max : end))
    }
    return CheckpointError(offset: UInt64(offset), field: field, fault: .truncated(needed: length, remaining: UInt64(remaining)))
  }

  mutating func integer<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, field: @autoclosure () -> String) throws(CheckpointError) -> T {
    let at = try take(MemoryLayout<T>.size, field: field())
    let raw = bytes.integer(T.self, at: at)
    return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
  }

  mutating func u8(_ field: @autoclosure () -> String) throws(CheckpointError) -> UInt8 {
    let at = try take(1, field: field())
    return bytes[at]
  }
  mutating func u32(_ field: @autoclosure () -> String) throws(CheckpointError) -> UInt32 {
    try integer(UInt32.self, field: field())
  }
  mutating func u64(_ field: @autoclosure () -> String) throws(CheckpointError) -> UInt64 {
    try integer(UInt64.self, field: field())
  }

  /// The `length` bytes at the cursor, moving past them.
  @_lifetime(copy self)
  mutating func slice(_ length: UInt64, field: @autoclosure () -> String) throws(CheckpointError) -> Span<UInt8> {
    let start = try take(length, field: field())
    return bytes.extracting(start..<(start + Int(length)))
  }

  /// Moves the cursor to an absolute offset already known to be in bounds.
  mutating func seek(to newOffset: Int) {
    precondition(newOffset >= 0 && newOffset <= bytes.count)
    offset = newOffset
  }
}
