/// The human-readable reports: a summary a person reads in five seconds, the tensor table and the
/// metadata listing. Lines fit `style.width` columns (80 in a pipe): long values wrap under their
/// column, long tensor names lose their middle only when a row would not fit otherwise.
public enum TextReport {
  public struct Options: Sendable {
    /// Full integers instead of `134.5M`, and bytes instead of `96.6 MB`.
    public var exact = false
    /// Add a per-layer table to the summary.
    public var layers = false
    /// Width to fit and colour.
    public var style = TextStyle.plain
    public init(exact: Bool = false, layers: Bool = false, style: TextStyle = .plain) {
      self.exact = exact
      self.layers = layers
      self.style = style
    }
  }

  public static func summary(_ catalog: Catalog, _ summary: CountSummary, options: Options = Options()) -> String {
    var out: [String] = [catalog.path]
    var facts = TextTable([.left, .left], fits: [.keep, .wrap(min: 20)])
    facts.indent = 2
    facts.gap = 3
    facts.maxWidth = options.style.width
    for fact in self.facts(catalog, summary, exact: options.exact) { facts.add([fact.label, fact.value]) }
    out.append(facts.render())

    let unknown = UnknownSizes(catalog, summary)
    if !summary.byComponent.isEmpty {
      out.append("")
      var table = TextTable(
        [.left, .right, .right, .right, .right, .left], fits: [.keep, .keep, .keep, .keep, .keep, .wrap(min: 4)])
      table.indent = 2
      table.maxWidth = options.style.width
      table.stacks = true
      for row in [componentHeader] + componentRows(summary, unknown: unknown, exact: options.exact) { table.add(row) }
      out.append(table.render())
    }
    if options.layers && !summary.byLayer.isEmpty {
      out.append("")
      var table = TextTable([.right, .right, .right, .right])
      table.indent = 2
      for row in [layerHeader] + layerRows(summary, unknown: unknown, exact: options.exact) { table.add(row) }
      out.append(table.render())
    }
    if catalog.tensors.isEmpty {
      out.append("")
      out += wrapped(emptyNote, width: options.style.width, indent: 2)
    }
    // Warnings are not part of the text: the command line writes them to standard error.
    return out.joined(separator: "\n")
  }

  static let emptyNote = "This file holds no tensors (metadata only, e.g. a tokenizer/vocab file)."

  /// The summary's facts, label and value, for the text and the Markdown forms.
  static func facts(_ catalog: Catalog, _ summary: CountSummary, exact: Bool) -> [(label: String, value: String)] {
    let totals = summary.totals
    var facts: [(label: String, value: String)] = []
    facts.append(("format", formatLine(catalog)))
    if catalog.format == .gguf || catalog.format == .splitGGUF,
      let fileType = catalog.metadata["general.file_type"].flatMap(GGUFFileType.describe)
    {
      facts.append(("file type", fileType))
    }
    facts.append(("size", sizeLine(catalog.files, exact: exact)))
    if let name = catalog.metadata["general.name"]?.string { facts.append(("name", name)) }
    facts.append(("tensors", Units.grouped(UInt64(totals.tensors))))
    facts.append(("parameters", "\(Units.count(totals.parameters)) (\(Units.grouped(totals.parameters)))"))
    for role in summary.byRole where role.key != Role.parameter.rawValue {
      let label = role.key == Role.buffer.rawValue ? "buffers" : "quant aux"
      facts.append((label, "\(Units.grouped(role.row.elements)) elements in \(plural(role.row.tensors, "tensor")), not parameters"))
    }
    facts.append(("head", headLine(summary.tiedHead, headParameters: summary.parameters(of: .head))))
    if !summary.byDType.isEmpty {
      facts.append(("dtypes", summary.byDType.map { "\($0.key) \(Units.grouped(UInt64($0.row.tensors)))" }.joined(separator: ", ")))
    }
    return facts
  }

  /// `98.4 MB (header 1.79 MB)`, or for compressed files
  /// `98.4 MB, 61.2 MB as zstd (header 1.79 MB, 1.2 MB of zstd read)`; with `exact`, whole
  /// numbers of bytes.
  static func sizeLine(_ files: [FileInfo], exact: Bool = false) -> String {
    func size(_ n: UInt64) -> String { exact ? Units.grouped(n) + " bytes" : Units.bytes(n) }
    let headerBytes = files.reduce(UInt64(0)) { $0.plus($1.headerBytes) }
    let known = files.allSatisfy { $0.bytes != nil }
    let anyCompressed = files.contains { $0.compression != nil }
    var line = known
      ? size(files.reduce(UInt64(0)) { $0.plus($1.bytes ?? 0) }) : anyCompressed ? "uncompressed size unknown" : "size unknown"
    if files.count > 1 { line += " in \(files.count) files" }
    let compressed = files.filter { $0.compression != nil }
    guard !compressed.isEmpty else { return line + " (header \(size(headerBytes)))" }
    let onDisk = compressed.reduce(UInt64(0)) { $0.plus($1.compressedBytes ?? 0) }
    let read = compressed.reduce(UInt64(0)) { $0.plus($1.compressedBytesRead ?? 0) }
    let some = compressed.count == files.count ? "" : " (\(compressed.count) of \(files.count) files)"
    line += ", \(size(onDisk)) as zstd\(some)"
    return line + " (header \(size(headerBytes)), \(size(read)) of zstd read)"
  }

  /// Components and layers holding a tensor of unknown dtype, whose bytes cannot be summed:
  /// their bytes and bits/w read `unknown`, not `0 B` and `0.00`.
  struct UnknownSizes {
    var components: Set<String> = []
    var layers: Set<Int> = []

    init(_ catalog: Catalog, _ summary: CountSummary) {
      // Only when there is one: a 20,000-tensor header is not walked again for nothing.
      guard summary.totals.tensorsOfUnknownSize > 0 else { return }
      for t in catalog.tensors where t.bytes == nil && t.role == .parameter {
        components.insert(t.component.rawValue)
        if let layer = t.layer { layers.insert(layer) }
      }
    }

    var any: Bool { !components.isEmpty }
  }

  static let componentHeader = ["component", "params", "share", "bytes", "bits/w", "dtypes"]

  /// One row per component and the total: name, params, share, bytes, bits/w, dtypes.
  static func componentRows(_ summary: CountSummary, unknown: UnknownSizes, exact: Bool) -> [[String]] {
    var rows: [[String]] = []
    let total = summary.totals.parameters
    var totalBytes: UInt64 = 0
    for row in summary.byComponent {
      let dtypes = summary.byComponentDType.filter { $0.component.rawValue == row.key }
        .sorted { $0.row.elements > $1.row.elements }.map(\.dtype)
      let known = !unknown.components.contains(row.key)
      rows.append([
        row.key, count(row.row.elements, exact), Units.percent(row.row.elements, of: total),
        known ? Units.bytes(row.row.bytes, exact: exact) : "unknown", known ? Units.fixed(row.row.bitsPerElement, 2) : "unknown",
        dtypes.joined(separator: " "),
      ])
      totalBytes = totalBytes.plus(row.row.bytes)
    }
    let bits = total == 0 ? 0 : Double(totalBytes) * 8 / Double(total)
    rows.append([
      "total", count(total, exact), Units.percent(total, of: total), unknown.any ? "unknown" : Units.bytes(totalBytes, exact: exact),
      unknown.any ? "unknown" : Units.fixed(bits, 2), "",
    ])
    return rows
  }

  static let layerHeader = ["layer", "tensors", "params", "bytes"]

  static func layerRows(_ summary: CountSummary, unknown: UnknownSizes, exact: Bool) -> [[String]] {
    summary.byLayer.map { row in
      [
        String(row.layer), Units.grouped(UInt64(row.row.tensors)), count(row.row.elements, exact),
        unknown.layers.contains(row.layer) ? "unknown" : Units.bytes(row.row.bytes, exact: exact),
      ]
    }
  }

  static func count(_ value: UInt64, _ exact: Bool) -> String {
    exact ? Units.grouped(value) : Units.count(value)
  }

  /// `text` wrapped to `width` columns at word boundaries, every line `indent` spaces in and
  /// continuation lines `hanging` more.
  static func wrapped(_ text: String, width: Int, indent: Int, hanging: Int = 2) -> [String] {
    let lines = TextLayout.wrap(text, width: width - indent, hanging: hanging)
    let pad = String(repeating: " ", count: indent)
    return [pad + lines[0]] + lines.dropFirst().map { pad + String(repeating: " ", count: hanging) + $0 }
  }

  static func formatLine(_ catalog: Catalog) -> String {
    switch catalog.format {
    case .safetensors, .shardedSafetensors:
      var line = catalog.format == .safetensors ? "safetensors" : "safetensors, \(catalog.files.count) shards + index"
      if catalog.metadata.count > 0 { line += ", " + plural(catalog.metadata.count, "metadata key") }
      return line
    case .gguf, .splitGGUF:
      var parts = [catalog.details.ggufVersion.map { "GGUF v\($0)" } ?? "GGUF"]
      if catalog.format == .splitGGUF { parts.append("split in \(catalog.files.count) parts") }
      if catalog.details.bigEndian { parts.append("big-endian") }
      if let arch = catalog.architecture { parts.append(arch) }
      parts.append(plural(catalog.metadata.count, "metadata key"))
      return parts.joined(separator: ", ")
    }
  }

  /// `1 metadata key`, `33 metadata keys`, `20,000 tensors`.
  public static func plural(_ n: Int, _ noun: String) -> String {
    "\(Units.grouped(UInt64(max(n, 0)))) \(noun)\(n == 1 ? "" : "s")"
  }

  /// `headParameters`: what the component table shows as `head`, so the line does not deny a
  /// head the table lists (an encoder's pooler or a classifier is a head, not an LM head).
  static func headLine(_ head: TiedHead, headParameters: UInt64 = 0) -> String {
    switch head.state {
    case .tied:
      if let name = head.head { return "tied: \(name) shares \(head.embedding ?? "the embedding")'s data (counted once)" }
      return "tied to \(head.embedding ?? "the embedding") (no separate head tensor; counted once)"
    case .untied:
      let same = head.headMatchesEmbeddingShape ? ", same shape as the embedding" : ""
      return "separate \(head.head ?? "head")\(same)"
    case .notApplicable:
      return headParameters > 0 ? "no LM head (the head row: a pooler or classifier)" : "no LM head"
    }
  }

  // MARK: Tensors

  static let tensorHeader = ["name", "dtype", "shape", "params", "bytes", "component", "role"]

  /// One row per tensor: name, dtype, shape (PyTorch order), params, bytes, component, role.
  static func tensorRows(_ tensors: [TensorRecord], exact: Bool) -> [[String]] {
    tensors.map { t in
      [
        String(t.name), t.dtype, "[" + t.shape.map(String.init).joined(separator: ", ") + "]",
        count(t.elements, exact), t.bytes.map { Units.bytes($0, exact: exact) } ?? "unknown", t.component.rawValue,
        t.role == .parameter ? "" : t.role.rawValue,
      ]
    }
  }

  /// What the shape column means in a GGUF file, whose tensor infos list dimensions the other
  /// way round (ggml's ne[0] first).
  static let ggufShapeNote = "shapes in PyTorch order; GGUF lists dimensions reversed (gguf_dims in --json)"

  public static func tensors(_ catalog: Catalog, _ tensors: [TensorRecord], exact: Bool, style: TextStyle = .plain) -> String {
    // Names give way first (their middle: the start and end say which tensor), then shapes
    // wrap after a comma; every other column keeps its width. The role column is left out
    // when every tensor is a parameter, to leave names the room.
    var rows = tensorRows(tensors, exact: exact)
    var header = tensorHeader
    var alignments: [TextTable.Alignment] = [.left, .left, .left, .right, .right, .left, .left]
    var fits: [TextTable.Fit] = [.shorten(min: 16), .keep, .wrap(min: 8, hanging: 1), .keep, .keep, .keep, .keep]
    if rows.allSatisfy({ $0.last?.isEmpty ?? true }) {
      for k in rows.indices { rows[k].removeLast() }
      header.removeLast()
      alignments.removeLast()
      fits.removeLast()
    }
    var table = TextTable(alignments, fits: fits)
    table.maxWidth = style.width
    table.stacks = true
    table.add(header)
    for row in rows { table.add(row) }
    var lines = [table.render(), "\(Units.grouped(UInt64(tensors.count))) of \(plural(catalog.tensors.count, "tensor"))"]
    if catalog.format == .gguf || catalog.format == .splitGGUF { lines += wrapped(ggufShapeNote, width: style.width, indent: 0) }
    return lines.joined(separator: "\n")
  }

  // MARK: Metadata

  /// One line per key: name, type, value. Long values are cut to fit `width` columns (long
  /// keys lose their middle) unless `full`, which keeps every line whole, for grep.
  public static func metadata(_ entries: [MetadataEntry], full: Bool, width: Int = 80) -> String {
    var table = TextTable([.left, .left, .left], fits: [.shorten(min: 16), .keep, .cut(min: 12)])
    // The value is cut first; a key loses its middle only if the line still does not fit.
    table.order = [2, 0]
    if !full { table.maxWidth = width }
    for row in metadataRows(entries) { table.add(row) }
    return table.render()
  }

  static func metadataRows(_ entries: [MetadataEntry]) -> [[String]] {
    entries.map { entry in
      let type: String
      if case .array(let array) = entry.value {
        type = "[\(array.elementType) x \(Units.grouped(array.count))]"
      } else {
        type = entry.value.typeName
      }
      return [entry.key, type, render(entry.value)]
    }
  }

  /// A value as text: strings quoted only inside arrays, arrays as their items then `…`.
  public static func render(_ value: MetadataValue, nested: Bool = false) -> String {
    switch value {
    case .string(let s):
      let escaped = s.replacingAll("\n", with: "\\n")
      return nested ? "\"" + escaped + "\"" : escaped
    case .unsigned(let v, _): return String(v)
    case .signed(let v, _): return String(v)
    case .float(let v, let type): return type == "float32" ? String(Float(v)) : String(v)
    case .bool(let v): return v ? "true" : "false"
    case .array(let array):
      var items = array.items.map { render($0, nested: true) }
      if !array.isComplete { items.append("… (\(Units.grouped(array.count - UInt64(array.items.count))) more)") }
      return "[" + items.joined(separator: ", ") + "]"
    }
  }
}

extension String {
  /// Replaces every occurrence of `target` (Foundation-free).
  func replacingAll(_ target: Character, with replacement: String) -> String {
    guard contains(target) else { return self }
    var out = ""
    for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
    return out
  }
}
