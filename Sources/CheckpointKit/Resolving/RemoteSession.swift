#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of reading one remote input: the HTTP client (made only when a request is needed),
/// the cache, the token, and progress on standard error.
final class RemoteSession {
  let options: RemoteOptions
  let endpoint: String
  let cache: RemoteCache
  /// What the input is called in messages and progress.
  let label: String
  private let token: String?
  private var client: HTTPClient?
  private let showProgress: Bool

  init(options: RemoteOptions, label: String) {
    self.options = options
    self.label = label
    endpoint = options.resolvedEndpoint
    token = options.resolvedToken
    cache = RemoteCache(directory: options.cacheDirectory, enabled: options.cache)
    showProgress = options.progress && Environment.isTerminal(2)
  }

  deinit {
    if showProgress && client != nil { Progress.clear() }
  }

  /// The token goes to the Hub endpoint only (libcurl drops it on a redirect to another host).
  func headers(for url: String) -> [String] {
    guard let token, url.hasPrefix(endpoint + "/") else { return [] }
    return ["Authorization: Bearer \(token)"]
  }

  func httpClient(for what: @autoclosure () -> String) throws(CheckpointError) -> HTTPClient {
    if let client { return client }
    guard !options.offline else {
      throw CheckpointError(file: label, offset: nil, field: "", fault: .remote(.offline(what())))
    }
    var settings = HTTPClient.Settings()
    settings.timeout = options.timeout
    let made = try HTTPClient(settings: settings)
    if showProgress {
      let label = self.label
      made.progress = { done, total, bytes in
        Progress.show("\(label): \(done)/\(total) requests, \(Units.bytes(bytes)) read")
      }
    }
    client = made
    return made
  }

  /// Requests made so far.
  var requests: Int { client?.requestsMade ?? 0 }

  // MARK: Whole small bodies (listings, configs, indexes)

  struct Body {
    var bytes: [UInt8]
    var headers: [String: String]
  }

  /// Fetches small documents at once. A nil cache key: not cached. `missingIsNil`: a 404 (or a
  /// 401 for a speculative read) gives nil instead of an error.
  func bodies(_ wanted: [(url: String, key: String?, maxAge: Double, missingIsNil: Bool)]) throws(CheckpointError) -> [Body?] {
    var results = [Body?](repeating: nil, count: wanted.count)
    var pending: [Int] = []
    for (i, item) in wanted.enumerated() {
      if let key = item.key, let entry = cache.get(key, maxAge: item.maxAge) {
        results[i] = Body(bytes: entry.bytes, headers: [:])
      } else {
        pending.append(i)
      }
    }
    guard !pending.isEmpty else { return results }
    let client = try httpClient(for: wanted[pending[0]].url)
    let answers = client.perform(pending.map { HTTPRequest(url: wanted[$0].url, headers: headers(for: wanted[$0].url), maxBody: 64 << 20) })
    for (i, answer) in zip(pending, answers) {
      switch answer {
      case .success(let response):
        results[i] = Body(bytes: response.body, headers: response.headers)
        if let key = wanted[i].key { cache.put(key, response.body.span, size: UInt64(response.body.count)) }
      case .failure(let error):
        if wanted[i].missingIsNil, case .remote(let fault) = error.fault {
          switch fault {
          case .notFound, .unauthorized: continue
          default: break
          }
        }
        throw error
      }
    }
    return results
  }

  // MARK: Headers of checkpoint files

  /// A file whose header is to be read.
  struct HeaderFile {
    var url: String
    /// The name in messages and in the catalog (`hf://org/name/path` or the URL).
    var name: String
    var size: UInt64?
    var sha256: String?
    /// The first range's length, when something better than the default is known.
    var firstRead: Int?
  }

  /// A file's header, parsed, with what is needed to make its catalog.
  struct ReadHeader {
    var file: RemoteFile
    var parsed: CheckpointLoader.ParsedFile?
    var problems: Problems
    /// A compressed file: its catalog, made by the zstd path.
    var compressed: Catalog?
  }

  /// The first read of a file: enough for most safetensors headers (huggingface_hub reads the
  /// same), and for a GGUF a size that holds a small vocabulary's header.
  static let firstRead = 100_000
  static let firstReadGGUF = 1 << 20

  /// Reads the headers of every file at once: a first range of each in one batch, then, round by
  /// round, exactly what each reader still asks for, all files of a round in one batch.
  func readHeaders(_ wanted: [HeaderFile], options load: LoadOptions) throws(CheckpointError) -> [ReadHeader] {
    var ignored: [Body?] = []
    return try readHeaders(wanted, options: load, alongside: [], bodies: &ignored)
  }

  /// Like `readHeaders`, also fetching small documents (a config.json beside a URL) in the first
  /// round, so they cost no round trip of their own; a missing one is nil. Cached for a while
  /// under their URL.
  func readHeaders(
    _ wanted: [HeaderFile], options load: LoadOptions, alongside: [String], bodies extra: inout [Body?]
  ) throws(CheckpointError) -> [ReadHeader] {
    extra = alongside.map { url in cache.get("url:\(url)", maxAge: RemoteCache.branchLifetime).map { Body(bytes: $0.bytes, headers: [:]) } }
    var pendingExtra = alongside.indices.filter { extra[$0] == nil }
    var files: [RemoteFile] = []
    var results: [ReadHeader?] = Array(repeating: nil, count: wanted.count)
    var needs: [Int?] = Array(repeating: nil, count: wanted.count)
    for (i, item) in wanted.enumerated() {
      let file = try RemoteFile(url: item.url, name: item.name, headers: headers(for: item.url), size: item.size, sha256: item.sha256, client: lazyClient)
      if let entry = cache.get(cacheKey(item), maxAge: item.sha256 == nil ? RemoteCache.branchLifetime : .infinity),
        item.size == nil || entry.size == item.size
      {
        file.preload(entry.bytes, size: entry.size)
      }
      files.append(file)
      // A GGUF's tokenizer sits in its first part: later parts of a split hold tensor infos only.
      let name = FileSystem.baseName(item.name)
      let laterPart = (CheckpointLoader.splitName(name)?.part ?? 1) > 1
      let gguf = (name.hasSuffix(".gguf") || name.hasSuffix(".gguf.zst")) && !laterPart
      needs[i] = file.count > 0 ? nil : item.firstRead ?? (gguf ? RemoteSession.firstReadGGUF : RemoteSession.firstRead)
    }
    while true {
      // Parse what each file holds; collect what the others need.
      for i in files.indices where results[i] == nil && needs[i] == nil {
        let file = files[i]
        if file.withSpan({ ZstdStream.looksLike($0) }) || (file.count < 4 && wanted[i].name.hasSuffix(".zst")) {
          // The decoder pulls compressed bytes as it goes: one file at a time.
          let catalog = try CheckpointLoader.catalog(ofCompressed: file, path: wanted[i].name, options: load, fileIndex: 0)
          results[i] = ReadHeader(file: file, parsed: nil, problems: Problems(), compressed: catalog)
          continue
        }
        switch try CheckpointLoader.attempt(file, path: wanted[i].name, options: load) {
        case .parsed(let parsed, let problems):
          results[i] = ReadHeader(file: file, parsed: parsed, problems: problems, compressed: nil)
        case .needs(let count):
          // A GGUF's vocabulary is read in few rounds by growing fourfold (each round is a round trip).
          let gguf = file.withSpan { GGUFReader.looksLike($0) }
          needs[i] = gguf ? max(count, file.count * 4) : count
        }
      }
      let open = files.indices.filter { needs[$0] != nil }
      if open.isEmpty { break }
      var requests: [HTTPRequest] = []
      var owners: [Int] = []
      for i in open {
        if let request = try files[i].request(upTo: needs[i]!) {
          requests.append(request)
          owners.append(i)
        } else {
          needs[i] = nil
          if !files[i].isComplete {
            throw CheckpointError(file: wanted[i].name, offset: nil, field: "", fault: .remote(.badResponse("no more bytes came")))
          }
        }
      }
      if requests.isEmpty { continue }
      let client = try httpClient(for: wanted[owners[0]].name)
      let extraRequests = pendingExtra.map { HTTPRequest(url: alongside[$0], headers: headers(for: alongside[$0]), maxBody: 4 << 20) }
      let answers = client.perform(requests + extraRequests)
      for (k, answer) in zip(pendingExtra, answers.dropFirst(requests.count)) {
        // Only a document that came is used; any failure just means there is none.
        if case .success(let response) = answer {
          extra[k] = Body(bytes: response.body, headers: response.headers)
          cache.put("url:\(alongside[k])", response.body.span, size: UInt64(response.body.count))
        }
      }
      pendingExtra = []
      for (i, answer) in zip(owners, answers) {
        let before = files[i].count
        try files[i].apply(answer)
        if files[i].count == before && !files[i].isComplete {
          throw CheckpointError(file: wanted[i].name, offset: nil, field: "", fault: .remote(.badResponse("the server sent no bytes")))
        }
        needs[i] = nil
      }
    }
    for (i, file) in files.enumerated() where !file.fromCache || file.grew {
      file.withSpan { cache.put(cacheKey(wanted[i]), $0, size: file.size) }
    }
    return results.map { $0! }
  }

  /// Content-addressed when the listing gave a sha256; else the URL (reused for a while).
  private func cacheKey(_ file: HeaderFile) -> String {
    file.sha256.map { "sha256:\($0)" } ?? "url:\(file.url)"
  }

  /// The client for files that fetch on their own (zstd): made when first used.
  private var lazyClient: () throws(CheckpointError) -> HTTPClient {
    { [unowned self] () throws(CheckpointError) in try self.httpClient(for: self.label) }
  }
}
