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
  /// Decompress compressed files to their end, to know their exact size and check every frame.
  public var full: Bool
  /// How URLs and `hf://` repos are reached.
  public var remote = RemoteOptions()
  /// Fingerprint every GGUF array's bytes (`MetadataArray.digest`), so two arrays can be
  /// compared without keeping their items (`diff`); off elsewhere, where it would only cost.
  public var hashArrays = false
  public init(arrayItems: Int = GGUFReader.previewItems, collectProblems: Bool = false, full: Bool = false) {
    self.arrayItems = arrayItems
    self.collectProblems = collectProblems
    self.full = full
  }
}

/// Turns a path (a file, a directory, an index or one part of a split) into a Catalog.
/// The only place that knows about files and directories; the format readers see only bytes.
public enum CheckpointLoader {
  public static func load(_ path: String, options: LoadOptions = LoadOptions()) throws(CheckpointError) -> Catalog {
    var catalog: Catalog
    if RemoteAddress.isRemote(path) {
      catalog = try RemoteLoader.load(path, options: options)
      classify(&catalog)
      applyPacking(&catalog)
      return catalog
    }
    if path == "-" {
      catalog = try loadStream(StreamSource(fd: 0, name: "-", ownsDescriptor: false), path: path, options: options)
      classify(&catalog)
      applyPacking(&catalog)
      return catalog
    }
    switch FileSystem.kind(of: path) {
    case .stream:
      let fd = FileSystem.openForReading(path)
      if fd < 0 { throw CheckpointError.io(path, errno: errno, during: "open") }
      catalog = try loadStream(StreamSource(fd: fd, name: path, ownsDescriptor: true), path: path, options: options)
    case .missing:
      throw CheckpointError.io(path, errno: ENOENT, during: "open")
    case .directory:
      catalog = try loadDirectory(path, options: options)
    case .file:
      let name = FileSystem.baseName(path)
      if name.hasSuffix(".index.json") {
        catalog = try loadSharded(indexPath: path, userPath: path, options: options)
      } else if let split = SplitName(name, suffix: ".gguf") ?? SplitName(name, suffix: ".gguf.zst"), split.count > 1 {
        catalog = try loadSplitGGUF(directory: FileSystem.directoryName(path), split: split, userPath: path, options: options)
      } else {
        catalog = try loadFile(path, options: options)
      }
    }
    classify(&catalog)
    applyPacking(&catalog)
    return catalog
  }

  /// Counts packed quantized weights as the weights they hold, with the bit width (and MLX's
  /// `quantization` block) from an adjacent config.json (read only when such tensors exist).
  static func applyPacking(_ catalog: inout Catalog) {
    // Records are tested in place by index: `contains(where:)` copies each one out of the array.
    let tensors = catalog.tensors
    guard tensors.indices.contains(where: { tensors[$0].dtype == "I32" || tensors[$0].dtype == "U32" || tensors[$0].dtype == "U8" }) else { return }
    PackedWeights.apply(to: &catalog, config: PackedWeights.readsConfig(catalog) ? ConfigFile.find(for: catalog) : nil)
  }

  /// Reads one safetensors or GGUF file, plain or zstd-compressed, recognized by its first bytes
  /// rather than its name.
  static func loadFile(_ path: String, options: LoadOptions, fileIndex: Int = 0) throws(CheckpointError) -> Catalog {
    let file = try MappedFile(path: path)
    do throws(CheckpointError) {
      if file.withSpan({ ZstdStream.looksLike($0) }) {
        return try catalog(ofCompressed: file, path: path, options: options, fileIndex: fileIndex)
      }
      return try file.withSpan { (bytes) throws(CheckpointError) -> Catalog in
        try catalog(ofPlainFile: bytes, path: path, options: options, fileIndex: fileIndex)
      }
    } catch {
      throw error.inFile(path)
    }
  }

  /// Reads a file that can only be read forward (standard input, a pipe), plain or zstd, as far
  /// as its header: the rest is never read, so the size and coverage checks are left out.
  static func loadStream(_ source: StreamSource, path: String, options: LoadOptions) throws(CheckpointError) -> Catalog {
    let name = path == "-" ? "standard input" : path
    do throws(CheckpointError) {
      try source.fill(upTo: 64)
      var catalog: Catalog
      if source.withSpan({ ZstdStream.looksLike($0) }) {
        catalog = try self.catalog(ofCompressed: source, path: path, options: options, fileIndex: 0)
      } else {
        var (parsed, problems) = try parsePrefix(source, path: path, options: options)
        let size = source.isComplete ? UInt64(source.count) : nil
        catalog = try self.catalog(ofPrefix: parsed, problems: &problems, path: path, size: size, fileIndex: 0)
        if !source.isComplete {
          catalog.warnings.append(
            "\(name): read as a stream as far as its header (\(source.count) bytes read, the rest left unread): "
              + "the file's size and the extent of its tensor data need the whole file and were not checked")
        }
      }
      return catalog
    } catch {
      throw error.inFile(name)
    }
  }

  /// A parsed header of either format, before it becomes a catalog.
  enum ParsedFile {
    case safetensors(SafetensorsHeader)
    case gguf(GGUFFile)

    var dataEnd: UInt64 {
      switch self {
      case .safetensors(let header): return header.dataEnd
      case .gguf(let file): return file.dataEnd
      }
    }
  }

  /// Parses one file's bytes (all of them, or a decompressed prefix) as GGUF or safetensors.
  /// The name only breaks the tie when the first bytes match neither format, so that a damaged
  /// `.gguf` gets a GGUF error.
  static func parse(
    _ bytes: Span<UInt8>, path: String, options: LoadOptions, isPrefix: Bool, problems: inout Problems
  ) throws(CheckpointError) -> ParsedFile {
    let name = path.hasSuffix(".zst") ? String(path.dropLast(4)) : path
    if !GGUFReader.looksLike(bytes) && !SafetensorsReader.looksLike(bytes) && !SafetensorsReader.looksLikeStart(bytes),
      let foreign = ForeignFormat.identify(bytes, name: name)
    {
      throw CheckpointError(offset: nil, field: "", fault: .foreignFormat(foreign))
    }
    if GGUFReader.looksLike(bytes) || (name.hasSuffix(".gguf") && !SafetensorsReader.looksLike(bytes)) {
      return .gguf(
        try GGUFReader.parse(
          bytes, arrayItems: options.arrayItems, isPrefix: isPrefix, hashArrays: options.hashArrays, problems: &problems))
    }
    if SafetensorsReader.looksLike(bytes) || name.hasSuffix(".safetensors") || SafetensorsReader.looksLikeStart(bytes) {
      return .safetensors(try SafetensorsReader.parse(bytes, isPrefix: isPrefix, problems: &problems))
    }
    if isPrefix && bytes.count < 64 {
      // Too little decompressed yet to tell the format apart.
      throw CheckpointError(offset: 0, field: "", fault: .needMoreBytes(64))
    }
    throw CheckpointError(
      offset: 0, field: "",
      fault: .unrecognizedFormat(bytes.count == 0 ? "the file is empty" : "no GGUF magic and no safetensors header"))
  }

  /// Builds the catalog of one whole file already in memory, not compressed (the pointer version,
  /// `catalog(ofFileBytes:)`, also takes a zstd-compressed one).
  static func catalog(
    ofPlainFile bytes: Span<UInt8>, path: String, options: LoadOptions = LoadOptions(), fileIndex: Int = 0
  ) throws(CheckpointError) -> Catalog {
    var problems = Problems(collect: options.collectProblems)
    let parsed = try parse(bytes, path: path, options: options, isPrefix: false, problems: &problems)
    var result = catalog(of: parsed, path: path, fileSize: UInt64(bytes.count), fileIndex: fileIndex)
    result.problems = problems.list.map { $0.inFile(path) }
    result.warnings += problems.noteWarnings(FileSystem.baseName(path))
    if let warning = problems.shortDataWarning(FileSystem.baseName(path)) { result.warnings.append(warning) }
    return result
  }

  static func catalog(of parsed: ParsedFile, path: String, fileSize: UInt64?, fileIndex: Int) -> Catalog {
    switch parsed {
    case .safetensors(let header): return catalog(of: header, path: path, fileSize: fileSize, fileIndex: fileIndex)
    case .gguf(let file): return catalog(of: file, path: path, fileSize: fileSize, fileIndex: fileIndex)
    }
  }

  /// One try at parsing what a source holds so far.
  enum Attempt {
    case parsed(ParsedFile, Problems)
    /// The reader ran past the held bytes: fill the source up to this many and try again.
    case needs(Int)
  }

  /// Parses the bytes `source` holds, as a prefix unless they are the whole file. A reader that
  /// needs more gets at least twice what is held, so a header read in rounds costs at most twice
  /// the parsing of the last round and a logarithmic number of rounds.
  static func attempt(_ source: ByteSource, path: String, options: LoadOptions) throws(CheckpointError) -> Attempt {
    var problems = Problems(collect: options.collectProblems)
    do throws(CheckpointError) {
      let parsed = try source.withSpan { (bytes) throws(CheckpointError) -> ParsedFile in
        try parse(bytes, path: path, options: options, isPrefix: !source.isComplete, problems: &problems)
      }
      return .parsed(parsed, problems)
    } catch {
      guard case .needMoreBytes(let needed) = error.fault else { throw error }
      let next = needed > UInt64(ZstdStream.maxPrefix) ? ZstdStream.maxPrefix + 1 : Int(needed)
      return .needs(max(next, source.count * 2, 1 << 16))
    }
  }

  /// Parses a source that fills itself on demand (a zstd stream, one remote file), one round at a time.
  static func parsePrefix(_ source: ByteSource, path: String, options: LoadOptions) throws(CheckpointError) -> (ParsedFile, Problems) {
    while true {
      switch try attempt(source, path: path, options: options) {
      case .parsed(let parsed, let problems): return (parsed, problems)
      case .needs(let count):
        let before = source.count
        try source.fill(upTo: count)
        if source.count == before && !source.isComplete {
          throw CheckpointError(file: path, offset: nil, field: "", fault: .remote(.badResponse("no more bytes came")))
        }
      }
    }
  }

  /// Checks a parsed prefix against the file's size, once that is known (the extent of the
  /// tensor data, the coverage of a safetensors buffer), and builds its catalog.
  static func catalog(
    ofPrefix parsed: ParsedFile, problems: inout Problems, path: String, size: UInt64?, fileIndex: Int
  ) throws(CheckpointError) -> Catalog {
    var parsed = parsed
    if let size {
      switch parsed {
      case .safetensors(let header):
        try SafetensorsReader.checkCoverage(dataStart: header.dataStart, dataEnd: header.dataEnd, fileSize: size, problems: &problems)
      case .gguf(var gguf):
        try GGUFReader.checkExtent(of: &gguf, fileSize: size, problems: &problems)
        parsed = .gguf(gguf)
      }
    }
    var result = catalog(of: parsed, path: path, fileSize: size, fileIndex: fileIndex)
    result.problems = problems.list.map { $0.inFile(path) }
    result.warnings += problems.noteWarnings(FileSystem.baseName(path))
    if let warning = problems.shortDataWarning(FileSystem.baseName(path)) { result.warnings.append(warning) }
    return result
  }

  /// Reads a zstd-compressed file by decompressing only as much as the header needs: a first
  /// guess of 64 KiB, doubled whenever the reader asks for more. Each attempt re-parses from the
  /// start, so the total work stays within twice that of the final attempt.
  /// Compressed files up to this size are decompressed to their end (unless that yields more
  /// than `measureLimit` bytes), so that their size is known without `--full`.
  static let measureBelow = 4 << 20
  static let measureLimit: UInt64 = 256 << 20

  static func catalog(
    ofCompressed compressed: ByteSource, path: String, options: LoadOptions, fileIndex: Int
  ) throws(CheckpointError) -> Catalog {
    let stream = try ZstdStream(compressed, path: path)
    try stream.fill(upTo: 1 << 16)
    var parsed: ParsedFile
    var problems: Problems
    do throws(CheckpointError) {
      (parsed, problems) = try parsePrefix(stream, path: path, options: options)
    } catch {
      // A reader's offsets count decompressed bytes; the decoder's own faults count compressed ones.
      var located = error
      if case .zstd = error.fault {} else { located.inDecompressedStream = true }
      throw located
    }

    // The decompressed size: exact when the stream ended within what was read or with --full;
    // else the first frame's declared size when it reaches past the tensor data.
    var size: UInt64? = stream.finished ? UInt64(stream.outputCount) : nil
    var warnings: [String] = []
    let name = FileSystem.baseName(path)
    let declared = stream.firstFrameContentSize
    // A remote file is only read as far as its header: never decompressed to its end unasked.
    let local = compressed.isComplete
    if size == nil && options.full {
      size = try stream.measure(progress: true)
    } else if size == nil, let declared, declared >= parsed.dataEnd {
      size = declared
    } else if size == nil && local && (stream.compressedSize ?? .max) <= CheckpointLoader.measureBelow {
      // A small file costs next to nothing to finish, and then nothing is left unchecked; the
      // limit keeps a small file that inflates a thousandfold from costing more than that.
      size = try stream.measure(limit: CheckpointLoader.measureLimit)
    }
    if size == nil {
      if let declared {
        warnings.append(
          "\(name): the first zstd frame holds \(declared) bytes, less than the tensor data's \(parsed.dataEnd): "
            + "more frames follow, so the total size is unknown and was not checked (use --full)")
      } else {
        warnings.append(
          "\(name): the zstd stream does not declare its size, so the tensor data's extent was not checked (use --full)")
      }
    }
    var result = try catalog(ofPrefix: parsed, problems: &problems, path: path, size: size, fileIndex: fileIndex)
    result.files[0].compression = "zstd"
    result.files[0].compressedBytes = stream.compressedSize.map(UInt64.init)
    result.files[0].compressedBytesRead = UInt64(stream.compressedConsumed)
    result.warnings += warnings
    return result
  }

  static func catalog(of header: SafetensorsHeader, path: String, fileSize: UInt64?, fileIndex: Int) -> Catalog {
    var tensors = header.tensors
    if fileIndex != 0 {
      for k in tensors.indices { tensors[k].file = fileIndex }
    }
    let info = FileInfo(path: path, bytes: fileSize, headerBytes: header.dataStart, dataStart: header.dataStart)
    return Catalog(
      path: path, format: .safetensors, files: [info],
      metadata: header.metadata.map { MetadataEntry(key: $0.key, value: .string($0.value)) }, tensors: tensors,
      warnings: header.warnings.map { "\(FileSystem.baseName(path)): \($0)" })
  }

  static func catalog(of gguf: GGUFFile, path: String, fileSize: UInt64?, fileIndex: Int) -> Catalog {
    let tensors = gguf.tensors.map { t in
      let (offset, overflow) = gguf.dataStart.addingReportingOverflow(t.offset)
      return TensorRecord(
        name: t.name, dtype: t.typeName, shape: TensorShape(t.dims.reversed()), reversedInFile: true, elements: t.elements, bytes: t.bytes,
        bitsPerElement: t.type?.bitsPerElement, file: fileIndex, offset: overflow ? UInt64.max : offset)
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
    let safetensors = names.filter { $0.hasSuffix(".safetensors") || $0.hasSuffix(".safetensors.zst") }
    let ggufs = names.filter { $0.hasSuffix(".gguf") || $0.hasSuffix(".gguf.zst") }
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
    if safetensors.isEmpty, let first = ggufs.first, let split = splitName(first),
      ggufs.allSatisfy({ splitName($0).map { $0.prefix == split.prefix && $0.count == split.count } ?? false })
    {
      return try loadSplitGGUF(directory: path, split: split, userPath: path, options: options)
    }
    if safetensors.isEmpty && ggufs.isEmpty {
      throw ambiguous(path, "holds no .safetensors, .safetensors.index.json or .gguf file")
    }
    let all = safetensors + ggufs
    let shown = all.prefix(4).joined(separator: ", ") + (all.count > 4 ? " and \(all.count - 4) more" : "")
    throw ambiguous(path, "holds \(all.count) checkpoints and no index (\(shown)): name one")
  }

  /// The checkpoints of a directory that holds several unrelated ones (the 19 vocab GGUFs of
  /// llama.cpp's models/, say), each a path to read on its own; nil when the directory is one
  /// checkpoint (an index, a split set, a single file) or not a directory.
  public static func separateCheckpoints(in path: String) -> [String]? {
    guard FileSystem.kind(of: path) == .directory, let names = try? FileSystem.list(path) else { return nil }
    if names.contains(where: { $0.hasSuffix(".safetensors.index.json") }) { return nil }
    let files = names.filter {
      $0.hasSuffix(".safetensors") || $0.hasSuffix(".safetensors.zst") || $0.hasSuffix(".gguf") || $0.hasSuffix(".gguf.zst")
    }
    guard files.count > 1 else { return nil }
    // A split set is one checkpoint; any other mix is several.
    if let first = files.first, let split = splitName(first),
      files.allSatisfy({ splitName($0).map { $0.prefix == split.prefix && $0.count == split.count } ?? false })
    {
      return nil
    }
    return files.map { FileSystem.join(path, $0) }
  }

  /// A split GGUF part's name, compressed or not.
  static func splitName(_ name: String) -> SplitName? {
    SplitName(name, suffix: ".gguf") ?? SplitName(name, suffix: ".gguf.zst")
  }

  /// `directory/name`, or `directory/name.zst` when only the compressed file is there.
  static func existing(_ directory: String, _ name: String) -> String? {
    let plain = FileSystem.join(directory, name)
    if FileSystem.kind(of: plain) == .file { return plain }
    let compressed = plain + ".zst"
    return FileSystem.kind(of: compressed) == .file ? compressed : nil
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
      index = try indexFile.withSpan { (bytes) throws(CheckpointError) in try ShardIndex.parse(bytes) }
    } catch {
      throw error.inFile(indexPath)
    }
    let directory = FileSystem.directoryName(indexPath)
    return try mergeShards(index: index, indexPath: indexPath, userPath: userPath, options: options) {
      (shard, fileIndex) throws(CheckpointError) -> Catalog? in
      guard let shardPath = existing(directory, shard) else { return nil }
      return try loadFile(shardPath, options: options, fileIndex: fileIndex)
    }
  }

  /// Builds a sharded checkpoint from its index and its shards, checking that each shard holds
  /// exactly the tensors the index maps to it. `shard` reads one shard (nil: it is missing),
  /// from disk or from a server.
  static func mergeShards(
    index: ShardIndex, indexPath: String, userPath: String, options: LoadOptions,
    shard load: (String, Int) throws(CheckpointError) -> Catalog?
  ) throws(CheckpointError) -> Catalog {
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
      guard let part = try load(shard, files.count) else {
        try problems.report(indexFault(.missingShard(shard)))
        continue
      }
      let shardPath = part.files.first?.path ?? shard
      guard part.format == .safetensors else {
        throw CheckpointError(
          file: shardPath, offset: 0, field: "", fault: .unrecognizedFormat("a shard of a safetensors index is not safetensors"))
      }
      for tensor in part.tensors where expected[String(tensor.name)] != shard {
        try problems.report(
          CheckpointError(
            file: shardPath, offset: tensor.offset, field: "tensor '\(tensor.name)'",
            fault: .index(.tensorNotInIndex(tensor: String(tensor.name), shard: shard))))
      }
      if files.isEmpty { metadata = part.metadata }
      readShards.insert(shard)
      files += part.files
      tensors += part.tensors
      warnings += part.warnings
      problems.append(contentsOf: part.problems, file: shardPath)
    }
    let present = Set(tensors.map { String($0.name) })
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
    // Parts may be compressed or not, each on its own.
    let plain = SplitName(split.name(ofPart: 1).replacingSuffix(".gguf.zst", with: ".gguf"), suffix: ".gguf") ?? split
    return try mergeSplit(
      split: split, userPath: userPath, options: options, part: { existing(directory, plain.name(ofPart: $0)) },
      load: { (path, fileIndex) throws(CheckpointError) in try loadFile(path, options: options, fileIndex: fileIndex) })
  }

  /// Builds a split GGUF from its parts: `part(n)` says where part n is (nil: missing), `load`
  /// reads it, from disk or from a server.
  static func mergeSplit(
    split: SplitName, userPath: String, options: LoadOptions, part location: (Int) -> String?,
    load: (String, Int) throws(CheckpointError) -> Catalog
  ) throws(CheckpointError) -> Catalog {
    var problems = Problems(collect: options.collectProblems)
    // Every part must be there before any is read: a missing part is the likelier fault.
    var present: [Int] = []
    var paths: [Int: String] = [:]
    for n in 1...split.count {
      if let path = location(n) {
        present.append(n)
        paths[n] = path
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
      let partPath = paths[n]!
      let part = try load(partPath, merged?.files.count ?? 0)
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
      for tensor in part.tensors where !seen.insert(String(tensor.name)).inserted {
        try problems.report(
          CheckpointError(file: partPath, offset: nil, field: "tensor name", fault: .gguf(.duplicateTensor(String(tensor.name)))))
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
    // The names are needed only to tell a `.scale` by its siblings: skip the set when none is.
    let siblings = catalog.tensors.indices.contains { catalog.tensors[$0].name.endsWith(".scale") }
    var classifier = siblings ? NameClassifier(names: catalog.tensors.map { String($0.name) }) : NameClassifier()
    // Through a span: indexing the array copies each record in and out (retains and releases).
    var records = catalog.tensors.mutableSpan
    for k in records.indices {
      let c = classifier.classify(records[k].name, dtype: records[k].dtype)
      records[k].component = c.component
      records[k].role = c.role
      records[k].layer = c.layer
    }
  }
}
