/// What `scan` computes besides the values' statistics.
public struct ScanOptions: Sendable {
  /// Hash every file with SHA-256 in the same pass.
  public var sha256 = false
  /// The checksum the file must have (one file only); implies hashing.
  public var expectedSHA256: String?
  /// Worker threads; 0 for one per online core.
  public var threads = 0
  /// Bytes per work item: large enough that a piece's fixed costs vanish, small enough that
  /// several threads share one big tensor and the buffers stay a few MB.
  public var pieceBytes = 4 << 20
  /// How far the digest and the statistics may drift apart in the file (bytes): each byte is
  /// then read from disk once, the second reader finding it in the page cache.
  public var hashWindow: UInt64 = 256 << 20
  /// Called from a worker thread about ten times a second while scanning.
  public var progress: (@Sendable (ScanProgress) -> Void)?

  public init() {}
}

/// How far a scan has come.
public struct ScanProgress: Sendable {
  /// Of `total`: the checkpoint's bytes (its tensor data, or whole files when hashing), done in
  /// proportion to the work (summarising and hashing each count).
  public var done: UInt64
  public var total: UInt64
  public var seconds: Double
}
