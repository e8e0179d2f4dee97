/// The tensor entry as the safetensors library writes it, byte for byte:
/// `{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}` — no spaces, keys in this order, plain
/// whole numbers. Nearly every real header is made of these, so they are read here by direct
/// byte comparison; anything else (spaces, another key order, escapes, a number that is
/// negative, fractional, zero-led or 19+ digits long) returns nil, and the general scanner reads
/// the entry from the same place, with its full checks and error messages. The fast path
/// therefore accepts only what the general one would accept, with the same result.
enum CanonicalEntry {
  private static let open = Array(#"{"dtype":""#.utf8)
  private static let shape = Array(#"","shape":["#.utf8)
  private static let offsets = Array(#","data_offsets":["#.utf8)

  static func read(_ bytes: UnsafeRawBufferPointer, at start: Int, name: String) -> (SafetensorsTensor, Int)? {
    var i = start
    let end = bytes.count

    func literal(_ text: [UInt8]) -> Bool {
      guard end - i >= text.count else { return false }
      for (k, byte) in text.enumerated() where bytes[i + k] != byte { return false }
      i += text.count
      return true
    }

    /// A whole number of 1 to 18 digits (never overflows), no leading zero unless it is 0.
    func number() -> UInt64? {
      let first = i
      var value: UInt64 = 0
      while i < end, bytes[i] &- UInt8(ascii: "0") < 10, i - first < 18 {
        value = value &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
        i += 1
      }
      let digits = i - first
      guard digits > 0, !(digits > 1 && bytes[first] == UInt8(ascii: "0")) else { return nil }
      // A following digit (19+ digits), dot or exponent is for the general scanner to judge.
      if i < end, bytes[i] &- UInt8(ascii: "0") < 10 || bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
        return nil
      }
      return value
    }

    guard literal(open) else { return nil }
    let dtypeStart = i
    while i < end, bytes[i] != UInt8(ascii: "\""), i - dtypeStart < 32 {
      let byte = bytes[i]
      guard byte >= 0x20, byte != UInt8(ascii: "\\"), byte < 0x80 else { return nil }
      i += 1
    }
    guard i < end, bytes[i] == UInt8(ascii: "\""), i > dtypeStart else { return nil }
    let raw = UnsafeRawBufferPointer(rebasing: bytes[dtypeStart..<i])
    let dtype = SafetensorsDType.name(matching: raw) ?? String(decoding: raw, as: UTF8.self)
    guard literal(shape) else { return nil }
    var dims: [UInt64] = []
    dims.reserveCapacity(4)
    if i < end, bytes[i] == UInt8(ascii: "]") {
      i += 1
    } else {
      while true {
        guard let dim = number() else { return nil }
        dims.append(dim)
        guard i < end else { return nil }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
        } else if bytes[i] == UInt8(ascii: "]") {
          i += 1
          break
        } else {
          return nil
        }
      }
    }
    guard literal(offsets), let begin = number(), i < end, bytes[i] == UInt8(ascii: ","), literal([UInt8(ascii: ",")]),
      let stop = number(), i + 1 < end, bytes[i] == UInt8(ascii: "]"), bytes[i + 1] == UInt8(ascii: "}")
    else { return nil }
    i += 2
    var elements: UInt64 = 1
    for dim in dims {
      let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
      guard !overflow else { return nil }  // the general scanner reports it
      elements = product
    }
    return (SafetensorsTensor(name: name, dtype: dtype, shape: dims, begin: begin, end: stop, bits: nil, elements: elements), i)
  }
}
