/// Every way a safetensors file can be malformed, in the order the reader checks them.
public enum SafetensorsFault: Equatable, Sendable, CustomStringConvertible {
  /// The file is shorter than the 8-byte header length.
  case fileTooSmall(size: UInt64)
  /// The header length is above the reference implementation's 100,000,000-byte cap.
  case headerTooLarge(length: UInt64, cap: UInt64)
  /// The header length points past the end of the file.
  case headerPastEnd(length: UInt64, fileSize: UInt64)
  /// The header is not valid UTF-8.
  case invalidUTF8
  /// The header is not well-formed JSON; the payload says what was expected.
  case invalidJSON(String)
  /// Arrays or objects nest deeper than we follow (a hostile header could otherwise exhaust the stack).
  case nestingTooDeep(limit: Int)
  /// The same tensor name (or `__metadata__`) appears twice.
  case duplicateKey(String)
  /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
  case missingField(tensor: String, field: String)
  /// A shape or offset value is negative, fractional or does not fit in 64 bits.
  case invalidNumber(String)
  /// `data_offsets` does not hold exactly two values, or `shape` is not an array, and the like.
  case invalidField(tensor: String, why: String)
  /// `__metadata__` holds something other than a map of strings to strings.
  case metadataNotStrings(key: String)
  /// The product of a tensor's shape (times its bit width) overflows 64 bits.
  case elementCountOverflow(tensor: String)
  /// A tensor's `data_offsets` end before they start.
  case offsetsReversed(tensor: String, begin: UInt64, end: UInt64)
  /// Sorted by offset, a tensor does not start where the previous one ended: a hole or an overlap.
  case notContiguous(tensor: String, begin: UInt64, expected: UInt64)
  /// A sub-byte dtype's elements do not fill whole bytes.
  case misalignedBits(tensor: String, bits: UInt64)
  /// Elements x bit width disagree with the byte span of `data_offsets`.
  case sizeMismatch(tensor: String, expected: UInt64, span: UInt64)
  /// The tensors' data does not cover the file exactly.
  case dataSizeMismatch(expected: UInt64, actual: UInt64)
  /// A dtype the format does not define: the tensor's size cannot be checked.
  case unknownDtype(tensor: String, dtype: String)

  public var description: String {
    switch self {
    case .fileTooSmall(let size): return "file of \(size) bytes is shorter than the 8-byte header length"
    case .headerTooLarge(let length, let cap): return "\(length) exceeds the \(cap)-byte cap"
    case .headerPastEnd(let length, let fileSize): return "\(length) exceeds file size \(fileSize)"
    case .invalidUTF8: return "header is not valid UTF-8"
    case .invalidJSON(let why): return "invalid JSON: \(why)"
    case .nestingTooDeep(let limit): return "JSON nested deeper than \(limit) levels"
    case .duplicateKey(let key): return "duplicate key '\(key)'"
    case .missingField(_, let field): return "has no '\(field)'"
    case .invalidNumber(let why): return why
    case .invalidField(_, let why): return "\(why)"
    case .metadataNotStrings(let key): return "__metadata__ value of '\(key)' is not a string"
    case .elementCountOverflow(_): return "shape x bit width overflows 64 bits"
    case .offsetsReversed(_, let begin, let end):
      return "data_offsets end \(end) is before begin \(begin)"
    case .notContiguous(_, let begin, let expected):
      let kind = begin > expected ? "a hole" : "an overlap"
      return "starts at data offset \(begin), expected \(expected) (\(kind))"
    case .misalignedBits(_, let bits): return "\(bits) bits do not fill whole bytes"
    case .sizeMismatch(_, let expected, let span):
      return "shape and dtype need \(expected) bytes but data_offsets span \(span)"
    case .unknownDtype(_, let dtype): return "unknown dtype '\(dtype)': its size cannot be checked"
    case .dataSizeMismatch(let expected, let actual):
      return "tensor data ends at byte \(expected) but the file has \(actual) bytes"
    }
  }
}
