/// Where one tensor's bytes lie, as its `data_offsets` say: relative to the start of the data
/// section (just after the header). Kept beside the records because a faulty header may hold
/// reversed or overlapping offsets that a record's offset and size cannot express.
public struct SafetensorsSpan: Equatable, Sendable {
  public var begin: UInt64
  public var end: UInt64
}

/// A parsed, validated safetensors header.
public struct SafetensorsHeader: Equatable, Sendable {
  /// The JSON header's length as stored in the first 8 bytes.
  public var headerLength: UInt64
  /// `__metadata__` in file order.
  public var metadata: [(key: String, value: String)]
  /// Tensors sorted by data offset (the order their bytes sit in the file), already as catalog
  /// records of file 0 with absolute offsets; component and role are the loader's to assign.
  /// Built here directly: a 20,000-tensor header made into one list and then copied into a
  /// second one touched twice the memory.
  public var tensors: [TensorRecord]
  /// `data_offsets` of each tensor, in the order of `tensors`.
  public var spans: [SafetensorsSpan]
  /// Non-fatal findings, such as unknown dtypes.
  public var warnings: [String]
  /// Where tensor data starts in the file: 8 + headerLength.
  public var dataStart: UInt64 { 8 + headerLength }
  /// Where the last tensor's data ends, as the header lays it out (the file must end there).
  public var dataEnd: UInt64 = 0

  init(
    headerLength: UInt64, metadata: [(key: String, value: String)], tensors: [TensorRecord], spans: [SafetensorsSpan],
    warnings: [String]
  ) {
    self.headerLength = headerLength
    self.metadata = metadata
    self.tensors = tensors
    self.spans = spans
    self.warnings = warnings
  }

  public static func == (a: SafetensorsHeader, b: SafetensorsHeader) -> Bool {
    a.headerLength == b.headerLength && a.dataEnd == b.dataEnd && a.tensors == b.tensors && a.spans == b.spans
      && a.warnings == b.warnings && a.metadata.map(\.key) == b.metadata.map(\.key)
      && a.metadata.map(\.value) == b.metadata.map(\.value)
  }
}
