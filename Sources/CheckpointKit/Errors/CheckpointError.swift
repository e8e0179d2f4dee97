#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every failure to read a checkpoint. The message is one line naming the file, the byte offset
/// (when the fault sits at one) and the field, e.g.
/// `model.safetensors: byte 0: header length: 18446744073709551615 exceeds file size 1024`.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file the fault is in; parsers see only bytes and leave it empty for the loader to fill in.
  public var file: String
  /// Where in the file the faulty field starts, when there is one place to point at.
  public var offset: UInt64?
  /// The field being read, e.g. `header length` or `tensor 'blk.0.attn_q.weight' type`.
  public var field: String
  public var fault: Fault
  /// The offset counts bytes of a zstd file's decompressed stream, not of the file on disk.
  public var inDecompressedStream = false

  public init(file: String = "", offset: UInt64?, field: String, fault: Fault) {
    self.file = file
    self.offset = offset
    self.field = field
    self.fault = fault
  }

  public var description: String {
    var parts: [String] = []
    if !file.isEmpty { parts.append(file) }
    if let offset { parts.append(inDecompressedStream ? "byte \(offset) of the decompressed stream" : "byte \(offset)") }
    if !field.isEmpty { parts.append(field) }
    parts.append(fault.description)
    return parts.joined(separator: ": ")
  }

  /// True when the file could not be opened or read at all, as opposed to being malformed.
  public var isUnreadable: Bool {
    switch fault {
    case .io, .remote: return true
    default: return false
    }
  }

  /// True when the input is another format than the ones this tool reads.
  public var isForeign: Bool {
    if case .foreignFormat = fault { return true }
    return false
  }

  /// Attaches the file name to an error thrown by a parser that only saw bytes.
  func inFile(_ path: String) -> CheckpointError {
    var copy = self
    if copy.file.isEmpty { copy.file = path }
    return copy
  }

  static func io(_ path: String, errno code: Int32, during operation: String) -> CheckpointError {
    let message = Environment.errorMessage(code)
    return CheckpointError(file: path, offset: nil, field: "", fault: .io(operation: operation, message: message))
  }
}

/// What went wrong, with the values that show it. One case per kind of fault so tests can assert
/// the exact kind.
public enum Fault: Equatable, Sendable, CustomStringConvertible {
  /// The file or a member of a directory could not be opened, read or listed.
  case io(operation: String, message: String)
  /// A field needs more bytes than remain in the file.
  case truncated(needed: UInt64, remaining: UInt64)
  /// The input is neither safetensors nor GGUF (nor a directory of them).
  case unrecognizedFormat(String)
  /// The input is a known other format (a Git LFS pointer, a PyTorch pickle, an HTML page, ...):
  /// not malformed, just not a checkpoint this tool reads.
  case foreignFormat(ForeignFormat)
  case safetensors(SafetensorsFault)
  case gguf(GGUFFault)
  /// A sharded checkpoint's index or its shards disagree.
  case index(IndexFault)
  /// A zstd-compressed file could not be decompressed.
  case zstd(ZstdFault)
  /// A URL or `hf://` repo could not be read: the server or the network failed.
  case remote(RemoteFault)
  /// Not a fault of the file: a reader working on a decompressed prefix needs the first N bytes.
  /// The loader answers by decompressing more; it never reaches a user.
  case needMoreBytes(UInt64)

  public var description: String {
    switch self {
    case .io(let operation, let message): return "cannot \(operation): \(message)"
    case .truncated(let needed, let remaining):
      return "needs \(needed) bytes but only \(remaining) remain (file truncated?)"
    case .unrecognizedFormat(let why): return "not a safetensors or GGUF checkpoint: \(why)"
    case .foreignFormat(let format): return "this is \(format.description)"
    case .safetensors(let fault): return fault.description
    case .gguf(let fault): return fault.description
    case .index(let fault): return fault.description
    case .zstd(let fault): return fault.description
    case .remote(let fault): return fault.description
    case .needMoreBytes(let n): return "needs the first \(n) bytes of the decompressed stream"
    }
  }
}
