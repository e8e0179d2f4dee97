import CheckpointKit

/// libFuzzer calls this with arbitrary bytes. Every input goes to every parser (safetensors,
/// GGUF, the shard index, a config.json), and whatever parses is counted, audited, estimated,
/// diffed and reported in text and JSON, so the fuzzer exercises the whole path a downloaded file takes. Any trap, sanitizer report or hang is
/// a bug; thrown CheckpointErrors are the expected outcome for bad input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  // libFuzzer's buffer, valid for this call: the one place the fuzz target holds a pointer.
  let bytes = unsafe UnsafeRawBufferPointer(start: start, count: count)
  let span = unsafe Span<UInt8>(_unsafeBytes: bytes)
  // Strict reading, then reading on past every fault as `validate` does.
  for (name, collect) in [("fuzz.safetensors", false), ("fuzz.gguf", false), ("fuzz.safetensors", true), ("fuzz.gguf", true)] {
    let options = LoadOptions(collectProblems: collect)
    if var catalog = try? unsafe CheckpointLoader.catalog(ofFileBytes: bytes, path: name, options: options) {
      CheckpointLoader.classify(&catalog)
      let summary = Counter.count(catalog)
      _ = TextReport.summary(catalog, summary)
      _ = TextReport.metadata(catalog.metadata, full: false)
      _ = JSONReport.summary(catalog, summary, tensors: true).serialized()
      // The audit and the memory estimate do arithmetic on the file's hyperparameters.
      let audit = Auditor.audit(catalog, summary, expect: ParameterExpectation("7B"))
      _ = AuditReport.text(audit)
      _ = AuditReport.json(audit).serialized()
      let gpus = [MemoryEstimate.GPU(name: "gpu", bytes: 24 << 30)]
      let memory = MemoryEstimate.estimate(catalog, summary, config: nil, active: audit.actual.activeParameters, options: .init(gpus: gpus))
      _ = MemoryReport.text(memory, explain: true)
      _ = MemoryReport.json(memory).serialized()
      // diff: the file against itself, then its names read as the other format's, so every name
      // goes through the Hugging Face -> GGUF tables and the fused-group matching; adapter mode
      // with the file as both adapter and base.
      var other = catalog
      other.format = catalog.format == .gguf ? .safetensors : .gguf
      for d in [Differ.diff(catalog, catalog), Differ.diff(catalog, other), Differ.diff(other, catalog)] {
        _ = DiffReport.text(d, all: true, layers: true, width: 80)
        _ = DiffReport.json(d, all: true).serialized()
        _ = DiffReport.markdown(d, all: true, layers: true)
      }
      let fit = AdapterChecker.check(adapter: catalog, config: nil, base: other)
      _ = AdapterReport.text(fit)
      _ = AdapterReport.markdown(fit)
    }
  }
  _ = try? GGUFReader.parse(span, arrayItems: Int.max)
  _ = try? ShardIndex.parse(span)
  // What a server sends: listings, the one-request shard headers, Content-Range, Link.
  ServerAnswers.parseAll(span)
  // File names and general.* strings are parsed for size labels: any text must be safe there.
  if bytes.count < 256 {
    let text = unsafe String(decoding: bytes, as: UTF8.self)
    _ = SizeLabel.find(in: text, allowThousands: true)
    _ = ParameterExpectation(text)
  }
  // Tensor data is whatever bytes a file holds: every scan decoder takes the input as its data.
  // 4 KiB holds a dozen blocks of the largest type: enough for every decoder's paths.
  ScanFuzzing.decodeAll(unsafe Array(bytes.prefix(4096)))
  if let root = try? ConfigFile.parse(span) {
    let config = ConfigFile(path: "config.json", root: root)
    _ = ExpectedCount.from(config: config)
    _ = AdapterConfig.parse(config)
    if let shape = AttentionShape.from(config: config) { _ = shape.elements(context: 1 << 20) }
  }
  return 0
}
