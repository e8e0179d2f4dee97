import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One attempt of one request: libcurl's callbacks write into it, and once libcurl is done it
/// decides between a result and a retry.
@safe final class Transfer {
  let request: HTTPRequest
  let attempt: Int
  var headerList: UnsafeMutablePointer<curl_slist>?
  /// The status line of the response being received (redirects included).
  private var status = 0
  private var headers: [String: String] = [:]
  /// Headers the Hub puts on its redirect to the CDN, kept across it.
  private var hubHeaders: [String: String] = [:]
  private var body: [UInt8] = []
  /// Body bytes kept (written to the destination or `body`).
  private(set) var kept = 0
  /// Body bytes passed over before the range's start (a server that ignored the range).
  private var skipped: UInt64 = 0
  /// Set when the write callback stopped the transfer on purpose: everything wanted had come.
  private var stoppedWhenComplete = false
  private var overflowed = false
  private var effectiveURL = ""

  init(request: HTTPRequest, attempt: Int = 0) {
    self.request = request
    self.attempt = attempt
  }

  deinit {
    if let headerList = unsafe headerList, let curl = try? CurlLibrary.shared.get() { unsafe curl.slistFree(headerList) }
  }

  /// How many body bytes are wanted in all (nil: the whole body, up to maxBody).
  private var wanted: UInt64? { request.range.map { $0.upperBound - $0.lowerBound } }

  static let writeCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let context = unsafe context, let data = unsafe data else { return 0 }
    let transfer = unsafe Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return unsafe transfer.write(UnsafeRawBufferPointer(start: data, count: size * count))
  }

  static let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let context = unsafe context, let data = unsafe data else { return 0 }
    let transfer = unsafe Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    unsafe transfer.header(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
  }

  /// Takes a piece of body. Returning less than given makes libcurl stop the transfer.
  private func write(_ chunk: UnsafeRawBufferPointer) -> Int {
    var piece = unsafe chunk
    if !(200..<300).contains(status) {
      // An error page: keep a little of it for the message, never all of it.
      if body.count < 4096 { unsafe body.append(contentsOf: piece.prefix(4096 - body.count)) }
      return chunk.count
    }
    if let range = request.range, status == 200 {
      // The server ignored the range and sends the file from its start: pass over the bytes
      // before the range, then take what was asked for and stop.
      let skip = Int(min(UInt64(piece.count), range.lowerBound - skipped))
      skipped += UInt64(skip)
      unsafe piece = UnsafeRawBufferPointer(rebasing: piece[skip...])
    }
    if let wanted {
      let take = Int(min(UInt64(piece.count), wanted - UInt64(kept)))
      if take > 0 {
        if let destination = unsafe request.destination {
          guard kept + take <= destination.count else {
            overflowed = true
            return 0
          }
          unsafe UnsafeMutableRawBufferPointer(rebasing: destination[kept..<(kept + take)]).copyMemory(
            from: UnsafeRawBufferPointer(rebasing: piece[..<take]))
        } else {
          unsafe body.append(contentsOf: piece[..<take])
        }
        kept += take
      }
      if UInt64(kept) == wanted && take < piece.count {
        // More than asked for is arriving (a server ignoring the range): stop here.
        stoppedWhenComplete = true
        return 0
      }
      return chunk.count
    }
    guard body.count + piece.count <= request.maxBody else {
      overflowed = true
      return 0
    }
    unsafe body.append(contentsOf: piece)
    kept += piece.count
    return chunk.count
  }

  /// Takes one header line. A status line starts a new response (after a redirect).
  private func header(_ line: UnsafeRawBufferPointer) {
    let text = unsafe String(decoding: line, as: UTF8.self)
    if text.hasPrefix("HTTP/") {
      let parts = text.split(separator: " ", maxSplits: 2)
      status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
      headers = [:]
      return
    }
    guard let colon = text.firstIndex(of: ":") else { return }
    let name = text[..<colon].lowercased()
    var value = Substring(text[text.index(after: colon)...])
    // "\r\n" is one Character: test for whitespace, not for "\r" and "\n" alone.
    while let first = value.first, first.isWhitespace { value = value.dropFirst() }
    while let last = value.last, last.isWhitespace { value = value.dropLast() }
    headers[name] = String(value)
    if name == "x-linked-etag" || name == "x-linked-size" || name == "x-repo-commit" { hubHeaders[name] = String(value) }
  }

  /// Reads what libcurl knows once the transfer ended.
  func finish(curl: CurlLibrary, handle: UnsafeMutableRawPointer) {
    effectiveURL = unsafe curl.info(handle, string: CURLINFO_EFFECTIVE_URL) ?? request.url
    let code = unsafe curl.info(handle, long: CURLINFO_RESPONSE_CODE)
    if code != 0 { status = code }
  }

  enum Outcome {
    case done(Result<HTTPResponse, CheckpointError>)
    case retry(after: Double)
  }

  func failure(_ fault: RemoteFault) -> CheckpointError {
    CheckpointError(file: request.url, offset: nil, field: "", fault: .remote(fault))
  }

  /// The result of this attempt, or a retry when the failure may pass.
  func outcome(code: CURLcode, curl: CurlLibrary, settings: HTTPClient.Settings) -> Outcome {
    let canRetry = attempt < settings.retries
    let delay = settings.backoff * Double(1 << min(attempt, 8))
    let stoppedOnPurpose = code == CURLE_WRITE_ERROR && stoppedWhenComplete
    if code != CURLE_OK && !stoppedOnPurpose {
      switch code {
      case CURLE_WRITE_ERROR where overflowed:
        return .done(.failure(failure(.badResponse("the server sent more than the \(request.maxBody) bytes expected"))))
      case CURLE_TOO_MANY_REDIRECTS:
        return .done(.failure(failure(.tooManyRedirects(settings.maxRedirects))))
      case CURLE_OPERATION_TIMEDOUT:
        return .done(.failure(failure(.timeout(seconds: settings.timeout))))
      case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
        if canRetry { return .retry(after: delay) }
        return .done(.failure(failure(.connection("the connection broke (\(curl.message(code))) after \(attempt) retries"))))
      default:
        return .done(.failure(failure(.connection(curl.message(code)))))
      }
    }
    switch status {
    case 200, 206:
      break
    case 401, 403:
      let tokenGiven = request.headers.contains { $0.lowercased().hasPrefix("authorization:") }
      return .done(.failure(failure(.unauthorized(status: status, tokenGiven: tokenGiven))))
    case 404:
      return .done(.failure(failure(.notFound("the file at this URL"))))
    case 416:
      return .done(.failure(failure(.rangeNotSatisfiable)))
    case 429, 500, 502, 503, 504:
      if canRetry {
        // Retry-After in seconds (an HTTP date is rare from these servers: the backoff then).
        let told = headers["retry-after"].flatMap(Double.init).map { min(max($0, 0), 10) }
        return .retry(after: told ?? delay)
      }
      return .done(.failure(failure(.http(status: status, retries: attempt))))
    default:
      return .done(.failure(failure(.http(status: status, retries: attempt))))
    }

    var total: UInt64?
    if status == 206 {
      guard let range = request.range else {
        return .done(.failure(failure(.badContentRange("206 for a request without a range"))))
      }
      guard let contentRange = headers["content-range"], let parsed = ContentRange(contentRange) else {
        return .done(.failure(failure(.badContentRange("no usable Content-Range header"))))
      }
      guard parsed.start == range.lowerBound, parsed.end < range.upperBound, parsed.end - parsed.start + 1 == UInt64(kept)
      else {
        return .done(
          .failure(failure(.badContentRange("asked for bytes \(range.lowerBound)-\(range.upperBound - 1), got \(contentRange)"))))
      }
      total = parsed.total
    } else {
      // A 200 is the whole file from its start (whether or not all of it was taken).
      total = headers["content-length"].flatMap(UInt64.init)
    }
    if let range = request.range, status == 200, skipped < range.lowerBound {
      // The body ended before the range started: the file is shorter than the range.
      return .done(.failure(failure(.rangeNotSatisfiable)))
    }
    var merged = headers
    for (name, value) in hubHeaders where merged[name] == nil { merged[name] = value }
    return .done(
      .success(
        HTTPResponse(status: status, headers: merged, body: body, count: kept, totalSize: total, effectiveURL: effectiveURL)))
  }
}

/// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
struct ContentRange {
  var start: UInt64
  var end: UInt64
  var total: UInt64?

  init?(_ text: String) {
    guard text.hasPrefix("bytes ") else { return nil }
    let rest = text.dropFirst(6)
    let halves = rest.split(separator: "/", maxSplits: 1)
    guard halves.count == 2 else { return nil }
    let bounds = halves[0].split(separator: "-", maxSplits: 1)
    guard bounds.count == 2, let start = UInt64(bounds[0]), let end = UInt64(bounds[1]), end >= start else { return nil }
    self.start = start
    self.end = end
    self.total = halves[1] == "*" ? nil : UInt64(halves[1])
    if let total, end >= total { return nil }
  }
}
