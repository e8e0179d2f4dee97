/// One tensor of a checkpoint, whatever its format: what it is, where it sits, how it counts.
///
/// Stored compactly (144 bytes): a 20,000-tensor catalog is 20,000 of these, and every 4 KiB of
/// them is a page fault the first time it is written. Optional and narrow fields are therefore
/// kept as plain words and flags behind the public properties.
public struct TensorRecord: Equatable, Sendable {
  /// A Substring of one String holding all the names of its file (see `NameStore`).
  public var name: Substring
  /// The dtype as its format spells it: `F32`, `BF16`, `Q4_K`, `unknown(31)`.
  public var dtype: String
  /// Dimensions in PyTorch/NumPy order (outermost first).
  public var shape: TensorShape
  public var component: Component
  public var role: Role
  /// Whether the file stores the dimensions innermost first (GGUF).
  public var reversedInFile: Bool
  private var flags: UInt8 = 0
  private var fileIndex: Int32 = 0
  /// -1 for none.
  private var layerIndex: Int32 = -1
  /// Stored elements: the product of the shape, never derived from bytes.
  public var elements: UInt64
  /// The weights these elements hold: `elements`, except for packed quantized tensors (a GPTQ
  /// int4 `qweight` stores 8 weights per I32 element). See `PackedWeights`.
  public var parameters: UInt64
  /// Absolute byte offset of the tensor's data within its file.
  public var offset: UInt64
  private var byteCount: UInt64 = 0
  private var bits: Double = 0

  private static let hasBytes: UInt8 = 1
  private static let hasBits: UInt8 = 2

  /// GGUF only: dimensions as stored in the file (innermost first).
  public var storedShape: TensorShape? { reversedInFile ? TensorShape(shape.reversed()) : nil }

  /// Bytes the tensor occupies in the file; nil when its dtype is unknown.
  public var bytes: UInt64? {
    get { flags & Self.hasBytes != 0 ? byteCount : nil }
    set {
      byteCount = newValue ?? 0
      flags = newValue == nil ? flags & ~Self.hasBytes : flags | Self.hasBytes
    }
  }

  /// Stored bits per element, including block scales for GGUF quantized types.
  public var bitsPerElement: Double? {
    get { flags & Self.hasBits != 0 ? bits : nil }
    set {
      bits = newValue ?? 0
      flags = newValue == nil ? flags & ~Self.hasBits : flags | Self.hasBits
    }
  }

  /// Index into `Catalog.files`.
  public var file: Int {
    get { Int(fileIndex) }
    set { fileIndex = Int32(clamping: newValue) }
  }

  /// Transformer block index (`model.layers.12.`, `blk.12.`), when the name has one. Layer
  /// numbers are read from at most nine digits, so they fit in 32 bits.
  public var layer: Int? {
    get { layerIndex < 0 ? nil : Int(layerIndex) }
    set { layerIndex = newValue.map { Int32(clamping: max($0, 0)) } ?? -1 }
  }

  public init(
    name: some StringProtocol, dtype: String, shape: TensorShape, reversedInFile: Bool = false, elements: UInt64,
    bytes: UInt64?, bitsPerElement: Double?, file: Int = 0, offset: UInt64 = 0, component: Component = .other,
    role: Role = .parameter, layer: Int? = nil
  ) {
    self.name = Substring(name)
    self.dtype = dtype
    self.shape = shape
    self.component = component
    self.role = role
    self.reversedInFile = reversedInFile
    self.elements = elements
    self.parameters = elements
    self.offset = offset
    self.bytes = bytes
    self.bitsPerElement = bitsPerElement
    self.file = file
    self.layer = layer
  }
}
