/// Something the data shows that the header could not: a value that is not a number, a weight
/// that is all zero, a file that is not the one published.
public struct ScanFinding: Equatable, Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    case truncated
    case checksumMismatch = "checksum_mismatch"
    case nan
    case inf
    case allZero = "all_zero"
    case constant
    case duplicate
    case notDecoded = "not_decoded"

    /// Kinds that make `scan` exit with 1 (truncation exits 65, as for any malformed file).
    public var fails: Bool {
      switch self {
      case .checksumMismatch, .nan, .inf, .allZero, .truncated: return true
      case .constant, .duplicate, .notDecoded: return false
      }
    }
  }

  public var kind: Kind
  public var tensor: String?
  public var file: String?
  public var count: UInt64?
  public var message: String

  public init(kind: Kind, tensor: String? = nil, file: String? = nil, count: UInt64? = nil, message: String) {
    self.kind = kind
    self.tensor = tensor
    self.file = file
    self.count = count
    self.message = message
  }
}
