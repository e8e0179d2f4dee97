/// One tensor entry of a safetensors header.
public struct SafetensorsTensor: Equatable, Sendable {
  public var name: String
  public var dtype: String
  public var shape: [UInt64]
  /// Offsets relative to the start of the data section (just after the header).
  public var begin: UInt64
  public var end: UInt64
  /// Bits per element, nil for a dtype the reference implementation does not know.
  public var bits: Int?
  /// Element count (product of the shape; 1 for a rank-0 scalar).
  public var elements: UInt64
}

/// A parsed, validated safetensors header.
public struct SafetensorsHeader: Equatable, Sendable {
  /// The JSON header's length as stored in the first 8 bytes.
  public var headerLength: UInt64
  /// `__metadata__` in file order.
  public var metadata: [(key: String, value: String)]
  /// Tensors sorted by data offset (the order their bytes sit in the file).
  public var tensors: [SafetensorsTensor]
  /// Non-fatal findings, such as unknown dtypes.
  public var warnings: [String]
  /// Where tensor data starts in the file: 8 + headerLength.
  public var dataStart: UInt64 { 8 + headerLength }
  /// Where the last tensor's data ends, as the header lays it out (the file must end there).
  public var dataEnd: UInt64 = 0

  init(headerLength: UInt64, metadata: [(key: String, value: String)], tensors: [SafetensorsTensor], warnings: [String]) {
    self.headerLength = headerLength
    self.metadata = metadata
    self.tensors = tensors
    self.warnings = warnings
  }

  public static func == (a: SafetensorsHeader, b: SafetensorsHeader) -> Bool {
    a.headerLength == b.headerLength && a.dataEnd == b.dataEnd && a.tensors == b.tensors && a.warnings == b.warnings
      && a.metadata.map(\.key) == b.metadata.map(\.key) && a.metadata.map(\.value) == b.metadata.map(\.value)
  }
}
