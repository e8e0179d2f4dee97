/// A metadata value of either format. safetensors `__metadata__` holds only strings; GGUF holds
/// 13 typed kinds, kept with their GGUF type name so nothing is lost in the report.
public enum MetadataValue: Equatable, Sendable {
  case string(String)
  case unsigned(UInt64, type: String)
  case signed(Int64, type: String)
  case float(Double, type: String)
  case bool(Bool)
  case array(MetadataArray)

  /// The GGUF type name (`uint32`, `string`, `array`, ...).
  public var typeName: String {
    switch self {
    case .string: return "string"
    case .unsigned(_, let type), .signed(_, let type), .float(_, let type): return type
    case .bool: return "bool"
    case .array: return "array"
    }
  }

  /// The value as an integer, when it is one that fits.
  public var integer: Int64? {
    switch self {
    case .unsigned(let v, _): return v <= UInt64(Int64.max) ? Int64(v) : nil
    case .signed(let v, _): return v
    default: return nil
    }
  }

  public var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}

/// A GGUF array. Long arrays (a tokenizer's 150,000 tokens) are skipped over, keeping their
/// length, their first items and where they sit, so a report can show them without holding them.
public struct MetadataArray: Equatable, Sendable {
  /// Type name of the elements (`string`, `int32`, `array` for nested arrays).
  public var elementType: String
  /// How many elements the file declares (and holds: the reader checked they fit).
  public var count: UInt64
  /// The first elements, or all of them when `isComplete`.
  public var items: [MetadataValue]
  /// A fingerprint of the array's bytes in the file, when the loader was asked for it
  /// (`LoadOptions.hashArrays`): equal arrays have equal digests whatever `items` holds.
  public var digest: UInt64?
  public var isComplete: Bool { UInt64(items.count) == count }

  public init(elementType: String, count: UInt64, items: [MetadataValue]) {
    self.elementType = elementType
    self.count = count
    self.items = items
  }
}

/// One metadata key/value pair, in file order.
public struct MetadataEntry: Equatable, Sendable {
  public var key: String
  public var value: MetadataValue
  public init(key: String, value: MetadataValue) {
    self.key = key
    self.value = value
  }
}

extension Array where Element == MetadataEntry {
  /// The value of `key`, if present.
  public subscript(key: String) -> MetadataValue? {
    first { $0.key == key }?.value
  }
}
