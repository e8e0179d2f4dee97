/// Turns a remote address into a Catalog, reading only header bytes over HTTP range requests.
/// The round trips of `hf://org/repo` are few and fixed: the listing (with the root's index and
/// config fetched beside it, in case), then a first range of every file at once, then what each
/// header still needs, all files at once. The format readers are the local ones, fed by
/// `RemoteFile` sources; sharded and split checkpoints are checked by the same merging code.
public enum RemoteLoader {
  public static func load(_ text: String, options: LoadOptions) throws(CheckpointError) -> Catalog {
    switch try RemoteAddress(text) {
    case .url(let url): return try loadURL(url, options: options)
    case .hub(let address): return try loadHub(address, options: options)
    }
  }

  /// Every checkpoint of a repo (or of a folder of it), for `--list`.
  public static func list(_ text: String, options: LoadOptions) throws(CheckpointError) -> [RepoCheckpoint] {
    guard case .hub(let address) = try RemoteAddress(text) else {
      throw CheckpointError(file: text, offset: nil, field: "", fault: .remote(.badAddress("--list needs a repo: hf://ORG/NAME")))
    }
    let session = RemoteSession(options: options.remote, label: address.description)
    let (files, _) = try listing(address, session: session, speculate: false)
    let all = RepoCheckpoint.all(in: files)
    return address.path.isEmpty ? all : all.filter { $0.folder == address.path || $0.folder.hasPrefix(address.path + "/") || $0.files.contains { $0.path == address.path } }
  }

  // MARK: A URL

  /// A URL of one file; of an index (its shards are read from beside it); or of one part of a
  /// split GGUF (every part is read), like the same names on disk.
  static func loadURL(_ url: String, options: LoadOptions) throws(CheckpointError) -> Catalog {
    let session = RemoteSession(options: options.remote, label: url)
    let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    let name = FileSystem.baseName(path)
    let base = String(path.dropLast(name.count))
    let configURL = base + "config.json"
    func header(_ url: String) -> RemoteSession.HeaderFile { RemoteSession.HeaderFile(url: url, name: url, size: nil, sha256: nil) }

    if name.hasSuffix(".index.json") {
      let documents = try session.bodies([
        (url, "url:\(url)", RemoteCache.branchLifetime, false), (configURL, "url:\(configURL)", RemoteCache.branchLifetime, true),
      ])
      guard let bytes = documents[0]?.bytes else {
        throw CheckpointError(file: url, offset: nil, field: "", fault: .remote(.notFound("the index")))
      }
      let config = documents[1].flatMap { configFile(from: $0.bytes, name: configURL) }
      let index: ShardIndex
      do throws(CheckpointError) { index = try ShardIndex.parse(bytes.span) } catch { throw error.inFile(url) }
      // Only names that stay beside the index are fetched; the merge reports the others.
      let shards = index.shards.filter { !$0.isEmpty && !$0.contains("/") && !$0.contains("\\") && $0 != "." && $0 != ".." }
      let read = try session.readHeaders(shards.map { header(base + percentEncoded($0, keepSlash: false)) }, options: options)
      var byShard: [String: RemoteSession.ReadHeader] = [:]
      for (shard, result) in zip(shards, read) { byShard[shard] = result }
      var catalog = try CheckpointLoader.mergeShards(index: index, indexPath: url, userPath: url, options: options) {
        (shard, fileIndex) throws(CheckpointError) -> Catalog? in
        guard let result = byShard[shard] else { return nil }
        return try RemoteLoader.catalog(result, name: result.file.name, fileIndex: fileIndex)
      }
      catalog.config = config
      return catalog
    }
    // config.json beside the file comes in the same round as the header's first bytes.
    var documents: [RemoteSession.Body?] = []
    if let split = CheckpointLoader.splitName(name), split.count > 1 {
      let urls = (1...split.count).map { base + percentEncoded(split.name(ofPart: $0), keepSlash: false) }
      let read = try session.readHeaders(urls.map(header), options: options, alongside: [configURL], bodies: &documents)
      var byURL: [String: RemoteSession.ReadHeader] = [:]
      for (partURL, result) in zip(urls, read) { byURL[partURL] = result }
      var catalog = try CheckpointLoader.mergeSplit(
        split: split, userPath: url, options: options, part: { urls[$0 - 1] },
        load: { (partURL, fileIndex) throws(CheckpointError) in try RemoteLoader.catalog(byURL[partURL]!, name: partURL, fileIndex: fileIndex) })
      catalog.config = documents.first.flatMap { $0 }.flatMap { configFile(from: $0.bytes, name: configURL) }
      return catalog
    }
    let read = try session.readHeaders([header(url)], options: options, alongside: [configURL], bodies: &documents)
    var single = try catalog(read[0], name: url, fileIndex: 0)
    single.config = documents.first.flatMap { $0 }.flatMap { configFile(from: $0.bytes, name: configURL) }
    return single
  }

  /// A config.json's parsed document; nil when it is not JSON (an error page, say).
  static func configFile(from bytes: [UInt8], name: String) -> ConfigFile? {
    (try? ConfigFile.parse(bytes.span)).map { ConfigFile(path: name, root: $0) }
  }

  /// The catalog of one read file, with where it came from.
  static func catalog(_ read: RemoteSession.ReadHeader, name: String, fileIndex: Int) throws(CheckpointError) -> Catalog {
    var catalog: Catalog
    if var compressed = read.compressed {
      if fileIndex != 0 {
        for k in compressed.tensors.indices { compressed.tensors[k].file = fileIndex }
      }
      catalog = compressed
    } else {
      var problems = read.problems
      catalog = try CheckpointLoader.catalog(ofPrefix: read.parsed!, problems: &problems, path: name, size: read.file.size, fileIndex: fileIndex)
      if read.file.size == nil {
        catalog.warnings.append("\(name): the server did not say the file's size, so the tensor data's extent was not checked")
      }
    }
    catalog.files[0].sourceURL = read.file.originalURL
    catalog.files[0].sha256 = read.file.sha256
    return catalog
  }

  // MARK: A Hub repo

  static func resolveURL(_ session: RemoteSession, _ address: HubAddress, _ path: String) -> String {
    "\(session.endpoint)/\(address.repo)/resolve/\(percentEncoded(address.revision, keepSlash: false))/\(percentEncoded(path, keepSlash: true))"
  }

  /// The repo's files, from the tree API (recursive, every page). With `speculate`, the root's
  /// index and config are fetched in the same round, for the common case that the repo is a
  /// transformers checkpoint: they are what is read next.
  static func listing(
    _ address: HubAddress, session: RemoteSession, speculate: Bool, shardHeaders: Bool = false
  ) throws(CheckpointError) -> ([HubFile], [String: [UInt8]]) {
    let treeURL = "\(session.endpoint)/api/models/\(address.repo)/tree/\(percentEncoded(address.revision, keepSlash: false))?recursive=true"
    let key = "tree:\(treeURL)"
    let maxAge = address.isCommit ? Double.infinity : RemoteCache.branchLifetime
    var wanted: [(url: String, key: String?, maxAge: Double, missingIsNil: Bool)] = [(treeURL, key, maxAge, false)]
    let cached = session.cache.get(key, maxAge: maxAge) != nil
    let guesses = speculate && !cached && address.path.isEmpty ? ["model.safetensors.index.json", "config.json"] : []
    for name in guesses { wanted.append((resolveURL(session, address, name), nil, 0, true)) }
    // The Hub's one-request answer with every shard's header (main only: the route takes no
    // revision). Asked in the same round; with a cached listing, only its cached copy is used.
    let metadataURL = "\(session.endpoint)/api/models/\(address.repo)/safetensors-metadata/model.safetensors.index.json"
    let metadataKey = "sharded:\(metadataURL)"
    let askMetadata = shardHeaders && address.path.isEmpty && address.revision == "main"
    if askMetadata && !cached { wanted.append((metadataURL, metadataKey, RemoteCache.branchLifetime, true)) }
    let answers: [RemoteSession.Body?]
    do throws(CheckpointError) {
      answers = try session.bodies(wanted)
    } catch {
      throw hubError(error, address: address, what: "repo \(address.repo)" + (address.revisionGiven ? " at revision \(address.revision)" : ""))
    }
    var files = try HubListing.parse(answers[0]!.bytes, url: treeURL)
    // Further pages, when the Hub splits a large listing.
    var next = HubListing.nextPage(answers[0]!.headers["link"])
    var pages = 1
    while let url = next, pages < 1000 {
      let page = try session.bodies([(url, nil, 0, false)])[0]!
      files += try HubListing.parse(page.bytes, url: url)
      next = HubListing.nextPage(page.headers["link"])
      pages += 1
    }
    var prefetched: [String: [UInt8]] = [:]
    if askMetadata {
      if cached {
        prefetched[shardedMetadata] = session.cache.get(metadataKey, maxAge: RemoteCache.branchLifetime)?.bytes
      } else if let answer = answers[1 + guesses.count] {
        prefetched[shardedMetadata] = answer.bytes
      }
    }
    for (name, answer) in zip(guesses, answers.dropFirst()) {
      if let answer, let file = files.first(where: { $0.path == name }) {
        prefetched[name] = answer.bytes
        session.cache.put("git:\(file.oid)", answer.bytes.span, size: UInt64(answer.bytes.count))
      }
    }
    return (files, prefetched)
  }

  /// The key of the sharded-metadata answer among prefetched documents (no repo path has a NUL).
  static let shardedMetadata = "\u{0}sharded-metadata"

  /// Names what was not found: the repo, a revision, a file.
  static func hubError(_ error: CheckpointError, address: HubAddress, what: String) -> CheckpointError {
    var copy = error
    copy.file = address.description
    if case .remote(.notFound) = error.fault { copy.fault = .remote(.notFound(what)) }
    return copy
  }

  static func loadHub(_ address: HubAddress, options: LoadOptions) throws(CheckpointError) -> Catalog {
    let session = RemoteSession(options: options.remote, label: address.description)
    // `validate` reads every shard's real bytes; the one-request answer is a server's rendering.
    let (files, prefetched) = try listing(address, session: session, speculate: true, shardHeaders: !options.collectProblems)
    let chosen = try RepoCheckpoint.choose(address.path, in: files, address: address.description)
    let display = address.description

    // The index (for a sharded set) and the folder's config.json, in one round.
    let configPath = chosen.folder.isEmpty ? "config.json" : chosen.folder + "/config.json"
    var smallPaths: [String] = []
    if chosen.kind == .shardedSafetensors { smallPaths.append(chosen.path) }
    if files.contains(where: { $0.path == configPath }) { smallPaths.append(configPath) }
    // A PEFT adapter's config (rank, layout, modules saved whole), for `diff`'s adapter mode.
    let adapterConfigPath = chosen.folder.isEmpty ? "adapter_config.json" : chosen.folder + "/adapter_config.json"
    if files.contains(where: { $0.path == adapterConfigPath }) { smallPaths.append(adapterConfigPath) }
    var small: [String: [UInt8]] = [:]
    var fetch: [(url: String, key: String?, maxAge: Double, missingIsNil: Bool)] = []
    var fetchPaths: [String] = []
    for path in smallPaths {
      if let bytes = prefetched[path] {
        small[path] = bytes
      } else {
        let oid = files.first { $0.path == path }?.oid ?? ""
        fetch.append((resolveURL(session, address, path), oid.isEmpty ? nil : "git:\(oid)", .infinity, false))
        fetchPaths.append(path)
      }
    }
    if !fetch.isEmpty {
      do throws(CheckpointError) {
        for (path, body) in zip(fetchPaths, try session.bodies(fetch)) { small[path] = body?.bytes }
      } catch {
        throw hubError(error, address: address, what: "a file of the repo")
      }
    }
    let config = small[configPath].flatMap { bytes in try? ConfigFile.parse(bytes.span) }
      .map { ConfigFile(path: HubAddress.joined(display, configPath), root: $0) }

    func header(_ file: HubFile) -> RemoteSession.HeaderFile {
      RemoteSession.HeaderFile(
        url: resolveURL(session, address, file.path), name: HubAddress.joined(display, file.path), size: file.size, sha256: file.sha256)
    }
    var catalog: Catalog
    switch chosen.kind {
    case .safetensors, .gguf:
      let read = try readHeaders(session, [header(chosen.files[0])], options: options, address: address)
      // The path names the file read (its name's size label counts in the audit, as on disk).
      catalog = try RemoteLoader.catalog(read[0], name: HubAddress.joined(display, chosen.path), fileIndex: 0)

    case .splitGGUF:
      let read = try readHeaders(session, chosen.files.map(header), options: options, address: address)
      var byPath: [String: RemoteSession.ReadHeader] = [:]
      for (file, result) in zip(chosen.files, read) { byPath[HubAddress.joined(display, file.path)] = result }
      let split = CheckpointLoader.splitName(chosen.files[0].name)!
      let plain = SplitName(split.name(ofPart: 1).replacingSuffix(".gguf.zst", with: ".gguf"), suffix: ".gguf") ?? split
      let folder = chosen.folder
      catalog = try CheckpointLoader.mergeSplit(
        split: split, userPath: display, options: options,
        part: { n in
          let name = plain.name(ofPart: n)
          for candidate in [name, name + ".zst"] {
            let path = folder.isEmpty ? candidate : folder + "/" + candidate
            if files.contains(where: { $0.path == path }) { return HubAddress.joined(display, path) }
          }
          return nil
        },
        load: { (path, fileIndex) throws(CheckpointError) in try RemoteLoader.catalog(byPath[path]!, name: path, fileIndex: fileIndex) })

    case .shardedSafetensors:
      let indexName = HubAddress.joined(display, chosen.path)
      guard let indexBytes = small[chosen.path] else {
        throw CheckpointError(file: indexName, offset: nil, field: "", fault: .remote(.notFound("the index")))
      }
      let index: ShardIndex
      do throws(CheckpointError) {
        index = try ShardIndex.parse(indexBytes.span)
      } catch {
        throw error.inFile(indexName)
      }
      let folder = chosen.folder
      func repoPath(_ shard: String) -> String { folder.isEmpty ? shard : folder + "/" + shard }
      // Shards the listing has; one the index names and the listing lacks is reported missing
      // by the merge, like a missing file on disk.
      var present = index.shards.compactMap { shard in
        files.first { $0.path == repoPath(shard) } ?? files.first { $0.path == repoPath(shard) + ".zst" }
      }
      // Shards whose headers the Hub sent in its one-request answer need no range read.
      var answered: [String: Catalog] = [:]
      if chosen.path == "model.safetensors.index.json", let bytes = prefetched[shardedMetadata] {
        answered = ShardedMetadata.catalogs(bytes, shards: present, name: { HubAddress.joined(display, $0.path) })
        present.removeAll { answered[$0.name] != nil }
      }
      // A first read sized from the index: each entry of a header is its name plus ~100 bytes of
      // dtype, shape and offsets, so a 70B model's 24-tensor shard needs ~4 kB, not 100 kB.
      var estimate: [String: Int] = [:]
      for (tensor, shard) in index.weightMap { estimate[shard, default: 1024] += tensor.utf8.count + 128 }
      var wanted = present.map(header)
      for k in wanted.indices {
        let shard = present[k].name.replacingSuffix(".zst", with: "")
        if !present[k].name.hasSuffix(".zst"), let bytes = estimate[shard] { wanted[k].firstRead = min(bytes, RemoteSession.firstRead) }
      }
      let read = try readHeaders(session, wanted, options: options, address: address)
      var byShard: [String: RemoteSession.ReadHeader] = [:]
      for (file, result) in zip(present, read) { byShard[file.name.replacingSuffix(".zst", with: "")] = result }
      catalog = try CheckpointLoader.mergeShards(index: index, indexPath: indexName, userPath: display, options: options) {
        (shard, fileIndex) throws(CheckpointError) -> Catalog? in
        if var catalog = answered[shard] {
          for k in catalog.tensors.indices { catalog.tensors[k].file = fileIndex }
          if let file = files.first(where: { $0.path == repoPath(shard) }) {
            catalog.files[0].sourceURL = resolveURL(session, address, file.path)
            catalog.files[0].sha256 = file.sha256
          }
          return catalog
        }
        guard let result = byShard[shard] else { return nil }
        return try RemoteLoader.catalog(result, name: result.file.name, fileIndex: fileIndex)
      }
      // Shards in the listing that the index does not map: said, since a user may be missing them.
      let mapped = Set(index.shards)
      for file in chosen.files.dropFirst() where !mapped.contains(file.name.replacingSuffix(".zst", with: "")) {
        catalog.warnings.append("\(file.name): in the repo but not in the index, so not read")
      }
    }
    catalog.config = config
    catalog.adapterConfig = small[adapterConfigPath].flatMap { bytes in try? ConfigFile.parse(bytes.span) }
      .map { ConfigFile(path: HubAddress.joined(display, adapterConfigPath), root: $0) }
    return catalog
  }

  static func readHeaders(
    _ session: RemoteSession, _ wanted: [RemoteSession.HeaderFile], options: LoadOptions, address: HubAddress
  ) throws(CheckpointError) -> [RemoteSession.ReadHeader] {
    do throws(CheckpointError) {
      return try session.readHeaders(wanted, options: options)
    } catch {
      if case .remote(.notFound) = error.fault {
        var copy = error
        copy.fault = .remote(.notFound("the file (listed by the repo)"))
        throw copy
      }
      throw error
    }
  }

  /// Percent-encodes a URL path (RFC 3986 unreserved characters kept, and `/` when asked).
  static func percentEncoded(_ text: String, keepSlash: Bool) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      case UInt8(ascii: "/") where keepSlash:
        out.append("/")
      default:
        let hex = Array("0123456789ABCDEF")
        out.append("%")
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 15)])
      }
    }
    return out
  }
}
