/// A small strict JSON scanner for safetensors headers. It parses exactly the shapes the format
/// uses (objects, strings, unsigned integers) and skips any other value, which is ~10x faster than a
/// general JSON decoder on multi-megabyte headers and allocates only the strings it returns.
/// Positions in errors are absolute file offsets (`base` + index into the header). Like
/// `ByteReader` it is a cursor that can neither be copied nor outlive its bytes; every byte is
/// read through a bounds-checked `Span`.
struct HeaderScanner: ~Copyable, ~Escapable {
  /// Deep enough for any real header (depth 3 at most); low enough that a hostile one cannot
  /// exhaust the stack, since skipping is recursive.
  static let maxDepth = 64

  let bytes: Span<UInt8>
  let base: UInt64
  /// What the JSON is, for error messages: `header` or `index`.
  let field: String
  var index = 0

  @_lifetime(copy bytes)
  init(_ bytes: Span<UInt8>, base: UInt64, field: String = "header") {
    self.bytes = bytes
    self.base = base
    self.field = field
  }

  var position: UInt64 { base + UInt64(index) }
  var atEnd: Bool { index >= bytes.count }

  func fail(_ fault: SafetensorsFault, field: String? = nil) -> CheckpointError {
    CheckpointError(offset: position, field: field ?? self.field, fault: .safetensors(fault))
  }

  /// The next non-whitespace byte, without consuming it; nil at the end.
  mutating func peek() -> UInt8? {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return bytes[index]
      }
    }
    return nil
  }

  mutating func expect(_ byte: UInt8, _ what: String) throws(CheckpointError) {
    guard peek() == byte else { throw fail(.invalidJSON("expected \(what)")) }
    index += 1
  }

  /// Consumes `byte` if it is next.
  mutating func consume(_ byte: UInt8) -> Bool {
    if peek() == byte {
      index += 1
      return true
    }
    return false
  }

  /// Parses a string and returns where its raw bytes are in `bytes` when it has no escapes,
  /// without building a String. When it has escapes, returns nil with the cursor back at its
  /// start, for `string()` to decode. Used for keys and dtypes, which are compared as bytes.
  mutating func rawString() throws(CheckpointError) -> Range<Int>? {
    _ = peek()
    let save = index
    try expect(UInt8(ascii: "\""), "a string")
    let start = index
    skipToSpecialByte()
    if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
      index += 1
      return start..<(index - 1)
    }
    index = save
    return nil
  }

  /// Moves to the first quote, backslash or control byte, or to the end.
  private mutating func skipToSpecialByte() {
    skipPlainBytes()
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return }
      index += 1
    }
  }

  /// Moves past bytes that cannot end or escape a string, eight at a time: stops at (or a little
  /// before) the first quote, backslash or control byte, using the usual "has a zero byte" trick.
  private mutating func skipPlainBytes() {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while index <= bytes.count &- 8 {
      // Hot (every byte of every name): 0 <= index <= count - 8 by the loop condition.
      let word = unsafe bytes.word(uncheckedAt: index)
      let quote = word ^ (ones &* 0x22)
      let backslash = word ^ (ones &* 0x5C)
      let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
      if special & highs != 0 { break }
      index += 8
    }
  }

  /// Parses a JSON string, decoding escapes. The header was validated as UTF-8 beforehand.
  mutating func string() throws(CheckpointError) -> String {
    try expect(UInt8(ascii: "\""), "a string")
    let start = index
    // Fast path: no escapes, so the bytes are the string.
    skipToSpecialByte()
    if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
      let text = bytes.extracting(start..<index).decodedString
      index += 1
      return text
    }
    if index < bytes.count && bytes[index] < 0x20 { throw fail(.invalidJSON("control character in string")) }
    var out: [UInt8] = []
    out.append(bytesOf: bytes.extracting(start..<index))
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw fail(.invalidJSON("unpaired surrogate in \\u escape")) }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail(.invalidJSON("unpaired surrogate in \\u escape")) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(scalar) {
            throw fail(.invalidJSON("unpaired surrogate in \\u escape"))
          }
          out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
          throw fail(.invalidJSON("unknown escape"))
        }
      default:
        if byte < 0x20 { throw fail(.invalidJSON("control character in string")) }
        out.append(byte)
      }
    }
    throw fail(.invalidJSON("unterminated string"))
  }

  private mutating func hex4() throws(CheckpointError) -> UInt32 {
    guard index <= bytes.count &- 4 else { throw fail(.invalidJSON("short \\u escape")) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw fail(.invalidJSON("bad hex digit in \\u escape"))
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }

  /// Parses a non-negative integer that fits in 64 bits. Negative, fractional and exponent forms
  /// are rejected with a message saying which, because shapes and offsets must be whole counts.
  mutating func unsigned(_ what: String) throws(CheckpointError) -> UInt64 {
    guard let first = peek() else { throw fail(.invalidJSON("expected a number")) }
    if first == UInt8(ascii: "-") { throw fail(.invalidNumber("\(what) is negative")) }
    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
      throw fail(.invalidJSON("expected a number for \(what)"))
    }
    let start = index
    var value: UInt64 = 0
    var overflow = false
    while index < bytes.count {
      let digit = bytes[index] &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      // 1844674407370955161 = UInt64.max / 10: past it, or at it with a digit over 5, overflows.
      if value > 1_844_674_407_370_955_161 || (value == 1_844_674_407_370_955_161 && digit > 5) { overflow = true }
      value = value &* 10 &+ UInt64(digit)
      index += 1
    }
    if index - start > 1 && bytes[start] == UInt8(ascii: "0") {
      index = start
      throw fail(.invalidJSON("leading zero in number"))
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
      index = start
      throw fail(.invalidNumber("\(what) is not a whole number"))
    }
    if overflow {
      index = start
      throw fail(.invalidNumber("\(what) does not fit in 64 bits"))
    }
    return value
  }

  /// Skips any JSON value. Used for keys the format does not define.
  mutating func skipValue(depth: Int = 0) throws(CheckpointError) {
    guard depth < HeaderScanner.maxDepth else { throw fail(.nestingTooDeep(limit: HeaderScanner.maxDepth)) }
    guard let first = peek() else { throw fail(.invalidJSON("expected a value")) }
    switch first {
    case UInt8(ascii: "\""):
      _ = try string()
    case UInt8(ascii: "{"):
      index += 1
      if consume(UInt8(ascii: "}")) { return }
      repeat {
        _ = try string()
        try expect(UInt8(ascii: ":"), "':'")
        try skipValue(depth: depth + 1)
      } while consume(UInt8(ascii: ","))
      try expect(UInt8(ascii: "}"), "',' or '}'")
    case UInt8(ascii: "["):
      index += 1
      if consume(UInt8(ascii: "]")) { return }
      repeat { try skipValue(depth: depth + 1) } while consume(UInt8(ascii: ","))
      try expect(UInt8(ascii: "]"), "',' or ']'")
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    default:
      try skipNumber()
    }
  }

  private mutating func literal(_ word: StaticString) throws(CheckpointError) {
    let count = word.utf8CodeUnitCount
    guard index <= bytes.count &- count else { throw fail(.invalidJSON("unexpected end")) }
    guard word.withSpan({ bytes.extracting(index..<(index + count)).bytesEqual($0) }) else {
      throw fail(.invalidJSON("unexpected character"))
    }
    index += count
  }

  /// Skips a JSON number of any form (for values of unknown keys).
  private mutating func skipNumber() throws(CheckpointError) {
    let start = index
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    var digits = 0
    while index < bytes.count {
      let byte = bytes[index]
      if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
        digits += 1
      } else if !(byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) {
        break
      }
      index += 1
    }
    if digits == 0 {
      index = start
      throw fail(.invalidJSON("unexpected character"))
    }
  }
}
