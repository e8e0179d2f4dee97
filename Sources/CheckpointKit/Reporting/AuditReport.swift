/// The audit as text (a short table and a verdict) and as the JSON `audit` object.
public enum AuditReport {
  public static func text(_ audit: Audit, exact: Bool = false, style: TextStyle = .plain) -> String {
    var lines = ["  audit"]
    if audit.reported.isEmpty {
      lines += TextReport.wrapped(noSources, width: style.width, indent: 4)
    } else {
      // The source wraps under itself first, then the difference after its sign and figure;
      // claims and results keep their width so the columns still line up.
      var table = TextTable(
        [.left, .right, .right, .left], fits: [.wrap(min: 12, hanging: 2), .keep, .wrap(min: 9), .keep])
      table.indent = 4
      table.maxWidth = style.width
      table.style = style
      table.stacks = true
      table.add(header)
      for row in rows(audit, exact: exact) {
        table.add(row.cells, paint: row.unexplained ? [3: .error] : [:])
      }
      lines.append(table.render())
      for (source, reasons) in explanations(audit) {
        lines += TextReport.wrapped("\(source): " + reasons.joined(separator: "; "), width: style.width, indent: 4)
      }
    }
    var verdict = TextReport.wrapped("verdict: " + self.verdict(audit), width: style.width, indent: 4)
    if !audit.passed, let last = verdict.indices.last {
      // The count of findings at the end of the verdict is what a reader must not miss.
      let count = TextReport.plural(audit.findings.count, "finding")
      if verdict[last].hasSuffix(count) { verdict[last] = String(verdict[last].dropLast(count.count)) + style.paint(count, .error) }
    }
    lines += verdict
    for finding in audit.findings {
      var wrapped = TextReport.wrapped("finding: " + finding, width: style.width, indent: 4)
      wrapped[0] = "    " + style.paint("finding:", .error) + wrapped[0].dropFirst(4 + "finding:".count)
      lines += wrapped
    }
    for note in audit.notes { lines += TextReport.wrapped("note: " + note, width: style.width, indent: 4) }
    return lines.joined(separator: "\n")
  }

  static let noSources = "no source claims a parameter count (no size label, metadata count, config or hyperparameters)"
  static let header = ["source", "claims", "vs actual", "result"]

  /// The table's rows: source, claim, difference, result; `unexplained` for a finding.
  static func rows(_ audit: Audit, exact: Bool) -> [(cells: [String], unexplained: Bool)] {
    audit.reported.map { row in
      let result: String
      switch (row.ok, row.kind) {
      case (_, .approximation): result = "approximation"
      // A figure describing a model the file does not hold: the row is the finding.
      case (false, _) where row.isFinding: result = "finding"
      case (true, _): result = row.value == row.actual ? "exact" : "ok"
      case (false, _): result = row.explainedBy.isEmpty ? "UNEXPLAINED" : "explained"
      }
      return ([row.source, claim(row), difference(row, exact: exact), result], result == "UNEXPLAINED" || result == "finding")
    }
  }

  /// Every explained row's source with its reasons.
  static func explanations(_ audit: Audit) -> [(source: String, reasons: [String])] {
    audit.reported.filter { !$0.explainedBy.isEmpty && $0.kind != .approximation }.map { ($0.source, $0.explainedBy) }
  }

  /// `46,702,792,704 parameters, 12,879,925,248 active (top-2 of 8 experts); 1 finding`.
  static func verdict(_ audit: Audit) -> String {
    let a = audit.actual
    var actual = "\(Units.grouped(a.parameters)) parameters"
    if let active = a.activeParameters, let e = a.experts, let u = a.expertsUsed {
      actual += ", \(Units.grouped(active)) active (top-\(u) of \(e) experts)"
    }
    let agreement = audit.reported.isEmpty ? "no reported figure to check" : "every reported figure agrees or is explained"
    return actual + "; " + (audit.passed ? agreement : TextReport.plural(audit.findings.count, "finding"))
  }

  /// The claim as written, but a whole number grouped like every other (`46,702,792,704`
  /// beside the formulas' figures, not `46702792704`).
  static func claim(_ row: Audit.Reported) -> String {
    guard !row.claim.isEmpty, row.claim.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
      let value = UInt64(row.claim)
    else { return row.claim }
    return Units.grouped(value)
  }

  /// `+485.0K (+0.36%)`, or `0` when equal; with `exact`, whole numbers (bytes too).
  static func difference(_ row: Audit.Reported, exact: Bool) -> String {
    let d = row.difference
    if d == 0 { return "0" }
    let magnitude = UInt64(d.magnitude)
    let size = row.kind == .bytes ? Units.bytes(magnitude, exact: exact) : (exact ? Units.grouped(magnitude) : Units.count(magnitude))
    let percent = row.percent.map { " (\($0 >= 0 ? "+" : "-")\(Units.fixed(abs($0), 2))%)" } ?? ""
    return (d > 0 ? "+" : "-") + size + percent
  }

  public static func json(_ audit: Audit) -> JSONValue {
    let a = audit.actual
    return .object([
      ("passed", .bool(audit.passed)),
      ("actual", .object([
        ("parameters", .unsigned(a.parameters)),
        ("active_parameters", a.activeParameters.map(JSONValue.unsigned) ?? .null),
        ("experts", a.experts.map(JSONValue.int) ?? .null),
        ("experts_used", a.expertsUsed.map(JSONValue.int) ?? .null),
        ("routed_expert_parameters", .unsigned(a.routedExpertParameters)),
        ("buffers", .unsigned(a.bufferElements)),
        ("quant_aux", .unsigned(a.quantAuxElements)),
        ("packed_tensors", .int(a.packedTensors)),
        ("packed_stored_elements", .unsigned(a.packedStoredElements)),
        ("tied_head", .string(a.tiedHead.rawValue)),
        ("separate", .object(a.separate.map { ($0.component, .unsigned($0.parameters)) })),
        ("tensor_bytes", .unsigned(a.tensorBytes)),
      ])),
      ("reported", .array(audit.reported.map { row in
        .object([
          ("source", .string(row.source)),
          ("claim", .string(row.claim)),
          ("value", .unsigned(row.value)),
          ("kind", .string(row.kind.rawValue)),
          ("compared_to", .string(row.comparedTo)),
          ("actual", .unsigned(row.actual)),
          ("difference", .signed(row.difference)),
          ("percent", row.percent.map { .double(JSONReport.rounded($0)) } ?? .null),
          ("explained_by", .array(row.explainedBy.map(JSONValue.string))),
          ("ok", .bool(row.ok)),
        ])
      })),
      ("findings", .array(audit.findings.map(JSONValue.string))),
      ("notes", .array(audit.notes.map(JSONValue.string))),
    ])
  }
}
