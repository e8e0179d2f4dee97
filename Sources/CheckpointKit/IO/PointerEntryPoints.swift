/// The public entry points that take raw pointers, kept so that existing callers compile
/// unchanged. Each only turns the caller's buffer into a `Span` and calls the span version: the
/// caller vouches that the buffer is valid for the call, which is what a pointer parameter has
/// always meant; from there on every read is bounds-checked.
extension SafetensorsReader {
  /// Whether `bytes` plausibly start a safetensors file (see `looksLike(_: Span<UInt8>)`).
  public static func looksLike(_ bytes: UnsafeRawBufferPointer) -> Bool {
    looksLike(unsafe Span(_unsafeBytes: bytes))
  }

  /// Reads the header of a whole safetensors file held in `bytes`.
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) -> SafetensorsHeader {
    try parse(unsafe Span(_unsafeBytes: bytes))
  }

  /// Like `parse`, sending layout faults to `problems` (see the span version).
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, isPrefix: Bool = false, problems: inout Problems
  ) throws(CheckpointError) -> SafetensorsHeader {
    try parse(unsafe Span(_unsafeBytes: bytes), isPrefix: isPrefix, problems: &problems)
  }
}

extension GGUFReader {
  /// Whether `bytes` start with the GGUF magic.
  public static func looksLike(_ bytes: UnsafeRawBufferPointer) -> Bool {
    looksLike(unsafe Span(_unsafeBytes: bytes))
  }

  /// Parses the header of a whole GGUF file held in `bytes` (see the span version).
  public static func parse(_ bytes: UnsafeRawBufferPointer, arrayItems: Int = previewItems) throws(CheckpointError) -> GGUFFile {
    try parse(unsafe Span(_unsafeBytes: bytes), arrayItems: arrayItems)
  }

  /// Like `parse`, sending faults that do not stop the reading to `problems` (see the span version).
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, arrayItems: Int = previewItems, isPrefix: Bool = false, problems: inout Problems
  ) throws(CheckpointError) -> GGUFFile {
    try parse(unsafe Span(_unsafeBytes: bytes), arrayItems: arrayItems, isPrefix: isPrefix, problems: &problems)
  }
}

extension ShardIndex {
  /// Parses the index JSON (see the span version).
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) -> ShardIndex {
    try parse(unsafe Span(_unsafeBytes: bytes))
  }
}

extension ConfigFile {
  /// Parses any JSON document (see the span version).
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) -> JSONValue {
    try parse(unsafe Span(_unsafeBytes: bytes))
  }
}

extension ForeignFormat {
  /// What `bytes` (the start of a file) are, when they are one of these (see the span version).
  public static func identify(_ bytes: UnsafeRawBufferPointer, name: String) -> ForeignFormat? {
    identify(unsafe Span(_unsafeBytes: bytes), name: name)
  }
}

extension ServerAnswers {
  /// Everything a server's answer is parsed by (see the span version).
  public static func parseAll(_ bytes: UnsafeRawBufferPointer) {
    parseAll(unsafe Span(_unsafeBytes: bytes))
  }
}

extension CheckpointLoader {
  /// Builds the catalog of one whole file already in memory, plain or zstd-compressed. The
  /// compressed case keeps the buffer as a byte source: the zstd stream reads it through its own
  /// pointer (see ZstdStream).
  public static func catalog(
    ofFileBytes bytes: UnsafeRawBufferPointer, path: String, options: LoadOptions = LoadOptions(), fileIndex: Int = 0
  ) throws(CheckpointError) -> Catalog {
    if unsafe ZstdStream.looksLike(bytes) {
      return try catalog(ofCompressed: unsafe BorrowedBytes(bytes, name: path), path: path, options: options, fileIndex: fileIndex)
    }
    return try catalog(ofPlainFile: unsafe Span(_unsafeBytes: bytes), path: path, options: options, fileIndex: fileIndex)
  }
}
