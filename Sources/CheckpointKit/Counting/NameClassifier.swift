#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sorts tensor names into components and roles, for Hugging Face names (Llama, Mistral, Qwen,
/// Gemma, Phi, GPT-2, BERT, Mixtral, DeepSeek, T5, CLIP/SigLIP, PEFT) and GGUF canonical names
/// (`token_embd`, `blk.N.attn_q`, `ffn_gate_exps`, ...). Names are matched by dot-separated
/// segment, never by substring of the whole name, so `attention.output.dense` is not a head.
public struct NameClassifier: Sendable {
  /// Every tensor name in the checkpoint, so a `.scale` can be told apart by its siblings.
  let names: StringSet
  /// Component and role by name template (lower-cased, digit runs as `#`). A 100,000-tensor MoE
  /// has a few dozen templates, so the segment rules run a few dozen times, not 100,000.
  private var cache = TemplateTable()

  public init<S: Sequence>(names: S) where S.Element == String {
    self.names = StringSet(names)
  }

  public init() {
    names = StringSet()
  }

  public struct Classification: Equatable, Sendable {
    public var component: Component
    public var role: Role
    public var layer: Int?
  }

  public mutating func classify(_ name: String, dtype: String) -> Classification {
    let (component, baseRole): (Component, Role)
    if let hit = cache.lookup(name) {
      (component, baseRole) = hit
    } else {
      // No rule below depends on the value of a digit run, only on where runs are: any name of
      // this template classifies the same.
      let segments = name.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      (component, baseRole) = (NameClassifier.component(segments), NameClassifier.baseRole(segments))
      cache.insert(name, (component, baseRole))
    }
    return Classification(component: component, role: role(name, baseRole, dtype: dtype), layer: NameClassifier.layer(name))
  }

  // MARK: Role

  static let bufferNames: Set<String> = [
    "position_ids", "token_type_ids", "inv_freq", "num_batches_tracked", "running_mean", "running_var",
    "masked_bias", "_float_tensor", "rope_freqs",
  ]
  static let quantAuxNames: Set<String> = [
    "scales", "qzeros", "zeros", "g_idx", "absmax", "quant_map", "nested_absmax", "nested_quant_map", "scb",
    "weight_scale", "weight_scale_inv", "input_scale", "output_scale", "weight_zero_point", "input_zero_point",
    "weight_g_idx", "weight_global_scale", "input_global_scale", "k_scale", "v_scale", "weight_format",
  ]

  /// The role a name's segments give, before the rules that need the dtype or the siblings.
  static func baseRole(_ segments: [String]) -> Role {
    guard let last = segments.last else { return .parameter }
    let previous = segments.count >= 2 ? segments[segments.count - 2] : ""
    if bufferNames.contains(last) || segments.first == "rope_freqs" { return .buffer }
    // GPT-2 stores its causal mask as `h.N.attn.bias` (the projections are `attn.c_attn.bias`).
    if last == "bias" && previous == "attn" && segments.count >= 3 && segments[segments.count - 3].allSatisfy(\.isASCIIDigit) {
      return .buffer
    }
    if quantAuxNames.contains(last) || last.contains("quant_state") || last.hasSuffix("_scales") {
      return .quantAux
    }
    return .parameter
  }

  func role(_ name: String, _ base: Role, dtype: String) -> Role {
    // E8M0 holds only exponents: in practice always the shared scales of MX formats.
    if dtype == "F8_E8M0" { return .quantAux }
    guard base == .parameter, name.hasSuffix(".scale") else { return base }
    // `X.weight.scale` beside `X.weight.qweight` is a per-channel scale; `core.scale.to_gb` is a module.
    let stem = String(name.dropLast(".scale".count))
    if stem.hasSuffix(".weight") || stem.hasSuffix(".qweight") || names.contains(stem + ".qweight")
      || names.contains(stem + ".weight_packed")
    {
      return .quantAux
    }
    return .parameter
  }

  // MARK: Layer

  static let layerContainers: Set<String> = ["layers", "layer", "h", "blk", "blocks", "block", "decoder_layers"]

  /// The block index following a container segment such as `layers` or `blk`, read straight
  /// from the name's bytes (this runs once per tensor).
  static func layer(_ name: String) -> Int? {
    var name = name
    return name.withUTF8 { bytes -> Int? in
      var previous = 0..<0
      var start = 0
      while start <= bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: ".") { end += 1 }
        let count = end - start
        if count > 0 && count <= 9 && isContainer(bytes, previous) {
          var value = 0
          var digits = true
          for k in start..<end {
            let byte = bytes[k]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
              digits = false
              break
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
          }
          if digits { return value }
        }
        previous = start..<end
        start = end + 1
      }
      return nil
    }
  }

  /// Whether `bytes[range]` is one of `layerContainers`, compared without building a String.
  private static func isContainer(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
    guard !range.isEmpty, range.count <= 14 else { return false }
    return layerContainerBytes.contains { word in
      word.count == range.count
        && zip(word, bytes[range]).allSatisfy { $0 == ($1 >= UInt8(ascii: "A") && $1 <= UInt8(ascii: "Z") ? $1 + 32 : $1) }
    }
  }

  static let layerContainerBytes: [[UInt8]] = layerContainers.map { Array($0.utf8) }

  // MARK: Component

  static let adapterPrefixes = ["lora_", "ia3_"]
  static let projectorFirst: Set<String> = [
    "multi_modal_projector", "mm_projector", "mm", "connector", "aligner", "mlp1", "vision_proj", "visual_projection",
    "text_projection", "mm_input_projection",
  ]
  static let projectorAnywhere: Set<String> = ["multi_modal_projector", "mm_projector", "merger", "mm_input_projection"]
  static let visionSegments: Set<String> = [
    "vision_tower", "vision_model", "visual", "vision_encoder", "vit", "image_encoder", "vision_embed_tokens",
    "image_newline",
  ]
  static let audioSegments: Set<String> = ["audio_tower", "audio_model", "audio_encoder", "whisper_encoder"]
  static let sharedExpertSegments: Set<String> = ["shared_expert", "shared_experts", "shared_mlp", "shared_expert_gate"]
  static let routerSegments: Set<String> = ["ffn_gate_inp", "router", "e_score_correction_bias", "exp_probs_b", "expert_bias"]
  static let moeParents: Set<String> = ["mlp", "block_sparse_moe", "moe", "feed_forward"]
  static let normSegments: Set<String> = ["ln", "ln_1", "ln_2", "ln_f", "ln_attn", "ln_mlp"]
  static let embeddingSegments: Set<String> = [
    "embed_tokens", "wte", "wpe", "word_embeddings", "position_embeddings", "token_type_embeddings", "token_embd",
    "embed_positions", "tok_embeddings", "embed_in", "position_embd", "token_types", "embeddings", "embedding",
    "embed", "rel_pos_bias",
  ]
  static let headFirst: Set<String> = [
    "lm_head", "output", "pooler", "classifier", "score", "cls", "qa_outputs", "head", "heads", "embed_out",
  ]
  static let headAnywhere: Set<String> = ["lm_head", "pooler", "classifier", "embed_out", "qa_outputs"]
  static let attentionSegments: Set<String> = [
    "self_attn", "attn", "attention", "self_attention", "selfattention", "encdecattention", "cross_attn",
    "crossattention", "q_proj", "k_proj", "v_proj", "o_proj", "qkv_proj", "query", "key", "value",
    "query_key_value", "c_attn", "wq", "wk", "wv", "wqkv", "relative_attention_bias", "q_a_proj", "q_b_proj",
    "kv_a_proj_with_mqa", "kv_b_proj",
  ]
  static let ffnSegments: Set<String> = [
    "mlp", "ffn", "feed_forward", "feedforward", "intermediate", "densereludense", "c_fc", "fc1", "fc2", "gate_proj",
    "up_proj", "down_proj", "w1", "w2", "w3", "gate_up_proj", "dense_h_to_4h", "dense_4h_to_h",
  ]

  static func component(_ segments: [String]) -> Component {
    let first = segments.first ?? ""
    func any(_ set: Set<String>) -> Bool { segments.contains { set.contains($0) } }

    if segments.contains(where: { s in adapterPrefixes.contains { s.hasPrefix($0) } }) { return .adapter }
    if segments.contains(where: { $0 == "mtp" || $0.hasPrefix("mtp_") || $0.hasPrefix("nextn") }) { return .mtp }
    if projectorFirst.contains(first) || any(projectorAnywhere) { return .projector }
    if first == "v" || any(visionSegments) { return .vision }
    if first == "a" || any(audioSegments) { return .audio }
    if any(sharedExpertSegments) || segments.contains(where: { $0.hasSuffix("_shexp") }) { return .sharedExperts }
    if segments.contains("experts") || segments.contains(where: { $0.hasSuffix("_exps") }) { return .experts }
    if any(routerSegments) { return .router }
    if let gate = segments.firstIndex(of: "gate"), gate > 0, moeParents.contains(segments[gate - 1]) { return .router }
    if any(normSegments) || segments.contains(where: { $0.utf8.count >= 4 && $0.contains("norm") }) { return .norm }
    if any(embeddingSegments) || (first == "shared" && segments.count == 2) { return .embedding }
    if headFirst.contains(first) || any(headAnywhere) { return .head }
    if any(attentionSegments) || segments.contains(where: { $0.hasPrefix("attn_") }) { return .attention }
    if any(ffnSegments) || segments.contains(where: { $0.hasPrefix("ffn_") }) { return .ffn }
    // BERT puts the second FFN matrix at `layer.N.output.dense` (the attention's is under `attention.`).
    if let output = segments.firstIndex(of: "output"), output > 0, segments[output - 1].allSatisfy(\.isASCIIDigit) {
      return .ffn
    }
    return .other
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Component and role by name template. The template (the name lower-cased with every run of
/// digits as `#`: `blk.#.attn_q.weight`) is written
/// into one reusable buffer and hashed as it is written; entries are compared with memcmp. No
/// String is built per tensor: on a 20,000-tensor header that allocation was most of the lookup.
struct TemplateTable: Sendable {
  private var scratch: [UInt8] = []
  private var keys: [[UInt8]] = []
  private var values: [(Component, Role)] = []
  /// Open addressing: index + 1 into `keys`, 0 for empty; a power-of-two size kept under half full.
  private var slots = [Int32](repeating: 0, count: 64)

  /// Writes `name`'s template into `scratch`; returns its length and FNV-1a hash.
  private mutating func build(_ name: String) -> (count: Int, hash: UInt64) {
    var name = name
    return name.withUTF8 { source in
      if scratch.count < source.count { scratch = [UInt8](repeating: 0, count: source.count * 2) }
      return scratch.withUnsafeMutableBufferPointer { out in
        // FNV-1a from a per-process random basis, then a final mix: a header cannot be crafted
        // so that its templates all land in one run of slots.
        var h: UInt64 = stringTableSeed
        var n = 0
        var inDigits = false
        for byte in source {
          var b = byte
          if b &- UInt8(ascii: "0") < 10 {
            if inDigits { continue }
            inDigits = true
            b = UInt8(ascii: "#")
          } else {
            inDigits = false
            if b &- UInt8(ascii: "A") < 26 { b += 32 }
          }
          out[n] = b
          n += 1
          h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        return (n, finalMix(h))
      }
    }
  }

  private func find(_ count: Int, _ hash: UInt64) -> (slot: Int, entry: Int?) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let entry = Int(slots[slot]) - 1
      let key = keys[entry]
      if key.count == count {
        // An empty name has an empty template, and empty buffers have no base address.
        if count == 0 { return (slot, entry) }
        let equal = key.withUnsafeBytes { k in scratch.withUnsafeBytes { s in memcmp(k.baseAddress!, s.baseAddress!, count) == 0 } }
        if equal { return (slot, entry) }
      }
      slot = (slot + 1) & mask
    }
    return (slot, nil)
  }

  mutating func lookup(_ name: String) -> (Component, Role)? {
    let (count, hash) = build(name)
    return find(count, hash).entry.map { values[$0] }
  }

  mutating func insert(_ name: String, _ value: (Component, Role)) {
    if (keys.count + 1) * 2 > slots.count {
      // Rehash into twice the slots.
      let old = keys
      slots = [Int32](repeating: 0, count: slots.count * 2)
      let mask = slots.count - 1
      for (k, key) in old.enumerated() {
        var h: UInt64 = stringTableSeed
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: finalMix(h)) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
      }
    }
    let (count, hash) = build(name)
    let (slot, entry) = find(count, hash)
    guard entry == nil else { return }
    slots[slot] = Int32(keys.count + 1)
    keys.append(Array(scratch[0..<count]))
    values.append(value)
  }
}
