/// The Hub's one-request answer for a sharded safetensors repo
/// (`/api/models/ORG/NAME/safetensors-metadata/model.safetensors.index.json`):
/// `{"index": {...the index without weight_map}, "headers": {"SHARD": {...header JSON...}}}`.
///
/// A header arrives parsed, not as the file's bytes, so its byte length is not in it. A valid
/// safetensors file is exactly 8 + header + data bytes, with data ending where the last
/// `data_offsets` ends: the length is the file's size (from the listing) less 8 less that end.
/// Each header is written back as compact JSON and read by the same scanner as a file's, at
/// that length, so offsets and header sizes come out as a range read gives them.
enum ShardedMetadata {
  /// Catalogs of the shards the answer holds a usable header for, by shard file name. A shard
  /// whose header is missing, malformed or does not fit its size is left out: it is then read
  /// by range like any other.
  static func catalogs(_ bytes: [UInt8], shards: [HubFile], name: (HubFile) -> String) -> [String: Catalog] {
    guard let root = try? ConfigFile.parse(bytes.span),
      case .object(let members) = root, case .object(let headers)? = members.first(where: { $0.0 == "headers" })?.1
    else { return [:] }
    var result: [String: Catalog] = [:]
    for shard in shards {
      guard let header = headers.first(where: { $0.0 == shard.name })?.1, let end = dataEnd(of: header),
        shard.size >= 8, end <= shard.size - 8
      else { continue }
      let length = shard.size - 8 - end
      let text = Array(header.serialized(pretty: false).utf8)
      let path = name(shard)
      let parsed = Result { () throws(CheckpointError) -> Catalog in
        var parsed = try SafetensorsReader.scan(text.span, headerLength: length)
        var problems = Problems()
        try SafetensorsReader.validateLayout(&parsed, fileSize: shard.size, problems: &problems)
        return CheckpointLoader.catalog(of: .safetensors(parsed), path: path, fileSize: shard.size, fileIndex: 0)
      }
      if case .success(let catalog) = parsed { result[shard.name] = catalog }
    }
    return result
  }

  /// The largest `data_offsets` end of a header: where its data section ends.
  static func dataEnd(of header: JSONValue) -> UInt64? {
    guard case .object(let entries) = header else { return nil }
    var end: UInt64 = 0
    for (key, entry) in entries where key != "__metadata__" {
      guard case .object(let fields) = entry, case .array(let offsets)? = fields.first(where: { $0.0 == "data_offsets" })?.1,
        offsets.count == 2, case .unsigned(let stop) = offsets[1]
      else { return nil }
      end = max(end, stop)
    }
    return end
  }
}
