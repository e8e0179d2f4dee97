import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs batches of HTTP GET requests at once over libcurl's multi interface: up to
/// `maxConnections` connections (HTTP/2 streams share one where the server speaks it), redirects
/// followed, connect and idle timeouts, bounded retries with backoff for 429, 5xx and resets.
/// Connections stay open between batches, so the rounds of a repo's reading reuse them.
///
/// One client is used from one thread at a time (the loader's); it holds no global state but libcurl.
@safe public final class HTTPClient {
  public struct Settings: Sendable {
    /// Seconds to wait for a connection, and for the next byte once connected.
    public var timeout: Double = 30
    public var maxConnections = 32
    public var maxRedirects = 10
    /// Retries after a 429, a 5xx or a reset connection (so at most `retries + 1` attempts).
    public var retries = 3
    /// The first retry waits this long, each later one twice as long (or what Retry-After says, up to 10 s).
    public var backoff: Double = 0.25
    public init() {}
  }

  let curl: CurlLibrary
  let settings: Settings
  private let multi: UnsafeMutableRawPointer
  /// Requests made and body bytes received since the client was made (for progress and tests).
  public private(set) var requestsMade = 0
  public private(set) var bytesReceived: UInt64 = 0
  /// Called while a batch runs (at most ~10 times a second) with transfers done, in the batch,
  /// and bytes received so far.
  var progress: ((Int, Int, UInt64) -> Void)?

  public init(settings: Settings = Settings()) throws(CheckpointError) {
    curl = try CurlLibrary.shared.get()
    self.settings = settings
    guard let multi = unsafe curl.multiInit() else {
      throw CheckpointError(file: "", offset: nil, field: "", fault: .remote(.noHTTPLibrary("curl_multi_init failed")))
    }
    unsafe self.multi = multi
    _ = unsafe ck_multi_setopt_long(curl.multiSetopt, multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, settings.maxConnections)
    _ = unsafe ck_multi_setopt_long(curl.multiSetopt, multi, CURLMOPT_MAX_HOST_CONNECTIONS, settings.maxConnections)
    _ = unsafe ck_multi_setopt_long(curl.multiSetopt, multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
  }

  deinit {
    _ = unsafe curl.multiCleanup(multi)
  }

  /// Performs every request concurrently and returns their outcomes in the same order.
  public func perform(_ requests: [HTTPRequest]) -> [Result<HTTPResponse, CheckpointError>] {
    var transfers = requests.map { Transfer(request: $0) }
    var outcomes = [Result<HTTPResponse, CheckpointError>?](repeating: nil, count: requests.count)
    var waiting: [(at: Double, index: Int)] = []
    var running: [UnsafeMutableRawPointer: Int] = unsafe [:]
    var done = 0
    var lastReport = 0.0

    func start(_ index: Int) {
      guard let handle = unsafe configure(transfers[index]) else {
        outcomes[index] = .failure(transfers[index].failure(.connection("cannot create a libcurl handle")))
        done += 1
        return
      }
      unsafe running[handle] = index
      requestsMade += 1
      _ = unsafe curl.multiAdd(multi, handle)
    }
    for index in transfers.indices { start(index) }

    while done < transfers.count {
      var stillRunning: Int32 = 0
      _ = unsafe curl.multiPerform(multi, &stillRunning)
      var queued: Int32 = 0
      while let message = unsafe curl.multiInfoRead(multi, &queued) {
        var handle: UnsafeMutableRawPointer?
        var code = CURLE_OK
        guard unsafe ck_multi_message(message, &handle, &code) != 0, let handle = unsafe handle, let index = unsafe running.removeValue(forKey: handle) else { continue }
        let transfer = transfers[index]
        unsafe transfer.finish(curl: curl, handle: handle)
        _ = unsafe curl.multiRemove(multi, handle)
        unsafe curl.easyCleanup(handle)
        bytesReceived += UInt64(transfer.kept)
        switch transfer.outcome(code: code, curl: curl, settings: settings) {
        case .done(let result):
          outcomes[index] = result
          done += 1
        case .retry(let delay):
          let again = Transfer(request: transfer.request, attempt: transfer.attempt + 1)
          transfers[index] = again
          waiting.append((Clock.now + delay, index))
        }
      }
      let now = Clock.now
      for entry in waiting where entry.at <= now { start(entry.index) }
      waiting.removeAll { $0.at <= now }
      if let progress, now - lastReport > 0.1 {
        progress(done, transfers.count, bytesReceived)
        lastReport = now
      }
      if done == transfers.count { break }
      // Sleeps until a socket is ready, a retry is due, or 100 ms passed (libcurl's own timers).
      let nextRetry = waiting.map(\.at).min().map { max(0, $0 - now) } ?? 0.1
      _ = unsafe curl.multiPoll(multi, nil, 0, Int32(min(nextRetry, 0.1) * 1000), nil)
    }
    return outcomes.map { $0! }
  }

  /// A fresh easy handle for one attempt of a transfer.
  private func configure(_ transfer: Transfer) -> UnsafeMutableRawPointer? {
    guard let handle = unsafe curl.easyInit() else { return nil }
    let request = transfer.request
    unsafe curl.setopt(handle, CURLOPT_URL, request.url)
    unsafe curl.setopt(handle, CURLOPT_NOSIGNAL, 1)
    unsafe curl.setopt(handle, CURLOPT_FOLLOWLOCATION, 1)
    unsafe curl.setopt(handle, CURLOPT_MAXREDIRS, settings.maxRedirects)
    unsafe curl.setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.timeout * 1000))
    // An idle timeout: fewer than 1 byte a second for `timeout` seconds ends the transfer.
    unsafe curl.setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
    unsafe curl.setopt(handle, CURLOPT_LOW_SPEED_TIME, max(1, Int(settings.timeout.rounded(.up))))
    // Over TLS, wait for a multiplexed HTTP/2 connection rather than opening one per request.
    // Not over plain HTTP: there is no HTTP/2 to learn of there, and waiting to learn it would
    // cost every batch one more round trip before its other connections open.
    if request.url.hasPrefix("https://") { unsafe curl.setopt(handle, CURLOPT_PIPEWAIT, 1) }
    unsafe curl.setopt(handle, CURLOPT_USERAGENT, "ckptinspect/0.1.0")
    if let range = request.range {
      unsafe curl.setopt(handle, CURLOPT_RANGE, "\(range.lowerBound)-\(range.upperBound - 1)")
    }
    if !request.headers.isEmpty {
      var list: UnsafeMutablePointer<curl_slist>?
      for header in request.headers { unsafe list = unsafe header.withCString { unsafe curl.slistAppend(list, $0) } }
      unsafe transfer.headerList = list
      unsafe curl.setopt(handle, CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(list))
    }
    let context = unsafe Unmanaged.passUnretained(transfer).toOpaque()
    unsafe curl.setopt(handle, CURLOPT_WRITEFUNCTION, pointer: unsafeBitCast(Transfer.writeCallback, to: UnsafeRawPointer.self))
    unsafe curl.setopt(handle, CURLOPT_WRITEDATA, pointer: context)
    unsafe curl.setopt(handle, CURLOPT_HEADERFUNCTION, pointer: unsafeBitCast(Transfer.headerCallback, to: UnsafeRawPointer.self))
    unsafe curl.setopt(handle, CURLOPT_HEADERDATA, pointer: context)
    return unsafe handle
  }
}

/// Monotonic seconds, for retry delays and progress.
enum Clock {
  static var now: Double {
    var time = timespec()
    unsafe clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
