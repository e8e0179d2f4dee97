/// Parses and validates a safetensors header, following the reference implementation's order of
/// checks: length, cap, UTF-8, JSON, sort by offsets, contiguity, size = shape x bits, coverage of
/// the whole file. Tensor data is never touched.
public enum SafetensorsReader {
  /// The reference implementation refuses headers above this size; so do we.
  public static let maxHeaderLength: UInt64 = 100_000_000

  /// Whether `bytes` plausibly start a safetensors file: a length that fits, then `{` after
  /// optional whitespace. Used to sniff a file whose name does not say what it is.
  public static func looksLike(_ bytes: Span<UInt8>) -> Bool {
    guard bytes.count >= 9 else { return false }
    let length = UInt64(littleEndian: bytes.word(at: 0))
    guard length >= 2, length <= UInt64(bytes.count - 8) else { return false }
    var index = 8
    while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
    return index < bytes.count && bytes[index] == UInt8(ascii: "{")
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }

  /// Whether `bytes`, only the start of a file (a stream read so far), plausibly start a
  /// safetensors file: a length within the cap, then `{` after optional whitespace. The header
  /// itself may lie beyond what is held.
  static func looksLikeStart(_ bytes: Span<UInt8>) -> Bool {
    guard bytes.count >= 9 else { return false }
    let length = UInt64(littleEndian: bytes.word(at: 0))
    guard length >= 2, length <= maxHeaderLength else { return false }
    var index = 8
    while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
    return index < bytes.count && bytes[index] == UInt8(ascii: "{")
  }

  /// Reads the header of a whole safetensors file held in `bytes`.
  public static func parse(_ bytes: Span<UInt8>) throws(CheckpointError) -> SafetensorsHeader {
    var problems = Problems()
    return try parse(bytes, problems: &problems)
  }

  /// Like `parse`, sending layout faults (which do not stop the reading) to `problems`.
  /// With `isPrefix`, `bytes` is only the start of the file (a zstd stream decompressed so far):
  /// a header that runs past it throws `.needMoreBytes`, and the checks that need the file's
  /// size are left to the caller, which knows it.
  public static func parse(
    _ bytes: Span<UInt8>, isPrefix: Bool = false, problems: inout Problems
  ) throws(CheckpointError) -> SafetensorsHeader {
    let fileSize = UInt64(bytes.count)
    guard fileSize >= 8 else {
      if isPrefix { throw CheckpointError(offset: 0, field: "header length", fault: .needMoreBytes(8)) }
      throw CheckpointError(offset: 0, field: "header length", fault: .safetensors(.fileTooSmall(size: fileSize)))
    }
    let length = UInt64(littleEndian: bytes.word(at: 0))
    guard length <= maxHeaderLength else {
      throw CheckpointError(
        offset: 0, field: "header length", fault: .safetensors(.headerTooLarge(length: length, cap: maxHeaderLength)))
    }
    guard length <= fileSize - 8 else {
      if isPrefix { throw CheckpointError(offset: 0, field: "header length", fault: .needMoreBytes(8 + length)) }
      throw CheckpointError(
        offset: 0, field: "header length", fault: .safetensors(.headerPastEnd(length: length, fileSize: fileSize)))
    }
    let header = bytes.extracting(8..<(8 + Int(length)))
    guard UTF8Validation.isValid(header) else {
      throw CheckpointError(offset: 8, field: "header", fault: .safetensors(.invalidUTF8))
    }
    var result = try scan(header, headerLength: length)
    try validateLayout(&result, fileSize: isPrefix ? nil : fileSize, problems: &problems)
    return result
  }

  /// Parses the JSON header into tensors (header order) and metadata.
  static func scan(_ header: Span<UInt8>, headerLength: UInt64) throws(CheckpointError) -> SafetensorsHeader {
    var scanner = HeaderScanner(header, base: 8)
    var tensors: [TensorRecord] = []
    var spans: [SafetensorsSpan] = []
    var metadata: [(key: String, value: String)] = []
    var warnings: [String] = []
    // Sized from the header: an entry as the safetensors library writes it takes ~60 bytes plus
    // its name (typically 40-60). Too few is only a regrowth; too many is untouched memory.
    let expected = header.count / 96
    tensors.reserveCapacity(expected)
    spans.reserveCapacity(expected)
    var sawMetadata = false

    try scanner.expect(UInt8(ascii: "{"), "'{' at the start of the header")
    // Each name is written straight into the one buffer that will hold them all.
    var names = NameStore(byteCapacity: header.count, expectedCount: expected)
    do {
      if !scanner.consume(UInt8(ascii: "}")) {
        repeat {
          let keyOffset = scanner.position
          // The key's bytes as they stand in the header; decoded only when it has escapes.
          let raw = try scanner.rawString()
          let decoded = raw == nil ? try scanner.string() : nil
          if raw.map({ header.extracting($0).bytesEqual("__metadata__") }) ?? (decoded == "__metadata__") {
            try scanner.expect(UInt8(ascii: ":"), "':'")
            if sawMetadata {
              throw CheckpointError(offset: keyOffset, field: "header", fault: .safetensors(.duplicateKey("__metadata__")))
            }
            sawMetadata = true
            metadata = try scanMetadata(&scanner)
            continue
          }
          guard raw.map({ names.insert(header.extracting($0)) }) ?? names.insert(decoded!) else {
            let key = decoded ?? header.extracting(raw!).decodedString
            throw CheckpointError(offset: keyOffset, field: "header", fault: .safetensors(.duplicateKey(key)))
          }
          try scanner.expect(UInt8(ascii: ":"), "':'")
          var entry: SafetensorsEntry
          if let (fast, next) = CanonicalEntry.read(scanner.bytes, at: scanner.index) {
            entry = fast
            scanner.index = next
          } else {
            // The slow path names the tensor in its errors.
            let key = decoded ?? names.last
            entry = try scanTensor(&scanner, name: key, at: keyOffset)
            entry.bits = SafetensorsDType.width(of: entry.dtype)
          }
          if entry.bits == nil {
            let key = decoded ?? names.last
            warnings.append("tensor '\(key)' has unknown dtype '\(entry.dtype)': its size cannot be checked")
          }
          // Faulty offsets are reported by `validateLayout` and still listed (when validating):
          // no arithmetic on them may trap.
          let span = entry.span
          let (offset, overflow) = (8 + headerLength).addingReportingOverflow(span.begin)
          tensors.append(
            TensorRecord(
              name: "", dtype: entry.dtype, shape: entry.shape, elements: entry.elements,
              bytes: entry.bits == nil || span.end < span.begin ? nil : span.end - span.begin,
              bitsPerElement: entry.bits.map(Double.init), offset: overflow ? UInt64.max : offset))
          spans.append(span)
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
      }
    }
    let collected = names.finish()
    if scanner.peek() != nil {
      throw scanner.fail(.invalidJSON("trailing characters after the header object"))
    }
    collected.forEach { k, name in tensors[k].name = name }
    return SafetensorsHeader(headerLength: headerLength, metadata: metadata, tensors: tensors, spans: spans, warnings: warnings)
  }

  private static func scanMetadata(_ scanner: inout HeaderScanner) throws(CheckpointError) -> [(key: String, value: String)] {
    var entries: [(key: String, value: String)] = []
    guard scanner.peek() != UInt8(ascii: "n") else {
      // `"__metadata__": null` is what serde writes for an absent map; accept it as empty.
      try scanner.skipValue()
      return entries
    }
    try scanner.expect(UInt8(ascii: "{"), "'{' for __metadata__")
    if scanner.consume(UInt8(ascii: "}")) { return entries }
    var keys = StringSet()
    repeat {
      let keyOffset = scanner.position
      let key = try scanner.string()
      try scanner.expect(UInt8(ascii: ":"), "':'")
      guard scanner.peek() == UInt8(ascii: "\"") else {
        throw scanner.fail(.metadataNotStrings(key: key), field: "__metadata__")
      }
      let value = try scanner.string()
      guard keys.insert(key) else {
        throw CheckpointError(offset: keyOffset, field: "__metadata__", fault: .safetensors(.duplicateKey(key)))
      }
      entries.append((key, value))
    } while scanner.consume(UInt8(ascii: ","))
    try scanner.expect(UInt8(ascii: "}"), "',' or '}' in __metadata__")
    return entries
  }

  private static func scanTensor(_ scanner: inout HeaderScanner, name: String, at offset: UInt64) throws(CheckpointError) -> SafetensorsEntry {
    var field: String { "tensor '\(name)'" }  // built only for an error message
    var dtype: String?
    var shape: TensorShape?
    var offsets: (UInt64, UInt64)?
    guard scanner.consume(UInt8(ascii: "{")) else {
      throw scanner.fail(.invalidField(tensor: name, why: "entry is not an object"), field: field)
    }
    if !scanner.consume(UInt8(ascii: "}")) {
      repeat {
        // Keys and dtypes are compared as bytes: building ~80,000 small strings for a
        // 20,000-tensor header cost more than the names themselves.
        let key: TensorKey
        if let raw = try scanner.rawString() { key = TensorKey(scanner.bytes.extracting(raw)) } else { key = TensorKey(try scanner.string()) }
        try scanner.expect(UInt8(ascii: ":"), "':'")
        switch key {
        case .dtype:
          guard scanner.peek() == UInt8(ascii: "\"") else {
            throw scanner.fail(.invalidField(tensor: name, why: "dtype is not a string"), field: field)
          }
          if let raw = try scanner.rawString() {
            let bytes = scanner.bytes.extracting(raw)
            dtype = SafetensorsDType.name(matching: bytes) ?? bytes.decodedString
          } else {
            dtype = try scanner.string()
          }
        case .shape:
          shape = try unsignedArray(&scanner, tensor: name, what: "shape value")
        case .dataOffsets:
          offsets = try offsetPair(&scanner, tensor: name)
        case .other:
          try scanner.skipValue(depth: 2)
        }
      } while scanner.consume(UInt8(ascii: ","))
      try scanner.expect(UInt8(ascii: "}"), "',' or '}' in tensor entry")
    }
    guard let dtype else { throw missing(name, "dtype", offset) }
    guard let shape else { throw missing(name, "shape", offset) }
    guard let offsets else { throw missing(name, "data_offsets", offset) }
    guard let elements = shape.elementCount else {
      throw CheckpointError(offset: offset, field: field, fault: .safetensors(.elementCountOverflow(tensor: name)))
    }
    return SafetensorsEntry(
      dtype: dtype, bits: nil, shape: shape, elements: elements, span: SafetensorsSpan(begin: offsets.0, end: offsets.1))
  }

  private static func missing(_ name: String, _ key: String, _ offset: UInt64) -> CheckpointError {
    CheckpointError(offset: offset, field: "tensor '\(name)'", fault: .safetensors(.missingField(tensor: name, field: key)))
  }

  /// The keys of a tensor entry.
  enum TensorKey {
    case dtype, shape, dataOffsets, other

    init(_ raw: Span<UInt8>) {
      if raw.bytesEqual("dtype") {
        self = .dtype
      } else if raw.bytesEqual("shape") {
        self = .shape
      } else if raw.bytesEqual("data_offsets") {
        self = .dataOffsets
      } else {
        self = .other
      }
    }

    init(_ key: String) {
      self = TensorKey(key.utf8.span)
    }
  }

  /// `[begin, end]`, read without building an array (this runs once per tensor).
  private static func offsetPair(_ scanner: inout HeaderScanner, tensor: String) throws(CheckpointError) -> (UInt64, UInt64) {
    var field: String { "tensor '\(tensor)'" }
    guard scanner.consume(UInt8(ascii: "[")) else {
      throw scanner.fail(.invalidField(tensor: tensor, why: "data offsets are not an array"), field: field)
    }
    var values: (UInt64, UInt64) = (0, 0)
    var count = 0
    if !scanner.consume(UInt8(ascii: "]")) {
      repeat {
        let value = try scanner.unsigned("data offset")
        if count == 0 { values.0 = value } else if count == 1 { values.1 = value }
        count += 1
      } while scanner.consume(UInt8(ascii: ","))
      try scanner.expect(UInt8(ascii: "]"), "',' or ']'")
    }
    guard count == 2 else {
      throw scanner.fail(.invalidField(tensor: tensor, why: "data_offsets has \(count) values, not 2"), field: field)
    }
    return values
  }

  private static func unsignedArray(_ scanner: inout HeaderScanner, tensor: String, what: String) throws(CheckpointError) -> TensorShape {
    guard scanner.consume(UInt8(ascii: "[")) else {
      throw scanner.fail(.invalidField(tensor: tensor, why: "\(what)s are not an array"), field: "tensor '\(tensor)'")
    }
    var values = TensorShape()
    if scanner.consume(UInt8(ascii: "]")) { return values }
    repeat {
      values.append(try scanner.unsigned(what))
    } while scanner.consume(UInt8(ascii: ","))
    try scanner.expect(UInt8(ascii: "]"), "',' or ']'")
    return values
  }

  /// Sorts tensors by offset and checks they tile the data section exactly, each spanning
  /// elements x bits / 8 bytes. After a fault it reads on from the faulty tensor's end, so that
  /// one hole is reported once and not as a fault of every tensor after it.
  /// A nil `fileSize` (not known yet) skips the coverage check; `checkCoverage` does it later.
  static func validateLayout(_ header: inout SafetensorsHeader, fileSize: UInt64?, problems: inout Problems) throws(CheckpointError) {
    let spans = header.spans
    // Writers usually lay the data out in the header's order: then nothing is moved.
    if spans.indices.dropFirst().contains(where: { (spans[$0 - 1].begin, spans[$0 - 1].end) > (spans[$0].begin, spans[$0].end) }) {
      let order = spans.indices.sorted { (spans[$0].begin, spans[$0].end, $0) < (spans[$1].begin, spans[$1].end, $1) }
      header.tensors = order.map { header.tensors[$0] }
      header.spans = order.map { spans[$0] }
    }
    var expected: UInt64 = 0
    for k in header.spans.indices {
      let span = header.spans[k]
      var name: String { String(header.tensors[k].name) }
      let at = header.dataStart &+ span.begin
      func fault(_ f: SafetensorsFault, offset: UInt64? = at) -> CheckpointError {
        CheckpointError(offset: offset, field: "tensor '\(name)'", fault: .safetensors(f))
      }
      guard span.end >= span.begin else {
        try problems.report(fault(.offsetsReversed(tensor: name, begin: span.begin, end: span.end), offset: nil))
        continue
      }
      if span.begin != expected {
        try problems.report(fault(.notContiguous(tensor: name, begin: span.begin, expected: expected)))
      }
      expected = max(expected, span.end)
      guard let bits = header.tensors[k].bitsPerElement.map(UInt64.init) else {
        // Listed with a warning by the other commands; what cannot be sized cannot be valid.
        problems.reportWhenValidating(fault(.unknownDtype(tensor: name, dtype: String(header.tensors[k].dtype))))
        continue
      }
      let (totalBits, overflow) = header.tensors[k].elements.multipliedReportingOverflow(by: bits)
      if overflow {
        try problems.report(fault(.elementCountOverflow(tensor: name)))
      } else if totalBits % 8 != 0 {
        try problems.report(fault(.misalignedBits(tensor: name, bits: totalBits)))
      } else if totalBits / 8 != span.end - span.begin {
        try problems.report(fault(.sizeMismatch(tensor: name, expected: totalBits / 8, span: span.end - span.begin)))
      }
    }
    header.dataEnd = header.dataStart.addingReportingOverflow(expected).overflow ? UInt64.max : header.dataStart + expected
    if let fileSize { try checkCoverage(dataStart: header.dataStart, dataEnd: header.dataEnd, fileSize: fileSize, problems: &problems) }
  }

  /// The tensors' data must end exactly where the file does.
  public static func checkCoverage(dataStart: UInt64, dataEnd: UInt64, fileSize: UInt64, problems: inout Problems) throws(CheckpointError) {
    let error = CheckpointError(
      offset: dataStart, field: "data section", fault: .safetensors(.dataSizeMismatch(expected: dataEnd, actual: fileSize)))
    if dataEnd > fileSize {
      // The file ends inside its tensor data: a partial download, whose header is whole.
      problems.reportShortData(error, fileSize: fileSize, end: dataEnd, perTensor: false)
    } else if dataEnd < fileSize {
      try problems.report(error)
    }
  }
}
