/// Parses a GGUF header (versions 1-3, little- or big-endian) without touching tensor data.
/// Every declared count is checked against the bytes that remain before anything is allocated,
/// so a file claiming 2^63 tensors is rejected at once.
public enum GGUFReader {
  /// ggml's GGML_MAX_DIMS.
  static let maxDimensions: UInt32 = 4
  /// Real files nest arrays at most twice; the cap keeps the recursion bounded on hostile input.
  public static let maxArrayDepth = 8
  /// How many items of an array to keep by default: enough to show, few enough to stay cheap.
  public static let previewItems = 8

  static let typeNames = [
    "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64",
  ]
  /// Fixed sizes of the scalar value types; 0 for string and array, which have no fixed size.
  static let fixedSizes = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8]

  /// Whether `bytes` start with the GGUF magic.
  public static func looksLike(_ bytes: Span<UInt8>) -> Bool {
    bytes.count >= 4 && bytes[0] == 0x47 && bytes[1] == 0x47 && bytes[2] == 0x55 && bytes[3] == 0x46
  }

  /// Parses the header of a whole GGUF file held in `bytes`. Arrays keep at most `arrayItems`
  /// items (pass `Int.max` to materialize them all).
  public static func parse(_ bytes: Span<UInt8>, arrayItems: Int = previewItems) throws(CheckpointError) -> GGUFFile {
    var problems = Problems()
    return try parse(bytes, arrayItems: arrayItems, problems: &problems)
  }

  /// Like `parse`, sending faults that do not stop the reading (a tensor's alignment, its
  /// dimensions or type, its data past the end) to `problems`.
  /// With `isPrefix`, `bytes` is only the start of the file (a zstd stream decompressed so far):
  /// reading past it throws `.needMoreBytes`, and checks against the file's size are skipped
  /// (the caller makes them once the size is known).
  public static func parse(
    _ bytes: Span<UInt8>, arrayItems: Int = previewItems, isPrefix: Bool = false, hashArrays: Bool = false,
    problems: inout Problems
  ) throws(CheckpointError) -> GGUFFile {
    var parser = Parser(reader: ByteReader(bytes, isPrefix: isPrefix), arrayItems: arrayItems, problems: problems)
    parser.hashArrays = hashArrays
    defer { problems = parser.problems }
    return try parser.parse(fileSize: isPrefix ? nil : UInt64(bytes.count))
  }

  /// Every tensor's data must lie inside the file; bytes after the last one (beyond alignment
  /// padding) are worth a warning. Separate from parsing because for a compressed file the size is
  /// only known later.
  static func checkExtent(
    of ends: [(name: String, infoOffset: UInt64, end: UInt64)], file: inout GGUFFile, fileSize: UInt64,
    problems: inout Problems
  ) throws(CheckpointError) {
    for tensor in ends where tensor.end > fileSize {
      problems.reportShortData(
        CheckpointError(
          offset: tensor.infoOffset, field: "tensor '\(tensor.name)' offset",
          fault: .gguf(.dataPastEnd(tensor: tensor.name, end: tensor.end, fileSize: fileSize))),
        fileSize: fileSize, end: tensor.end)
    }
    // A file cut short has no trailing bytes to speak of.
    guard !ends.isEmpty, !ends.contains(where: { $0.end > fileSize }) else { return }
    let lastEnd = ends.map(\.end).filter { $0 <= fileSize }.max() ?? file.dataStart
    let padded = (lastEnd - file.dataStart + file.alignment - 1) / file.alignment * file.alignment + file.dataStart
    if fileSize > padded {
      file.warnings.append("\(fileSize - padded) bytes after the last tensor's data")
    }
  }

  /// The extent check for a file whose size became known after parsing (a compressed file).
  public static func checkExtent(of file: inout GGUFFile, fileSize: UInt64, problems: inout Problems) throws(CheckpointError) {
    let ends = file.tensors.compactMap { t in
      t.bytes.map { (name: t.name, infoOffset: t.infoOffset, end: file.dataStart.plus(t.offset).plus($0)) }
    }
    try checkExtent(of: ends, file: &file, fileSize: fileSize, problems: &problems)
  }

  /// ggml lays tensor data out in the order of the tensor infos, each tensor starting where the
  /// previous one's data, padded to the alignment, ends; its loader (gguf.cpp) refuses any other
  /// offset. Overlapping, aliased or scattered data is reported once, at the first tensor out of
  /// place. When the previous tensor's span fits another type's size and not its own, that type
  /// is named: forks reuse type ids (a released STQ1_0 file uses id 42, upstream's Q2_0).
  static func checkLayout(_ tensors: [GGUFTensor], alignment: UInt64, problems: inout Problems) {
    func padded(_ n: UInt64) -> UInt64? {
      let (sum, overflow) = n.addingReportingOverflow(alignment - 1)
      return overflow ? nil : sum / alignment * alignment
    }
    var expected: UInt64 = 0
    var first: (index: Int, expected: UInt64)?
    var others = 0
    for (k, tensor) in tensors.enumerated() {
      // A tensor of unknown size or at a misaligned offset ends what can be checked (each is
      // reported on its own).
      guard let bytes = tensor.bytes, let size = padded(bytes), tensor.offset % alignment == 0 else { break }
      if tensor.offset != expected {
        if first == nil { first = (k, expected) } else { others += 1 }
      }
      let (next, overflow) = expected.addingReportingOverflow(size)
      if overflow { break }
      expected = next
    }
    guard let (index, want) = first else { return }
    let tensor = tensors[index]
    var hint: String?
    if index > 0 {
      let previous = tensors[index - 1]
      if tensor.offset > previous.offset, let declared = previous.type {
        let span = tensor.offset - previous.offset
        let fits = GGMLType.table.compactMap { $0 }.filter { type in
          type.id != declared.id && previous.dims.first.map { $0 % type.blockElements == 0 } == true
            && padded(previous.elements / type.blockElements &* type.blockBytes) == span
        }
        if !fits.isEmpty {
          hint = "tensor '\(previous.name)' spans \(span) bytes, the size of \(fits.map(\.name).joined(separator: " or ")), not of its declared \(declared.name) "
            + "(type id \(declared.id) may mean another type in the tool that wrote it)"
        }
      }
    }
    problems.note(
      CheckpointError(
        offset: tensor.infoOffset, field: "tensor '\(tensor.name)' offset",
        fault: .gguf(.unexpectedOffset(tensor: tensor.name, offset: tensor.offset, expected: want, others: others, hint: hint))))
  }

  /// The reading state: a cursor over the file's bytes, so like it neither copyable nor able to
  /// outlive them.
  struct Parser: ~Copyable, ~Escapable {
    var reader: ByteReader
    let arrayItems: Int
    var problems: Problems
    /// Fingerprint each top-level array's bytes (a key's value is at depth 1; see `LoadOptions.hashArrays`).
    var hashArrays = false
    var version: UInt32 = 3
    /// Version 1 stored counts, string lengths and dimensions as 32 bits; later versions as 64.
    var wide: Bool { version >= 2 }

    @_lifetime(copy reader)
    init(reader: consuming ByteReader, arrayItems: Int, problems: Problems) {
      self.reader = reader
      self.arrayItems = arrayItems
      self.problems = problems
    }

    func fail(_ fault: GGUFFault, at offset: Int, _ field: String) -> CheckpointError {
      CheckpointError(offset: UInt64(offset), field: field, fault: .gguf(fault))
    }

    mutating func parse(fileSize: UInt64?) throws(CheckpointError) -> GGUFFile {
      let magic = try reader.u32("magic")
      guard magic == UInt32(littleEndian: 0x4655_4747) else {
        throw fail(.badMagic(UInt32(bigEndian: magic)), at: 0, "magic")
      }
      let rawVersion = try reader.u32("version")
      if (1...3).contains(rawVersion) {
        version = rawVersion
      } else if (1...3).contains(rawVersion.byteSwapped) {
        // A big-endian file: the version reads byte-swapped, and so will every number after it.
        version = rawVersion.byteSwapped
        reader.bigEndian = true
      } else {
        throw fail(.unsupportedVersion(rawVersion), at: 4, "version")
      }

      let tensorCountOffset = reader.offset
      let tensorCount = try count("tensor count")
      let kvCountOffset = reader.offset
      let kvCount = try count("metadata count")
      // A key/value takes at least a key length, a type and one byte of value; a tensor info at
      // least a name length, n_dims, one dimension, a type and an offset.
      let lengthSize: UInt64 = wide ? 8 : 4
      try checkCount(kvCount, minimumSize: lengthSize + 4 + 1, what: "metadata", at: kvCountOffset)
      try checkCount(tensorCount, minimumSize: lengthSize + 4 + lengthSize + 4 + 8, what: "tensor", at: tensorCountOffset)

      var metadata: [MetadataEntry] = []
      // Capacity is only a hint: never trust a count that was not checked against real bytes.
      metadata.reserveCapacity(Int(min(kvCount, UInt64(reader.remaining / 13))))
      var keys = StringSet(capacity: Int(min(kvCount, 4096)))
      for _ in 0..<kvCount {
        let keyOffset = reader.offset
        let key = try string("metadata key")
        guard keys.insert(key) else { throw fail(.duplicateKey(key), at: keyOffset, "metadata key") }
        let typeOffset = reader.offset
        let type = try reader.u32("type of '\(key)'")
        let value = try value(type: type, typeOffset: typeOffset, key: key, depth: 0)
        metadata.append(MetadataEntry(key: key, value: value))
      }
      let alignment = try checkedAlignment(of: metadata)

      var tensors: [GGUFTensor] = []
      tensors.reserveCapacity(Int(min(tensorCount, UInt64(reader.remaining / 32))))
      var names = StringSet(capacity: tensors.capacity)
      for _ in 0..<tensorCount {
        let tensor = try tensorInfo(alignment: alignment)
        guard names.insert(tensor.name) else {
          try problems.report(fail(.duplicateTensor(tensor.name), at: Int(tensor.infoOffset), "tensor name"))
          continue
        }
        tensors.append(tensor)
      }

      let headerBytes = UInt64(reader.offset)
      let dataStart = (headerBytes + alignment - 1) / alignment * alignment
      var warnings: [String] = []
      var dataEnd: UInt64 = 0
      var tensorEnds: [(name: String, infoOffset: UInt64, end: UInt64)] = []
      for tensor in tensors {
        guard let bytes = tensor.bytes else {
          // A known type without a size was refused (and reported) in tensorInfo.
          if tensor.type == nil {
            warnings.append("tensor '\(tensor.name)' has unknown ggml type \(tensor.typeID): its size is unknown")
            // What cannot be sized cannot be checked: invalid for validate.
            problems.reportWhenValidating(
              fail(.unknownType(tensor: tensor.name, id: tensor.typeID), at: Int(tensor.infoOffset), "tensor '\(tensor.name)' type"))
          }
          continue
        }
        let (end, o1) = tensor.offset.addingReportingOverflow(bytes)
        let (absoluteEnd, o2) = end.addingReportingOverflow(dataStart)
        tensorEnds.append((tensor.name, tensor.infoOffset, (o1 || o2) ? UInt64.max : absoluteEnd))
        dataEnd = max(dataEnd, (o1 || o2) ? UInt64.max : absoluteEnd)
      }
      GGUFReader.checkLayout(tensors, alignment: alignment, problems: &problems)
      var file = GGUFFile(
        version: version, bigEndian: reader.bigEndian, metadata: metadata, tensors: tensors,
        alignment: alignment, headerBytes: headerBytes, dataStart: dataStart, warnings: warnings)
      file.dataEnd = tensors.isEmpty ? dataStart : dataEnd
      if let fileSize {
        try GGUFReader.checkExtent(of: tensorEnds, file: &file, fileSize: fileSize, problems: &problems)
      }
      return file
    }

    /// A count: 32 bits in version 1, 64 bits after.
    /// The field name is built only on failure: this runs once per tokenizer string.
    mutating func count(_ field: @autoclosure () -> String) throws(CheckpointError) -> UInt64 {
      wide ? try reader.u64(field()) : UInt64(try reader.u32(field()))
    }

    /// Rejects a count whose items, at `minimumSize` bytes each, could not fit in what remains.
    /// When reading a prefix the file's remaining size is unknown, and the check waits: a count too
    /// large for the real bytes then ends in `.needMoreBytes`, bounded by the prefix cap.
    func checkCount(_ count: UInt64, minimumSize: UInt64, what: String, at offset: Int) throws(CheckpointError) {
      guard !reader.isPrefix else { return }
      let remaining = UInt64(reader.remaining)
      if count > remaining / minimumSize {
        throw fail(.countTooLarge(what: what, count: count, remaining: remaining), at: offset, "\(what) count")
      }
    }

    mutating func string(_ field: @autoclosure () -> String) throws(CheckpointError) -> String {
      let length = try count(field())
      return try reader.slice(length, field: field()).decodedString
    }

    mutating func value(type: UInt32, typeOffset: Int, key: String, depth: Int) throws(CheckpointError) -> MetadataValue {
      // Built lazily: this runs for every bool and nested array, not only on failure.
      var field: String { "value of '\(key)'" }
      switch type {
      case 0: return .unsigned(UInt64(try reader.integer(UInt8.self, field: field)), type: "uint8")
      case 1: return .signed(Int64(try reader.integer(Int8.self, field: field)), type: "int8")
      case 2: return .unsigned(UInt64(try reader.integer(UInt16.self, field: field)), type: "uint16")
      case 3: return .signed(Int64(try reader.integer(Int16.self, field: field)), type: "int16")
      case 4: return .unsigned(UInt64(try reader.integer(UInt32.self, field: field)), type: "uint32")
      case 5: return .signed(Int64(try reader.integer(Int32.self, field: field)), type: "int32")
      case 6: return .float(Double(Float(bitPattern: try reader.u32(field))), type: "float32")
      case 7:
        let at = reader.offset
        let byte = try reader.u8(field)
        guard byte <= 1 else { throw fail(.invalidBool(byte), at: at, field) }
        return .bool(byte == 1)
      case 8: return .string(try string(field))
      case 9: return .array(try array(key: key, depth: depth + 1))
      case 10: return .unsigned(try reader.u64(field), type: "uint64")
      case 11: return .signed(Int64(bitPattern: try reader.u64(field)), type: "int64")
      case 12: return .float(Double(bitPattern: try reader.u64(field)), type: "float64")
      default: throw fail(.unknownValueType(type), at: typeOffset, "type of '\(key)'")
      }
    }

    /// Reads an array, keeping its first `arrayItems` items and skipping the rest: fixed-size
    /// elements in one jump, strings one length at a time, never building what is skipped.
    mutating func array(key: String, depth: Int) throws(CheckpointError) -> MetadataArray {
      let start = reader.offset
      guard depth <= GGUFReader.maxArrayDepth else {
        throw fail(.nestingTooDeep(limit: GGUFReader.maxArrayDepth), at: start, "value of '\(key)'")
      }
      let elementType = try reader.u32("array type of '\(key)'")
      guard elementType < 13 else { throw fail(.unknownValueType(elementType), at: start, "array type of '\(key)'") }
      let countOffset = reader.offset
      let n = try count("array length of '\(key)'")
      let fixed = GGUFReader.fixedSizes[Int(elementType)]
      let minimum: UInt64 = fixed > 0 ? UInt64(fixed) : (elementType == 8 ? (wide ? 8 : 4) : 4 + (wide ? 8 : 4))
      try checkCount(n, minimumSize: minimum, what: "array '\(key)'", at: countOffset)

      let kept = Int(min(n, UInt64(arrayItems)))
      var items: [MetadataValue] = []
      items.reserveCapacity(kept)
      for _ in 0..<kept {
        items.append(try value(type: elementType, typeOffset: start, key: key, depth: depth))
      }
      let rest = n - UInt64(kept)
      if rest > 0 {
        if fixed > 0 {
          if elementType == 7 {
            // Bools are checked even when skipped: a 2 in a bool array is malformed either way.
            for _ in 0..<rest { _ = try value(type: 7, typeOffset: start, key: key, depth: depth) }
          } else {
            _ = try reader.take(rest * UInt64(fixed), field: "array '\(key)'")
          }
        } else if elementType == 8 {
          try reader.skipStrings(rest, lengthSize: wide ? 8 : 4, field: "array '\(key)'")
        } else {
          for _ in 0..<rest { _ = try array(key: key, depth: depth + 1) }
        }
      }
      var array = MetadataArray(elementType: GGUFReader.typeNames[Int(elementType)], count: n, items: items)
      // The bytes of the whole array (type, length, items), read already: one pass of the word
      // hash the name store uses.
      if hashArrays && depth == 1 { array.digest = hashBytes(reader.bytes.extracting(start..<reader.offset)) }
      return array
    }

    /// `general.alignment` must be a uint32 power of two; absent (or reported bad) means 32.
    mutating func checkedAlignment(of metadata: [MetadataEntry]) throws(CheckpointError) -> UInt64 {
      guard let value = metadata["general.alignment"] else { return 32 }
      func bad(_ why: String) -> CheckpointError {
        CheckpointError(offset: nil, field: "general.alignment", fault: .gguf(.invalidAlignment(why)))
      }
      guard case .unsigned(let alignment, "uint32") = value else {
        try problems.report(bad("has type \(value.typeName), not uint32"))
        return 32
      }
      guard alignment > 0, alignment & (alignment - 1) == 0 else {
        try problems.report(bad("\(alignment) is not a power of two"))
        return 32
      }
      return alignment
    }

    mutating func tensorInfo(alignment: UInt64) throws(CheckpointError) -> GGUFTensor {
      let infoOffset = reader.offset
      let name = try string("tensor name")
      var field: String { "tensor '\(name)'" }  // built only for an error message
      let dimsOffset = reader.offset
      let nDims = try reader.u32("\(field) n_dims")
      guard nDims >= 1, nDims <= GGUFReader.maxDimensions else {
        throw fail(.invalidDimensionCount(tensor: name, count: nDims), at: dimsOffset, "\(field) n_dims")
      }
      var dims: [UInt64] = []
      dims.reserveCapacity(Int(nDims))
      var elements: UInt64 = 1
      // Set when a dimension was refused: the tensor is listed with no size.
      var sizeless = false
      for _ in 0..<nDims {
        let at = reader.offset
        let dim = try count("\(field) dimension")
        dims.append(dim)
        if sizeless { continue }
        guard dim > 0, dim <= UInt64(Int64.max) else {
          try problems.report(fail(.invalidDimension(tensor: name, value: dim), at: at, "\(field) dimension"))
          sizeless = true
          continue
        }
        let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
        guard !overflow, product <= UInt64(Int64.max) else {
          try problems.report(fail(.elementCountOverflow(tensor: name), at: at, "\(field) dimension"))
          sizeless = true
          continue
        }
        elements = product
      }
      if sizeless { elements = 0 }
      let typeOffset = reader.offset
      let typeID = try reader.u32("\(field) type")
      let offsetAt = reader.offset
      let offset = try reader.u64("\(field) offset")
      if offset % alignment != 0 {
        try problems.report(
          fail(.misalignedOffset(tensor: name, offset: offset, alignment: alignment), at: offsetAt, "\(field) offset"))
      }
      let type = GGMLType.type(id: typeID)
      var bytes: UInt64?
      if let type, !sizeless {
        if dims[0] % type.blockElements != 0 {
          try problems.report(
            fail(
              .partialBlock(tensor: name, rowElements: dims[0], blockElements: type.blockElements), at: typeOffset,
              "\(field) type"))
        } else {
          let (size, overflow) = (elements / type.blockElements).multipliedReportingOverflow(by: type.blockBytes)
          if overflow {
            try problems.report(fail(.elementCountOverflow(tensor: name), at: typeOffset, "\(field) type"))
          } else {
            bytes = size
          }
        }
      }
      return GGUFTensor(
        name: name, dims: dims, typeID: typeID, type: type, elements: elements, bytes: bytes, offset: offset,
        infoOffset: UInt64(infoOffset))
    }
  }
}
