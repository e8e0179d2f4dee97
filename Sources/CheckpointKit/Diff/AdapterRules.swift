/// The shape each PEFT adapter type gives its tensors, checked against the base module they
/// adapt (out x in, as nn.Linear stores it). The layouts are PEFT's, as its save_pretrained
/// writes them (checked on files PEFT 0.21.2 wrote, scripts/make-peft-fixtures):
/// - LoRA: lora_A [r, in], lora_B [out, r]; an embedding's lora_embedding_A [r, vocab] and
///   lora_embedding_B [dim, r]. AdaLoRA adds lora_E [r, 1] and keeps init_r as r.
/// - IA3: ia3_l [out, 1], or [1, in] for a module in feedforward_modules.
/// - LoHa: hada_w1_a and hada_w2_a [out, r], hada_w1_b and hada_w2_b [r, in].
/// - LoKr: the update is kron(w1, w2), so w1 [a, b] and w2 [c, d] with a*c = out and b*d = in;
///   either factor may be stored as a product (w1_a [a, r] @ w1_b [r, b]).
/// - VeRA: vera_lambda_b [out], vera_lambda_d [r]; the shared vera_A [r, in_max] and
///   vera_B [out_max, r] are frozen random projections.
/// - Prompt tuning / P-tuning: prompt_embeddings [virtual tokens x submodules, hidden].
/// - Prefix tuning: prompt_embeddings [virtual tokens, layers x 2 x key/value width].
struct AdapterRules {
  let config: AdapterConfig
  /// The base stores [in, out] (GPT-2's Conv1D, `fan_in_fan_out`); never for a GGUF base,
  /// whose converter writes those weights transposed to [out, in].
  let fanInFanOut: Bool
  private(set) var problems: [AdapterFit.Problem] = []
  /// The largest in- and out-features among modules VeRA adapts: its shared projections span them.
  private var widest: (in: UInt64, out: UInt64) = (0, 0)

  init(config: AdapterConfig, fanInFanOut: Bool) {
    self.config = config
    self.fanInFanOut = fanInFanOut
  }

  static func dims(_ s: [UInt64]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

  mutating func problem(_ module: String, _ kind: String, _ expected: [UInt64], _ found: [UInt64], _ message: String) {
    problems.append(AdapterFit.Problem(module: module, kind: kind, expected: expected, found: found, message: message))
  }

  /// One adapted module: its parts (part name -> shape) against the base module.
  mutating func check(_ module: String, _ parts: [String: [UInt64]], against base: AdapterBase.Module) {
    let dims = Self.dims
    guard let weight = base.tensors["weight"], weight.count == 2 else {
      problem(module, "not_a_matrix", base.tensors["weight"] ?? [], [], "\(module): the base's \(base.name) has no weight matrix")
      return
    }
    let embedding = parts["lora_embedding_A"] != nil || parts["lora_embedding_B"] != nil
    // nn.Linear [out, in]; Conv1D [in, out]; an embedding [num_embeddings, dim], whose "in" is the vocabulary.
    let (out, inn) = embedding || fanInFanOut ? (weight[1], weight[0]) : (weight[0], weight[1])
    widest = (max(widest.in, inn), max(widest.out, out))
    let at = "the base's \(base.name)"
    func expectIn(_ part: String, _ found: UInt64) {
      if found != inn { problem(module, "in_features", [inn], [found], "\(module): \(part) in-features \(found), \(at) has \(inn)") }
    }
    func expectOut(_ part: String, _ found: UInt64) {
      if found != out { problem(module, "out_features", [out], [found], "\(module): \(part) out-features \(found), \(at) has \(out)") }
    }
    func expectRank(_ found: UInt64) {
      if let r = config.expectedRank(of: module), found != UInt64(r) {
        problem(module, "rank", [UInt64(r)], [found], "\(module): rank \(found), adapter_config.json says r = \(r)")
      }
    }
    func matrices(_ names: [String]) -> [[UInt64]]? {
      let shapes = names.map { parts[$0] }
      if shapes.allSatisfy({ $0 != nil }) {
        let found = shapes.compactMap { $0 }
        if found.allSatisfy({ $0.count == 2 }) { return found }
        problem(module, "not_a_matrix", [], found.first { $0.count != 2 } ?? [], "\(module): \(names.joined(separator: ", ")) must be matrices")
        return nil
      }
      let missing = names.filter { parts[$0] == nil }
      problem(module, "missing_part", [], [], "\(module): has \(names.filter { parts[$0] != nil }.joined(separator: ", ")) without \(missing.joined(separator: ", "))")
      return nil
    }

    if parts["lora_A"] != nil || parts["lora_B"] != nil || embedding {
      let (nameA, nameB) = embedding ? ("lora_embedding_A", "lora_embedding_B") : ("lora_A", "lora_B")
      guard let a = parts[nameA], let b = parts[nameB] else {
        problem(module, "missing_pair", [], [], "\(module): has \(parts[nameA] == nil ? "lora_B" : "lora_A") without its partner")
        return
      }
      guard a.count == 2, b.count == 2 else {
        problem(module, "not_a_matrix", weight, a.count == 2 ? b : a, "\(module): base weight \(dims(weight)), lora_A \(dims(a)), lora_B \(dims(b)): not matrices")
        return
      }
      if a[1] != inn { problem(module, "in_features", [inn], [a[1]], "\(module): lora_A in-features \(a[1]), \(at) has \(inn)") }
      if b[0] != out { problem(module, "out_features", [out], [b[0]], "\(module): lora_B out-features \(b[0]), \(at) has \(out)") }
      if a[0] != b[1] { problem(module, "rank_pair", [a[0]], [b[1]], "\(module): lora_A rank \(a[0]) but lora_B rank \(b[1])") }
      expectRank(a[0])
      if let e = parts["lora_E"], e != [a[0], 1] {
        problem(module, "rank_pair", [a[0], 1], e, "\(module): lora_E \(dims(e)), lora_A has rank \(a[0])")
      }
    } else if let v = parts["ia3_l"] {
      let feedforward = config.isFeedforward(module)
      let expected = feedforward ? [1, inn] : [out, 1]
      if v != expected {
        problem(
          module, feedforward ? "in_features" : "out_features", expected, v,
          "\(module): ia3_l \(dims(v)), \(at) \(dims(weight)) needs \(dims(expected))\(feedforward ? " (a feedforward module scales its input)" : "")")
      }
    } else if parts.keys.contains(where: { $0.hasPrefix("hada_") }) {
      guard let m = matrices(["hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b"]) else { return }
      expectOut("hada_w1_a", m[0][0])
      expectIn("hada_w1_b", m[1][1])
      expectOut("hada_w2_a", m[2][0])
      expectIn("hada_w2_b", m[3][1])
      if m[0][1] != m[1][0] || m[2][1] != m[3][0] || m[0][1] != m[2][1] {
        problem(module, "rank_pair", [m[0][1]], [m[1][0], m[2][1], m[3][0]], "\(module): LoHa factors disagree on the rank: \(m.map(dims).joined(separator: ", "))")
      }
      expectRank(m[0][1])
    } else if parts.keys.contains(where: { $0.hasPrefix("lokr_") }) {
      // Each Kronecker factor as [rows, columns], multiplied out when stored as a product.
      func factor(_ n: Int) -> [UInt64]? {
        if let w = parts["lokr_w\(n)"] { return w.count == 2 ? w : nil }
        guard let f = matrices(["lokr_w\(n)_a", "lokr_w\(n)_b"]) else { return nil }
        return [f[0][0], f[1][1]]
      }
      guard let w1 = factor(1), let w2 = factor(2) else {
        if parts["lokr_w1"].map({ $0.count != 2 }) ?? false || parts["lokr_w2"].map({ $0.count != 2 }) ?? false {
          problem(module, "not_a_matrix", [], [], "\(module): LoKr factors must be matrices")
        }
        return
      }
      let (rows, columns) = (w1[0] &* w2[0], w1[1] &* w2[1])
      if rows != out {
        problem(module, "out_features", [out], [rows], "\(module): kron(lokr_w1 \(dims(w1)), lokr_w2 \(dims(w2))) has \(rows) rows, \(at) has \(out) out-features")
      }
      if columns != inn {
        problem(module, "in_features", [inn], [columns], "\(module): kron(lokr_w1 \(dims(w1)), lokr_w2 \(dims(w2))) has \(columns) columns, \(at) has \(inn) in-features")
      }
    } else if parts["vera_lambda_b"] != nil || parts["vera_lambda_d"] != nil {
      if let b = parts["vera_lambda_b"], b != [out] {
        problem(module, "out_features", [out], b, "\(module): vera_lambda_b \(dims(b)), \(at) has \(out) out-features")
      }
      if let d = parts["vera_lambda_d"], let r = config.expectedRank(of: module), d != [UInt64(r)] {
        problem(module, "rank", [UInt64(r)], d, "\(module): vera_lambda_d \(dims(d)), adapter_config.json says r = \(r)")
      }
    }
  }

  /// VeRA's shared projections must span the widest module they serve, at rank r.
  mutating func checkShared(_ shared: [String: [UInt64]]) {
    let r = config.rank.map(UInt64.init)
    if let a = shared["vera_A"], a.count != 2 || a[1] < widest.in || r.map({ a[0] != $0 }) ?? false {
      problem("vera_A", "shape", [r ?? 0, widest.in], a, "vera_A \(Self.dims(a)): needs [r = \(r.map(String.init) ?? "?"), at least \(widest.in)]")
    }
    if let b = shared["vera_B"], b.count != 2 || b[0] < widest.out || r.map({ b[1] != $0 }) ?? false {
      problem("vera_B", "shape", [widest.out, r ?? 0], b, "vera_B \(Self.dims(b)): needs [at least \(widest.out), r = \(r.map(String.init) ?? "?")]")
    }
  }

  /// Prompt learning's virtual tokens: as wide as the base's hidden size (prompt tuning,
  /// P-tuning), or one key and one value per layer (prefix tuning).
  mutating func checkPrompt(_ shape: [UInt64], type: String, base: AdapterBase) {
    let dims = Self.dims
    guard shape.count == 2 else {
      problem("prompt_embeddings", "not_a_matrix", [], shape, "prompt_embeddings \(dims(shape)): not a matrix")
      return
    }
    if let n = config.virtualTokens {
      let rows = UInt64(n) &* UInt64(type == "PREFIX_TUNING" ? 1 : config.transformerSubmodules ?? 1)
      if shape[0] != rows {
        problem("prompt_embeddings", "virtual_tokens", [rows], [shape[0]], "prompt_embeddings has \(shape[0]) rows, adapter_config.json says \(rows) virtual tokens")
      }
    }
    if type == "PREFIX_TUNING" {
      if let layers = base.layerCount, let stated = config.layers, stated != layers {
        problem("prompt_embeddings", "layers", [UInt64(layers)], [UInt64(stated)], "prefix for \(stated) layers (num_layers), the base has \(layers)")
      }
      let width = base.keyWidth ?? base.hiddenSize
      if let width, let layers = config.layers ?? base.layerCount, shape[1] != UInt64(layers) &* 2 &* width {
        problem(
          "prompt_embeddings", "token_dim", [UInt64(layers) &* 2 &* width], [shape[1]],
          "prompt_embeddings \(dims(shape)): a prefix needs \(layers) layers x 2 x \(width) (the base's key/value width) = \(UInt64(layers) &* 2 &* width) columns")
      }
    } else if let hidden = base.hiddenSize, shape[1] != hidden {
      problem("prompt_embeddings", "token_dim", [hidden], [shape[1]], "prompt_embeddings \(dims(shape)): virtual tokens of \(shape[1]), the base's embedding is \(hidden) wide")
    }
  }
}
