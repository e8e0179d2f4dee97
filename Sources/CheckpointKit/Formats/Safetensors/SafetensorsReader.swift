/// Parses and validates a safetensors header, following the reference implementation's order of
/// checks: length, cap, UTF-8, JSON, sort by offsets, contiguity, size = shape x bits, coverage of
/// the whole file. Tensor data is never touched.
public enum SafetensorsReader {
  /// The reference implementation refuses headers above this size; so do we.
  public static let maxHeaderLength: UInt64 = 100_000_000

  /// Whether `bytes` plausibly start a safetensors file: a length that fits, then `{` after
  /// optional whitespace. Used to sniff a file whose name does not say what it is.
  public static func looksLike(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count >= 9 else { return false }
    let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    guard length >= 2, length <= UInt64(bytes.count - 8) else { return false }
    var index = 8
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    return index < bytes.count && bytes[index] == UInt8(ascii: "{")
  }

  /// Reads the header of a whole safetensors file held in `bytes`.
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) -> SafetensorsHeader {
    var problems = Problems()
    return try parse(bytes, problems: &problems)
  }

  /// Like `parse`, sending layout faults (which do not stop the reading) to `problems`.
  /// With `isPrefix`, `bytes` is only the start of the file (a zstd stream decompressed so far):
  /// a header that runs past it throws `.needMoreBytes`, and the checks that need the file's
  /// size are left to the caller, which knows it.
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, isPrefix: Bool = false, problems: inout Problems
  ) throws(CheckpointError) -> SafetensorsHeader {
    let fileSize = UInt64(bytes.count)
    guard fileSize >= 8 else {
      if isPrefix { throw CheckpointError(offset: 0, field: "header length", fault: .needMoreBytes(8)) }
      throw CheckpointError(offset: 0, field: "header length", fault: .safetensors(.fileTooSmall(size: fileSize)))
    }
    let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    guard length <= maxHeaderLength else {
      throw CheckpointError(
        offset: 0, field: "header length", fault: .safetensors(.headerTooLarge(length: length, cap: maxHeaderLength)))
    }
    guard length <= fileSize - 8 else {
      if isPrefix { throw CheckpointError(offset: 0, field: "header length", fault: .needMoreBytes(8 + length)) }
      throw CheckpointError(
        offset: 0, field: "header length", fault: .safetensors(.headerPastEnd(length: length, fileSize: fileSize)))
    }
    let header = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + Int(length))])
    guard UTF8Validation.isValid(header) else {
      throw CheckpointError(offset: 8, field: "header", fault: .safetensors(.invalidUTF8))
    }
    var result = try scan(header, headerLength: length)
    try validateLayout(&result, fileSize: isPrefix ? nil : fileSize, problems: &problems)
    return result
  }

  /// Parses the JSON header into tensors (header order) and metadata.
  static func scan(_ header: UnsafeRawBufferPointer, headerLength: UInt64) throws(CheckpointError) -> SafetensorsHeader {
    var scanner = HeaderScanner(header, base: 8)
    var tensors: [SafetensorsTensor] = []
    var metadata: [(key: String, value: String)] = []
    var warnings: [String] = []
    // Sized from the header: a tensor entry takes at least ~50 bytes.
    var seen = StringSet(capacity: header.count / 64)
    var sawMetadata = false

    try scanner.expect(UInt8(ascii: "{"), "'{' at the start of the header")
    if !scanner.consume(UInt8(ascii: "}")) {
      repeat {
        let keyOffset = scanner.position
        let key = try scanner.string()
        try scanner.expect(UInt8(ascii: ":"), "':'")
        if key == "__metadata__" {
          if sawMetadata {
            throw CheckpointError(offset: keyOffset, field: "header", fault: .safetensors(.duplicateKey(key)))
          }
          sawMetadata = true
          metadata = try scanMetadata(&scanner)
        } else {
          guard seen.insert(key) else {
            throw CheckpointError(offset: keyOffset, field: "header", fault: .safetensors(.duplicateKey(key)))
          }
          var tensor: SafetensorsTensor
          if let (fast, next) = CanonicalEntry.read(scanner.bytes, at: scanner.index, name: key) {
            tensor = fast
            scanner.index = next
          } else {
            tensor = try scanTensor(&scanner, name: key, at: keyOffset)
          }
          if let bits = SafetensorsDType.width(of: tensor.dtype) {
            tensor.bits = bits
          } else {
            warnings.append("tensor '\(key)' has unknown dtype '\(tensor.dtype)': its size cannot be checked")
          }
          tensors.append(tensor)
        }
      } while scanner.consume(UInt8(ascii: ","))
      try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
    }
    if scanner.peek() != nil {
      throw scanner.fail(.invalidJSON("trailing characters after the header object"))
    }
    return SafetensorsHeader(headerLength: headerLength, metadata: metadata, tensors: tensors, warnings: warnings)
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

  private static func scanTensor(_ scanner: inout HeaderScanner, name: String, at offset: UInt64) throws(CheckpointError) -> SafetensorsTensor {
    var field: String { "tensor '\(name)'" }  // built only for an error message
    var dtype: String?
    var shape: [UInt64]?
    var offsets: (UInt64, UInt64)?
    guard scanner.consume(UInt8(ascii: "{")) else {
      throw scanner.fail(.invalidField(tensor: name, why: "entry is not an object"), field: field)
    }
    if !scanner.consume(UInt8(ascii: "}")) {
      repeat {
        // Keys and dtypes are compared as bytes: building ~80,000 small strings for a
        // 20,000-tensor header cost more than the names themselves.
        let key: TensorKey
        if let raw = try scanner.rawString() { key = TensorKey(raw) } else { key = TensorKey(try scanner.string()) }
        try scanner.expect(UInt8(ascii: ":"), "':'")
        switch key {
        case .dtype:
          guard scanner.peek() == UInt8(ascii: "\"") else {
            throw scanner.fail(.invalidField(tensor: name, why: "dtype is not a string"), field: field)
          }
          if let raw = try scanner.rawString() {
            dtype = SafetensorsDType.name(matching: raw) ?? String(decoding: raw, as: UTF8.self)
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
    var elements: UInt64 = 1
    for dim in shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
      if overflow {
        throw CheckpointError(offset: offset, field: field, fault: .safetensors(.elementCountOverflow(tensor: name)))
      }
      elements = product
    }
    return SafetensorsTensor(
      name: name, dtype: dtype, shape: shape, begin: offsets.0, end: offsets.1, bits: nil, elements: elements)
  }

  private static func missing(_ name: String, _ key: String, _ offset: UInt64) -> CheckpointError {
    CheckpointError(offset: offset, field: "tensor '\(name)'", fault: .safetensors(.missingField(tensor: name, field: key)))
  }

  /// The keys of a tensor entry.
  enum TensorKey {
    case dtype, shape, dataOffsets, other

    static let dtypeBytes = Array("dtype".utf8)
    static let shapeBytes = Array("shape".utf8)
    static let dataOffsetsBytes = Array("data_offsets".utf8)

    init(_ raw: UnsafeRawBufferPointer) {
      if raw.equals(TensorKey.dtypeBytes) {
        self = .dtype
      } else if raw.equals(TensorKey.shapeBytes) {
        self = .shape
      } else if raw.equals(TensorKey.dataOffsetsBytes) {
        self = .dataOffsets
      } else {
        self = .other
      }
    }

    init(_ key: String) {
      var key = key
      self = key.withUTF8 { TensorKey(UnsafeRawBufferPointer($0)) }
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

  private static func unsignedArray(_ scanner: inout HeaderScanner, tensor: String, what: String) throws(CheckpointError) -> [UInt64] {
    guard scanner.consume(UInt8(ascii: "[")) else {
      throw scanner.fail(.invalidField(tensor: tensor, why: "\(what)s are not an array"), field: "tensor '\(tensor)'")
    }
    var values: [UInt64] = []
    // Shapes have at most a few dimensions: one allocation, not one per append.
    values.reserveCapacity(4)
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
    header.tensors.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var expected: UInt64 = 0
    for tensor in header.tensors {
      var field: String { "tensor '\(tensor.name)'" }
      let at = header.dataStart &+ tensor.begin
      func fault(_ f: SafetensorsFault, offset: UInt64? = at) -> CheckpointError {
        CheckpointError(offset: offset, field: field, fault: .safetensors(f))
      }
      guard tensor.end >= tensor.begin else {
        try problems.report(fault(.offsetsReversed(tensor: tensor.name, begin: tensor.begin, end: tensor.end), offset: nil))
        continue
      }
      if tensor.begin != expected {
        try problems.report(fault(.notContiguous(tensor: tensor.name, begin: tensor.begin, expected: expected)))
      }
      expected = max(expected, tensor.end)
      guard let bits = tensor.bits else { continue }
      let (totalBits, overflow) = tensor.elements.multipliedReportingOverflow(by: UInt64(bits))
      if overflow {
        try problems.report(fault(.elementCountOverflow(tensor: tensor.name)))
      } else if totalBits % 8 != 0 {
        try problems.report(fault(.misalignedBits(tensor: tensor.name, bits: totalBits)))
      } else if totalBits / 8 != tensor.end - tensor.begin {
        try problems.report(fault(.sizeMismatch(tensor: tensor.name, expected: totalBits / 8, span: tensor.end - tensor.begin)))
      }
    }
    header.dataEnd = header.dataStart.addingReportingOverflow(expected).overflow ? UInt64.max : header.dataStart + expected
    if let fileSize { try checkCoverage(dataStart: header.dataStart, dataEnd: header.dataEnd, fileSize: fileSize, problems: &problems) }
  }

  /// The tensors' data must end exactly where the file does.
  public static func checkCoverage(dataStart: UInt64, dataEnd: UInt64, fileSize: UInt64, problems: inout Problems) throws(CheckpointError) {
    if dataEnd != fileSize {
      try problems.report(
        CheckpointError(
          offset: dataStart, field: "data section", fault: .safetensors(.dataSizeMismatch(expected: dataEnd, actual: fileSize))))
    }
  }
}
