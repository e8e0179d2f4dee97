/// One checkpoint a repo holds: a sharded safetensors set, a single safetensors file, a GGUF file
/// or a split GGUF set, in a folder of the repo (diffusers pipelines keep one per component).
public struct RepoCheckpoint: Equatable, Sendable {
  public enum Kind: String, Sendable {
    case shardedSafetensors = "safetensors-sharded"
    case safetensors
    case gguf
    case splitGGUF = "gguf-split"
  }

  public var kind: Kind
  /// The file that names it: the index, the single file, or part 1 of a split.
  public var path: String
  /// Every file it is made of as the listing shows them (an index's shards guessed by name:
  /// the index itself says which it maps).
  public var files: [HubFile]

  public var folder: String { HubFile(path: path, size: 0, oid: "").folder }
  public var bytes: UInt64 { files.reduce(0) { $0.plus($1.size) } }

  /// Every checkpoint in a listing, folder by folder, in the order a user would pick them:
  /// sharded sets, single safetensors, then GGUF files and split sets.
  public static func all(in files: [HubFile]) -> [RepoCheckpoint] {
    var byFolder: [String: [HubFile]] = [:]
    for file in files { byFolder[file.folder, default: []].append(file) }
    var result: [RepoCheckpoint] = []
    for folder in byFolder.keys.sorted() {
      result += inFolder(byFolder[folder]!.sorted { $0.path < $1.path })
    }
    return result
  }

  static func inFolder(_ files: [HubFile]) -> [RepoCheckpoint] {
    var result: [RepoCheckpoint] = []
    var claimed = Set<String>()
    for index in files where index.name.hasSuffix(".safetensors.index.json") {
      // `model.safetensors.index.json` maps `model-0000N-of-0000M.safetensors`.
      let stem = String(index.name.dropLast(".safetensors.index.json".count))
      let shards = files.filter { file in
        guard let split = SplitName(file.name, suffix: ".safetensors") ?? SplitName(file.name, suffix: ".safetensors.zst") else {
          return false
        }
        return split.prefix == stem
      }
      claimed.formUnion(shards.map(\.path))
      result.append(RepoCheckpoint(kind: .shardedSafetensors, path: index.path, files: [index] + shards))
    }
    for file in files where (file.name.hasSuffix(".safetensors") || file.name.hasSuffix(".safetensors.zst")) && !claimed.contains(file.path) {
      result.append(RepoCheckpoint(kind: .safetensors, path: file.path, files: [file]))
    }
    var sets: [String: [HubFile]] = [:]
    for file in files where file.name.hasSuffix(".gguf") || file.name.hasSuffix(".gguf.zst") {
      if let split = CheckpointLoader.splitName(file.name), split.count > 1 {
        sets["\(split.prefix)|\(split.count)", default: []].append(file)
      } else {
        result.append(RepoCheckpoint(kind: .gguf, path: file.path, files: [file]))
      }
    }
    for key in sets.keys.sorted() {
      let parts = sets[key]!.sorted { $0.path < $1.path }
      result.append(RepoCheckpoint(kind: .splitGGUF, path: parts[0].path, files: parts))
    }
    return result
  }

  /// What a user means by naming `path` (empty: the repo's root): a file of a checkpoint, or the
  /// one checkpoint in a folder (an index before a single safetensors file before GGUF).
  static func choose(_ path: String, in files: [HubFile], address: String) throws(CheckpointError) -> RepoCheckpoint {
    let all = all(in: files)
    if let exact = all.first(where: { $0.files.contains { $0.path == path } }) {
      if exact.kind == .shardedSafetensors && exact.path != path {
        // A shard named on its own is read on its own.
        return RepoCheckpoint(kind: .safetensors, path: path, files: exact.files.filter { $0.path == path })
      }
      return exact
    }
    if files.contains(where: { $0.path == path }) {
      throw CheckpointError(
        file: address, offset: nil, field: "",
        fault: .remote(.noCheckpoint("'\(path)' is not a .safetensors, .safetensors.index.json or .gguf file")))
    }
    let here = all.filter { $0.folder == path }
    let folderShown = path.isEmpty ? "the repo" : "folder '\(path)'"
    for kind in [Kind.shardedSafetensors, .safetensors] {
      let ofKind = here.filter { $0.kind == kind }
      if ofKind.count == 1 { return ofKind[0] }
      if ofKind.count > 1 {
        // transformers' own names win over variants beside them (model.fp16.safetensors, ...).
        let usual = kind == .shardedSafetensors ? "model.safetensors.index.json" : "model.safetensors"
        if let model = ofKind.first(where: { FileSystem.baseName($0.path) == usual }) { return model }
        throw ambiguous(ofKind, in: folderShown, address: address)
      }
    }
    let ggufs = here.filter { $0.kind == .gguf || $0.kind == .splitGGUF }
    if ggufs.count == 1 { return ggufs[0] }
    if ggufs.count > 1 { throw ambiguous(ggufs, in: folderShown, address: address) }
    let below = all.filter { path.isEmpty || $0.path.hasPrefix(path + "/") }
    if !below.isEmpty {
      let folders = Array(Set(below.map(\.folder))).sorted()
      throw CheckpointError(
        file: address, offset: nil, field: "",
        fault: .remote(
          .ambiguous(
            "\(folderShown) holds no checkpoint itself but its folders do (\(folders.joined(separator: ", "))): "
              + "name one, e.g. \(address.trimmingSlash())/\(folders[0]), or see them all with --list")))
    }
    throw CheckpointError(
      file: address, offset: nil, field: "",
      fault: .remote(
        files.contains(where: { $0.path.hasPrefix(path + "/") }) || path.isEmpty
          ? .noCheckpoint("\(folderShown) holds no .safetensors or .gguf checkpoint")
          : .notFound("'\(path)' in the repo")))
  }

  private static func ambiguous(_ choices: [RepoCheckpoint], in folder: String, address: String) -> CheckpointError {
    let names = choices.prefix(6).map { FileSystem.baseName($0.path) }.joined(separator: ", ")
    let more = choices.count > 6 ? " and \(choices.count - 6) more" : ""
    let base = address.split(separator: "/").count > 3 ? address : address.trimmingSlash()
    return CheckpointError(
      file: address, offset: nil, field: "",
      fault: .remote(
        .ambiguous(
          "\(folder) holds \(choices.count) checkpoints (\(names)\(more)): name one, e.g. "
            + "\(HubAddress.joined(base, choices[0].path)), or see them all with --list")))
  }
}

extension HubAddress {
  /// `hf://org/name[@rev]/path` for a path of the repo.
  static func joined(_ address: String, _ repoPath: String) -> String {
    guard let parsed = try? HubAddress(address) else { return address + "/" + repoPath }
    var copy = parsed
    copy.path = repoPath
    return copy.description
  }
}

extension String {
  func trimmingSlash() -> String {
    var s = self
    while s.hasSuffix("/") { s.removeLast() }
    return s
  }
}
