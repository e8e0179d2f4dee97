/// The memory estimate as a compact text table (GiB = 2^30 bytes) and as JSON (bytes).
public enum MemoryReport {
  /// Binary units throughout: `0.18 GiB` from 100 MiB up, `114.4 KiB` and `256 B` below.
  static func gib(_ bytes: UInt64) -> String {
    let v = Double(bytes) / Double(1 << 30)
    if v >= 0.1 { return Units.fixed(v, v < 10 ? 2 : 1) + " GiB" }
    return kib(bytes)
  }

  static func kib(_ bytes: UInt64) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1 << 20 { return Units.fixed(Double(bytes) / 1024, 1) + " KiB" }
    return Units.fixed(Double(bytes) / Double(1 << 20), 1) + " MiB"
  }

  public static func text(_ m: MemoryEstimate, explain: Bool = false) -> String {
    var lines = ["  memory (binary units: 1 GiB = 2^30 bytes)"]
    var table = TextTable([.left, .left])
    table.indent = 4
    let bits = m.parameters == 0 ? 0 : Double(m.weightBytes) * 8 / Double(m.parameters)
    table.add(["weights as stored", "\(gib(m.weightBytes)) (\(Units.fixed(bits, 2)) bits/param)"])
    let precise = m.precisions.map { "\($0.name) \(gib($0.bytes))" }
    for (k, chunk) in stride(from: 0, to: precise.count, by: 3).map({ Array(precise[$0..<min($0 + 3, precise.count)]) }).enumerated() {
      table.add([k == 0 ? "at other precisions" : "", chunk.joined(separator: ", ")])
    }
    if let a = m.attention {
      let perToken = m.kvPerToken.map { "\($0.type) \(kib($0.bytes))" }.joined(separator: ", ")
      table.add(["KV cache per token", perToken])
      var at = "\(gib(m.kvBytes)) (\(m.cacheType)) at \(Units.grouped(UInt64(m.context))) tokens x \(m.batch)"
      if a.slidingLayers > 0, let w = a.slidingWindow { at += "; \(a.slidingLayers) of \(a.layers) layers keep \(w)" }
      table.add(["KV cache", at])
    } else {
      table.add(["KV cache", "no decoder attention hyperparameters: not estimated"])
    }
    table.add(["serving", "\(gib(m.servingBytes)) = weights + KV + \(gib(m.overheadBytes)) overhead"])
    if let active = m.activeParameters {
      table.add(["MoE", "all experts resident; \(Units.count(active)) active parameters per token"])
    }
    table.add(["full fine-tuning", "\(gib(m.fullFineTuneBytes)) (Adam, 16 B/param) + activations"])
    table.add(["LoRA r=\(m.loraRank)", "\(Units.count(m.loraTrainable)) trainable: \(gib(m.loraBytes)) + activations"])
    for fit in m.gpuFits {
      let answer = fit.fits ? "fits" : "does not fit"
      var text = "\(gib(fit.gpu.bytes)): \(answer)"
      if m.attention != nil { text += ", context up to \(Units.count(UInt64(fit.maxContext)))" }
      text += ", best fit \(fit.bestPrecision ?? "none")"
      table.add([fit.gpu.name, text])
    }
    lines.append(table.render())
    if explain {
      lines += [
        "    KV bytes = layers x KV heads x (key + value dims) x tokens x batch x element",
        "      bytes (f16 2, q8_0 34/32, q4_0 18/32); sliding-window layers hold at most",
        "      their window; MLA caches its latent (kv_lora_rank + rope dims) instead.",
        "    overhead = 1 GiB runtime + 5% of weights and KV cache (activations etc.).",
        "    full fine-tuning = 16 B/param: bf16 weights 2, bf16 grads 2, fp32 master 4,",
        "      Adam moments 8; activations excluded.",
        "    LoRA trainable = rank x (rows + cols) per 2-D attention/FFN/expert matrix.",
        "    other precisions: ggml blocks for 2-D tensors whose rows hold whole blocks",
        "      (else Q8_0, else F16); 1-D tensors stay F32; int8/int4 add one F16 scale",
        "      per 128 weights.",
      ]
      if let a = m.attention {
        lines.append(
          "    here: \(a.layers) layers x \(a.kvHeads) KV heads x (\(a.keyDim) + \(a.valueDim)) from \(a.source)"
            + (a.latentDim.map { " (MLA latent \($0))" } ?? ""))
      }
    }
    return lines.joined(separator: "\n")
  }

  public static func json(_ m: MemoryEstimate) -> JSONValue {
    .object([
      ("weights_bytes", .unsigned(m.weightBytes)),
      ("by_component", .object(m.byComponent.map { ($0.component, .unsigned($0.bytes)) })),
      ("precisions", .array(m.precisions.map { .object([("precision", .string($0.name)), ("bytes", .unsigned($0.bytes))]) })),
      ("kv_cache", m.attention.map { a in
        .object([
          ("layers", .int(a.layers)), ("kv_heads", .int(a.kvHeads)), ("key_dim", .int(a.keyDim)), ("value_dim", .int(a.valueDim)),
          ("sliding_layers", .int(a.slidingLayers)), ("sliding_window", a.slidingWindow.map(JSONValue.int) ?? .null),
          ("latent_dim", a.latentDim.map(JSONValue.int) ?? .null), ("source", .string(a.source)),
          ("per_token", .object(m.kvPerToken.map { ($0.type, .unsigned($0.bytes)) })),
          ("context", .int(m.context)), ("batch", .int(m.batch)), ("cache_type", .string(m.cacheType)),
          ("bytes", .unsigned(m.kvBytes)),
        ])
      } ?? .null),
      ("serving", .object([
        ("weights", .unsigned(m.weightBytes)), ("kv_cache", .unsigned(m.kvBytes)), ("overhead", .unsigned(m.overheadBytes)),
        ("total", .unsigned(m.servingBytes)), ("active_parameters", m.activeParameters.map(JSONValue.unsigned) ?? .null),
      ])),
      ("training", .object([
        ("full_fine_tuning_bytes", .unsigned(m.fullFineTuneBytes)),
        ("bytes_per_parameter", .unsigned(MemoryEstimate.fullFineTuneBytesPerParameter)),
        ("lora_rank", .int(m.loraRank)), ("lora_trainable_parameters", .unsigned(m.loraTrainable)),
        ("lora_bytes", .unsigned(m.loraBytes)),
      ])),
      ("gpus", .array(m.gpuFits.map { f in
        .object([
          ("gpu", .string(f.gpu.name)), ("bytes", .unsigned(f.gpu.bytes)), ("fits", .bool(f.fits)),
          ("max_context", .int(f.maxContext)), ("best_precision", .optional(f.bestPrecision)),
        ])
      })),
    ])
  }
}
