#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory. Pages are only faulted in when touched, so parsing a
/// header costs the header's pages, never the tensor data behind it.
///
/// This and `ByteReader` are the only places that hold raw pointers into a file.
@safe public final class MappedFile {
  /// The path as the caller gave it, used in error messages.
  public let path: String
  /// The file's size in bytes.
  public let size: Int
  private let base: UnsafeRawPointer?

  /// Opens and maps `path`. An empty file is legal to open (mmap rejects length 0): its buffer is empty.
  public init(path: String) throws(CheckpointError) {
    self.path = path
    let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw CheckpointError.io(path, errno: errno, during: "open") }
    // The descriptor is not needed once mapped: the mapping keeps the file alive.
    defer { close(fd) }
    var st = stat()
    if unsafe fstat(fd, &st) != 0 { throw CheckpointError.io(path, errno: errno, during: "stat") }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw CheckpointError.io(path, errno: EISDIR, during: "open") }
    size = Int(st.st_size)
    if size == 0 {
      unsafe base = nil
      return
    }
    let mapped = unsafe mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    if unsafe mapped == MAP_FAILED || mapped == nil {
      throw CheckpointError.io(path, errno: errno, during: "mmap")
    }
    unsafe base = UnsafeRawPointer(mapped!)
  }

  deinit {
    if let base = unsafe base { unsafe munmap(UnsafeMutableRawPointer(mutating: base), size) }
  }

  /// The mapped bytes. Valid only while this object is alive.
  var held: UnsafeRawBufferPointer { unsafe UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : size) }

  /// The mapped bytes as a span: bounds-checked, and unable to outlive the call (or this object,
  /// which the call keeps alive).
  public func withSpan<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
    try withExtendedLifetime(self) { () throws(E) -> R in try body(unsafe Span(_unsafeBytes: held)) }
  }

  /// The mapped bytes. Valid only while this object is alive: use inside `withBytes`.
  public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    try unsafe body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : size))
  }
}
