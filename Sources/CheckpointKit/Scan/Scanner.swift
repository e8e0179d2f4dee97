import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads every tensor's data once, on all cores, and summarises it; hashes the files in the same
/// pass. Workers take pieces in file order from a shared counter; whichever worker is free when
/// the hash is idle reads and hashes the next chunk of the file being hashed, so the sequential
/// digest always has a core and the statistics take the rest. Resident memory is the workers'
/// buffers (a few MB each): data is read with `pread`, never mapped.
public enum Scanner {
  public static func scan(_ catalog: Catalog, options: ScanOptions = ScanOptions()) throws(CheckpointError) -> ScanResult {
    let clock = ContinuousClock()
    let started = clock.now
    for file in catalog.files {
      if file.sourceURL != nil || file.path.hasPrefix("http://") || file.path.hasPrefix("https://") || file.path.hasPrefix("hf://") {
        throw CheckpointError(
          file: file.path, offset: nil, field: "",
          fault: .io(operation: "scan", message: "scan reads local files only: download the checkpoint first"))
      }
      if file.compression != nil {
        throw CheckpointError(
          file: file.path, offset: nil, field: "",
          fault: .io(operation: "scan", message: "scan reads uncompressed files only: decompress it first (zstd -d)"))
      }
    }
    var opened: [ReadableFile] = []
    for info in catalog.files { opened.append(try ReadableFile(path: info.path)) }
    let files = opened
    let plan = ScanPlan(catalog: catalog, fileSizes: files.map(\.size), pieceBytes: max(options.pieceBytes, 1 << 16))

    // What each file's checksum must be, and whether to hash it.
    var expectations: [(String, String)?] = catalog.files.map { info in
      HubCacheBlob.expectedSHA256(of: info.path).map { ($0, "hf-cache") }
    }
    if let expected = options.expectedSHA256 {
      for index in expectations.indices { expectations[index] = (expected.lowercased(), "option") }
    }
    let hashing = options.sha256 || expectations.contains { $0 != nil }
    let hashBytes = hashing ? files.reduce(0) { $0 + $1.size } : 0

    // Progress is shown in bytes of the checkpoint (what the user knows the size of), however
    // many times each byte is used: work done is tensor bytes summarised plus bytes hashed.
    let shared = SharedScan(
      pieceCount: plan.pieces.count, fileCount: files.count, work: plan.tensorBytes + hashBytes,
      shown: hashing ? hashBytes : plan.tensorBytes, window: options.hashWindow)
    let threads = options.threads > 0 ? options.threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let hash = Mutex(HashCursor(fileCount: hashing ? files.count : 0))
    let pieceBytes = plan.pieces.reduce(0) { max($0, $1.length) }
    let chunkBytes = options.pieceBytes
    // Where each file starts in the files laid end to end: positions the digest and the
    // statistics compare to stay close to each other.
    var offsets: [UInt64] = [0]
    for file in files { offsets.append(offsets.last! + file.size) }
    let starts = offsets

    DispatchQueue.concurrentPerform(iterations: threads) { _ in
      var decoder = PieceDecoder()
      let buffer = ChunkBuffer(capacity: max(pieceBytes, chunkBytes))
      while !shared.stopped {
        // The digest first: it is one chain that only one thread at a time can extend.
        if hashing, let worked = hash.withLockIfAvailable({ cursor in
          cursor.step(files, buffer: buffer, chunk: chunkBytes, until: shared.hashLimit(pieces: plan.pieces.count))
        }) {
          switch worked {
          case .success(let bytes):
            if bytes > 0 {
              shared.hashed.add(bytes, ordering: .relaxed)
              shared.advance(by: bytes, progress: options.progress, since: started, clock: clock)
              continue
            }
          case .failure(let error):
            shared.fail(error)
            return
          }
        }
        let next = shared.nextPiece.add(1, ordering: .relaxed).oldValue
        if next >= plan.pieces.count {
          // Nothing left but the digest: wait for the thread extending it, then help.
          if hashing && !hash.withLock({ $0.finished }) {
            usleep(200)
            continue
          }
          return
        }
        let piece = plan.pieces[next]
        let start = starts[piece.file] + piece.offset
        shared.claimed.max(start, ordering: .relaxed)
        // Reading each byte once from disk: the statistics keep within a window of the digest,
        // so what one reads the other finds in the page cache, whatever the file's size.
        // While waiting, this thread extends the digest itself (so all of them waiting cannot
        // stall it), or sleeps while another one does.
        while hashing && start > shared.hashed.load(ordering: .relaxed) &+ shared.window && !shared.stopped {
          let worked = hash.withLockIfAvailable { cursor in cursor.step(files, buffer: buffer, chunk: chunkBytes, until: .max) }
          switch worked {
          case .success(let bytes)?:
            shared.hashed.add(bytes, ordering: .relaxed)
            shared.advance(by: bytes, progress: options.progress, since: started, clock: clock)
          case .failure(let error)?:
            shared.fail(error)
            return
          case nil:
            usleep(200)
          }
        }
        do throws(CheckpointError) {
          try buffer.read(files[piece.file], at: piece.offset, length: piece.length)
        } catch {
          shared.fail(error)
          return
        }
        let stats = plan.encodings[piece.tensor].flatMap { decoder.summarise(buffer, as: $0) }
        shared.store(next, PieceResult(stats: stats, hash: ContentHash.of(buffer)))
        shared.advance(by: UInt64(piece.length), progress: options.progress, since: started, clock: clock)
      }
    }
    if let error = shared.error { throw error }

    let digests = hash.withLock { $0.digests }
    let results = shared.results.withLock { $0 }
    let elapsed = clock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Assembly.result(
      catalog: catalog, plan: plan, pieces: results, fileSizes: files.map(\.size),
      digests: hashing ? digests : [], expectations: expectations, seconds: seconds)
  }
}

/// One piece's summary.
struct PieceResult: Sendable {
  var stats: ValueStats?
  var hash: UInt64
}

/// State the workers share: the next piece, the results, the first error, the progress.
final class SharedScan: Sendable {
  let nextPiece = Atomic<Int>(0)
  /// Bytes the digest has read, and the start of the furthest piece taken, as positions in the
  /// files laid end to end.
  let hashed = Atomic<UInt64>(0)
  let claimed = Atomic<UInt64>(0)
  /// How far apart the digest and the statistics may get (the page cache holds this much).
  let window: UInt64

  /// How far the digest may read: a window past the statistics, unless every piece is taken.
  func hashLimit(pieces: Int) -> UInt64 {
    nextPiece.load(ordering: .relaxed) >= pieces ? .max : claimed.load(ordering: .relaxed) &+ window
  }
  let results: Mutex<[PieceResult?]>
  private let failure = Mutex<CheckpointError?>(nil)
  private let stop = Atomic<Bool>(false)
  private let done = Atomic<UInt64>(0)
  private let work: UInt64
  private let shown: UInt64
  private let lastReport = Mutex<Double>(0)

  init(pieceCount: Int, fileCount: Int, work: UInt64, shown: UInt64, window: UInt64) {
    self.window = window
    results = Mutex([PieceResult?](repeating: nil, count: pieceCount))
    self.work = work
    self.shown = shown
  }

  var stopped: Bool { stop.load(ordering: .relaxed) }
  var error: CheckpointError? { failure.withLock { $0 } }

  func fail(_ error: CheckpointError) {
    failure.withLock { if $0 == nil { $0 = error } }
    stop.store(true, ordering: .relaxed)
  }

  func store(_ index: Int, _ result: PieceResult) {
    results.withLock { $0[index] = result }
  }

  func advance(
    by bytes: UInt64, progress: (@Sendable (ScanProgress) -> Void)?, since start: ContinuousClock.Instant,
    clock: ContinuousClock
  ) {
    let now = done.add(bytes, ordering: .relaxed).newValue
    guard let progress else { return }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    // At most ten reports a second, from whichever thread gets there first.
    let due = lastReport.withLockIfAvailable { last -> Bool in
      guard seconds - last >= 0.1 else { return false }
      last = seconds
      return true
    }
    if due == true {
      let fraction = work == 0 ? 1 : Double(min(now, work)) / Double(work)
      progress(ScanProgress(done: UInt64(fraction * Double(shown)), total: shown, seconds: seconds))
    }
  }
}

/// Where the running digest is: which file, how far. Only the thread holding its lock reads
/// and hashes the next chunk.
struct HashCursor: ~Copyable {
  private var file = 0
  private var offset: UInt64 = 0
  /// Bytes hashed in all files so far.
  private(set) var position: UInt64 = 0
  private var digest: SHA256Digest?
  private(set) var digests: [String]
  private let fileCount: Int

  init(fileCount: Int) {
    self.fileCount = fileCount
    digests = []
  }

  var finished: Bool { file >= fileCount }

  /// Hashes the next chunk; 0 bytes when every file is hashed.
  /// Hashes the next chunk unless it starts past `limit` (then 0: the caller does statistics
  /// meanwhile); 0 bytes when every file is hashed.
  mutating func step(_ files: [ReadableFile], buffer: ChunkBuffer, chunk: Int, until limit: UInt64) -> Result<UInt64, CheckpointError> {
    do throws(CheckpointError) {
      guard file < fileCount, position <= limit else { return .success(0) }
      if digest == nil { digest = try SHA256Digest() }
      let current = files[file]
      let length = Int(min(UInt64(chunk), current.size - offset))
      if length > 0 {
        try buffer.read(current, at: offset, length: length)
        digest!.update(buffer)
        offset += UInt64(length)
        position += UInt64(length)
      }
      if offset == current.size {
        digests.append(digest!.finish())
        digest = nil
        file += 1
        offset = 0
      }
      return .success(UInt64(max(length, 1)))
    } catch {
      return .failure(error)
    }
  }
}
