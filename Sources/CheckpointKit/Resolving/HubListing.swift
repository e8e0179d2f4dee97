/// One file of a Hub repo, as the tree API lists it.
public struct HubFile: Equatable, Sendable {
  /// The path in the repo (`unet/diffusion_pytorch_model.safetensors`).
  public var path: String
  public var size: UInt64
  /// The git blob id: identifies the content of small files.
  public var oid: String
  /// The sha256 of a file stored with Git LFS (checkpoints are): identifies its content.
  public var sha256: String?

  public var name: String { FileSystem.baseName(path) }
  public var folder: String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[..<slash])
  }
}

/// Parses the Hub's tree listing: a JSON array of `{type, oid, size, path, lfs: {oid, size}}`.
enum HubListing {
  static func parse(_ bytes: [UInt8], url: String) throws(CheckpointError) -> [HubFile] {
    func bad(_ why: String) -> CheckpointError {
      CheckpointError(file: url, offset: nil, field: "", fault: .remote(.badResponse("the repo listing is not what the Hub API returns: \(why)")))
    }
    guard let root = try? ConfigFile.parse(bytes.span) else { throw bad("not JSON") }
    guard case .array(let items) = root else { throw bad("not a JSON array") }
    var files: [HubFile] = []
    for item in items {
      guard case .object(let members) = item else { throw bad("an entry is not an object") }
      func member(_ key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }
      guard case .string(let type)? = member("type"), case .string(let path)? = member("path") else {
        throw bad("an entry has no type or path")
      }
      guard type == "file" else { continue }
      var size: UInt64 = 0
      if case .unsigned(let v)? = member("size") { size = v }
      var oid = ""
      if case .string(let v)? = member("oid") { oid = v }
      var sha: String?
      if case .object(let lfs)? = member("lfs") {
        if case .string(let v)? = lfs.first(where: { $0.0 == "oid" })?.1 { sha = v }
        if case .unsigned(let v)? = lfs.first(where: { $0.0 == "size" })?.1 { size = v }
      }
      guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
        throw bad("an entry's path '\(path)' leaves the repo")
      }
      files.append(HubFile(path: path, size: size, oid: oid, sha256: sha))
    }
    return files
  }

  /// The next page's URL from a `Link: <URL>; rel="next"` header.
  static func nextPage(_ link: String?) -> String? {
    guard let link else { return nil }
    for part in link.split(separator: ",") where part.contains("rel=\"next\"") {
      guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close else { continue }
      return String(part[part.index(after: open)..<close])
    }
    return nil
  }
}
