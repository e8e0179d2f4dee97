/// The human-readable reports: a summary a person reads in five seconds, the tensor table and the
/// metadata listing. Lines fit 80 columns except where a tensor name is longer.
public enum TextReport {
  public struct Options: Sendable {
    /// Full integers instead of `134.5M`.
    public var exact = false
    /// Add a per-layer table to the summary.
    public var layers = false
    public init(exact: Bool = false, layers: Bool = false) {
      self.exact = exact
      self.layers = layers
    }
  }

  public static func summary(_ catalog: Catalog, _ summary: CountSummary, options: Options = Options()) -> String {
    let totals = summary.totals
    var out: [String] = [catalog.path]
    var facts = TextTable([.left, .left])
    facts.indent = 2
    facts.gap = 3
    facts.add(["format", formatLine(catalog)])
    facts.add(["size", sizeLine(catalog.files)])
    if let name = catalog.metadata["general.name"]?.string { facts.add(["name", name]) }
    facts.add(["tensors", Units.grouped(UInt64(totals.tensors))])
    facts.add(["parameters", "\(Units.count(totals.parameters)) (\(Units.grouped(totals.parameters)))"])
    for role in summary.byRole where role.key != Role.parameter.rawValue {
      let label = role.key == Role.buffer.rawValue ? "buffers" : "quant aux"
      facts.add([label, "\(Units.grouped(role.row.elements)) elements in \(plural(role.row.tensors, "tensor")), not parameters"])
    }
    facts.add(["head", headLine(summary.tiedHead, headParameters: summary.parameters(of: .head))])
    if !summary.byDType.isEmpty {
      facts.add(["dtypes", summary.byDType.map { "\($0.key) \($0.row.tensors)" }.joined(separator: ", ")])
    }
    out.append(facts.render())

    if !summary.byComponent.isEmpty {
      out.append("")
      out.append(componentTable(summary, exact: options.exact))
    }
    if options.layers && !summary.byLayer.isEmpty {
      out.append("")
      var table = TextTable([.right, .right, .right, .right])
      table.indent = 2
      table.add(["layer", "tensors", "params", "bytes"])
      for row in summary.byLayer {
        table.add([String(row.layer), String(row.row.tensors), count(row.row.elements, options.exact), Units.bytes(row.row.bytes)])
      }
      out.append(table.render())
    }
    if catalog.tensors.isEmpty {
      out.append("")
      out.append("  This file holds no tensors (metadata only, e.g. a tokenizer/vocab file).")
    }
    // Warnings are not part of the text: the command line writes them to standard error.
    return out.joined(separator: "\n")
  }

  /// `98.4 MB (header 1.79 MB)`, or for compressed files
  /// `98.4 MB, 61.2 MB as zstd (header 1.79 MB, 1.2 MB of zstd read)`.
  static func sizeLine(_ files: [FileInfo]) -> String {
    let headerBytes = files.reduce(UInt64(0)) { $0.plus($1.headerBytes) }
    let known = files.allSatisfy { $0.bytes != nil }
    let anyCompressed = files.contains { $0.compression != nil }
    var line = known
      ? Units.bytes(files.reduce(UInt64(0)) { $0.plus($1.bytes ?? 0) }) : anyCompressed ? "uncompressed size unknown" : "size unknown"
    if files.count > 1 { line += " in \(files.count) files" }
    let compressed = files.filter { $0.compression != nil }
    guard !compressed.isEmpty else { return line + " (header \(Units.bytes(headerBytes)))" }
    let onDisk = compressed.reduce(UInt64(0)) { $0.plus($1.compressedBytes ?? 0) }
    let read = compressed.reduce(UInt64(0)) { $0.plus($1.compressedBytesRead ?? 0) }
    let some = compressed.count == files.count ? "" : " (\(compressed.count) of \(files.count) files)"
    line += ", \(Units.bytes(onDisk)) as zstd\(some)"
    return line + " (header \(Units.bytes(headerBytes)), \(Units.bytes(read)) of zstd read)"
  }

  static func componentTable(_ summary: CountSummary, exact: Bool) -> String {
    var table = TextTable([.left, .right, .right, .right, .right, .left])
    table.indent = 2
    table.add(["component", "params", "share", "bytes", "bits/w", "dtypes"])
    let total = summary.totals.parameters
    var totalBytes: UInt64 = 0
    for row in summary.byComponent {
      let dtypes = summary.byComponentDType.filter { $0.component.rawValue == row.key }
        .sorted { $0.row.elements > $1.row.elements }.map(\.dtype)
      table.add([
        row.key, count(row.row.elements, exact), Units.percent(row.row.elements, of: total), Units.bytes(row.row.bytes),
        Units.fixed(row.row.bitsPerElement, 2), dtypes.joined(separator: " "),
      ])
      totalBytes = totalBytes.plus(row.row.bytes)
    }
    let bits = total == 0 ? 0 : Double(totalBytes) * 8 / Double(total)
    table.add(["total", count(total, exact), Units.percent(total, of: total), Units.bytes(totalBytes), Units.fixed(bits, 2), ""])
    return table.render()
  }

  static func count(_ value: UInt64, _ exact: Bool) -> String {
    exact ? Units.grouped(value) : Units.count(value)
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

  /// `1 metadata key`, `33 metadata keys`.
  public static func plural(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
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

  public static func tensors(_ catalog: Catalog, _ tensors: [TensorRecord], exact: Bool) -> String {
    var table = TextTable([.left, .left, .left, .right, .right, .left, .left])
    table.add(["name", "dtype", "shape", "params", "bytes", "component", "role"])
    for t in tensors {
      let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
      table.add([
        String(t.name), t.dtype, shape, exact ? Units.grouped(t.elements) : Units.count(t.elements),
        t.bytes.map(exact ? Units.grouped : Units.bytes) ?? "?", t.component.rawValue,
        t.role == .parameter ? "" : t.role.rawValue,
      ])
    }
    return table.render() + "\n\(tensors.count) of \(plural(catalog.tensors.count, "tensor"))"
  }

  // MARK: Metadata

  /// One line per key: name, type, value. Long values are cut to fit 80 columns unless `full`.
  public static func metadata(_ entries: [MetadataEntry], full: Bool) -> String {
    var table = TextTable([.left, .left, .left])
    for entry in entries {
      let type: String
      if case .array(let array) = entry.value {
        type = "[\(array.elementType) x \(Units.grouped(array.count))]"
      } else {
        type = entry.value.typeName
      }
      table.add([entry.key, type, render(entry.value)])
    }
    let text = table.render()
    guard !full else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.count > 80 ? String(line.prefix(79)) + "…" : String(line)
    }.joined(separator: "\n")
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
