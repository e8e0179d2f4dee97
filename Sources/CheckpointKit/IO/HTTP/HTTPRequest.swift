/// One GET: a URL, optionally a byte range, and where the body goes.
@safe public struct HTTPRequest {
  public var url: String
  /// The bytes wanted, half-open. A server that ignores the range (200 with the whole body) is
  /// read only as far as the range's end, then the transfer is stopped.
  public var range: Range<UInt64>?
  /// Extra request headers, as `Name: value` lines.
  public var headers: [String]
  /// Where the body is written: at the start of this buffer (it must hold the range's length).
  /// Nil: the body is collected into `HTTPResponse.body`, up to `maxBody` bytes.
  public var destination: UnsafeMutableRawBufferPointer?
  /// The most body bytes taken without a destination; more is an error (a listing or a config
  /// is never this large, a hostile server's endless body is).
  public var maxBody: Int

  /// A request whose body is collected into `HTTPResponse.body`.
  public init(url: String, range: Range<UInt64>? = nil, headers: [String] = [], maxBody: Int = 64 << 20) {
    self.url = url
    self.range = range
    self.headers = headers
    unsafe self.destination = nil
    self.maxBody = maxBody
  }

  /// A request whose body is written into `destination`, which must stay valid until the
  /// transfer ends.
  public init(
    url: String, range: Range<UInt64>? = nil, headers: [String] = [], destination: UnsafeMutableRawBufferPointer?,
    maxBody: Int = 64 << 20
  ) {
    self.url = url
    self.range = range
    self.headers = headers
    unsafe self.destination = destination
    self.maxBody = maxBody
  }
}

/// What came back: the status, the headers of the last response (after redirects), the body.
public struct HTTPResponse: Sendable {
  public var status: Int
  /// Header names lowercased; the last response's only (a redirect's headers are dropped),
  /// except `x-linked-etag`/`x-linked-size`/`x-repo-commit`, which the Hub puts on the redirect.
  public var headers: [String: String]
  /// The body when the request had no destination.
  public var body: [UInt8]
  /// Body bytes written (to the destination or `body`), counted from the range's start.
  public var count: Int
  /// The file's whole size, from Content-Range (or Content-Length of a 200), when the server said.
  public var totalSize: UInt64?
  /// The URL that answered, after redirects: later ranges of the same file go there directly.
  public var effectiveURL: String

  public func header(_ name: String) -> String? { headers[name] }
}
