/// The tensor entry as the safetensors library writes it, byte for byte:
/// `{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}` — no spaces, keys in this order, plain
/// whole numbers. Nearly every real header is made of these, so they are read here by direct
/// byte comparison; anything else (spaces, another key order, escapes, a number that is
/// negative, fractional, zero-led or 19+ digits long) returns nil, and the general scanner reads
/// the entry from the same place, with its full checks and error messages. The fast path
/// therefore accepts only what the general one would accept, with the same result.
/// One tensor entry of a header, as read: its name is kept apart (see `NameStore`).
struct SafetensorsEntry: Equatable {
  var dtype: String
  /// Bits per element, nil for a dtype the reference implementation does not know.
  var bits: Int?
  var shape: TensorShape
  var elements: UInt64
  var span: SafetensorsSpan
}

enum CanonicalEntry {
  /// The entry at `start` and the index just past it.
  static func read(_ base: Span<UInt8>, at start: Int) -> (SafetensorsEntry, Int)? {
    let end = base.count
    var i = start

    // Literals are StaticStrings: compared a word at a time, no array or lazy global to reach.
    @inline(__always)
    func literal(_ text: StaticString) -> Bool {
      guard base.hasLiteral(text, at: i) else { return false }
      i += text.utf8CodeUnitCount
      return true
    }

    /// A whole number of 1 to 18 digits (never overflows), no leading zero unless it is 0.
    @inline(__always)
    func number() -> UInt64? {
      let first = i
      var value: UInt64 = 0
      while i < end, base[i] &- UInt8(ascii: "0") < 10, i - first < 18 {
        value = value &* 10 &+ UInt64(base[i] &- UInt8(ascii: "0"))
        i += 1
      }
      let digits = i - first
      guard digits > 0, !(digits > 1 && base[first] == UInt8(ascii: "0")) else { return nil }
      // A following digit (19+ digits), dot or exponent is for the general scanner to judge.
      if i < end, base[i] &- UInt8(ascii: "0") < 10 || base[i] == UInt8(ascii: ".") || base[i] | 0x20 == UInt8(ascii: "e") {
        return nil
      }
      return value
    }

    guard literal(#"{"dtype":""#) else { return nil }
    let dtypeStart = i
    while i < end, base[i] != UInt8(ascii: "\""), i - dtypeStart < 32 {
      let byte = base[i]
      guard byte >= 0x20, byte != UInt8(ascii: "\\"), byte < 0x80 else { return nil }
      i += 1
    }
    guard i < end, base[i] == UInt8(ascii: "\""), i > dtypeStart else { return nil }
    let raw = base.extracting(dtypeStart..<i)
    let known = SafetensorsDType.known(matching: raw)
    let dtype = known?.name ?? raw.decodedString
    guard literal(#"","shape":["#) else { return nil }
    var dims = TensorShape()
    var elements: UInt64 = 1
    var overflow = false
    if i < end, base[i] == UInt8(ascii: "]") {
      i += 1
    } else {
      while true {
        guard let dim = number() else { return nil }
        dims.append(dim)
        let (product, o) = elements.multipliedReportingOverflow(by: dim)
        elements = product
        overflow = overflow || o
        guard i < end else { return nil }
        if base[i] == UInt8(ascii: ",") {
          i += 1
        } else if base[i] == UInt8(ascii: "]") {
          i += 1
          break
        } else {
          return nil
        }
      }
    }
    // The general scanner reports an element count that overflows.
    guard !overflow, literal(#","data_offsets":["#), let begin = number(), literal(","), let stop = number(), literal("]}")
    else { return nil }
    let entry = SafetensorsEntry(dtype: dtype, bits: known?.bits, shape: dims, elements: elements, span: SafetensorsSpan(begin: begin, end: stop))
    return (entry, i)
  }
}
