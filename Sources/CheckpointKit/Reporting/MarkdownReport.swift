/// The reports as GitHub-flavoured Markdown, to paste into an issue or a pull request: the
/// same facts and rows as the text reports (built by the same functions), as tables, with
/// nothing shortened, wrapped or coloured.
public enum MarkdownReport {
  /// Facts, the component table (and the layer table with `layers`), then the audit.
  public static func summary(
    _ catalog: Catalog, _ summary: CountSummary, audit: Audit, exact: Bool = false, layers: Bool = false
  ) -> String {
    var facts = Table(["checkpoint", code(catalog.path)], [.left, .left])
    for fact in TextReport.facts(catalog, summary, exact: exact) { facts.add([fact.label, fact.value]) }
    var out = [facts.render()]
    let unknown = TextReport.UnknownSizes(catalog, summary)
    if !summary.byComponent.isEmpty {
      var table = Table(TextReport.componentHeader, [.left, .right, .right, .right, .right, .left])
      for row in TextReport.componentRows(summary, unknown: unknown, exact: exact) { table.add(row) }
      out.append(table.render())
    }
    if layers && !summary.byLayer.isEmpty {
      var table = Table(TextReport.layerHeader, [.right, .right, .right, .right])
      for row in TextReport.layerRows(summary, unknown: unknown, exact: exact) { table.add(row) }
      out.append(table.render())
    }
    if catalog.tensors.isEmpty { out.append(escape(TextReport.emptyNote)) }
    out.append(self.audit(audit, exact: exact))
    return out.joined(separator: "\n\n")
  }

  /// `audit` of `path` on its own (the audit command).
  public static func audit(_ audit: Audit, path: String, exact: Bool = false) -> String {
    "**audit** of \(code(path))\n\n" + self.audit(audit, exact: exact)
  }

  /// The audit table, then the explanations, the verdict, findings and notes as a list.
  static func audit(_ audit: Audit, exact: Bool) -> String {
    var out: [String] = []
    if audit.reported.isEmpty {
      out.append(escape(AuditReport.noSources))
    } else {
      var table = Table(AuditReport.header, [.left, .right, .right, .left])
      for row in AuditReport.rows(audit, exact: exact) {
        var cells = row.cells
        if row.unexplained { cells[3] = "**UNEXPLAINED**" }
        table.add(cells, escaping: !row.unexplained)
      }
      out.append(table.render())
    }
    var items = AuditReport.explanations(audit).map { "- " + escape("\($0.source): " + $0.reasons.joined(separator: "; ")) }
    items.append("- **verdict**: " + escape(AuditReport.verdict(audit)))
    items += audit.findings.map { "- **finding**: " + escape($0) }
    items += audit.notes.map { "- note: " + escape($0) }
    out.append(items.joined(separator: "\n"))
    return out.joined(separator: "\n\n")
  }

  /// The tensor table: names as code, shapes in PyTorch order (said under the table for GGUF).
  public static func tensors(_ catalog: Catalog, _ tensors: [TensorRecord], exact: Bool = false) -> String {
    var table = Table(TextReport.tensorHeader, [.left, .left, .left, .right, .right, .left, .left])
    for var row in TextReport.tensorRows(tensors, exact: exact) {
      row[0] = code(row[0])
      table.add(row, escaping: false)
    }
    var footer = "\(Units.grouped(UInt64(tensors.count))) of \(TextReport.plural(catalog.tensors.count, "tensor"))"
    if catalog.format == .gguf || catalog.format == .splitGGUF { footer += "; " + TextReport.ggufShapeNote + "." }
    return "**tensors** of \(code(catalog.path))\n\n" + table.render() + "\n\n" + escape(footer)
  }

  /// The memory estimate, converted from its text form so the two cannot disagree: that form
  /// is a heading line, a two-column table indented by 4 (label, two or more spaces, value;
  /// rows with an empty label continue the one above), then with `--explain` formulas of one
  /// line each, indented by 4, whose continuation lines are indented by 6.
  public static func memory(_ estimate: MemoryEstimate, path: String, explain: Bool = false) -> String {
    let lines = MemoryReport.text(estimate, explain: explain).split(separator: "\n", omittingEmptySubsequences: false)
    var table = Table(["memory", code(path)], [.left, .left])
    var items: [String] = []
    var valueColumn = Int.max
    for line in lines.dropFirst() {
      let indent = line.prefix { $0 == " " }.count
      let body = line.dropFirst(indent)
      if indent == 4, let gap = body.firstRange(of: "  ") {
        let label = body[..<gap.lowerBound]
        let value = body[gap.lowerBound...].drop { $0 == " " }
        valueColumn = indent + body.distance(from: body.startIndex, to: value.startIndex)
        table.add([String(label), String(value)])
      } else if indent >= valueColumn && items.isEmpty {
        table.add(["", String(body)])
      } else if indent > 4, !items.isEmpty {
        items[items.count - 1] += " " + escape(String(body))
      } else if !body.isEmpty {
        items.append("- " + escape(String(body)))
      }
    }
    let heading = lines.first.map { $0.drop { $0 == " " } } ?? ""
    let units = heading.firstIndex(of: "(").map { String(heading[$0...]).trimmingParentheses } ?? ""
    var out = [table.render()]
    if !units.isEmpty { out.append(escape(units.prefix(1).uppercased() + units.dropFirst() + ".")) }
    if !items.isEmpty { out.append(items.joined(separator: "\n")) }
    return out.joined(separator: "\n\n")
  }

  /// A pipe table: header, alignment row, rows.
  struct Table {
    var header: [String]
    var alignments: [TextTable.Alignment]
    var rows: [[String]] = []

    init(_ header: [String], _ alignments: [TextTable.Alignment]) {
      self.header = header
      self.alignments = alignments
    }

    mutating func add(_ row: [String], escaping: Bool = true) {
      rows.append(escaping ? row.map(MarkdownReport.escape) : row)
    }

    func render() -> String {
      func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
      let rule = alignments.map { $0 == .right ? "--:" : ":--" }
      return ([line(header.map { $0.isEmpty ? " " : $0 }), line(rule)] + rows.map(line)).joined(separator: "\n")
    }
  }

  /// Text safe in a table cell and in running text: `|` would end a cell, `<` open an HTML tag,
  /// `*`, `` ` `` and an `_` at the edge of a word start emphasis or code (`__metadata__` would
  /// turn bold); an `_` inside a word (`token_embd`) is left alone, as GFM does not read it.
  static func escape(_ text: String) -> String {
    guard text.utf8.contains(where: { "\\|<*_`".utf8.contains($0) }) else { return text }
    let chars = Array(text)
    var out = ""
    for (k, ch) in chars.enumerated() {
      switch ch {
      case "<": out += "&lt;"
      case "\\", "|", "*", "`": out += "\\" + String(ch)
      case "_":
        let inside = k > 0 && k + 1 < chars.count && chars[k - 1].isLetterOrNumber && chars[k + 1].isLetterOrNumber
        out += inside ? "_" : "\\_"
      default: out.append(ch)
      }
    }
    return out
  }

  /// `text` as inline code; a `|` still needs its backslash inside a table.
  static func code(_ text: String) -> String {
    let fence = text.contains("`") ? "``" : "`"
    return fence + text.replacingAll("|", with: "\\|") + fence
  }
}

extension Character {
  fileprivate var isLetterOrNumber: Bool { isLetter || isNumber }
}

extension String {
  /// `(binary units: 1 GiB = 2^30 bytes)` without its parentheses.
  fileprivate var trimmingParentheses: String {
    var s = Substring(self)
    if s.hasPrefix("(") { s = s.dropFirst() }
    if s.hasSuffix(")") { s = s.dropLast() }
    return String(s)
  }
}
