#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How remote inputs are reached: the Hub endpoint, the token, the cache, the timeouts.
public struct RemoteOptions: Sendable {
  /// `--endpoint`; else `HF_ENDPOINT`; else the public Hub.
  public var endpoint: String?
  /// `--token`; else `HF_TOKEN`; else the token file the Hugging Face CLI writes.
  public var token: String?
  /// Read and write the cache of headers and listings.
  public var cache = true
  /// Make no request at all: everything must come from the cache.
  public var offline = false
  /// Seconds to wait for a connection or for the next byte.
  public var timeout: Double = 30
  /// Show progress on standard error (only when it is a terminal).
  public var progress = true

  public init() {}

  static let publicHub = "https://huggingface.co"

  /// The endpoint without a trailing slash.
  var resolvedEndpoint: String {
    var value = endpoint ?? Environment.get("HF_ENDPOINT") ?? RemoteOptions.publicHub
    if value.isEmpty { value = RemoteOptions.publicHub }
    while value.hasSuffix("/") { value.removeLast() }
    return value
  }

  /// The token, from the option, the environment or the CLI's token file, in that order.
  var resolvedToken: String? {
    if let token, !token.isEmpty { return token }
    if let token = Environment.get("HF_TOKEN"), !token.isEmpty { return token }
    let home = Environment.get("HF_HOME") ?? ((Environment.get("XDG_CACHE_HOME") ?? ((Environment.get("HOME") ?? "") + "/.cache")) + "/huggingface")
    let path = home + "/token"
    guard FileSystem.kind(of: path) == .file, let file = try? MappedFile(path: path), file.size < 4096 else { return nil }
    let text = file.withSpan { $0.decodedString }.trimmingWhitespace()
    return text.isEmpty ? nil : text
  }

  /// Where fetched headers and listings are kept: `$XDG_CACHE_HOME/ckptinspect/remote`, else
  /// `~/.cache/ckptinspect/remote`.
  var cacheDirectory: String {
    let base = Environment.get("XDG_CACHE_HOME").flatMap { $0.isEmpty ? nil : $0 } ?? ((Environment.get("HOME") ?? "/tmp") + "/.cache")
    return base + "/ckptinspect/remote"
  }
}

extension String {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s = s.dropFirst() }
    while let c = s.last, c.isWhitespace { s = s.dropLast() }
    return String(s)
  }
}
