/// Stable machine-readable names for faults, used in JSON output (`error.kind`) and tests.
extension Fault {
  public var kind: String {
    switch self {
    case .io: return "io"
    case .truncated: return "truncated"
    case .unrecognizedFormat: return "unrecognized_format"
    case .foreignFormat: return "not_a_checkpoint"
    case .safetensors(let f): return "safetensors." + f.kind
    case .gguf(let f): return "gguf." + f.kind
    case .index(let f): return "index." + f.kind
    case .zstd(let f): return "zstd." + f.kind
    case .remote(let f): return "remote." + f.kind
    case .needMoreBytes: return "need_more_bytes"
    }
  }
}

extension SafetensorsFault {
  public var kind: String {
    switch self {
    case .fileTooSmall: return "file_too_small"
    case .headerTooLarge: return "header_too_large"
    case .headerPastEnd: return "header_past_end"
    case .invalidUTF8: return "invalid_utf8"
    case .invalidJSON: return "invalid_json"
    case .nestingTooDeep: return "nesting_too_deep"
    case .duplicateKey: return "duplicate_key"
    case .missingField: return "missing_field"
    case .invalidNumber: return "invalid_number"
    case .invalidField: return "invalid_field"
    case .metadataNotStrings: return "metadata_not_strings"
    case .elementCountOverflow: return "element_count_overflow"
    case .offsetsReversed: return "offsets_reversed"
    case .notContiguous: return "not_contiguous"
    case .misalignedBits: return "misaligned_bits"
    case .sizeMismatch: return "size_mismatch"
    case .dataSizeMismatch: return "data_size_mismatch"
    case .unknownDtype: return "unknown_dtype"
    }
  }
}

extension GGUFFault {
  public var kind: String {
    switch self {
    case .badMagic: return "bad_magic"
    case .unsupportedVersion: return "unsupported_version"
    case .countTooLarge: return "count_too_large"
    case .unknownValueType: return "unknown_value_type"
    case .invalidBool: return "invalid_bool"
    case .nestingTooDeep: return "nesting_too_deep"
    case .duplicateKey: return "duplicate_key"
    case .duplicateTensor: return "duplicate_tensor"
    case .invalidAlignment: return "invalid_alignment"
    case .invalidDimensionCount: return "invalid_dimension_count"
    case .invalidDimension: return "invalid_dimension"
    case .elementCountOverflow: return "element_count_overflow"
    case .partialBlock: return "partial_block"
    case .misalignedOffset: return "misaligned_offset"
    case .dataPastEnd: return "data_past_end"
    case .unexpectedOffset: return "unexpected_offset"
    case .unknownType: return "unknown_type"
    }
  }
}

extension IndexFault {
  public var kind: String {
    switch self {
    case .noWeightMap: return "no_weight_map"
    case .missingShard: return "missing_shard"
    case .shardEscapes: return "shard_escapes"
    case .tensorMissingFromShard: return "tensor_missing_from_shard"
    case .tensorNotInIndex: return "tensor_not_in_index"
    case .ambiguousDirectory: return "ambiguous_directory"
    case .splitMismatch: return "split_mismatch"
    }
  }
}
