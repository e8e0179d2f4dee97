/// A tensor's dimensions, outermost first. Up to four are held inline, so a catalog of 20,000
/// tensors does not make 20,000 small array allocations (nearly every tensor has one to four
/// dimensions; GGUF allows no more). Longer shapes, legal in safetensors, spill to an array.
public struct TensorShape: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
  public static let inlineCapacity = 4

  private var inline: InlineArray<4, UInt64> = [0, 0, 0, 0]
  /// All dimensions, when there are more than `inlineCapacity`.
  private var spill: [UInt64]?
  /// Last, and 32 bits: the record holding this shape packs its small fields behind it.
  private var rank: UInt32 = 0

  public init() {}

  public init<S: Sequence>(_ dims: S) where S.Element == UInt64 {
    for dim in dims { append(dim) }
  }

  public init(arrayLiteral dims: UInt64...) {
    self.init(dims)
  }

  public mutating func append(_ dim: UInt64) {
    // A header can hold any number of dimensions; past 2^32 - 1 (never real) the rest are dropped.
    guard rank < UInt32.max else { return }
    if spill != nil {
      spill!.append(dim)
    } else if rank < TensorShape.inlineCapacity {
      inline[Int(rank)] = dim
    } else {
      spill = Array(self) + [dim]
    }
    rank += 1
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { Int(rank) }

  public subscript(position: Int) -> UInt64 {
    precondition(position >= 0 && position < Int(rank), "shape index out of range")
    if let spill { return spill[position] }
    return inline[position]
  }

  /// The product of the dimensions (1 for a scalar), nil when it overflows 64 bits.
  public var elementCount: UInt64? {
    var product: UInt64 = 1
    for dim in self {
      let (next, overflow) = product.multipliedReportingOverflow(by: dim)
      if overflow { return nil }
      product = next
    }
    return product
  }

  public static func == (a: TensorShape, b: TensorShape) -> Bool { a.elementsEqual(b) }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(rank)
    for dim in self { hasher.combine(dim) }
  }

  public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
