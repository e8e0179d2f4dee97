/// What the user named when it is not a local path: `hf://ORG/NAME[@REVISION][/PATH]` (a Hugging
/// Face repo, a folder or a file in it) or an `http(s)://` URL of one file.
public enum RemoteAddress: Equatable, Sendable {
  case hub(HubAddress)
  case url(String)

  /// Whether `text` is meant as a remote address (anything else is a local path).
  public static func isRemote(_ text: String) -> Bool {
    text.hasPrefix("hf://") || text.hasPrefix("https://") || text.hasPrefix("http://")
  }

  public init(_ text: String) throws(CheckpointError) {
    if text.hasPrefix("hf://") {
      self = .hub(try HubAddress(text))
    } else {
      guard text.count > 8, !text.contains(" ") else {
        throw CheckpointError(file: text, offset: nil, field: "", fault: .remote(.badAddress("not a URL")))
      }
      self = .url(text)
    }
  }
}

/// `hf://ORG/NAME[@REVISION][/PATH]`.
public struct HubAddress: Equatable, Sendable {
  public var repo: String
  /// `main` when not given.
  public var revision: String
  public var revisionGiven: Bool
  /// A file or folder in the repo; empty for the whole repo.
  public var path: String

  public init(_ text: String) throws(CheckpointError) {
    func bad(_ why: String) -> CheckpointError {
      CheckpointError(
        file: text, offset: nil, field: "", fault: .remote(.badAddress("\(why): write hf://ORG/NAME[@REVISION][/PATH]")))
    }
    let rest = text.dropFirst("hf://".count)
    let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 2, !parts[0].isEmpty else { throw bad("no ORG/NAME") }
    var name = parts[1]
    var revision = "main"
    var given = false
    if let at = name.firstIndex(of: "@") {
      revision = String(name[name.index(after: at)...])
      name = name[..<at]
      given = true
      guard !revision.isEmpty else { throw bad("an empty revision after '@'") }
    }
    guard !name.isEmpty else { throw bad("no repo name") }
    let allowed: (Character) -> Bool = { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    guard parts[0].allSatisfy(allowed), name.allSatisfy(allowed), name != ".", name != ".." else {
      throw bad("'\(parts[0])/\(name)' is not a repo id")
    }
    repo = "\(parts[0])/\(name)"
    // A revision with a slash (refs/pr/1) cannot be told from a path: it is written %2F-encoded.
    self.revision = revision.replacingOccurrences("%2F", "/")
    revisionGiven = given
    path = parts.dropFirst(2).joined(separator: "/")
    while path.hasSuffix("/") { path.removeLast() }
    guard !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else { throw bad("'..' in the path") }
  }

  /// A 40-hex-digit revision is a commit: what it names never changes (so its cache never expires).
  public var isCommit: Bool {
    revision.count == 40 && revision.allSatisfy { $0.isHexDigit }
  }

  public var description: String {
    "hf://\(repo)" + (revisionGiven ? "@\(revision)" : "") + (path.isEmpty ? "" : "/\(path)")
  }
}

extension String {
  func replacingOccurrences(_ target: String, _ replacement: String) -> String {
    guard !target.isEmpty, contains(target) else { return self }
    var result = ""
    var rest = Substring(self)
    while let range = rest.firstRange(of: target) {
      result += rest[..<range.lowerBound]
      result += replacement
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}
