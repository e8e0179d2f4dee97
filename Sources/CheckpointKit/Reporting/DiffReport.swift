/// `ckptinspect diff` as text and JSON. Text puts the findings first (only in A, only in B,
/// changed, grouped by component and layer), then the per-component table; JSON uses the key
/// names scripts rely on (docs/json-schema.md, "diff").
public enum DiffReport {
  /// The one-line verdict that opens the text report.
  public static func verdict(_ d: CheckpointDiff) -> String {
    if d.identical { return "identical" + (d.crossFormat ? " (names mapped Hugging Face -> GGUF)" : "") }
    var parts: [String] = []
    func tensors(_ sides: [CheckpointDiff.Side]) -> String {
      "\(sides.count) tensor\(sides.count == 1 ? "" : "s")" + (whereabouts(sides).map { " (\($0))" } ?? "")
    }
    if !d.onlyInA.isEmpty { parts.append("B lacks " + tensors(d.onlyInA)) }
    if !d.onlyInB.isEmpty { parts.append("B adds " + tensors(d.onlyInB)) }
    let reshaped = d.changed.filter { $0.changes.contains("shape") }.count
    if reshaped > 0 { parts.append("\(reshaped) shape\(reshaped == 1 ? "" : "s") changed") }
    if !d.unmapped.isEmpty { parts.append("\(d.unmapped.count) unmapped") }
    if !d.hyperparametersChanged.isEmpty {
      parts.append("hyperparameters differ (\(d.hyperparametersChanged.map(\.field).joined(separator: ", ")))")
    }
    let retyped = d.changed.filter { !$0.changes.contains("shape") && $0.changes.contains("dtype") }
    if !retyped.isEmpty {
      let pairs = Set(retyped.map { "\($0.a.dtype)→\($0.b.dtype)" + ($0.changes.contains("packing") ? " packed" : "") }).sorted()
      parts.append("\(retyped.count) tensor\(retyped.count == 1 ? "" : "s") \(pairs.joined(separator: ", "))")
    }
    if !d.crossFormat && d.fusedGroups > 0 { parts.append("\(d.fusedGroups) group\(d.fusedGroups == 1 ? "" : "s") fused on one side, split on the other") }
    if !d.bookkeepingOnlyInB.isEmpty { parts.append("quantization adds " + bookkeepingCount(d.bookkeepingOnlyInB)) }
    if !d.bookkeepingOnlyInA.isEmpty { parts.append("B drops " + bookkeepingCount(d.bookkeepingOnlyInA)) }
    if !d.metadataChanged.isEmpty { parts.append("\(d.metadataChanged.count) metadata key\(d.metadataChanged.count == 1 ? "" : "s") differ") }
    let unexplained = d.parameterDifference - d.explainedDifference
    parts.append(unexplained == 0 ? "parameters equal" : "parameters " + signed(unexplained) + approximate(unexplained))
    return lead(d) + ": " + parts.joined(separator: "; ")
  }

  /// What kind of difference, before the details: structural, a conversion, a quantization (or
  /// its reverse), a requantization in place, or headers alike but for metadata.
  static func lead(_ d: CheckpointDiff) -> String {
    if d.structurallyDifferent { return "structurally different" }
    if d.crossFormat { return "same model, converted" }
    if d.fusedGroups > 0 && d.changed.isEmpty { return "same model, fused differently" }
    if !d.bookkeepingOnlyInB.isEmpty && d.bookkeepingOnlyInA.isEmpty { return "same model, quantized" }
    if !d.bookkeepingOnlyInA.isEmpty && d.bookkeepingOnlyInB.isEmpty { return "same model, dequantized" }
    if !d.changed.isEmpty || !d.bookkeepingOnlyInA.isEmpty { return "same model, requantized" }
    return "structurally identical"
  }

  /// `20 bookkeeping tensors (scale)`: the kinds by their last name component.
  static func bookkeepingCount(_ sides: [CheckpointDiff.Side]) -> String {
    "\(sides.count) bookkeeping tensor\(sides.count == 1 ? "" : "s") (\(bookkeepingKinds(sides).map(\.kind).joined(separator: ", ")))"
  }

  /// Bookkeeping tensors by kind (`scales`, `qzeros`, `g_idx`), in order of first appearance,
  /// with their count and bytes: quantizing a model adds hundreds, one line per kind reads better.
  static func bookkeepingKinds(_ sides: [CheckpointDiff.Side]) -> [(kind: String, count: Int, bytes: UInt64)] {
    var out: [(kind: String, count: Int, bytes: UInt64)] = []
    for s in sides {
      let kind = s.name.split(separator: ".").last.map(String.init) ?? s.name
      if let k = out.firstIndex(where: { $0.kind == kind }) {
        out[k].count += 1
        out[k].bytes = out[k].bytes.plus(s.bytes ?? 0)
      } else {
        out.append((kind, 1, s.bytes ?? 0))
      }
    }
    return out
  }

  /// ` (−0.82B)` beside a difference of a million or more, as a headline size would say it.
  static func approximate(_ x: Int64) -> String {
    x.magnitude < 1_000_000 ? "" : " (" + (x > 0 ? "+" : "−") + Units.count(x.magnitude) + ")"
  }

  /// Where the tensors of a verdict's count sit, when that is one place: `layer 12 ffn` (one
  /// layer, one component), `vision` (one component), `layer 12` (one layer); else nil.
  static func whereabouts(_ sides: [CheckpointDiff.Side]) -> String? {
    guard let first = sides.first else { return nil }
    let oneComponent = sides.allSatisfy { $0.component == first.component }
    let oneLayer = first.layer != nil && sides.allSatisfy { $0.layer == first.layer }
    switch (oneLayer, oneComponent) {
    case (true, true): return "layer \(first.layer ?? 0) \(first.component.rawValue)"
    case (true, false): return "layer \(first.layer ?? 0)"
    case (false, true): return first.component.rawValue
    case (false, false): return nil
    }
  }

  /// `layers`: every layer in the layer table, not only those that differ. `width`: the
  /// columns the layer table fits (its last column wraps); the other lines stay whole.
  public static func text(_ d: CheckpointDiff, all: Bool = false, layers: Bool = false, width: Int? = nil) -> String {
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
      let (listed, retyped) = split(d.changed, all: all)
      if !retyped.isEmpty {
        lines.append("  dtype only, by change (\(retyped.count) tensors; --all lists each):")
        var table = TextTable([.left, .right, .left])
        table.indent = 4
        for row in retypedRows(retyped) { table.add(row) }
        lines.append(table.render())
      }
      var heading = ""
      for c in listed.sorted(by: { order($0.a, $1.a) }) {
        let h = groupTitle(c.a)
        if h != heading {
          lines.append("  " + h)
          heading = h
        }
        let name = c.a.name == c.b.name ? c.a.name : "\(c.a.name) -> \(c.b.name)"
        lines.append("    \(name)  " + changeText(c))
      }
    }
    grouped(unmappedTitle, d.unmapped)
    for (title, sides) in [("quantization bookkeeping only in A", d.bookkeepingOnlyInA), ("quantization bookkeeping only in B", d.bookkeepingOnlyInB)]
    where !sides.isEmpty {
      lines.append("")
      lines.append("\(title) (\(sides.count)):")
      for k in bookkeepingKinds(sides) { lines.append("  \(k.kind)  \(k.count) tensor\(k.count == 1 ? "" : "s"), \(Units.bytes(k.bytes))") }
    }
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
    lines.append(identicalLine(d, all: all))
    if all {
      for s in d.identicalTensors.sorted(by: order) { lines.append("  " + describe(s)) }
    }
    lines.append("")
    var table = TextTable([.left, .right, .right, .right, .right, .right, .right])
    for row in [componentHeader] + componentRows(d) { table.add(row) }
    lines.append(table.render())
    if let lead = layerLead(d, all: layers) {
      lines.append("")
      let rows = layerRows(d, all: layers)
      lines.append(lead + (rows.isEmpty ? "" : ":"))
      if !rows.isEmpty {
        var layerTable = TextTable(
          [.right, .right, .right, .right, .right, .right, .left], fits: [.keep, .keep, .keep, .keep, .keep, .keep, .wrap(min: 12, hanging: 2)])
        layerTable.indent = 2
        layerTable.maxWidth = width
        for row in [layerHeader] + rows { layerTable.add(row) }
        lines.append(layerTable.render())
      }
    }
    return lines.joined(separator: "\n")
  }

  static let unmappedTitle = "unmapped (no GGUF name for these)"

  /// More dtype-only changes than this are summarized by change (a requantized 8B model changes
  /// 291 tensors alike): the list would not fit a terminal and says nothing the summary does not.
  static let listLimit = 24

  /// The changes listed one by one, and the dtype-only ones summarized instead (empty when they
  /// are few, or with `all`). Shape and packing changes are always listed.
  static func split(_ changed: [CheckpointDiff.Changed], all: Bool) -> (listed: [CheckpointDiff.Changed], retyped: [CheckpointDiff.Changed]) {
    let retyped = changed.filter { !$0.changes.contains("shape") && !$0.changes.contains("packing") }
    guard !all && retyped.count > listLimit else { return (changed, []) }
    return (changed.filter { $0.changes.contains("shape") || $0.changes.contains("packing") }, retyped)
  }

  /// One row per dtype change, the most common first: `BF16 -> Q4_K`, `193`, `attention 96, ffn 96, embedding 1`.
  static func retypedRows(_ retyped: [CheckpointDiff.Changed]) -> [[String]] {
    var groups: [(change: String, count: Int, components: [Component: Int])] = []
    for c in retyped {
      let change = "\(c.a.dtype) -> \(c.b.dtype)"
      if let k = groups.firstIndex(where: { $0.change == change }) {
        groups[k].count += 1
        groups[k].components[c.b.component, default: 0] += 1
      } else {
        groups.append((change, 1, [c.b.component: 1]))
      }
    }
    return groups.sorted { $0.count != $1.count ? $0.count > $1.count : $0.change < $1.change }.map { g in
      let where_ = g.components.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
      return [g.change, String(g.count), where_]
    }
  }

  /// `5 tensors identical (--all lists them)`.
  static func identicalLine(_ d: CheckpointDiff, all: Bool) -> String {
    "\(d.identicalCount) tensor\(d.identicalCount == 1 ? "" : "s") identical\(all || d.identicalCount == 0 ? "" : " (--all lists them)")"
  }

  /// What changed in a tensor found on both sides: `shape [12, 8] -> [16, 8], 384 B -> 512 B`.
  static func changeText(_ c: CheckpointDiff.Changed) -> String {
    var what: [String] = []
    if c.changes.contains("shape") { what.append("shape \(shapeText(c.a.shape)) -> \(shapeText(c.b.shape))") }
    if c.changes.contains("packing") { what.append("packed \(shapeText(c.a.shape)) -> \(shapeText(c.b.shape))") }
    if c.changes.contains("dtype") { what.append("\(c.a.dtype) -> \(c.b.dtype)") }
    if c.changes.contains("bytes") { what.append("\(Units.bytes(c.a.bytes ?? 0)) -> \(Units.bytes(c.b.bytes ?? 0))") }
    return what.joined(separator: ", ")
  }

  static let componentHeader = ["component", "params A", "params B", "bytes A", "bytes B", "bpw A", "bpw B"]

  /// One row per component, then the total.
  static func componentRows(_ d: CheckpointDiff) -> [[String]] {
    var rows = d.byComponent.map { c in
      [
        c.component.rawValue, Units.grouped(c.parametersA), Units.grouped(c.parametersB), Units.bytes(c.bytesA), Units.bytes(c.bytesB),
        c.bitsPerWeightA.map { Units.fixed($0, 2) } ?? "-", c.bitsPerWeightB.map { Units.fixed($0, 2) } ?? "-",
      ]
    }
    let bytesA = d.byComponent.reduce(UInt64(0)) { $0.plus($1.bytesA) }, bytesB = d.byComponent.reduce(UInt64(0)) { $0.plus($1.bytesB) }
    rows.append(["total", Units.grouped(d.parametersA), Units.grouped(d.parametersB), Units.bytes(bytesA), Units.bytes(bytesB), "", ""])
    return rows
  }

  /// The line over the layer table: every layer with `all`, else how many differ, or that none
  /// does (then no table follows); nil when neither side has layers.
  static func layerLead(_ d: CheckpointDiff, all: Bool) -> String? {
    guard !d.byLayer.isEmpty else { return nil }
    let n = d.byLayer.count, differing = d.byLayer.filter(\.differs).count
    if all { return "by layer (\(n) layer\(n == 1 ? "" : "s"))" }
    if differing == 0 { return (n == 1 ? "the one layer has" : "all \(n) layers have") + " equal parameters (--layers lists them)" }
    return "layers that differ (\(differing) of \(n); --layers lists all)"
  }

  static let layerHeader = ["layer", "params A", "params B", "difference", "bytes A", "bytes B", "what differs"]

  /// Every layer with `all`, else those that differ: parameters, B - A, bytes, and the tensors
  /// only in A, only in B, reshaped or unmapped, named within the layer. Without `all`,
  /// consecutive layers that differ alike are one row (`0-31`): a conversion that dropped a
  /// tensor from every layer is one line, not 32.
  static func layerRows(_ d: CheckpointDiff, all: Bool) -> [[String]] {
    var rows: [[String]] = []
    // The first layer of the current row and the last layer it covers.
    var run: (start: CheckpointDiff.LayerTotals, end: Int)?
    for l in d.byLayer where all || l.differs {
      if !all, let r = run, r.end == l.layer - 1 {
        var alike = l
        alike.layer = r.start.layer
        if alike == r.start {
          rows[rows.count - 1][0] = "\(r.start.layer)-\(l.layer)"
          run = (r.start, l.layer)
          continue
        }
      }
      run = (l, l.layer)
      let difference = Int64(clamping: l.parametersB) &- Int64(clamping: l.parametersA)
      var what: [String] = []
      if !l.onlyInA.isEmpty { what.append("B lacks " + names(l.onlyInA)) }
      if !l.onlyInB.isEmpty { what.append("B adds " + names(l.onlyInB)) }
      if !l.reshaped.isEmpty { what.append("reshaped " + names(l.reshaped)) }
      if !l.unmapped.isEmpty { what.append("unmapped " + names(l.unmapped)) }
      rows.append([
        String(l.layer), Units.grouped(l.parametersA), Units.grouped(l.parametersB), signed(difference), Units.bytes(l.bytesA),
        Units.bytes(l.bytesB), what.joined(separator: "; "),
      ])
    }
    return rows
  }

  /// Up to three names, then how many more: a layer that lost everything stays one short cell.
  static func names(_ list: [String]) -> String {
    list.count <= 3 ? list.joined(separator: ", ") : list.prefix(2).joined(separator: ", ") + " and \(list.count - 2) more"
  }

  /// `+1,024`, `−4,096` (the verdict's minus sign), `0`.
  static func signed(_ x: Int64) -> String {
    x == 0 ? "0" : (x > 0 ? "+" : "−") + Units.grouped(x.magnitude)
  }

  static func bitsPerWeight(_ x: Double?) -> JSONValue { x.map(JSONValue.double) ?? .null }

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
      ("bookkeeping_only_in_a", .array(d.bookkeepingOnlyInA.map(side))),
      ("bookkeeping_only_in_b", .array(d.bookkeepingOnlyInB.map(side))),
      (
        "metadata_changed",
        .array(d.metadataChanged.map { .object([("key", .string($0.key)), ("a", .optional($0.a)), ("b", .optional($0.b))]) })
      ),
      (
        "hyperparameters_changed",
        .array(d.hyperparametersChanged.map { .object([("field", .string($0.field)), ("a", number($0.a)), ("b", number($0.b))]) })
      ),
      ("conventions", .array(d.conventions.map(JSONValue.string))),
      ("fused_groups", .int(d.fusedGroups)),
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
      (
        "by_layer",
        .array(
          d.byLayer.map { l in
            .object([
              ("layer", .int(l.layer)),
              (
                "a",
                .object([
                  ("parameters", .unsigned(l.parametersA)), ("bytes", .unsigned(l.bytesA)), ("bits_per_weight", bitsPerWeight(l.bitsPerWeightA)),
                ])
              ),
              (
                "b",
                .object([
                  ("parameters", .unsigned(l.parametersB)), ("bytes", .unsigned(l.bytesB)), ("bits_per_weight", bitsPerWeight(l.bitsPerWeightB)),
                ])
              ),
              ("differs", .bool(l.differs)),
              ("only_in_a", .array(l.onlyInA.map(JSONValue.string))),
              ("only_in_b", .array(l.onlyInB.map(JSONValue.string))),
              ("reshaped", .array(l.reshaped.map(JSONValue.string))),
              ("unmapped", .array(l.unmapped.map(JSONValue.string))),
            ])
          })
      ),
    ]
    if all { members.append(("tensors_identical_list", .array(d.identicalTensors.map(side)))) }
    return .object(members)
  }

  /// GitHub-flavoured Markdown, to paste into an issue: the text report's facts in its order,
  /// lists as tables with names as code, from the same row functions.
  public static func markdown(_ d: CheckpointDiff, all: Bool = false, layers: Bool = false) -> String {
    typealias Table = MarkdownReport.Table
    let escape = MarkdownReport.escape, code = MarkdownReport.code
    var paths = Table(["A", code(d.pathA)], [.left, .left])
    paths.add(["B", code(d.pathB)], escaping: false)
    var out = [paths.render(), "**verdict**: " + escape(verdict(d))]
    func heading(_ title: String, _ count: Int) -> String { "**\(escape(title))** (\(count))" }
    func sides(_ title: String, _ list: [CheckpointDiff.Side]) {
      guard !list.isEmpty else { return }
      var table = Table(["component", "layer", "tensor", "dtype", "shape"], [.left, .right, .left, .left, .left])
      for s in list.sorted(by: order) {
        table.add([escape(s.component.rawValue), s.layer.map(String.init) ?? "", code(s.name), escape(s.dtype), shapeText(s.shape)], escaping: false)
      }
      out.append(heading(title, list.count) + "\n\n" + table.render())
    }
    sides("only in A", d.onlyInA)
    sides("only in B", d.onlyInB)
    if !d.changed.isEmpty {
      let (listed, retyped) = split(d.changed, all: all)
      if !retyped.isEmpty {
        var summary = Table(["dtype change", "tensors", "components"], [.left, .right, .left])
        for row in retypedRows(retyped) { summary.add(row) }
        out.append(heading("changed, dtype only", retyped.count) + " — `--all` lists each\n\n" + summary.render())
      }
      var table = Table(["component", "layer", "tensor", "change"], [.left, .right, .left, .left])
      for c in listed.sorted(by: { order($0.a, $1.a) }) {
        let name = c.a.name == c.b.name ? code(c.a.name) : code(c.a.name) + " -> " + code(c.b.name)
        table.add([escape(c.a.component.rawValue), c.a.layer.map(String.init) ?? "", name, escape(changeText(c))], escaping: false)
      }
      if !listed.isEmpty { out.append(heading(retyped.isEmpty ? "changed" : "changed, shape or packing", listed.count) + "\n\n" + table.render()) }
    }
    sides(unmappedTitle, d.unmapped)
    for (title, list) in [("quantization bookkeeping only in A", d.bookkeepingOnlyInA), ("quantization bookkeeping only in B", d.bookkeepingOnlyInB)]
    where !list.isEmpty {
      var table = Table(["kind", "tensors", "bytes"], [.left, .right, .right])
      for k in bookkeepingKinds(list) { table.add([code(k.kind), String(k.count), Units.bytes(k.bytes)], escaping: false) }
      out.append(heading(title, list.count) + "\n\n" + table.render())
    }
    if !d.hyperparametersChanged.isEmpty {
      var table = Table(["field", "A", "B"], [.left, .right, .right])
      for h in d.hyperparametersChanged { table.add([h.field, number(h.a), number(h.b)]) }
      out.append("**hyperparameters changed**\n\n" + table.render())
    }
    if !d.metadataChanged.isEmpty {
      var table = Table(["key", "A", "B"], [.left, .left, .left])
      for m in d.metadataChanged { table.add([code(m.key), escape(m.a ?? "(absent)"), escape(m.b ?? "(absent)")], escaping: false) }
      out.append("**metadata changed**\n\n" + table.render())
    }
    if !d.conventions.isEmpty {
      out.append("**accounted for (conversion conventions)**\n\n" + d.conventions.map { "- " + escape($0) }.joined(separator: "\n"))
    }
    var identical = escape(identicalLine(d, all: all))
    if all && !d.identicalTensors.isEmpty {
      var table = Table(["tensor", "dtype", "shape"], [.left, .left, .left])
      for s in d.identicalTensors.sorted(by: order) { table.add([code(s.name), escape(s.dtype), shapeText(s.shape)], escaping: false) }
      identical += "\n\n" + table.render()
    }
    out.append(identical)
    var components = Table(componentHeader, [.left, .right, .right, .right, .right, .right, .right])
    for row in componentRows(d) { components.add(row) }
    out.append(components.render())
    if let lead = layerLead(d, all: layers) {
      let rows = layerRows(d, all: layers)
      var table = Table(layerHeader, [.right, .right, .right, .right, .right, .right, .left])
      for row in rows { table.add(row) }
      out.append(escape(lead) + (rows.isEmpty ? "" : "\n\n" + table.render()))
    }
    return out.joined(separator: "\n\n")
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
