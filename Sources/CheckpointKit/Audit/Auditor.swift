/// Builds an `Audit`: the actual counts from the catalog, every claim from the name, metadata,
/// index, config and hyperparameters, and for each claim that differs the explanations the
/// catalog supports.
public enum Auditor {
  public static func audit(
    _ catalog: Catalog, _ summary: CountSummary, config: ConfigFile? = nil, expect: ParameterExpectation? = nil
  ) -> Audit {
    var notes: [String] = []
    var findings: [String] = []
    let expected = expectedCounts(catalog, config: config, notes: &notes)
    let actual = actualCounts(catalog, summary, expected: expected)

    var reported: [Audit.Reported] = []
    func add(_ source: String, _ claim: String, _ value: UInt64, _ kind: Audit.Reported.Kind, active: Bool = false, label: SizeLabel? = nil) {
      let target = active ? (actual.activeParameters ?? actual.parameters) : actual.parameters
      var row = Audit.Reported(
        source: source, claim: claim, value: value, kind: kind, comparedTo: active ? "active parameters" : "parameters",
        actual: target, explainedBy: [], ok: false)
      row.ok = agrees(row, label: label)
      if !row.ok { row.explainedBy = explanations(for: row, label: label, actual: actual, catalog: catalog, expected: expected) }
      if active && actual.activeParameters == nil && !row.ok {
        row.explainedBy.append("the file does not say how many experts are used per token, so active parameters are unknown")
      }
      reported.append(row)
    }

    // Size labels in the file or directory name.
    let name = FileSystem.baseName(catalog.path)
    for label in SizeLabel.find(in: name) { add("file name", label.text, label.value, .label, active: label.kind == .active, label: label) }
    // GGUF general.* keys.
    if let text = catalog.metadata["general.size_label"]?.string {
      for label in SizeLabel.find(in: text, allowThousands: true) {
        add("general.size_label", label.text, label.value, .label, active: label.kind == .active, label: label)
      }
    }
    // Names written by converters ("Meta Llama 3 8B Instruct"): labels with M, B or T only, as
    // K in a name is usually a context length (8k, 128k).
    for key in ["general.name", "general.basename", "general.finetune"] {
      guard let text = catalog.metadata[key]?.string else { continue }
      for label in SizeLabel.find(in: text) { add(key, label.text, label.value, .label, active: label.kind == .active, label: label) }
    }
    if let count = catalog.metadata["general.parameter_count"]?.integer, count >= 0 {
      add("general.parameter_count", String(count), UInt64(count), .exact)
    }
    // safetensors __metadata__ and the index's metadata.
    for key in ["total_parameters", "parameter_count"] {
      if let text = catalog.metadata[key]?.string, let value = UInt64(text) { add("__metadata__.\(key)", text, value, .exact) }
      if let value = catalog.details.indexMetadata[key]?.integer, value >= 0 {
        add("index metadata.\(key)", String(value), UInt64(value), .exact)
      }
    }
    // Hyperparameters, by exact formula, and the rule of thumb beside them.
    for e in expected {
      if catalog.tensors.isEmpty && e.total > 0 {
        findings.append(
          "the file holds no tensors, but its \(e.source) describe a model of \(Units.count(e.total)) parameters (\(Units.grouped(e.total))): a tokenizer/vocab-only file")
      }
      add("\(e.source) (\(e.family))", Units.grouped(e.total), e.total, .formula)
      if let active = e.active { add("\(e.source), active (top-\(e.expertsUsed ?? 0) of \(e.experts ?? 0))", Units.grouped(active), active, .formula, active: true) }
      add("rule of thumb 2Vd+12Ld²", Units.count(e.ruleOfThumb), e.ruleOfThumb, .approximation)
      notes += e.assumptions.map { "\(e.source): \($0)" }
    }
    // The user's expectation.
    if let expect {
      var row = Audit.Reported(
        source: "--expect", claim: expect.text, value: expect.value, kind: .expected, comparedTo: "parameters",
        actual: actual.parameters, explainedBy: [], ok: false)
      let allowed = Double(expect.value) * expect.tolerance
      row.ok = abs(Double(row.difference)) <= allowed
      reported.append(row)
      if !row.ok {
        findings.append(
          "expected \(expect.text) (\(Units.grouped(expect.value))) within \(Units.fixed(expect.tolerance * 100, 1))%, the file holds \(Units.grouped(actual.parameters))")
      }
    }
    // An index's total_size must be the tensors' bytes.
    if let size = catalog.details.indexMetadata["total_size"]?.integer, size >= 0 {
      reported.append(
        Audit.Reported(
          source: "index metadata.total_size", claim: String(size), value: UInt64(size), kind: .bytes, comparedTo: "bytes",
          actual: actual.tensorBytes, explainedBy: [], ok: UInt64(size) == actual.tensorBytes))
    }
    // A file with no tensors: every figure describes a model that is not in it, which is the
    // finding above, not an explanation.
    if catalog.tensors.isEmpty && !findings.isEmpty {
      for k in reported.indices where !reported[k].ok && reported[k].kind != .approximation && reported[k].kind != .expected {
        reported[k].isFinding = true
      }
    }
    for row in reported where !row.accepted && row.kind != .expected {
      let what = row.kind == .bytes ? "bytes of tensor data" : row.comparedTo
      findings.append(
        "\(row.source) claims \(row.claim) (\(Units.grouped(row.value))) but the file holds \(Units.grouped(row.actual)) \(what): unexplained")
    }
    return Audit(actual: actual, reported: reported, findings: findings, notes: notes)
  }

  // MARK: Actual

  static func actualCounts(_ catalog: Catalog, _ summary: CountSummary, expected: [ExpectedCount]) -> Audit.Actual {
    let routed = summary.parameters(of: .experts)
    var experts: Int?
    var used: Int?
    if let arch = catalog.architecture {
      experts = catalog.metadata["\(arch).expert_count"]?.integer.flatMap { Int(exactly: $0) }
      used = catalog.metadata["\(arch).expert_used_count"]?.integer.flatMap { Int(exactly: $0) }
    }
    if experts == nil, let e = expected.first(where: { $0.experts != nil }) {
      experts = e.experts
      used = e.expertsUsed
    }
    var active: UInt64?
    if routed > 0, let experts, experts > 0, let used, used > 0 {
      active = (summary.totals.parameters - min(routed, summary.totals.parameters))
        .plus((routed / UInt64(experts)).times(UInt64(used)))
    }
    let separate: [(component: String, parameters: UInt64)] = [Component.vision, .audio, .projector, .mtp, .adapter].compactMap { c in
      let n = summary.parameters(of: c)
      return n > 0 ? (c.rawValue, n) : nil
    }
    return Audit.Actual(
      parameters: summary.totals.parameters, activeParameters: active, experts: routed > 0 ? experts : nil,
      expertsUsed: routed > 0 ? used : nil, routedExpertParameters: routed, bufferElements: summary.totals.bufferElements,
      quantAuxElements: summary.totals.quantAuxElements, packedTensors: summary.totals.packedTensors,
      packedStoredElements: summary.totals.packedStoredElements, tiedHead: summary.tiedHead.state,
      // The Counter already found the embedding: its size comes from there, not a second search.
      embeddingParameters: summary.tiedHead.embedding.flatMap { name in
        catalog.tensors.indices.first { catalog.tensors[$0].name == name }.map { catalog.tensors[$0].parameters }
      } ?? 0,
      separate: separate,
      tensorBytes: summary.totals.bytes)
  }

  static func expectedCounts(_ catalog: Catalog, config: ConfigFile?, notes: inout [String]) -> [ExpectedCount] {
    var result: [ExpectedCount] = []
    if catalog.format == .gguf || catalog.format == .splitGGUF {
      if let e = ExpectedCount.from(gguf: catalog) { result.append(e) }
    }
    if let config {
      if let e = ExpectedCount.from(config: config) {
        result.append(e)
      } else {
        notes.append(
          "config.json does not describe an architecture we can count exactly (model_type \(config.string("model_type").map { "'\($0)'" } ?? "absent")): no estimate from it")
      }
    }
    return result
  }

  // MARK: Reconciliation

  /// Whether a claim agrees with the actual count as its kind demands.
  static func agrees(_ row: Audit.Reported, label: SizeLabel?) -> Bool {
    switch row.kind {
    case .exact, .formula, .bytes: return row.value == row.actual
    case .approximation: return true
    case .expected: return false
    case .label:
      guard let label else { return false }
      if label.kind == .experts { return false }
      return withinLabel(row.value, row.actual, label)
    }
  }

  /// A label agrees with a count that rounds to it, or is within 2% of it.
  static func withinLabel(_ value: UInt64, _ count: UInt64, _ label: SizeLabel) -> Bool {
    let gap = value > count ? value - count : count - value
    return gap <= label.rounding || Double(gap) <= Double(value) * 0.02
  }

  /// The reasons the catalog offers for a claim that differs: each a candidate count that
  /// would make the claim right.
  static func explanations(
    for row: Audit.Reported, label: SizeLabel?, actual: Audit.Actual, catalog: Catalog, expected: [ExpectedCount]
  ) -> [String] {
    if row.kind == .approximation { return ["an approximation: it ignores norms, biases, GQA, the FFN's real width and tying"] }
    if row.kind == .bytes || row.kind == .expected { return [] }
    if catalog.tensors.isEmpty { return ["the file holds no tensors: the figure describes a model that is not in it"] }
    func matches(_ candidate: UInt64) -> Bool {
      if let label, row.kind == .label { return withinLabel(row.value, candidate, label) }
      return candidate == row.value
    }
    var reasons: [String] = []
    let a = row.actual
    let embedding = expected.first?.embedding ?? actual.embeddingParameters
    if let label, label.kind == .experts, let n = label.expertCount, n > 0, actual.routedExpertParameters > 0 {
      reasons.append(
        "\(label.text) names \(n) experts of a \(Units.count(label.value / UInt64(n))) model, but the experts share attention, embeddings and norms: the total is \(Units.count(actual.parameters)), not \(n) x \(Units.count(label.value / UInt64(n)))")
      return reasons
    }
    if actual.tiedHead == .tied, embedding > 0, matches(a.plus(embedding)) {
      reasons.append("counts the tied head twice (+\(Units.grouped(embedding))): it is stored once and counted once here")
    }
    if actual.tiedHead == .untied, embedding > 0, a >= embedding, matches(a - embedding) {
      reasons.append("leaves out the untied output head (\(Units.grouped(embedding)))")
    }
    if embedding > 0, a >= embedding.times(actual.tiedHead == .untied ? 2 : 1),
      matches(a - embedding.times(actual.tiedHead == .untied ? 2 : 1))
    {
      reasons.append("leaves out the embeddings (non-embedding parameters only)")
    }
    if actual.bufferElements > 0, matches(a.plus(actual.bufferElements)) {
      reasons.append("counts \(Units.grouped(actual.bufferElements)) buffer elements (not learned) as parameters")
    }
    if actual.quantAuxElements > 0, matches(a.plus(actual.quantAuxElements)) {
      reasons.append("counts \(Units.grouped(actual.quantAuxElements)) quantization scales/zero points as parameters")
    }
    if actual.bufferElements > 0, actual.quantAuxElements > 0,
      matches(a.plus(actual.bufferElements).plus(actual.quantAuxElements))
    {
      reasons.append("counts every stored element, buffers and quantization bookkeeping included")
    }
    if actual.packedTensors > 0 {
      let packedLogical = catalog.tensors.filter { $0.parameters != $0.elements }.reduce(UInt64(0)) { $0.plus($1.parameters) }
      let stored = a >= packedLogical ? (a - packedLogical).plus(actual.packedStoredElements) : nil
      if let stored, matches(stored) {
        reasons.append("counts the packed quantized tensors' stored elements, not the weights they hold")
      } else if let stored, actual.quantAuxElements > 0, matches(stored.plus(actual.quantAuxElements)) {
        // The Hugging Face Hub's figure for a packed checkpoint: every element of every tensor.
        reasons.append(
          "counts every stored element (packed words with their scales, zero points or biases), not the weights they hold")
      }
    }
    // DeepSeek-V3 stores its MTP layer as one more decoder layer, which transformers does not load.
    if let e = expected.first(where: { $0.mtpParameters > 0 }) {
      let mtp = row.comparedTo == "active parameters" ? e.mtpActiveParameters : e.mtpParameters
      if a >= mtp, matches(a - mtp) {
        reasons.append(
          "leaves out the \(e.mtpLayers) multi-token-prediction layer\(e.mtpLayers == 1 ? "" : "s") stored beside the model (\(Units.grouped(mtp)) parameters), which transformers does not load")
      }
    }
    let separate = actual.separate.reduce(UInt64(0)) { $0.plus($1.parameters) }
    if separate > 0, a >= separate, matches(a - separate) {
      reasons.append("leaves out \(actual.separate.map(\.component).joined(separator: ", ")) parameters (\(Units.grouped(separate)))")
    }
    if let active = actual.activeParameters, row.comparedTo == "parameters", matches(active) {
      reasons.append("is the active count (experts used per token), not the total")
    }
    return reasons
  }

}
