/// Ways a sharded checkpoint (index + shards, or split GGUF parts) can be inconsistent.
public enum IndexFault: Equatable, Sendable, CustomStringConvertible {
  /// The index has no `weight_map` object.
  case noWeightMap
  /// A shard named by the index does not exist.
  case missingShard(String)
  /// A shard name leaves the index's directory (absolute, `..`, or a path separator).
  case shardEscapes(String)
  /// The index maps a tensor to a shard that does not hold it.
  case tensorMissingFromShard(tensor: String, shard: String)
  /// A shard holds a tensor the index maps elsewhere or not at all.
  case tensorNotInIndex(tensor: String, shard: String)
  /// A directory holds nothing we can read, or several unrelated checkpoints.
  case ambiguousDirectory(String)
  /// A split GGUF part is missing or its numbering disagrees.
  case splitMismatch(String)

  public var description: String {
    switch self {
    case .noWeightMap: return "index has no weight_map"
    case .missingShard(let shard): return "shard '\(shard)' named by the index does not exist"
    case .shardEscapes(let shard): return "shard name '\(shard)' points outside the index's directory"
    case .tensorMissingFromShard(let tensor, let shard): return "index maps '\(tensor)' to '\(shard)', which does not hold it"
    case .tensorNotInIndex(let tensor, let shard): return "shard '\(shard)' holds '\(tensor)', which the index maps elsewhere"
    case .ambiguousDirectory(let why): return why
    case .splitMismatch(let why): return why
    }
  }
}
