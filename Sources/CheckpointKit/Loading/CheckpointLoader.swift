#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options for reading a checkpoint.
public struct LoadOptions: Sendable {
  /// How many items of each GGUF array to keep (`Int.max` for all of them).
  public var arrayItems: Int
  /// Collect every fault that does not stop the reading into `Catalog.problems` instead of
  /// throwing the first (for `validate`).
  public var collectProblems: Bool
  public init(arrayItems: Int = GGUFReader.previewItems, collectProblems: Bool = false) {
    self.arrayItems = arrayItems
    self.collectProblems = collectProblems
  }
}

/// Turns a path (a file, a directory, an index or one part of a split) into a Catalog.
/// The only place that knows about files and directories; the format readers see only bytes.
public enum CheckpointLoader {
  public static func load(_ path: String, options: LoadOptions = LoadOptions()) throws(CheckpointError) -> Catalog {
    var catalog: Catalog
    switch FileSystem.kind(of: path) {
    case .missing:
      throw CheckpointError.io(path, errno: ENOENT, during: "open")
    case .directory:
      catalog = try loadDirectory(path, options: options)
    case .file:
      let name = FileSystem.baseName(path)
      if name.hasSuffix(".index.json") {
        catalog = try loadSharded(indexPath: path, userPath: path, options: options)
      } else if let split = SplitName(name, suffix: ".gguf"), split.count > 1 {
        catalog = try loadSplitGGUF(directory: FileSystem.directoryName(path), split: split, userPath: path, options: options)
      } else {
        catalog = try loadFile(path, options: options)
      }
    }
    classify(&catalog)
    return catalog
  }

  /// Reads one safetensors or GGUF file, recognized by its first bytes rather than its name.
  static func loadFile(_ path: String, options: LoadOptions, fileIndex: Int = 0) throws(CheckpointError) -> Catalog {
    let file = try MappedFile(path: path)
    do throws(CheckpointError) {
      return try file.withBytes { (bytes) throws(CheckpointError) -> Catalog in
        try catalog(ofFileBytes: bytes, path: path, options: options, fileIndex: fileIndex)
      }
    } catch {
      throw error.inFile(path)
    }
  }

  /// Builds the catalog of one whole file already in memory. The name only breaks the tie when
  /// the first bytes match neither format, so that a damaged `.gguf` gets a GGUF error.
  public static func catalog(
    ofFileBytes bytes: UnsafeRawBufferPointer, path: String, options: LoadOptions = LoadOptions(), fileIndex: Int = 0
  ) throws(CheckpointError) -> Catalog {
    var problems = Problems(collect: options.collectProblems)
    if GGUFReader.looksLike(bytes) || (path.hasSuffix(".gguf") && !SafetensorsReader.looksLike(bytes)) {
      let gguf = try GGUFReader.parse(bytes, arrayItems: options.arrayItems, problems: &problems)
      var result = catalog(of: gguf, path: path, fileSize: UInt64(bytes.count), fileIndex: fileIndex)
      result.problems = problems.list.map { $0.inFile(path) }
      return result
    }
    if SafetensorsReader.looksLike(bytes) || path.hasSuffix(".safetensors") {
      let header = try SafetensorsReader.parse(bytes, problems: &problems)
      var result = catalog(of: header, path: path, fileSize: UInt64(bytes.count), fileIndex: fileIndex)
      result.problems = problems.list.map { $0.inFile(path) }
      return result
    }
    throw CheckpointError(
      offset: 0, field: "",
      fault: .unrecognizedFormat(bytes.count == 0 ? "the file is empty" : "no GGUF magic and no safetensors header"))
  }

  static func catalog(of header: SafetensorsHeader, path: String, fileSize: UInt64, fileIndex: Int) -> Catalog {
    let tensors = header.tensors.map { t in
      TensorRecord(
        name: t.name, dtype: t.dtype, shape: t.shape, elements: t.elements, bytes: t.bits == nil ? nil : t.end - t.begin,
        bitsPerElement: t.bits.map(Double.init), file: fileIndex, offset: header.dataStart + t.begin)
    }
    let info = FileInfo(path: path, bytes: fileSize, headerBytes: header.dataStart, dataStart: header.dataStart)
    return Catalog(
      path: path, format: .safetensors, files: [info],
      metadata: header.metadata.map { MetadataEntry(key: $0.key, value: .string($0.value)) }, tensors: tensors,
      warnings: header.warnings.map { "\(FileSystem.baseName(path)): \($0)" })
  }

  static func catalog(of gguf: GGUFFile, path: String, fileSize: UInt64, fileIndex: Int) -> Catalog {
    let tensors = gguf.tensors.map { t in
      TensorRecord(
        name: t.name, dtype: t.typeName, shape: t.shape, storedShape: t.dims, elements: t.elements, bytes: t.bytes,
        bitsPerElement: t.type?.bitsPerElement, file: fileIndex, offset: gguf.dataStart + t.offset)
    }
    let info = FileInfo(path: path, bytes: fileSize, headerBytes: gguf.headerBytes, dataStart: gguf.dataStart)
    return Catalog(
      path: path, format: .gguf, files: [info], metadata: gguf.metadata, tensors: tensors,
      details: FormatDetails(ggufVersion: gguf.version, bigEndian: gguf.bigEndian, alignment: gguf.alignment),
      warnings: gguf.warnings.map { "\(FileSystem.baseName(path)): \($0)" })
  }

  // MARK: Directories

  /// A directory holds one checkpoint: an index with its shards, a split set, or a single file.
  static func loadDirectory(_ path: String, options: LoadOptions) throws(CheckpointError) -> Catalog {
    let names = try FileSystem.list(path)
    let indexes = names.filter { $0.hasSuffix(".safetensors.index.json") }
    if !indexes.isEmpty {
      let chosen = indexes.contains("model.safetensors.index.json") ? "model.safetensors.index.json" : indexes[0]
      guard indexes.count == 1 || chosen == "model.safetensors.index.json" else {
        throw ambiguous(path, "holds several indexes (\(indexes.joined(separator: ", "))): name one")
      }
      return try loadSharded(indexPath: FileSystem.join(path, chosen), userPath: path, options: options)
    }
    let safetensors = names.filter { $0.hasSuffix(".safetensors") }
    let ggufs = names.filter { $0.hasSuffix(".gguf") }
    if safetensors.count == 1 && ggufs.isEmpty {
      var catalog = try loadFile(FileSystem.join(path, safetensors[0]), options: options)
      catalog.path = path
      return catalog
    }
    if ggufs.count == 1 && safetensors.isEmpty {
      var catalog = try loadFile(FileSystem.join(path, ggufs[0]), options: options)
      catalog.path = path
      return catalog
    }
    if safetensors.isEmpty, let first = ggufs.first, let split = SplitName(first, suffix: ".gguf"),
      ggufs.allSatisfy({ SplitName($0, suffix: ".gguf").map { $0.prefix == split.prefix && $0.count == split.count } ?? false })
    {
      return try loadSplitGGUF(directory: path, split: split, userPath: path, options: options)
    }
    if safetensors.isEmpty && ggufs.isEmpty {
      throw ambiguous(path, "holds no .safetensors, .safetensors.index.json or .gguf file")
    }
    let all = (safetensors + ggufs).joined(separator: ", ")
    throw ambiguous(path, "holds several checkpoints and no index (\(all)): name one")
  }

  private static func ambiguous(_ path: String, _ why: String) -> CheckpointError {
    CheckpointError(file: path, offset: nil, field: "", fault: .index(.ambiguousDirectory("directory \(why)")))
  }

  // MARK: Sharded safetensors

  /// Reads an index and every shard it names, checking that each shard holds exactly the tensors
  /// the index maps to it.
  static func loadSharded(indexPath: String, userPath: String, options: LoadOptions) throws(CheckpointError) -> Catalog {
    let indexFile = try MappedFile(path: indexPath)
    let index: ShardIndex
    do throws(CheckpointError) {
      index = try indexFile.withBytes { (bytes) throws(CheckpointError) in try ShardIndex.parse(bytes) }
    } catch {
      throw error.inFile(indexPath)
    }
    let directory = FileSystem.directoryName(indexPath)
    var expected: [String: String] = [:]
    for (tensor, shard) in index.weightMap { expected[tensor] = shard }
    var problems = Problems(collect: options.collectProblems)
    func indexFault(_ fault: IndexFault) -> CheckpointError {
      CheckpointError(file: indexPath, offset: nil, field: "weight_map", fault: .index(fault))
    }

    var files: [FileInfo] = []
    var tensors: [TensorRecord] = []
    var warnings: [String] = []
    var metadata: [MetadataEntry] = []
    var readShards = Set<String>()
    for shard in index.shards {
      guard !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"), shard != ".", shard != ".." else {
        try problems.report(indexFault(.shardEscapes(shard)))
        continue
      }
      let shardPath = FileSystem.join(directory, shard)
      guard FileSystem.kind(of: shardPath) == .file else {
        try problems.report(indexFault(.missingShard(shard)))
        continue
      }
      let part = try loadFile(shardPath, options: options, fileIndex: files.count)
      guard part.format == .safetensors else {
        throw CheckpointError(
          file: shardPath, offset: 0, field: "", fault: .unrecognizedFormat("a shard of a safetensors index is not safetensors"))
      }
      for tensor in part.tensors where expected[tensor.name] != shard {
        try problems.report(
          CheckpointError(
            file: shardPath, offset: tensor.offset, field: "tensor '\(tensor.name)'",
            fault: .index(.tensorNotInIndex(tensor: tensor.name, shard: shard))))
      }
      if files.isEmpty { metadata = part.metadata }
      readShards.insert(shard)
      files += part.files
      tensors += part.tensors
      warnings += part.warnings
      problems.append(contentsOf: part.problems, file: shardPath)
    }
    let present = Set(tensors.map(\.name))
    // Tensors of shards already reported missing or escaping are not reported again.
    for (tensor, shard) in index.weightMap where readShards.contains(shard) && !present.contains(tensor) {
      try problems.report(indexFault(.tensorMissingFromShard(tensor: tensor, shard: shard)))
    }
    var catalog = Catalog(
      path: userPath, format: .shardedSafetensors, files: files, metadata: metadata, tensors: tensors,
      details: FormatDetails(indexMetadata: index.metadata), warnings: warnings)
    catalog.problems = problems.list
    return catalog
  }

  // MARK: Split GGUF

  /// Reads every part of a split GGUF. Metadata comes from part 1 (later parts carry only the
  /// `split.*` keys); tensors from all parts.
  static func loadSplitGGUF(directory: String, split: SplitName, userPath: String, options: LoadOptions) throws(CheckpointError) -> Catalog {
    var problems = Problems(collect: options.collectProblems)
    // Every part must be there before any is read: a missing part is the likelier fault.
    var present: [Int] = []
    for n in 1...split.count {
      if FileSystem.kind(of: FileSystem.join(directory, split.name(ofPart: n))) == .file {
        present.append(n)
      } else {
        try problems.report(
          CheckpointError(
            file: userPath, offset: nil, field: "",
            fault: .index(.splitMismatch("part \(n) of \(split.count) (\(split.name(ofPart: n))) is missing"))))
      }
    }
    var merged: Catalog?
    var seen = Set<String>()
    for n in present {
      let partPath = FileSystem.join(directory, split.name(ofPart: n))
      let part = try loadFile(partPath, options: options, fileIndex: merged?.files.count ?? 0)
      guard part.format == .gguf else {
        throw CheckpointError(file: partPath, offset: 0, field: "", fault: .unrecognizedFormat("a split GGUF part is not GGUF"))
      }
      if let count = part.metadata["split.count"]?.integer, count != Int64(split.count) {
        try problems.report(
          CheckpointError(
            file: partPath, offset: nil, field: "split.count",
            fault: .index(.splitMismatch("split.count is \(count) but the file name says \(split.count)"))))
      }
      if let number = part.metadata["split.no"]?.integer, number != Int64(n - 1) {
        try problems.report(
          CheckpointError(
            file: partPath, offset: nil, field: "split.no",
            fault: .index(.splitMismatch("split.no is \(number) but the file name says part \(n)"))))
      }
      for tensor in part.tensors where !seen.insert(tensor.name).inserted {
        try problems.report(
          CheckpointError(file: partPath, offset: nil, field: "tensor name", fault: .gguf(.duplicateTensor(tensor.name))))
      }
      problems.append(contentsOf: part.problems, file: partPath)
      if merged == nil {
        merged = part
        merged!.path = userPath
        merged!.format = .splitGGUF
      } else {
        merged!.files += part.files
        merged!.tensors += part.tensors
        merged!.warnings += part.warnings
      }
    }
    guard var catalog = merged else {
      // Only reachable when collecting: every part was missing.
      throw problems.list.first ?? CheckpointError(file: userPath, offset: nil, field: "", fault: .index(.splitMismatch("no part found")))
    }
    catalog.problems = problems.list
    return catalog
  }

  // MARK: Classification

  /// Assigns component, role and layer to every tensor, once all names are known.
  public static func classify(_ catalog: inout Catalog) {
    var classifier = NameClassifier(names: Set(catalog.tensors.map(\.name)))
    for k in catalog.tensors.indices {
      let c = classifier.classify(catalog.tensors[k].name, dtype: catalog.tensors[k].dtype)
      catalog.tensors[k].component = c.component
      catalog.tensors[k].role = c.role
      catalog.tensors[k].layer = c.layer
    }
  }
}
