#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reused buffer that a piece of a file is read into with `pread`, then viewed as the element
/// type stored there. Reading into a buffer (not a mapping) keeps resident memory at the buffers'
/// size whatever the file's, and gives every piece a 64-byte aligned start, so typed views need no
/// alignment check.
///
/// The one place the scan turns bytes into typed values: the views are built over memory this
/// object owns, aligned for any element type, and cover only the bytes read (`count / stride`
/// elements), for `FullyInhabited` types only.
@safe public final class ChunkBuffer {
  public let capacity: Int
  private let base: UnsafeMutableRawPointer
  /// Bytes held from the last read.
  public private(set) var count = 0

  public init(capacity: Int) {
    self.capacity = capacity
    // 64-byte alignment suits every element type and whole cache lines; rounded up to 8 so a
    // typed view never needs a partial element.
    unsafe base = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 8), alignment: 64)
  }

  deinit { unsafe base.deallocate() }

  /// Reads `length` bytes at `offset` of `file`. A file shorter than that (it shrank after it was
  /// opened) is reported as truncated at the first missing byte.
  public func read(_ file: ReadableFile, at offset: UInt64, length: Int) throws(CheckpointError) {
    precondition(length <= capacity, "a piece is never larger than its buffer")
    var done = 0
    while done < length {
      let n = unsafe pread(file.descriptor, base + done, length - done, off_t(offset) + off_t(done))
      if n < 0 {
        if errno == EINTR { continue }
        throw CheckpointError.io(file.path, errno: errno, during: "read")
      }
      if n == 0 {
        throw CheckpointError(
          file: file.path, offset: offset + UInt64(done), field: "tensor data",
          fault: .truncated(needed: UInt64(length - done), remaining: 0))
      }
      done += n
    }
    count = length
  }

  /// Holds a copy of the first `count` of `bytes` (tests and the fuzz target, which have no file).
  func load(_ bytes: [UInt8], count: Int) {
    precondition(count <= capacity && count <= bytes.count)
    if count > 0 {
      unsafe bytes.withUnsafeBytes { raw in unsafe base.copyMemory(from: raw.baseAddress!, byteCount: count) }
    }
    self.count = count
  }

  /// The bytes held.
  public func withBytes<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
    try body(unsafe Span(_unsafeStart: base.assumingMemoryBound(to: UInt8.self), count: count))
  }

  /// The bytes held as whole elements of `T` (a trailing partial element is left out).
  public func withElements<T: FullyInhabited, R, E: Error>(
    of type: T.Type, _ body: (Span<T>) throws(E) -> R
  ) throws(E) -> R {
    // Memory is bound to UInt8 by nobody else: reading it as T through a typed pointer of a
    // fully inhabited type is a plain load.
    try body(unsafe Span(_unsafeStart: base.assumingMemoryBound(to: T.self), count: count / MemoryLayout<T>.stride))
  }

  /// Hands the held bytes to a C digest.
  func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    unsafe body(UnsafeRawBufferPointer(start: base, count: count))
  }
}

/// A file opened for reading by offset (`pread`), closed when released.
public final class ReadableFile: Sendable {
  public let path: String
  public let size: UInt64
  let descriptor: Int32

  public init(path: String) throws(CheckpointError) {
    let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw CheckpointError.io(path, errno: errno, during: "open") }
    var st = stat()
    if unsafe fstat(fd, &st) != 0 {
      let code = errno
      close(fd)
      throw CheckpointError.io(path, errno: code, during: "stat")
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw CheckpointError.io(path, errno: EISDIR, during: "open")
    }
    self.path = path
    self.size = UInt64(st.st_size)
    self.descriptor = fd
    // The scan reads front to back: let the kernel read ahead further.
    _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
  }

  deinit { close(descriptor) }
}
