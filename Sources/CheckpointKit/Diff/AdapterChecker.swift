/// Adapter mode of `ckptinspect diff`: checks a PEFT LoRA adapter against a base checkpoint from
/// both headers. Adapter module names are matched to the base's with PEFT's `base_model.model.`
/// removed, then, if needed, with leading components dropped (`transformer.h.0.attn.c_attn` ->
/// `h.0.attn.c_attn`, the original gpt2 naming) or the base's own prefix allowed.
public enum AdapterChecker {
  /// A PEFT adapter: `adapter_config.json` beside it, or tensors named `lora_A`/`lora_B`.
  public static func isAdapter(_ catalog: Catalog, config: AdapterConfig?) -> Bool {
    if config != nil { return true }
    // Over the names' bytes: String.contains is grapheme-aware and cost 140 ms on a 20,387-tensor
    // checkpoint, for a question about ASCII.
    return catalog.tensors.indices.contains { hasLoraPart(catalog.tensors[$0].name) }
  }

  /// ".lora_A." and ".lora_B." as the little-endian words `word(at:)` reads.
  static let loraWords: (UInt64, UInt64) = {
    func word(_ text: String) -> UInt64 { text.utf8.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    return (word(".lora_A."), word(".lora_B."))
  }()

  /// Whether a name holds `.lora_A.` or `.lora_B.`. It runs on every name of both inputs of every
  /// diff, so it looks for the underscore eight bytes at a time (a per-byte loop still cost 460
  /// instructions a name) and compares the 8-byte pattern around each one found.
  static func hasLoraPart(_ name: Substring) -> Bool {
    let bytes = name.utf8.span
    let n = bytes.count
    guard n >= 8 else { return false }
    let (patternA, patternB) = loraWords
    let ones: UInt64 = 0x0101_0101_0101_0101, underscores: UInt64 = 0x5f5f_5f5f_5f5f_5f5f
    var base = 0
    while base < n {
      // The last word overlaps the one before rather than reading past the end.
      let start = min(base, n &- 8)
      let x = bytes.word(at: start) ^ underscores
      // A high bit set per zero byte of x, i.e. per underscore (bits above a real one may be
      // spurious; each candidate is checked exactly below).
      var found = (x &- ones) & ~x & (ones << 7)
      while found != 0 {
        let underscore = start &+ found.trailingZeroBitCount / 8
        let from = underscore &- 5
        if from >= 0 && from &+ 8 <= n {
          let w = bytes.word(at: from)
          if w == patternA || w == patternB { return true }
        }
        found &= found &- 1
      }
      base = start &+ 8
    }
    return false
  }

  public static func check(adapter: Catalog, config: AdapterConfig?, base: Catalog) -> AdapterFit {
    var fit = AdapterFit(adapterPath: adapter.path, basePath: base.path)
    fit.trainableParameters = adapter.tensors.reduce(0) { $0.plus($1.parameters) }
    fit.baseParameters = base.tensors.reduce(0) { $0.plus($1.parameters) }
    let config = config ?? AdapterConfig()

    // The base's modules: a tensor name minus its last component (weight, bias) -> its tensors.
    var modules: [String: [String: [UInt64]]] = [:]
    for t in base.tensors {
      guard let dot = t.name.lastIndex(of: ".") else { continue }
      modules[String(t.name[..<dot]), default: [:]][String(t.name[t.name.index(after: dot)...])] = Array(t.shape)
    }
    var bySuffix: [String: [String]] = [:]
    for name in modules.keys {
      let parts = name.split(separator: ".")
      for k in 1..<max(parts.count, 1) { bySuffix[parts[k...].joined(separator: "."), default: []].append(name) }
    }
    func locate(_ module: String) -> String? {
      var parts = module.split(separator: ".")
      // Keep two components at least, so a bare `q_proj` never matches one layer's by accident.
      while !parts.isEmpty {
        let candidate = parts.joined(separator: ".")
        if modules[candidate] != nil { return candidate }
        if let found = bySuffix[candidate], found.count == 1 { return found[0] }
        if parts.count <= 2 { break }
        parts.removeFirst()
      }
      return nil
    }

    // LoRA pairs and the whole-module copies, by module name.
    var loraA: [String: [UInt64]] = [:], loraB: [String: [UInt64]] = [:]
    var order: [String] = []
    var copies: [String: [String: [UInt64]]] = [:]
    var copyOrder: [String] = []
    // Embeddings adapted by lora_embedding_A [r, num_embeddings] / lora_embedding_B [dim, r].
    var embeddings = Set<String>()
    for t in adapter.tensors {
      var name = String(t.name)
      if name.hasPrefix("base_model.model.") { name.removeFirst("base_model.model.".count) }
      name = name.replacingAll(".modules_to_save.default.", with: ".")
      let parts = name.split(separator: ".").map(String.init)
      if let i = parts.firstIndex(where: { $0 == "lora_A" || $0 == "lora_B" || $0 == "lora_embedding_A" || $0 == "lora_embedding_B" }) {
        let module = parts[..<i].joined(separator: ".")
        if loraA[module] == nil && loraB[module] == nil { order.append(module) }
        if parts[i].hasPrefix("lora_embedding") { embeddings.insert(module) }
        if parts[i].hasSuffix("A") { loraA[module] = Array(t.shape) } else { loraB[module] = Array(t.shape) }
      } else if parts.count >= 2, !parts.contains(where: { $0.hasPrefix("lora_") }) {
        let module = parts.dropLast().joined(separator: ".")
        if copies[module] == nil { copyOrder.append(module) }
        copies[module, default: [:]][parts[parts.count - 1]] = Array(t.shape)
      }
    }

    func problem(_ module: String, _ kind: String, _ expected: [UInt64], _ found: [UInt64], _ message: String) {
      fit.problems.append(AdapterFit.Problem(module: module, kind: kind, expected: expected, found: found, message: message))
    }
    func dims(_ s: [UInt64]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

    for module in order {
      guard let a = loraA[module], let b = loraB[module] else {
        problem(module, "missing_pair", [], [], "\(module): has \(loraA[module] == nil ? "lora_B" : "lora_A") without its partner")
        continue
      }
      fit.pairs += 1
      guard let baseName = locate(module), let weight = modules[baseName]?["weight"] else {
        problem(module, "missing_module", [], [], "\(module): no such module in the base")
        continue
      }
      guard weight.count == 2, a.count == 2, b.count == 2 else {
        problem(module, "not_a_matrix", weight, a.count == 2 ? b : a, "\(module): base weight \(dims(weight)), lora_A \(dims(a)), lora_B \(dims(b)): not matrices")
        continue
      }
      // nn.Linear stores [out, in]; GPT-2's Conv1D [in, out] (fan_in_fan_out).
      // An embedding stores [num_embeddings, dim]: its "in" is the vocabulary.
      let (outFeatures, inFeatures) =
        embeddings.contains(module) || config.fanInFanOut ? (weight[1], weight[0]) : (weight[0], weight[1])
      if a[1] != inFeatures {
        problem(module, "in_features", [inFeatures], [a[1]], "\(module): lora_A in-features \(a[1]), the base's \(baseName) has \(inFeatures)")
      }
      if b[0] != outFeatures {
        problem(module, "out_features", [outFeatures], [b[0]], "\(module): lora_B out-features \(b[0]), the base's \(baseName) has \(outFeatures)")
      }
      if a[0] != b[1] {
        problem(module, "rank_pair", [a[0]], [b[1]], "\(module): lora_A rank \(a[0]) but lora_B rank \(b[1])")
      }
      if let r = config.expectedRank(of: module), a[0] != UInt64(r) {
        problem(module, "rank", [UInt64(r)], [a[0]], "\(module): rank \(a[0]), adapter_config.json says r = \(r)")
      }
    }
    for module in copyOrder {
      guard let saved = copies[module] else { continue }
      guard let baseName = locate(module), let original = modules[baseName] else {
        fit.newModules.append(module)
        continue
      }
      for (param, shape) in saved.sorted(by: { $0.key < $1.key }) where original[param] != shape {
        let had = original[param] ?? []
        problem(
          "\(module).\(param)", "shape", had, shape,
          "\(module).\(param): saved copy \(dims(shape)), the base's \(baseName).\(param) is \(original[param].map(dims) ?? "absent")")
      }
    }
    return fit
  }
}

extension String {
  fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
    var out = ""
    var rest = self[...]
    while let range = rest.firstRange(of: target) {
      out += rest[..<range.lowerBound]
      out += replacement
      rest = rest[range.upperBound...]
    }
    return out + rest
  }
}

