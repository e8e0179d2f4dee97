/// The container format of a checkpoint.
public enum CheckpointFormat: String, Equatable, Sendable {
  case safetensors
  /// A `model.safetensors.index.json` with its shards.
  case shardedSafetensors = "safetensors-sharded"
  case gguf
  /// A GGUF split into `-0000N-of-0000M` parts.
  case splitGGUF = "gguf-split"
}

/// One file read to build a catalog.
public struct FileInfo: Equatable, Sendable {
  public var path: String
  /// Size of the checkpoint file; for a compressed file, its decompressed size, nil when that is
  /// not known without decompressing it all (see `--full`).
  public var bytes: UInt64?
  /// Bytes of header and metadata before the tensor data (safetensors: 8 + JSON; GGUF: up to the
  /// end of the tensor infos).
  public var headerBytes: UInt64
  /// Where tensor data starts.
  public var dataStart: UInt64
  /// `zstd` for a compressed file, nil otherwise.
  public var compression: String?
  /// Size on disk of a compressed file.
  public var compressedBytes: UInt64?
  /// A remote file's URL (nil for a local file).
  public var sourceURL: String?
  /// A remote file's sha256 as its repo lists it (the Git LFS oid), to check a download against.
  public var sha256: String?
  /// Compressed bytes decompressed to read the header (the cost of reading it).
  public var compressedBytesRead: UInt64?

  public init(
    path: String, bytes: UInt64?, headerBytes: UInt64, dataStart: UInt64, compression: String? = nil,
    compressedBytes: UInt64? = nil, compressedBytesRead: UInt64? = nil
  ) {
    self.path = path
    self.bytes = bytes
    self.headerBytes = headerBytes
    self.dataStart = dataStart
    self.compression = compression
    self.compressedBytes = compressedBytes
    self.compressedBytesRead = compressedBytesRead
  }
}

/// Facts about the container that only one format has.
public struct FormatDetails: Equatable, Sendable {
  /// GGUF version (1-3).
  public var ggufVersion: UInt32?
  public var bigEndian: Bool = false
  /// GGUF data alignment.
  public var alignment: UInt64?
  /// `metadata` of a sharded checkpoint's index (`total_size`, `total_parameters`).
  public var indexMetadata: [MetadataEntry] = []

  public init(ggufVersion: UInt32? = nil, bigEndian: Bool = false, alignment: UInt64? = nil, indexMetadata: [MetadataEntry] = []) {
    self.ggufVersion = ggufVersion
    self.bigEndian = bigEndian
    self.alignment = alignment
    self.indexMetadata = indexMetadata
  }
}

/// Every tensor of a checkpoint in one list, whatever the format it came from. Counting and
/// reporting work from this alone, so they can be tested with catalogs built by hand.
public struct Catalog: Equatable, Sendable {
  /// The path the user named (a file, a directory or an index).
  public var path: String
  public var format: CheckpointFormat
  public var files: [FileInfo]
  /// GGUF key/values, or safetensors `__metadata__` as strings.
  public var metadata: [MetadataEntry]
  /// In file order: by file, then by offset.
  public var tensors: [TensorRecord]
  public var details: FormatDetails
  /// Non-fatal findings from reading.
  public var warnings: [String]
  /// Faults found while reading on, when `LoadOptions.collectProblems` asked for them (else the
  /// first one was thrown). A catalog with problems is invalid.
  public var problems: [CheckpointError] = []
  /// The `config.json` read with a remote checkpoint (a local one's is found beside it on disk).
  public var config: ConfigFile?
  /// The `adapter_config.json` read with a remote PEFT adapter (a local one's is found beside it).
  public var adapterConfig: ConfigFile?

  public init(
    path: String, format: CheckpointFormat, files: [FileInfo], metadata: [MetadataEntry] = [],
    tensors: [TensorRecord], details: FormatDetails = FormatDetails(), warnings: [String] = []
  ) {
    self.path = path
    self.format = format
    self.files = files
    self.metadata = metadata
    self.tensors = tensors
    self.details = details
    self.warnings = warnings
  }

  /// GGUF `general.architecture`, when present.
  public var architecture: String? { metadata["general.architecture"]?.string }
}
