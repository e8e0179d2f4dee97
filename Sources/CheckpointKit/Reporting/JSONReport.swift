/// The JSON form of a report (`"schema": "ckptinspect/1"`), documented in docs/json-schema.md.
/// Keys are written in one fixed order.
public enum JSONReport {
  public static let schema = "ckptinspect/1"

  /// The summary of one checkpoint; with `tensors`, every tensor too.
  public static func summary(_ catalog: Catalog, _ summary: CountSummary, tensors: Bool) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("schema", .string(schema)),
      ("path", .string(catalog.path)),
      ("format", .string(catalog.format.rawValue)),
      ("format_details", formatDetails(catalog)),
      ("files", .array(catalog.files.map(file))),
      ("metadata", metadata(catalog.metadata)),
      ("totals", totals(summary.totals)),
      ("tied_embeddings", .bool(summary.tiedHead.isTied)),
      ("head", head(summary.tiedHead)),
      ("by_component", .array(summary.byComponent.map { row in
        .object([("component", .string(row.key)), ("tensors", .int(row.row.tensors)),
                 ("parameters", .unsigned(row.row.elements)), ("bytes", .unsigned(row.row.bytes))])
      })),
      ("by_dtype", .array(summary.byDType.map { row in
        .object([("dtype", .string(row.key)), ("tensors", .int(row.row.tensors)), ("elements", .unsigned(row.row.elements)),
                 ("bytes", .unsigned(row.row.bytes)), ("bits_per_element", .double(rounded(row.row.bitsPerElement)))])
      })),
      ("by_component_dtype", .array(summary.byComponentDType.map { row in
        .object([("component", .string(row.component.rawValue)), ("dtype", .string(row.dtype)),
                 ("tensors", .int(row.row.tensors)), ("parameters", .unsigned(row.row.elements)),
                 ("bytes", .unsigned(row.row.bytes))])
      })),
      ("by_role", .array(summary.byRole.map { row in
        .object([("role", .string(row.key)), ("tensors", .int(row.row.tensors)), ("elements", .unsigned(row.row.elements)),
                 ("bytes", .unsigned(row.row.bytes))])
      })),
      ("by_layer", .array(summary.byLayer.map { row in
        .object([("layer", .int(row.layer)), ("tensors", .int(row.row.tensors)), ("parameters", .unsigned(row.row.elements)),
                 ("bytes", .unsigned(row.row.bytes))])
      })),
      ("warnings", .array(catalog.warnings.map(JSONValue.string))),
    ]
    if tensors { members.append(("tensors", tensorList(catalog))) }
    return .object(members)
  }

  /// The tensor catalog alone (for `ckptinspect tensors --json`).
  public static func tensorList(_ catalog: Catalog, only selected: [TensorRecord]? = nil) -> JSONValue {
    .array((selected ?? catalog.tensors).map { t in
      var members: [(String, JSONValue)] = [
        ("name", .string(String(t.name))),
        ("dtype", .string(t.dtype)),
        ("shape", .array(t.shape.map(JSONValue.unsigned))),
      ]
      if let stored = t.storedShape { members.append(("gguf_dims", .array(stored.map(JSONValue.unsigned)))) }
      members += [
        ("elements", .unsigned(t.elements)),
        // A buffer or quantization bookkeeping holds no parameters: the tensors' figures add up
        // to totals.parameters.
        ("parameters", .unsigned(t.role == .parameter ? t.parameters : 0)),
        ("bytes", t.bytes.map(JSONValue.unsigned) ?? .null),
        ("bits_per_element", t.bitsPerElement.map { .double(rounded($0)) } ?? .null),
        ("offset", .unsigned(t.offset)),
        ("file", .string(catalog.files.indices.contains(t.file) ? catalog.files[t.file].path : "")),
        ("component", .string(t.component.rawValue)),
        ("role", .string(t.role.rawValue)),
        ("layer", t.layer.map(JSONValue.int) ?? .null),
      ]
      return .object(members)
    })
  }

  /// Metadata as an object in file order. Arrays become `{type, element_type, count, items,
  /// truncated}` so a 150,000-token vocabulary shows as its length and first items.
  public static func metadata(_ entries: [MetadataEntry]) -> JSONValue {
    .object(entries.map { ($0.key, value($0.value)) })
  }

  public static func value(_ value: MetadataValue) -> JSONValue {
    switch value {
    case .string(let s): return .string(s)
    case .unsigned(let v, _): return .unsigned(v)
    case .signed(let v, _): return .signed(v)
    case .float(let v, let type): return type == "float32" ? .float(Float(v)) : .double(v)
    case .bool(let v): return .bool(v)
    case .array(let array):
      return .object([
        ("type", .string("array")),
        ("element_type", .string(array.elementType)),
        ("count", .unsigned(array.count)),
        ("items", .array(array.items.map(self.value))),
        ("truncated", .bool(!array.isComplete)),
      ])
    }
  }

  /// One failed input, in place of its report in a JSON array or NDJSON stream.
  public static func error(_ path: String, _ error: CheckpointError) -> JSONValue {
    .object([("schema", .string(schema)), ("path", .string(path)), ("error", problem(error))])
  }

  /// One fault: `{file, offset, field, kind, message}`.
  public static func problem(_ error: CheckpointError) -> JSONValue {
    .object([
      ("file", .string(error.file)),
      ("offset", error.offset.map(JSONValue.unsigned) ?? .null),
      ("field", error.field.isEmpty ? .null : .string(error.field)),
      ("kind", .string(error.fault.kind)),
      ("message", .string(error.description)),
    ])
  }

  static func formatDetails(_ catalog: Catalog) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if let version = catalog.details.ggufVersion {
      members += [
        ("gguf_version", .unsigned(UInt64(version))),
        ("endianness", .string(catalog.details.bigEndian ? "big" : "little")),
        ("alignment", catalog.details.alignment.map(JSONValue.unsigned) ?? .null),
        ("architecture", .optional(catalog.architecture)),
      ]
    }
    if catalog.format == .shardedSafetensors {
      members.append(("index_metadata", metadata(catalog.details.indexMetadata)))
    }
    return .object(members)
  }

  static func file(_ info: FileInfo) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("path", .string(info.path)), ("bytes", info.bytes.map(JSONValue.unsigned) ?? .null),
      ("header_bytes", .unsigned(info.headerBytes)), ("data_offset", .unsigned(info.dataStart)),
      ("compression", .optional(info.compression)),
      ("compressed_bytes", info.compressedBytes.map(JSONValue.unsigned) ?? .null),
      ("compressed_bytes_read", info.compressedBytesRead.map(JSONValue.unsigned) ?? .null),
    ]
    // Remote files only: where the file was read and the checksum the repo publishes for it.
    if let url = info.sourceURL {
      members.append(("source_url", .string(url)))
      members.append(("sha256", .optional(info.sha256)))
    }
    return .object(members)
  }

  static func totals(_ totals: CountSummary.Totals) -> JSONValue {
    .object([
      ("tensors", .int(totals.tensors)),
      ("parameters", .unsigned(totals.parameters)),
      ("non_parameter_elements", .unsigned(totals.nonParameterElements)),
      ("buffer_elements", .unsigned(totals.bufferElements)),
      ("quant_aux_elements", .unsigned(totals.quantAuxElements)),
      ("bytes", .unsigned(totals.bytes)),
      ("tensors_of_unknown_size", .int(totals.tensorsOfUnknownSize)),
    ])
  }

  static func head(_ head: TiedHead) -> JSONValue {
    .object([
      ("state", .string(head.state.rawValue)),
      ("embedding", .optional(head.embedding)),
      ("head", .optional(head.head)),
      // Only a stored head has a shape to compare: null when tied or absent.
      ("head_matches_embedding_shape", head.head == nil ? .null : .bool(head.headMatchesEmbeddingShape)),
    ])
  }

  /// Bits per element to 4 decimals, so 4.5 prints as 4.5 and not 4.499999999.
  static func rounded(_ x: Double) -> Double {
    (x * 10_000).rounded() / 10_000
  }
}
