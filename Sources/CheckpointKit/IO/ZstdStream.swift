import CZstd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decompresses a zstd file only as far as a reader asks: a checkpoint's header sits at the start
/// of the stream, so reading it costs what the header costs, not what the file costs.
/// Concatenated frames and skippable frames are handled by libzstd's streaming decoder.
@safe final class ZstdStream {
  /// The most decompressed bytes a header may need. Real GGUF headers with large vocabularies
  /// are a few MB and safetensors headers are capped at 100 MB; anything past this is hostile
  /// (a small file declaring a huge array would otherwise make us inflate it all into memory).
  static let maxPrefix = 256 << 20

  /// zstd frames start with 28 B5 2F FD; skippable frames with 5X 2A 4D 18.
  static func looksLike(_ bytes: Span<UInt8>) -> Bool {
    guard bytes.count >= 4 else { return false }
    let magic = bytes.integer(UInt32.self, at: 0).littleEndian
    return magic == 0xFD2F_B528 || (magic & 0xFFFF_FFF0) == 0x184D_2A50
  }

  static func looksLike(_ bytes: UnsafeRawBufferPointer) -> Bool {
    looksLike(unsafe Span(_unsafeBytes: bytes))
  }

  /// For error messages.
  let path: String
  /// Where the compressed bytes come from: a mapped file (all there), or a remote file fetched
  /// further as the decoder runs out of input.
  private let source: ByteSource
  /// The compressed bytes held so far (their address is stable: see ByteSource).
  private var compressed: UnsafeRawBufferPointer { unsafe source.held }
  /// Compressed bytes fetched at a time from a source that is not all there.
  static let inputChunk = 256 << 10
  private let stream: OpaquePointer
  private var input: ZSTD_inBuffer
  /// Set once the last frame has been decoded and flushed.
  private(set) var finished = false
  /// The decompressed bytes, written in place into one mapping of `maxPrefix` bytes made up front
  /// (without reserving swap): growing never copies, and only the pages written are touched.
  let buffer: UnsafeMutableRawPointer
  /// Decompressed bytes held in `buffer`.
  private(set) var outputCount = 0
  /// Decompressed bytes counted but not kept (by `measure`).
  private var discarded: UInt64 = 0
  /// The last return of ZSTD_decompressStream: 0 when a frame is complete.
  private var frameState: Int = 0

  init(_ source: ByteSource, path: String) throws(CheckpointError) {
    self.path = path
    try source.fill(upTo: 64)
    let compressed = unsafe source.held
    // A frame that names a dictionary cannot be read without it: say so instead of "corrupt".
    // (Checked before the decoder exists: once every property is set, a throw runs deinit.)
    let dictionary = unsafe ZSTD_getDictID_fromFrame(compressed.baseAddress, compressed.count)
    if dictionary != 0 {
      throw CheckpointError(file: path, offset: 0, field: "zstd frame", fault: .zstd(.needsDictionary(dictionary)))
    }
    guard let stream = unsafe ZstdMemory.makeStream() else {
      throw CheckpointError(file: path, offset: nil, field: "", fault: .zstd(.corrupt("cannot create a decoder")))
    }
    guard let buffer = unsafe mmap(nil, ZstdStream.maxPrefix, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
      unsafe buffer != MAP_FAILED
    else {
      unsafe ZSTD_freeDStream(stream)
      throw CheckpointError.io(path, errno: errno, during: "map memory for decompressing")
    }
    unsafe self.buffer = buffer
    self.source = source
    unsafe self.stream = stream
    unsafe ZSTD_initDStream(stream)
    // `zstd --long=31` writes frames with a 2 GiB window, which the decoder refuses by default
    // (its limit is 2^27). Allow the format's maximum: the window is mapped, not reserved, and
    // only the pages the header fills are touched (see ZstdMemory).
    unsafe ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 31)
    unsafe input = ZSTD_inBuffer(src: compressed.baseAddress, size: compressed.count, pos: 0)
  }

  deinit {
    unsafe ZSTD_freeDStream(stream)
    unsafe munmap(buffer, ZstdStream.maxPrefix)
  }

  /// The decompressed size the first frame's header declares, when it does. (Later frames are
  /// not looked at: finding them means walking every block of the file.)
  var firstFrameContentSize: UInt64? {
    // A skippable frame first says nothing about the data (libzstd reports its size as 0).
    let magic = unsafe compressed.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian
    if (magic & 0xFFFF_FFF0) == 0x184D_2A50 { return nil }
    let size = unsafe ZSTD_getFrameContentSize(compressed.baseAddress, compressed.count)
    // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest values.
    return size >= UInt64.max - 1 ? nil : UInt64(size)
  }

  /// Runs `body` over the bytes decompressed so far (Array's own accessor cannot carry a typed throw).
  func withOutput<R>(_ body: (UnsafeRawBufferPointer) throws(CheckpointError) -> R) throws(CheckpointError) -> R {
    try unsafe body(UnsafeRawBufferPointer(start: buffer, count: outputCount))
  }

  /// Compressed bytes consumed so far.
  var compressedConsumed: Int { unsafe input.pos }
  /// The compressed file's size, when known.
  var compressedSize: Int? {
    if source.isComplete { return source.count }
    return (source as? RemoteFile)?.size.map { Int(clamping: $0) }
  }

  /// Decompresses until at least `count` bytes are held or the stream ends.
  func fill(upTo count: Int) throws(CheckpointError) {
    guard count > outputCount, !finished else { return }
    guard count <= ZstdStream.maxPrefix else {
      throw CheckpointError(
        file: path, offset: nil, field: "zstd stream",
        fault: .zstd(.headerTooLarge(needed: UInt64(count), cap: UInt64(ZstdStream.maxPrefix))))
    }
    while outputCount < count && !finished {
      // Room for what is still wanted: the decoder stops when it is full (or the input ends).
      var out = unsafe ZSTD_outBuffer(dst: buffer + outputCount, size: count - outputCount, pos: 0)
      var failure: CheckpointError?
      do throws(CheckpointError) { try unsafe step(&out) } catch { failure = error }
      unsafe outputCount += out.pos
      if let failure { throw failure }
    }
  }

  /// Decompresses the rest of the stream without keeping it, and returns the total decompressed
  /// size (for `--full`: the exact size and a check of every frame). Gives up, returning nil, once
  /// more than `limit` bytes came out: a small file can inflate a thousandfold.
  func measure(limit: UInt64 = .max, progress: Bool = false) throws(CheckpointError) -> UInt64? {
    var scratch = [UInt8](repeating: 0, count: Int(ZSTD_DStreamOutSize()))
    // Decompressing a whole checkpoint takes seconds: say how far it got, on a terminal only.
    let report = progress && isatty(2) != 0
    var nextReport: UInt64 = 1 << 30
    defer { if report { Progress.clear() } }
    while !finished {
      if UInt64(outputCount) + discarded > limit { return nil }
      if report && UInt64(outputCount) + discarded >= nextReport {
        let done = unsafe Double(input.pos) * 100 / Double(max(input.size, 1))
        Progress.show("\(path): decompressing to check it, \(Units.bytes(UInt64(outputCount) + discarded)) (\(Units.fixed(done, 0))%)")
        nextReport += 1 << 30
      }
      var failure: CheckpointError?
      let produced = unsafe scratch.withUnsafeMutableBytes { raw -> Int in
        var out = unsafe ZSTD_outBuffer(dst: raw.baseAddress!, size: raw.count, pos: 0)
        do throws(CheckpointError) { try unsafe step(&out) } catch { failure = error }
        return unsafe out.pos
      }
      discarded += UInt64(produced)
      if let failure { throw failure }
    }
    return UInt64(outputCount) + discarded
  }

  /// One call of the decoder, turning its outcomes into `finished` or errors.
  private func step(_ out: inout ZSTD_outBuffer) throws(CheckpointError) {
    if unsafe input.pos == input.size && !source.isComplete {
      // Out of input that is not the end of the file: fetch more and point the decoder at it.
      try source.fill(upTo: source.count + ZstdStream.inputChunk)
      unsafe input.src = UnsafeRawPointer(source.held.baseAddress)
      unsafe input.size = source.count
    }
    if unsafe input.pos == input.size {
      // All input used: the stream is complete only if the last frame was.
      if unsafe frameState == 0 && input.size > 0 {
        finished = true
        return
      }
      throw unsafe CheckpointError(file: path, offset: UInt64(input.pos), field: "zstd stream", fault: .zstd(.truncatedFrame))
    }
    let result = unsafe ZSTD_decompressStream(stream, &out, &input)
    if ZSTD_isError(result) != 0 {
      let message = unsafe String(cString: ZSTD_getErrorName(result))
      throw unsafe CheckpointError(file: path, offset: UInt64(input.pos), field: "zstd stream", fault: .zstd(.corrupt(message)))
    }
    frameState = result
    if unsafe input.pos == input.size && result == 0 { finished = true }
  }
}
