/// One tensor of a checkpoint, whatever its format: what it is, where it sits, how it counts.
public struct TensorRecord: Equatable, Sendable {
  /// A Substring of one String holding all the names of its file (see `NameStore`).
  public var name: Substring
  /// The dtype as its format spells it: `F32`, `BF16`, `Q4_K`, `unknown(31)`.
  public var dtype: String
  /// Dimensions in PyTorch/NumPy order (outermost first).
  public var shape: TensorShape
  /// Whether the file stores the dimensions innermost first (GGUF).
  public var reversedInFile: Bool
  /// GGUF only: dimensions as stored in the file (innermost first).
  public var storedShape: TensorShape? { reversedInFile ? TensorShape(shape.reversed()) : nil }
  /// Stored elements: the product of the shape, never derived from bytes.
  public var elements: UInt64
  /// The weights these elements hold: `elements`, except for packed quantized tensors (a GPTQ
  /// int4 `qweight` stores 8 weights per I32 element). See `PackedWeights`.
  public var parameters: UInt64
  /// Bytes the tensor occupies in the file; nil when its dtype is unknown.
  public var bytes: UInt64?
  /// Stored bits per element, including block scales for GGUF quantized types.
  public var bitsPerElement: Double?
  /// Index into `Catalog.files`.
  public var file: Int
  /// Absolute byte offset of the tensor's data within its file.
  public var offset: UInt64
  public var component: Component
  public var role: Role
  /// Transformer block index (`model.layers.12.`, `blk.12.`), when the name has one.
  public var layer: Int?

  public init(
    name: some StringProtocol, dtype: String, shape: TensorShape, reversedInFile: Bool = false, elements: UInt64, bytes: UInt64?,
    bitsPerElement: Double?, file: Int = 0, offset: UInt64 = 0, component: Component = .other, role: Role = .parameter,
    layer: Int? = nil
  ) {
    self.name = Substring(name)
    self.dtype = dtype
    self.shape = shape
    self.reversedInFile = reversedInFile
    self.elements = elements
    self.parameters = elements
    self.bytes = bytes
    self.bitsPerElement = bitsPerElement
    self.file = file
    self.offset = offset
    self.component = component
    self.role = role
    self.layer = layer
  }
}
