#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that can only be read forward: standard input, a pipe, a FIFO (`curl URL | ckptinspect -`).
/// It is read only as far as the header needs and never drained: what follows the header is left
/// unread in the pipe. Bytes land in one mapping made up front (address space only), so they never
/// move; a header needing more than `maxPrefix` is refused like a compressed one.
@safe final class StreamSource: ByteSource {
  static let maxPrefix = 256 << 20
  let name: String
  private let fd: Int32
  private let ownsDescriptor: Bool
  private let buffer: UnsafeMutableRawPointer
  private(set) var count = 0
  /// The stream ended: every byte of the file is held.
  private(set) var isComplete = false

  init(fd: Int32, name: String, ownsDescriptor: Bool) throws(CheckpointError) {
    self.fd = fd
    self.name = name
    self.ownsDescriptor = ownsDescriptor
    guard let buffer = unsafe mmap(nil, StreamSource.maxPrefix, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
      unsafe buffer != MAP_FAILED
    else {
      throw CheckpointError.io(name, errno: errno, during: "map memory for reading")
    }
    unsafe self.buffer = buffer
  }

  deinit {
    unsafe munmap(buffer, StreamSource.maxPrefix)
    if ownsDescriptor { close(fd) }
  }

  var held: UnsafeRawBufferPointer { unsafe UnsafeRawBufferPointer(start: buffer, count: count) }

  func fill(upTo want: Int) throws(CheckpointError) {
    guard want > count, !isComplete else { return }
    guard want <= StreamSource.maxPrefix else {
      throw CheckpointError(
        file: name, offset: nil, field: "header",
        fault: .truncated(needed: UInt64(want), remaining: UInt64(StreamSource.maxPrefix)))
    }
    while count < want {
      let n = unsafe read(fd, buffer + count, want - count)
      if n < 0 {
        if errno == EINTR { continue }
        throw CheckpointError.io(name, errno: errno, during: "read")
      }
      if n == 0 {
        isComplete = true
        return
      }
      count += n
    }
  }
}
