/// The bytes of one file from its start, as far as a reader has asked for them: a mapped file
/// (all of it at once), a zstd stream (decompressed on demand), a remote file (fetched by range).
/// Readers parse what is held; when they run past it they throw `.needMoreBytes(n)`, and the
/// loader asks the source to `fill(upTo: n)` and parses again. Readers never learn where bytes
/// come from.
protocol ByteSource: AnyObject {
  /// The file's name or URL, for messages.
  var name: String { get }
  /// Bytes held, counted from the file's start.
  var count: Int { get }
  /// True when the held bytes are the whole file (the end of a stream was reached).
  var isComplete: Bool { get }
  /// Makes at least `count` bytes held, or all of them when the file is shorter.
  func fill(upTo count: Int) throws(CheckpointError)
  /// The held bytes. Their address does not change while the source lives (each source writes
  /// into one mapping made up front), so a reader may keep a view of them between fills.
  var held: UnsafeRawBufferPointer { get }
}

extension ByteSource {
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(CheckpointError) -> R) throws(CheckpointError) -> R {
    try unsafe body(held)
  }

  /// The held bytes as a span, for the readers: they never see a pointer. The memory stays
  /// mapped while the source lives, and the source outlives the call.
  func withSpan<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
    try withExtendedLifetime(self) { () throws(E) -> R in try body(unsafe Span(_unsafeBytes: held)) }
  }
}

extension MappedFile: ByteSource {
  var name: String { path }
  var count: Int { size }
  var isComplete: Bool { true }
  func fill(upTo count: Int) {}
}

/// Bytes already in memory that the caller keeps alive (a mapped file's, a test's).
@safe final class BorrowedBytes: ByteSource {
  let name: String
  let held: UnsafeRawBufferPointer
  init(_ bytes: UnsafeRawBufferPointer, name: String) {
    unsafe self.held = bytes
    self.name = name
  }
  var count: Int { unsafe held.count }
  var isComplete: Bool { true }
  func fill(upTo count: Int) {}
}

extension ZstdStream: ByteSource {
  var name: String { path }
  var count: Int { outputCount }
  var isComplete: Bool { finished }
  var held: UnsafeRawBufferPointer { unsafe UnsafeRawBufferPointer(start: buffer, count: outputCount) }
}
