/// `model.safetensors.index.json`: which shard holds each tensor, plus optional metadata such as
/// `total_size` (bytes of tensor data) and `total_parameters`.
public struct ShardIndex: Equatable, Sendable {
  /// Tensor name -> shard file name, in file order.
  public var weightMap: [(tensor: String, shard: String)]
  public var metadata: [MetadataEntry]

  public static func == (a: ShardIndex, b: ShardIndex) -> Bool {
    a.metadata == b.metadata && a.weightMap.map(\.tensor) == b.weightMap.map(\.tensor)
      && a.weightMap.map(\.shard) == b.weightMap.map(\.shard)
  }

  /// Distinct shard names, sorted: `model-00001-of-00030` comes first whatever the map's order.
  public var shards: [String] {
    Set(weightMap.map(\.shard)).sorted()
  }

  /// Parses the index JSON with the same strict scanner as safetensors headers.
  public static func parse(_ bytes: Span<UInt8>) throws(CheckpointError) -> ShardIndex {
    guard UTF8Validation.isValid(bytes) else {
      throw CheckpointError(offset: 0, field: "index", fault: .safetensors(.invalidUTF8))
    }
    var scanner = HeaderScanner(bytes, base: 0, field: "index")
    var weightMap: [(tensor: String, shard: String)]?
    var metadata: [MetadataEntry] = []
    try scanner.expect(UInt8(ascii: "{"), "'{'")
    if !scanner.consume(UInt8(ascii: "}")) {
      repeat {
        let key = try scanner.string()
        try scanner.expect(UInt8(ascii: ":"), "':'")
        switch key {
        case "weight_map":
          weightMap = try stringMap(&scanner)
        case "metadata" where scanner.peek() == UInt8(ascii: "{"):
          metadata = try metadataMap(&scanner)
        default:
          try scanner.skipValue(depth: 1)
        }
      } while scanner.consume(UInt8(ascii: ","))
      try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
    }
    if scanner.peek() != nil { throw scanner.fail(.invalidJSON("trailing characters after the index object")) }
    guard let weightMap else { throw CheckpointError(offset: nil, field: "index", fault: .index(.noWeightMap)) }
    return ShardIndex(weightMap: weightMap, metadata: metadata)
  }

  private static func stringMap(_ scanner: inout HeaderScanner) throws(CheckpointError) -> [(tensor: String, shard: String)] {
    var entries: [(tensor: String, shard: String)] = []
    var seen = Set<String>()
    try scanner.expect(UInt8(ascii: "{"), "'{' for weight_map")
    if scanner.consume(UInt8(ascii: "}")) { return entries }
    repeat {
      let at = scanner.position
      let tensor = try scanner.string()
      try scanner.expect(UInt8(ascii: ":"), "':'")
      let shard = try scanner.string()
      guard seen.insert(tensor).inserted else {
        throw CheckpointError(offset: at, field: "weight_map", fault: .safetensors(.duplicateKey(tensor)))
      }
      entries.append((tensor, shard))
    } while scanner.consume(UInt8(ascii: ","))
    try scanner.expect(UInt8(ascii: "}"), "',' or '}' in weight_map")
    return entries
  }

  /// `metadata` values are numbers (`total_size`) or strings; anything else is skipped.
  private static func metadataMap(_ scanner: inout HeaderScanner) throws(CheckpointError) -> [MetadataEntry] {
    var entries: [MetadataEntry] = []
    try scanner.expect(UInt8(ascii: "{"), "'{' for metadata")
    if scanner.consume(UInt8(ascii: "}")) { return entries }
    repeat {
      let key = try scanner.string()
      try scanner.expect(UInt8(ascii: ":"), "':'")
      switch scanner.peek() {
      case UInt8(ascii: "\""):
        entries.append(MetadataEntry(key: key, value: .string(try scanner.string())))
      case let byte? where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
        entries.append(MetadataEntry(key: key, value: .unsigned(try scanner.unsigned(key), type: "uint64")))
      default:
        try scanner.skipValue(depth: 2)
      }
    } while scanner.consume(UInt8(ascii: ","))
    try scanner.expect(UInt8(ascii: "}"), "',' or '}' in metadata")
    return entries
  }
}
