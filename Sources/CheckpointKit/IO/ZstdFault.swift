/// Ways a zstd-compressed checkpoint can fail to decompress.
public enum ZstdFault: Equatable, Sendable, CustomStringConvertible {
  /// The frame was compressed with a dictionary we do not have.
  case needsDictionary(UInt32)
  /// libzstd reports the data as corrupt (its message says how).
  case corrupt(String)
  /// The stream ends in the middle of a frame.
  case truncatedFrame
  /// The header would need more decompressed bytes than we are willing to hold.
  case headerTooLarge(needed: UInt64, cap: UInt64)

  public var description: String {
    switch self {
    case .needsDictionary(let id): return "compressed with dictionary \(id), which is not available"
    case .corrupt(let message): return "corrupt zstd data: \(message)"
    case .truncatedFrame: return "the zstd stream ends in the middle of a frame (truncated download?)"
    case .headerTooLarge(let needed, let cap):
      return "the header needs \(needed) decompressed bytes, more than the \(cap)-byte limit for compressed files"
    }
  }

  public var kind: String {
    switch self {
    case .needsDictionary: return "needs_dictionary"
    case .corrupt: return "corrupt"
    case .truncatedFrame: return "truncated_frame"
    case .headerTooLarge: return "header_too_large"
    }
  }
}
