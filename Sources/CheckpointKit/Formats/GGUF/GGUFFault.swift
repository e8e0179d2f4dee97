/// Every way a GGUF file can be malformed.
public enum GGUFFault: Equatable, Sendable, CustomStringConvertible {
  /// The first four bytes are not `GGUF`.
  case badMagic(UInt32)
  /// A version we do not read (only 1, 2 and 3 exist).
  case unsupportedVersion(UInt32)
  /// A declared count (tensors, key/values, array items) cannot fit in the bytes that remain.
  case countTooLarge(what: String, count: UInt64, remaining: UInt64)
  /// A metadata value type outside the 13 GGUF defines.
  case unknownValueType(UInt32)
  /// A bool stored as something other than 0 or 1.
  case invalidBool(UInt8)
  /// Arrays of arrays nest deeper than we follow.
  case nestingTooDeep(limit: Int)
  case duplicateKey(String)
  case duplicateTensor(String)
  /// `general.alignment` is not a uint32 power of two.
  case invalidAlignment(String)
  /// A tensor has 0 or more than 4 dimensions.
  case invalidDimensionCount(tensor: String, count: UInt32)
  /// A dimension is 0 or larger than a signed 64-bit integer, as ggml stores them.
  case invalidDimension(tensor: String, value: UInt64)
  /// The product of the dimensions overflows.
  case elementCountOverflow(tensor: String)
  /// A quantized row does not hold whole blocks.
  case partialBlock(tensor: String, rowElements: UInt64, blockElements: UInt64)
  /// A tensor's data offset is not a multiple of the alignment.
  case misalignedOffset(tensor: String, offset: UInt64, alignment: UInt64)
  /// A tensor's data extends past the end of the file.
  case dataPastEnd(tensor: String, end: UInt64, fileSize: UInt64)
  /// A tensor's data does not start where the previous one's padded data ends: overlapping,
  /// aliased or scattered data, which ggml's loader refuses. `hint` names a type whose size
  /// would fit the previous tensor's span; `others` counts later tensors also out of place.
  case unexpectedOffset(tensor: String, offset: UInt64, expected: UInt64, others: Int, hint: String?)
  /// A tensor's type id is not one ggml knows: its size cannot be checked.
  case unknownType(tensor: String, id: UInt32)

  public var description: String {
    switch self {
    case .badMagic(let magic):
      return "bad magic 0x\(String(magic, radix: 16, uppercase: true)) (expected 'GGUF')"
    case .unsupportedVersion(let v): return "unsupported GGUF version \(v) (known: 1, 2, 3)"
    case .countTooLarge(_, let count, let remaining):
      return "\(count) cannot fit in the \(remaining) bytes that remain"
    case .unknownValueType(let t): return "unknown metadata value type \(t)"
    case .invalidBool(let b): return "bool value \(b) is neither 0 nor 1"
    case .nestingTooDeep(let limit): return "arrays nested deeper than \(limit) levels"
    case .duplicateKey(let key): return "duplicate metadata key '\(key)'"
    case .duplicateTensor(let name): return "duplicate tensor name '\(name)'"
    case .invalidAlignment(let why): return "general.alignment \(why)"
    case .invalidDimensionCount(_, let count): return "has \(count) dimensions (1 to 4 allowed)"
    case .invalidDimension(_, let value): return "has dimension \(value)"
    case .elementCountOverflow(_): return "element count overflows 64 bits"
    case .partialBlock(_, let row, let block):
      return "row of \(row) elements is not a whole number of \(block)-element blocks"
    case .misalignedOffset(_, let offset, let alignment):
      return "data offset \(offset) is not a multiple of the alignment \(alignment)"
    case .dataPastEnd(_, let end, let fileSize):
      return "data ends at byte \(end), past the end of the file (\(fileSize) bytes)"
    case .unexpectedOffset(_, let offset, let expected, let others, let hint):
      let overlap = offset < expected ? "overlaps the previous tensor's data" : "leaves a gap after the previous tensor's data"
      var text = "data offset \(offset) \(overlap): ggml lays tensors out in order, so it must be \(expected)"
      if others > 0 { text += " (and \(others) later tensor\(others == 1 ? "" : "s") out of place)" }
      if let hint { text += "; \(hint)" }
      return text
    case .unknownType(_, let id):
      return "unknown ggml type \(id): its size cannot be checked"
    }
  }
}
