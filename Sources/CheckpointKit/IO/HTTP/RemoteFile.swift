#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file on an HTTP server, read from its start by range requests, as far as a reader needs.
/// Bytes land in one mapping made up front (address space only, pages touched as written), so
/// they never move and growing never copies.
@safe final class RemoteFile: ByteSource {
  /// The most bytes read from the start of a remote file: the zstd prefix cap, above the
  /// safetensors header cap. A header needing more is refused, like a local one.
  static let maxPrefix = 256 << 20
  /// What `name` says in messages: the `hf://` address or the URL.
  let name: String
  /// The URL to ask; after the first answer, the URL that answered it (the Hub redirects
  /// `resolve/` to a CDN: later ranges go there directly, saving a round trip each).
  private(set) var url: String
  /// The URL as first asked (the Hub's `resolve/` URL: stable, unlike the CDN's signed one).
  let originalURL: String
  let headers: [String]
  /// The file's size: from the repo listing, else the server's Content-Range.
  private(set) var size: UInt64?
  /// From the repo listing: the LFS sha256, used as the cache key and reported.
  let sha256: String?
  /// Bytes held from the file's start.
  private(set) var count = 0
  private let buffer: UnsafeMutableRawPointer
  private let capacity: Int
  /// Requests this file cost, and the bytes they brought (for progress and --json).
  private(set) var requests = 0
  /// The bytes came from the cache (no request was made for them).
  var fromCache = false
  /// Bytes were fetched after the cached ones were put in place.
  private(set) var grew = false
  /// The client, made on first use (a file read wholly from the cache makes none).
  private let client: () throws(CheckpointError) -> HTTPClient

  init(
    url: String, name: String, headers: [String], size: UInt64?, sha256: String?,
    client: @escaping () throws(CheckpointError) -> HTTPClient
  ) throws(CheckpointError) {
    self.url = url
    self.originalURL = url
    self.name = name
    self.headers = headers
    self.size = size
    self.sha256 = sha256
    self.client = client
    capacity = Int(min(size ?? UInt64(RemoteFile.maxPrefix), UInt64(RemoteFile.maxPrefix)))
    guard let buffer = unsafe mmap(nil, max(capacity, 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
      unsafe buffer != MAP_FAILED
    else {
      throw CheckpointError.io(name, errno: errno, during: "map memory for reading")
    }
    unsafe self.buffer = buffer
  }

  deinit {
    unsafe munmap(buffer, max(capacity, 1))
  }

  var held: UnsafeRawBufferPointer { unsafe UnsafeRawBufferPointer(start: buffer, count: count) }

  var isComplete: Bool { size.map { UInt64(count) >= $0 } ?? false }

  /// Puts cached bytes in place of a first request.
  func preload(_ bytes: [UInt8], size: UInt64?) {
    if self.size == nil { self.size = size }
    let n = min(bytes.count, capacity)
    unsafe bytes.withUnsafeBytes { unsafe UnsafeMutableRawBufferPointer(start: buffer, count: n).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
    count = n
    fromCache = true
  }

  /// The request that brings the file up to `want` bytes, or nil when they are held already.
  func request(upTo want: Int) throws(CheckpointError) -> HTTPRequest? {
    var target = want
    if let size { target = Int(min(UInt64(target), size)) }
    guard target > count else { return nil }
    guard target <= capacity else {
      throw CheckpointError(
        file: name, offset: nil, field: "header",
        fault: .remote(.badResponse("the header needs the first \(want) bytes, more than the \(RemoteFile.maxPrefix >> 20) MiB read from a remote file")))
    }
    let destination = unsafe UnsafeMutableRawBufferPointer(start: buffer + count, count: target - count)
    return unsafe HTTPRequest(url: url, range: UInt64(count)..<UInt64(target), headers: headers, destination: destination)
  }

  /// Takes the answer to `request(upTo:)`.
  func apply(_ result: Result<HTTPResponse, CheckpointError>) throws(CheckpointError) {
    requests += 1
    let response: HTTPResponse
    switch result {
    case .success(let value): response = value
    case .failure(var error):
      error.file = name
      throw error
    }
    count += response.count
    grew = grew || fromCache
    if size == nil { size = response.totalSize }
    if let total = response.totalSize, let size, total != size {
      throw CheckpointError(
        file: name, offset: nil, field: "",
        fault: .remote(.badContentRange("the server says the file has \(total) bytes, the repo listing \(size)")))
    }
    // Without a known size, a short answer means the file ended there.
    if size == nil && response.count == 0 { size = UInt64(count) }
    url = response.effectiveURL
  }

  /// Brings the file up to `count` bytes with one request of its own (the zstd decoder's way;
  /// the loader batches the requests of many files instead).
  func fill(upTo want: Int) throws(CheckpointError) {
    guard let request = try request(upTo: want) else { return }
    try apply(try client().perform([request])[0])
    if count < want, !isComplete, size == nil { size = UInt64(count) }
  }
}
