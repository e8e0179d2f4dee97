/// What `scan` found in a checkpoint's data.
public struct ScanResult: Sendable {
  /// One per tensor of the catalog, in its order.
  public struct TensorScan: Sendable {
    /// Index into the catalog's tensors.
    public var index: Int
    /// Nil when the data was not read (truncated) or not decoded.
    public var stats: ValueStats?
    /// Fingerprint of the stored bytes (`ContentHash`), nil when not read.
    public var contentHash: UInt64?
  }

  public struct FileScan: Sendable {
    public var path: String
    public var bytes: UInt64
    /// Hex digest, when hashed.
    public var sha256: String?
    /// What it had to be: `--expect-sha256`, or the blob name of a Hugging Face cache.
    public var sha256Expected: String?
    /// Where the expectation came from: `option` or `hf-cache`.
    public var expectationSource: String?
  }

  public var catalog: Catalog
  public var tensors: [TensorScan]
  public var files: [FileScan]
  /// Most important first: truncation, checksums, NaN/Inf, all-zero, then notes.
  public var findings: [ScanFinding]
  /// Bytes of tensor data read and summarised.
  public var bytesScanned: UInt64
  public var seconds: Double

  /// The worst exit status the findings call for: 65 truncated, 1 another failing finding, 0.
  public var status: Int32 {
    if findings.contains(where: { $0.kind == .truncated }) { return 65 }
    return findings.contains(where: { $0.kind.fails }) ? 1 : 0
  }
}
