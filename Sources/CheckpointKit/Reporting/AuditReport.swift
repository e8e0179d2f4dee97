/// The audit as text (a short table and a verdict) and as the JSON `audit` object.
public enum AuditReport {
  public static func text(_ audit: Audit, exact: Bool = false) -> String {
    var lines = ["  audit"]
    if audit.reported.isEmpty {
      lines.append("    no source claims a parameter count (no size label, metadata count, config or hyperparameters)")
    } else {
      var table = TextTable([.left, .right, .right, .left])
      table.indent = 4
      table.add(["source", "claims", "vs actual", "result"])
      var explanations: [(Int, [String])] = []
      for (k, row) in audit.reported.enumerated() {
        let result: String
        switch (row.ok, row.kind) {
        case (_, .approximation): result = "approximation"
        case (false, _) where row.isFinding: result = "finding"
        case (true, _): result = row.value == row.actual ? "exact" : "ok"
        case (false, _): result = row.explainedBy.isEmpty ? "UNEXPLAINED" : "explained"
        }
        table.add([row.source, row.claim, difference(row, exact: exact), result])
        if !row.explainedBy.isEmpty && row.kind != .approximation { explanations.append((k, row.explainedBy)) }
      }
      lines.append(table.render())
      for (k, reasons) in explanations {
        lines += wrap("\(audit.reported[k].source): " + reasons.joined(separator: "; "))
      }
    }
    let a = audit.actual
    var actual = "\(Units.grouped(a.parameters)) parameters"
    if let active = a.activeParameters, let e = a.experts, let u = a.expertsUsed {
      actual += ", \(Units.grouped(active)) active (top-\(u) of \(e) experts)"
    }
    let agreement = audit.reported.isEmpty ? "no reported figure to check" : "every reported figure agrees or is explained"
    lines.append("    verdict: \(actual); " + (audit.passed ? agreement : TextReport.plural(audit.findings.count, "finding")))
    for finding in audit.findings { lines += wrap("finding: " + finding) }
    for note in audit.notes { lines += wrap("note: " + note) }
    return lines.joined(separator: "\n")
  }

  /// Lines of at most 80 columns: the first indented by 4, the rest by 6.
  static func wrap(_ text: String, width: Int = 80) -> [String] {
    var lines: [String] = []
    var line = "    "
    for word in text.split(separator: " ") {
      if line.count + word.count + 1 > width && line.trimmingPrefixSpaces != "" {
        lines.append(line)
        line = "      "
      }
      line += (line.hasSuffix(" ") ? "" : " ") + word
    }
    lines.append(line)
    return lines
  }

  /// `+485.0K (+0.36%)`, or `0` when equal.
  static func difference(_ row: Audit.Reported, exact: Bool) -> String {
    let d = row.difference
    if d == 0 { return "0" }
    let magnitude = UInt64(d.magnitude)
    let size = row.kind == .bytes ? Units.bytes(magnitude) : (exact ? Units.grouped(magnitude) : Units.count(magnitude))
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

extension String {
  /// The string without leading spaces.
  var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
