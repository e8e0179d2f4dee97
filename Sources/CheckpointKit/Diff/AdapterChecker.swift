/// Adapter mode of `ckptinspect diff`: checks a PEFT LoRA adapter against a base checkpoint from
/// both headers. Adapter module names are matched to the base's with PEFT's `base_model.model.`
/// removed, then, if needed, with leading components dropped (`transformer.h.0.attn.c_attn` ->
/// `h.0.attn.c_attn`, the original gpt2 naming) or the base's own prefix allowed.
public enum AdapterChecker {
  /// The PEFT types whose tensor layout the fit check knows.
  public static let supportedTypes = ["LORA", "ADALORA", "IA3", "LOHA", "LOKR", "VERA", "PROMPT_TUNING", "P_TUNING", "PREFIX_TUNING"]

  /// An adapter: `adapter_config.json` beside it, a GGUF whose `general.type` is `adapter`
  /// (llama.cpp's convert_lora_to_gguf.py), or tensors named `lora_A`/`lora_B`.
  public static func isAdapter(_ catalog: Catalog, config: AdapterConfig?) -> Bool {
    if config != nil { return true }
    if catalog.metadata["general.type"]?.string == "adapter" { return true }
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

  /// The adapter's type: `peft_type` from its config, llama.cpp's `adapter.type`, else LoRA (a
  /// bare file found by its lora_A/lora_B names).
  public static func type(of adapter: Catalog, config: AdapterConfig?) -> String {
    config?.peftType ?? adapter.metadata["adapter.type"]?.string?.uppercased() ?? "LORA"
  }

  /// Tensor-name components that end a module's name in PEFT's files (the part that follows
  /// names what the tensor is to the module: LoRA's A and B, IA3's vector, LoHa's and LoKr's
  /// factors, VeRA's scaling vectors).
  static let partNames: Set<String> = [
    "lora_A", "lora_B", "lora_embedding_A", "lora_embedding_B", "lora_E", "ia3_l",
    "hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "hada_t1", "hada_t2",
    "lokr_w1", "lokr_w1_a", "lokr_w1_b", "lokr_w2", "lokr_w2_a", "lokr_w2_b", "lokr_t2",
    "vera_lambda_b", "vera_lambda_d",
  ]

  /// VeRA's shared random projections: saved with the adapter, frozen in training.
  static let frozenShared: Set<String> = ["vera_A", "vera_B"]

  public static func check(adapter: Catalog, config: AdapterConfig?, base: Catalog) -> AdapterFit {
    var fit = AdapterFit(adapterPath: adapter.path, basePath: base.path)
    let config = config ?? AdapterConfig()
    fit.adapterType = type(of: adapter, config: config)
    fit.baseParameters = base.tensors.reduce(0) { $0.plus($1.learned) }
    let index = AdapterBase(base)

    // The adapter's tensors by module: part -> shape, in order of first appearance.
    var modules: [String: [String: [UInt64]]] = [:]
    var order: [String] = []
    var copies: [String: [String: [UInt64]]] = [:]
    var copyOrder: [String] = []
    var shared: [String: [UInt64]] = [:]
    var prompt: [UInt64]?
    // llama.cpp's GGUF LoRA names its tensors `blk.0.attn_q.weight.lora_a`: GGUF module names.
    var ggufNames = false
    for t in adapter.tensors {
      var name = String(t.name)
      if name.hasPrefix("base_model.model.") { name.removeFirst("base_model.model.".count) }
      if name.hasPrefix("base_model."), frozenShared.contains(String(name.dropFirst("base_model.".count))) {
        shared[String(name.dropFirst("base_model.".count))] = Array(t.shape)
        continue
      }
      fit.trainableParameters = fit.trainableParameters.plus(t.parameters)
      if name == "prompt_embeddings" {
        prompt = Array(t.shape)
        continue
      }
      name = name.replacingAll(".modules_to_save.default.", with: ".")
      if name.hasSuffix(".weight.lora_a") || name.hasSuffix(".weight.lora_b") {
        ggufNames = true
        let module = String(name.dropLast(".weight.lora_a".count))
        if modules[module] == nil { order.append(module) }
        modules[module, default: [:]][name.hasSuffix("a") ? "lora_A" : "lora_B"] = Array(t.shape)
        continue
      }
      let parts = name.split(separator: ".").map(String.init)
      if let i = parts.firstIndex(where: { partNames.contains($0) }) {
        let module = parts[..<i].joined(separator: ".")
        if modules[module] == nil { order.append(module) }
        modules[module, default: [:]][parts[i]] = Array(t.shape)
      } else if parts.count >= 2 {
        let module = parts.dropLast().joined(separator: ".")
        if copies[module] == nil { copyOrder.append(module) }
        copies[module, default: [:]][parts[parts.count - 1]] = Array(t.shape)
      }
    }

    var rules = AdapterRules(config: config, fanInFanOut: config.fanInFanOut && !index.isGGUF && !ggufNames)
    for module in order {
      guard let parts = modules[module] else { continue }
      if parts["lora_A"] != nil || parts["lora_B"] != nil { fit.pairs += 1 }
      guard let located = index.locate(module, ggufNames: ggufNames) else {
        rules.problem(module, "missing_module", [], [], "\(module): no such module in the base")
        continue
      }
      fit.modulesChecked += 1
      rules.check(module, parts, against: located)
    }
    rules.checkShared(shared)
    if let prompt { rules.checkPrompt(prompt, type: fit.adapterType, base: index) }
    fit.problems = rules.problems

    for module in copyOrder {
      guard let saved = copies[module] else { continue }
      guard let located = index.locate(module, ggufNames: ggufNames) else {
        fit.newModules.append(module)
        continue
      }
      for (param, shape) in saved.sorted(by: { $0.key < $1.key }) where located.tensors[param] != shape {
        let had = located.tensors[param] ?? []
        fit.problems.append(
          .init(
            module: "\(module).\(param)", kind: "shape", expected: had, found: shape,
            message: "\(module).\(param): saved copy \(AdapterRules.dims(shape)), the base's \(located.name).\(param) is \(located.tensors[param].map(AdapterRules.dims) ?? "absent")"))
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

