/// One tensor info of a GGUF file.
public struct GGUFTensor: Equatable, Sendable {
  public var name: String
  /// Dimensions as stored: innermost (fastest-varying) first, the reverse of PyTorch/NumPy order.
  public var dims: [UInt64]
  public var typeID: UInt32
  /// nil when the type id is unknown or removed; the tensor is still listed.
  public var type: GGMLType?
  public var elements: UInt64
  /// Stored bytes, nil when the type is unknown.
  public var bytes: UInt64?
  /// Offset relative to the start of the data section.
  public var offset: UInt64
  /// Where the tensor info itself starts in the file, for error messages.
  public var infoOffset: UInt64

  /// The type's name, or `unknown(N)`.
  public var typeName: String { type?.name ?? "unknown(\(typeID))" }
  /// Dimensions in PyTorch/NumPy order (outermost first).
  public var shape: [UInt64] { dims.reversed() }
}

/// A parsed GGUF header: version, metadata, tensor infos and where the data section starts.
public struct GGUFFile: Equatable, Sendable {
  public var version: UInt32
  public var bigEndian: Bool
  public var metadata: [MetadataEntry]
  public var tensors: [GGUFTensor]
  /// `general.alignment`, or 32 when absent.
  public var alignment: UInt64
  /// Bytes up to the end of the tensor infos: what must be read to know everything but the data.
  public var headerBytes: UInt64
  /// Start of the data section: `headerBytes` rounded up to the alignment.
  public var dataStart: UInt64
  public var warnings: [String]
  /// Where the last tensor's data ends (absolute), or `dataStart` without tensors.
  public var dataEnd: UInt64 = 0

  public init(
    version: UInt32, bigEndian: Bool, metadata: [MetadataEntry], tensors: [GGUFTensor], alignment: UInt64,
    headerBytes: UInt64, dataStart: UInt64, warnings: [String]
  ) {
    self.version = version
    self.bigEndian = bigEndian
    self.metadata = metadata
    self.tensors = tensors
    self.alignment = alignment
    self.headerBytes = headerBytes
    self.dataStart = dataStart
    self.warnings = warnings
  }
}
