/// Why a remote input (an `hf://` repo or an http(s) URL) could not be read. The server or the
/// network is at fault here, not the checkpoint: a malformed checkpoint read over HTTP gets the
/// same safetensors/GGUF faults as a local file.
public enum RemoteFault: Equatable, Sendable, CustomStringConvertible {
  /// libcurl is missing or too old.
  case noHTTPLibrary(String)
  /// 401 or 403: a gated or private repo, or a refused token.
  case unauthorized(status: Int, tokenGiven: Bool)
  /// 404 (or the Hub's "repository not found"): what was not found.
  case notFound(String)
  /// 416: the server says the range lies past the file's end.
  case rangeNotSatisfiable
  /// A 206 answer whose Content-Range is not the range asked for.
  case badContentRange(String)
  /// Any other unexpected HTTP status, after retries for 429 and 5xx.
  case http(status: Int, retries: Int)
  case tooManyRedirects(Int)
  /// No byte arrived for this many seconds (connecting or reading).
  case timeout(seconds: Double)
  /// The connection failed or was reset (after retries).
  case connection(String)
  /// A Hub answer that is not what the API returns (a listing that is not JSON, ...).
  case badResponse(String)
  /// The repo or folder holds no checkpoint this tool reads.
  case noCheckpoint(String)
  /// The repo holds several checkpoints: which ones, and how to name one.
  case ambiguous(String)
  /// `--offline` and what is needed is not in the cache.
  case offline(String)
  /// The address is not a URL or `hf://ORG/NAME[@REVISION][/PATH]`.
  case badAddress(String)

  public var description: String {
    switch self {
    case .noHTTPLibrary(let why): return why
    case .unauthorized(let status, let tokenGiven):
      return tokenGiven
        ? "HTTP \(status): the token was refused (no access to this repo? check --token or HF_TOKEN)"
        : "HTTP \(status): the repo is gated or private: give a token with --token, HF_TOKEN or `hf auth login`"
    case .notFound(let what): return "HTTP 404: \(what) was not found"
    case .rangeNotSatisfiable: return "HTTP 416: the server says the bytes asked for lie past the end of the file"
    case .badContentRange(let why): return "the server answered another range than the one asked for (\(why))"
    case .http(let status, let retries):
      return retries > 0 ? "HTTP \(status) (after \(retries) retries)" : "HTTP \(status)"
    case .tooManyRedirects(let n): return "more than \(n) redirects (a redirect loop?)"
    case .timeout(let seconds): return "no answer for \(Units.fixed(seconds, seconds < 10 ? 1 : 0)) s (--timeout to wait longer)"
    case .connection(let why): return why
    case .badResponse(let why): return why
    case .noCheckpoint(let why): return why
    case .ambiguous(let why): return why
    case .offline(let what): return "--offline: \(what) is not in the cache"
    case .badAddress(let why): return why
    }
  }

  public var kind: String {
    switch self {
    case .noHTTPLibrary: return "no_http_library"
    case .unauthorized: return "unauthorized"
    case .notFound: return "not_found"
    case .rangeNotSatisfiable: return "range_not_satisfiable"
    case .badContentRange: return "bad_content_range"
    case .http: return "http_status"
    case .tooManyRedirects: return "too_many_redirects"
    case .timeout: return "timeout"
    case .connection: return "connection"
    case .badResponse: return "bad_response"
    case .noCheckpoint: return "no_checkpoint"
    case .ambiguous: return "ambiguous"
    case .offline: return "offline"
    case .badAddress: return "bad_address"
    }
  }
}
