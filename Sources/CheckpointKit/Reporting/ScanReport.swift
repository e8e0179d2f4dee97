/// The reports of `scan`: findings first, then what the values look like per component and per
/// layer (and per tensor on request), as text, JSON or Markdown.
public enum ScanReport {
  /// A group of tensors (a component or a layer) with its values' statistics pooled.
  struct Group {
    var name: String
    var tensors = 0
    var stats = ValueStats()
    var findings = 0
  }

  static func groups(_ result: ScanResult) -> (components: [Group], layers: [Group]) {
    var components: [Component: Group] = [:]
    var layers: [Int: Group] = [:]
    var findingsByTensor: [String: Int] = [:]
    for finding in result.findings where finding.kind.fails {
      if let tensor = finding.tensor { findingsByTensor[tensor, default: 0] += 1 }
    }
    for scan in result.tensors {
      let tensor = result.catalog.tensors[scan.index]
      guard tensor.role == .parameter, let stats = scan.stats else { continue }
      let findings = findingsByTensor[String(tensor.name)] ?? 0
      components[tensor.component, default: Group(name: tensor.component.rawValue)].add(stats, findings: findings)
      if let layer = tensor.layer { layers[layer, default: Group(name: String(layer))].add(stats, findings: findings) }
    }
    return (
      components.keys.sorted().map { components[$0]! },
      layers.keys.sorted().map { layers[$0]! }
    )
  }

  // MARK: text

  public static func text(_ result: ScanResult, tensors listTensors: Bool, layers listLayers: Bool, style: TextStyle = .plain) -> String {
    var out: [String] = [result.catalog.path]
    let values = result.tensors.reduce(UInt64(0)) { $0 + ($1.stats?.count ?? 0) }
    let scanned = result.tensors.filter { $0.stats != nil }.count
    var line = "  scanned \(TextReport.plural(scanned, "tensor")) of \(result.catalog.tensors.count), \(Units.grouped(values)) values, "
      + "\(Units.bytes(result.bytesScanned)) in \(Units.fixed(result.seconds, 2)) s"
    if result.seconds > 0 && result.bytesScanned > 0 {
      line += " (\(Units.bytes(UInt64(Double(result.bytesScanned) / result.seconds)))/s)"
    }
    out.append(line)
    let hashed = result.files.filter { $0.sha256 != nil }
    // Several files: a line each, the name first (a narrow terminal wraps the digest under it).
    if hashed.count > 1 { out.append("  sha256:") }
    for file in hashed {
      var text = hashed.count > 1 ? "    \(FileSystemName.base(file.path)) \(file.sha256!)" : "  sha256 \(file.sha256!)"
      if let expected = file.sha256Expected {
        let whence = file.expectationSource == "hf-cache" ? "the cache blob name" : "expected"
        text += expected == file.sha256 ? "  matches \(whence)" : "  " + style.paint("DIFFERS from \(whence)", .error)
      }
      out.append(text)
    }
    out.append("")
    let failing = result.findings.filter { $0.kind.fails }
    let notes = result.findings.filter { !$0.kind.fails }
    if failing.isEmpty {
      out.append("  No findings: every value decoded is a finite number and no weight is all zero.")
    } else {
      out.append("  " + style.paint("\(TextReport.plural(failing.count, "finding")):", .error))
      for finding in failing.prefix(50) {
        out += TextReport.wrapped(finding.message, width: style.width, indent: 4)
      }
      if failing.count > 50 { out.append("    … and \(failing.count - 50) more (--json lists them all)") }
    }
    if !notes.isEmpty {
      out.append("  Notes:")
      for note in notes.prefix(20) { out += TextReport.wrapped(note.message, width: style.width, indent: 4) }
      if notes.count > 20 { out.append("    … and \(notes.count - 20) more (--json lists them all)") }
    }
    let (components, layers) = groups(result)
    if !components.isEmpty {
      out.append("")
      out.append(groupTable(["component"] + statsHeader, components, style: style))
    }
    if listLayers && !layers.isEmpty {
      out.append("")
      out.append(groupTable(["layer"] + statsHeader, layers, style: style, rightFirst: true))
    }
    if listTensors {
      out.append("")
      var table = TextTable(
        [.left, .left, .right, .right, .right, .right, .right, .right, .right],
        fits: [.shorten(min: 16), .keep, .keep, .keep, .keep, .keep, .keep, .keep, .keep])
      table.indent = 2
      table.maxWidth = style.width
      table.stacks = true
      table.add(["tensor", "dtype", "values", "NaN", "Inf", "zeros", "min", "max", "std"])
      for scan in result.tensors {
        let tensor = result.catalog.tensors[scan.index]
        guard let stats = scan.stats else {
          table.add([String(tensor.name), tensor.dtype, Units.count(tensor.elements), "-", "-", "-", "-", "-", "not decoded"])
          continue
        }
        table.add([
          String(tensor.name), tensor.dtype, Units.count(stats.count), Units.grouped(stats.nan),
          Units.grouped(stats.positiveInfinity + stats.negativeInfinity), Units.grouped(stats.zeros),
          number(stats.min), number(stats.max), number(stats.standardDeviation),
        ])
      }
      out.append(table.render())
    }
    return out.joined(separator: "\n")
  }

  static let statsHeader = ["tensors", "values", "mean |w|", "std", "max |w|", "findings"]

  static func groupTable(_ header: [String], _ groups: [Group], style: TextStyle, rightFirst: Bool = false) -> String {
    var table = TextTable([rightFirst ? .right : .left, .right, .right, .right, .right, .right, .right])
    table.indent = 2
    table.maxWidth = style.width
    table.stacks = true
    table.add(header)
    for group in groups {
      table.add(
        [
          group.name, String(group.tensors), Units.count(group.stats.count), number(group.stats.meanAbsolute),
          number(group.stats.standardDeviation), number(group.stats.absoluteMaximum), String(group.findings),
        ], paint: group.findings > 0 ? [6: .error] : [:])
    }
    return table.render()
  }

  /// Four significant digits: enough to see a layer that blew up, short enough for a column.
  static func number(_ value: Double?) -> String {
    guard let value else { return "-" }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e5 || magnitude < 1e-3 { return scientific(value) }
    let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : magnitude >= 1 ? 3 : 4
    return Units.fixed(value, decimals)
  }

  static func scientific(_ value: Double) -> String {
    var exponent = 0
    var mantissa = abs(value)
    while mantissa >= 10 { mantissa /= 10; exponent += 1 }
    while mantissa < 1 { mantissa *= 10; exponent -= 1 }
    var text = Units.fixed(mantissa, 2)
    if text == "10.00" { text = "1.00"; exponent += 1 }
    return (value < 0 ? "-" : "") + text + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
  }

  // MARK: JSON

  public static func json(_ result: ScanResult, tensors listTensors: Bool) -> JSONValue {
    let (components, layers) = groups(result)
    var fields: [(String, JSONValue)] = [
      ("schema", .string(JSONReport.schema)),
      ("path", .string(result.catalog.path)),
      ("format", .string(result.catalog.format.rawValue)),
      ("clean", .bool(!result.findings.contains { $0.kind.fails })),
      ("summary", .object([
        ("tensors", .int(result.catalog.tensors.count)),
        ("tensors_scanned", .int(result.tensors.filter { $0.stats != nil }.count)),
        ("values", .unsigned(result.tensors.reduce(0) { $0 + ($1.stats?.count ?? 0) })),
        ("bytes_scanned", .unsigned(result.bytesScanned)),
        ("seconds", .double((result.seconds * 1000).rounded() / 1000)),
        ("findings", .int(result.findings.filter { $0.kind.fails }.count)),
        ("notes", .int(result.findings.filter { !$0.kind.fails }.count)),
      ])),
      ("findings", .array(result.findings.map(finding))),
      ("files", .array(result.files.map(file))),
      ("by_component", .array(components.map { group($0, key: "component") })),
      ("by_layer", .array(layers.map { group($0, key: "layer", numeric: true) })),
    ]
    if listTensors {
      fields.append(("tensors", .array(result.tensors.map { tensor($0, result.catalog) })))
    }
    fields.append(("warnings", .array(result.catalog.warnings.map(JSONValue.string))))
    return .object(fields)
  }

  static func finding(_ finding: ScanFinding) -> JSONValue {
    .object([
      ("kind", .string(finding.kind.rawValue)),
      ("tensor", .optional(finding.tensor)),
      ("file", .optional(finding.file)),
      ("count", finding.count.map(JSONValue.unsigned) ?? .null),
      ("message", .string(finding.message)),
    ])
  }

  static func file(_ file: ScanResult.FileScan) -> JSONValue {
    .object([
      ("path", .string(file.path)),
      ("bytes", .unsigned(file.bytes)),
      ("sha256", .optional(file.sha256)),
      ("sha256_expected", .optional(file.sha256Expected)),
      ("sha256_expected_from", .optional(file.expectationSource)),
    ])
  }

  static func value(_ x: Double?) -> JSONValue { x.map(JSONValue.double) ?? .null }

  static func group(_ group: Group, key: String, numeric: Bool = false) -> JSONValue {
    .object([
      (key, numeric ? .int(Int(group.name) ?? 0) : .string(group.name)),
      ("tensors", .int(group.tensors)),
      ("values", .unsigned(group.stats.count)),
      ("mean_abs", value(group.stats.meanAbsolute)),
      ("std", value(group.stats.standardDeviation)),
      ("abs_max", value(group.stats.absoluteMaximum)),
      ("findings", .int(group.findings)),
    ])
  }

  static func tensor(_ scan: ScanResult.TensorScan, _ catalog: Catalog) -> JSONValue {
    let tensor = catalog.tensors[scan.index]
    let stats = scan.stats
    return .object([
      ("name", .string(String(tensor.name))),
      ("dtype", .string(tensor.dtype)),
      ("elements", .unsigned(tensor.elements)),
      ("decoded", .bool(stats != nil)),
      ("nan", stats.map { .unsigned($0.nan) } ?? .null),
      ("pos_inf", stats.map { .unsigned($0.positiveInfinity) } ?? .null),
      ("neg_inf", stats.map { .unsigned($0.negativeInfinity) } ?? .null),
      ("zeros", stats.map { .unsigned($0.zeros) } ?? .null),
      ("min", value(stats?.min)),
      ("max", value(stats?.max)),
      ("mean", value(stats?.mean)),
      ("std", value(stats?.standardDeviation)),
      ("abs_max", value(stats?.absoluteMaximum)),
      ("content_hash", scan.contentHash.map { .string(hex($0)) } ?? .null),
    ])
  }

  static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}

extension ScanReport.Group {
  mutating func add(_ stats: ValueStats, findings: Int) {
    tensors += 1
    self.stats.merge(stats)
    self.findings += findings
  }
}

/// The last part of a path, for per-file lines.
enum FileSystemName {
  static func base(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
