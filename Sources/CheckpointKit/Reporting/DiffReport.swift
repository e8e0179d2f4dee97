/// `ckptinspect diff` as text and JSON. Text puts the findings first (only in A, only in B,
/// changed, grouped by component and layer), then the per-component table; JSON uses the key
/// names scripts rely on (docs/json-schema.md, "diff").
public enum DiffReport {
  /// The one-line verdict that opens the text report.
  public static func verdict(_ d: CheckpointDiff) -> String {
    if d.identical { return "identical" + (d.crossFormat ? " (names mapped Hugging Face -> GGUF)" : "") }
    var parts: [String] = []
    if !d.onlyInA.isEmpty { parts.append("B lacks \(d.onlyInA.count) tensor\(d.onlyInA.count == 1 ? "" : "s")") }
    if !d.onlyInB.isEmpty { parts.append("B adds \(d.onlyInB.count) tensor\(d.onlyInB.count == 1 ? "" : "s")") }
    let reshaped = d.changed.filter { $0.changes.contains("shape") }.count
    if reshaped > 0 { parts.append("\(reshaped) shape\(reshaped == 1 ? "" : "s") changed") }
    if !d.unmapped.isEmpty { parts.append("\(d.unmapped.count) unmapped") }
    if !d.hyperparametersChanged.isEmpty {
      parts.append("hyperparameters differ (\(d.hyperparametersChanged.map(\.field).joined(separator: ", ")))")
    }
    let retyped = d.changed.filter { $0.changes == ["dtype", "bytes"] || $0.changes == ["dtype"] }
    if !retyped.isEmpty {
      let pairs = Set(retyped.map { "\($0.a.dtype)→\($0.b.dtype)" }).sorted().joined(separator: ", ")
      parts.append("\(retyped.count) tensor\(retyped.count == 1 ? "" : "s") \(pairs)")
    }
    if !d.metadataChanged.isEmpty { parts.append("\(d.metadataChanged.count) metadata key\(d.metadataChanged.count == 1 ? "" : "s") differ") }
    let unexplained = d.parameterDifference - d.explainedDifference
    parts.append(unexplained == 0 ? "parameters equal" : "parameters \(unexplained > 0 ? "+" : "−")\(Units.grouped(unexplained.magnitude))")
    let lead = d.structurallyDifferent ? "structurally different" : (d.crossFormat ? "same model, converted" : "same structure")
    return lead + ": " + parts.joined(separator: "; ")
  }

  public static func text(_ d: CheckpointDiff, all: Bool = false) -> String {
    var lines = ["A: \(d.pathA)", "B: \(d.pathB)", verdict(d)]
    func describe(_ s: CheckpointDiff.Side) -> String {
      "\(s.name)  \(s.dtype) \(shapeText(s.shape))"
    }
    func grouped(_ title: String, _ sides: [CheckpointDiff.Side]) {
      guard !sides.isEmpty else { return }
      lines.append("")
      lines.append("\(title) (\(sides.count)):")
      var heading = ""
      for s in sides.sorted(by: order) {
        let h = groupTitle(s)
        if h != heading {
          lines.append("  " + h)
          heading = h
        }
        lines.append("    " + describe(s))
      }
    }
    grouped("only in A", d.onlyInA)
    grouped("only in B", d.onlyInB)
    if !d.changed.isEmpty {
      lines.append("")
      lines.append("changed (\(d.changed.count)):")
      var heading = ""
      for c in d.changed.sorted(by: { order($0.a, $1.a) }) {
        let h = groupTitle(c.a)
        if h != heading {
          lines.append("  " + h)
          heading = h
        }
        let name = c.a.name == c.b.name ? c.a.name : "\(c.a.name) -> \(c.b.name)"
        var what: [String] = []
        if c.changes.contains("shape") { what.append("shape \(shapeText(c.a.shape)) -> \(shapeText(c.b.shape))") }
        if c.changes.contains("dtype") { what.append("\(c.a.dtype) -> \(c.b.dtype)") }
        if c.changes.contains("bytes") { what.append("\(Units.bytes(c.a.bytes ?? 0)) -> \(Units.bytes(c.b.bytes ?? 0))") }
        lines.append("    \(name)  " + what.joined(separator: ", "))
      }
    }
    grouped("unmapped (no GGUF name for these)", d.unmapped)
    if !d.hyperparametersChanged.isEmpty {
      lines.append("")
      lines.append("hyperparameters changed:")
      for h in d.hyperparametersChanged { lines.append("  \(h.field): \(number(h.a)) -> \(number(h.b))") }
    }
    if !d.metadataChanged.isEmpty {
      lines.append("")
      lines.append("metadata changed:")
      for m in d.metadataChanged { lines.append("  \(m.key): \(m.a ?? "(absent)") -> \(m.b ?? "(absent)")") }
    }
    if !d.conventions.isEmpty {
      lines.append("")
      lines.append("accounted for (conversion conventions):")
      for c in d.conventions { lines.append("  " + c) }
    }
    lines.append("")
    lines.append("\(d.identicalCount) tensor\(d.identicalCount == 1 ? "" : "s") identical\(all || d.identicalCount == 0 ? "" : " (--all lists them)")")
    if all {
      for s in d.identicalTensors.sorted(by: order) { lines.append("  " + describe(s)) }
    }
    lines.append("")
    var table = TextTable([.left, .right, .right, .right, .right, .right, .right])
    table.add(["component", "params A", "params B", "bytes A", "bytes B", "bpw A", "bpw B"])
    for c in d.byComponent {
      table.add([
        c.component.rawValue, Units.grouped(c.parametersA), Units.grouped(c.parametersB), Units.bytes(c.bytesA), Units.bytes(c.bytesB),
        c.bitsPerWeightA.map { Units.fixed($0, 2) } ?? "-", c.bitsPerWeightB.map { Units.fixed($0, 2) } ?? "-",
      ])
    }
    let bytesA = d.byComponent.reduce(UInt64(0)) { $0.plus($1.bytesA) }, bytesB = d.byComponent.reduce(UInt64(0)) { $0.plus($1.bytesB) }
    table.add(["total", Units.grouped(d.parametersA), Units.grouped(d.parametersB), Units.bytes(bytesA), Units.bytes(bytesB), "", ""])
    lines.append(table.render())
    return lines.joined(separator: "\n")
  }

  public static func json(_ d: CheckpointDiff, all: Bool = false) -> JSONValue {
    func side(_ s: CheckpointDiff.Side) -> JSONValue {
      .object([
        ("name", .string(s.name)), ("dtype", .string(s.dtype)), ("shape", .array(s.shape.map(JSONValue.unsigned))),
        ("parameters", .unsigned(s.parameters)), ("bytes", s.bytes.map(JSONValue.unsigned) ?? .null),
        ("component", .string(s.component.rawValue)), ("layer", s.layer.map(JSONValue.int) ?? .null),
      ])
    }
    func number(_ x: Double) -> JSONValue {
      x == x.rounded() && abs(x) < 9e15 ? .signed(Int64(x)) : .double(x)
    }
    var members: [(String, JSONValue)] = [
      ("schema", .string(JSONReport.schema)),
      ("a", .string(d.pathA)), ("b", .string(d.pathB)),
      ("cross_format", .bool(d.crossFormat)),
      ("identical", .bool(d.identical)),
      ("structurally_different", .bool(d.structurallyDifferent)),
      ("verdict", .string(verdict(d))),
      (
        "parameters",
        .object([
          ("a", .unsigned(d.parametersA)), ("b", .unsigned(d.parametersB)), ("difference", .signed(d.parameterDifference)),
          ("explained", .signed(d.explainedDifference)), ("unexplained", .signed(d.parameterDifference - d.explainedDifference)),
        ])
      ),
      ("tensors_identical", .unsigned(UInt64(d.identicalCount))),
      ("tensors_only_in_a", .array(d.onlyInA.map(side))),
      ("tensors_only_in_b", .array(d.onlyInB.map(side))),
      (
        "tensors_changed",
        .array(d.changed.map { .object([("a", side($0.a)), ("b", side($0.b)), ("changes", .array($0.changes.map(JSONValue.string)))]) })
      ),
      ("unmapped", .array(d.unmapped.map(side))),
      (
        "metadata_changed",
        .array(d.metadataChanged.map { .object([("key", .string($0.key)), ("a", .optional($0.a)), ("b", .optional($0.b))]) })
      ),
      (
        "hyperparameters_changed",
        .array(d.hyperparametersChanged.map { .object([("field", .string($0.field)), ("a", number($0.a)), ("b", number($0.b))]) })
      ),
      ("conventions", .array(d.conventions.map(JSONValue.string))),
      (
        "by_component",
        .array(
          d.byComponent.map { c in
            .object([
              ("component", .string(c.component.rawValue)),
              (
                "a",
                .object([
                  ("parameters", .unsigned(c.parametersA)), ("bytes", .unsigned(c.bytesA)),
                  ("bits_per_weight", c.bitsPerWeightA.map(JSONValue.double) ?? .null),
                ])
              ),
              (
                "b",
                .object([
                  ("parameters", .unsigned(c.parametersB)), ("bytes", .unsigned(c.bytesB)),
                  ("bits_per_weight", c.bitsPerWeightB.map(JSONValue.double) ?? .null),
                ])
              ),
            ])
          })
      ),
    ]
    if all { members.append(("tensors_identical_list", .array(d.identicalTensors.map(side)))) }
    return .object(members)
  }

  static func shapeText(_ shape: [UInt64]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

  static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 9e15 ? String(Int64(x)) : String(x) }

  /// Component, then layer (non-layer tensors first), then name.
  static func order(_ x: CheckpointDiff.Side, _ y: CheckpointDiff.Side) -> Bool {
    if x.component != y.component { return x.component < y.component }
    if x.layer != y.layer { return (x.layer ?? -1) < (y.layer ?? -1) }
    return x.name < y.name
  }

  static func groupTitle(_ s: CheckpointDiff.Side) -> String {
    s.component.rawValue + (s.layer.map { ", layer \($0)" } ?? "")
  }
}
