/// Sorts tensor names into components and roles, for Hugging Face names (Llama, Mistral, Qwen,
/// Gemma, Phi, GPT-2, BERT, Mixtral, DeepSeek, T5, CLIP/SigLIP, PEFT) and GGUF canonical names
/// (`token_embd`, `blk.N.attn_q`, `ffn_gate_exps`, ...). Names are matched by dot-separated
/// segment, never by substring of the whole name, so `attention.output.dense` is not a head.
public struct NameClassifier: Sendable {
  /// Every tensor name in the checkpoint, so a `.scale` can be told apart by its siblings.
  let names: StringSet
  /// Component, role and layer position by name template (lower-cased, each digit run as one
  /// marker byte). A 100,000-tensor MoE has a few dozen templates, so the segment rules run a few
  /// dozen times, not 100,000.
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
    classify(Substring(name), dtype: dtype)
  }

  public mutating func classify(_ name: Substring, dtype: String) -> Classification {
    classify(bytes: name.utf8.span, name, dtype: dtype)
  }

  private mutating func classify(bytes: Span<UInt8>, _ name: Substring, dtype: String) -> Classification {
    let entry: TemplateTable.Entry
    let runs = cache.build(bytes)
    if let hit = cache.lookup() {
      entry = hit
    } else {
      // No rule below depends on the value of a digit run, only on where runs are: any name of
      // this template classifies the same, and has its layer number in the same run.
      let text = String(name)
      let segments = text.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      // A run of more than nine digits is never a layer number, so in this name the layer may sit
      // in a later run than in a name of the same template with short runs: such a template
      // gets no cached position (-2) and is read the slow way every time.
      let long = (0..<runs.count).contains { runs[$0].map { $0 < 0 } ?? true }
      entry = TemplateTable.Entry(
        component: NameClassifier.component(segments), role: NameClassifier.baseRole(segments),
        layerRun: long ? -2 : NameClassifier.layerRun(bytes))
      cache.insert(entry)
    }
    var layer: Int?
    if entry.layerRun == -2 {
      layer = NameClassifier.layer(bytes)
    } else if entry.layerRun >= 0 {
      // This name's run there may be too long to be a layer number: the slow reading decides.
      if let value = runs[entry.layerRun], value >= 0 { layer = value } else { layer = NameClassifier.layer(bytes) }
    }
    return Classification(component: entry.component, role: role(bytes, entry.role, dtype: dtype), layer: layer)
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
    // Phi-3 128k GGUFs carry their LongRoPE rescaling factors (config.json's `rope_scaling`) as
    // tensors: fixed numbers, not weights.
    if segments.first == "rope_factors_long" || segments.first == "rope_factors_short" { return .buffer }
    // A DeepSeek-V3-style router's expert-selection bias is moved by load balancing, not by
    // gradients: transformers registers it as a buffer. GGUF names it `blk.N.exp_probs_b.bias`.
    if last == "e_score_correction_bias" || (last == "bias" && (previous == "exp_probs_b" || previous == "e_score_correction")) {
      return .buffer
    }
    // GPT-2 stores its causal mask as `h.N.attn.bias` (the projections are `attn.c_attn.bias`).
    if last == "bias" && previous == "attn" && segments.count >= 3 && segments[segments.count - 3].allSatisfy(\.isASCIIDigit) {
      return .buffer
    }
    if quantAuxNames.contains(last) || last.contains("quant_state") || last.hasSuffix("_scales") {
      return .quantAux
    }
    return .parameter
  }

  func role(_ name: Span<UInt8>, _ base: Role, dtype: String) -> Role {
    // E8M0 holds only exponents: in practice always the shared scales of MX formats.
    if dtype == "F8_E8M0" { return .quantAux }
    guard base == .parameter, name.count >= 6, name.extracting(last: 6).bytesEqual(".scale") else { return base }
    // `X.weight.scale` beside `X.weight.qweight` is a per-channel scale; `core.scale.to_gb` is a module.
    let stem = name.extracting(droppingLast: 6).decodedString
    if stem.hasSuffix(".weight") || stem.hasSuffix(".qweight") || names.contains(stem + ".qweight")
      || names.contains(stem + ".weight_packed")
    {
      return .quantAux
    }
    return .parameter
  }

  // MARK: Layer

  static let layerContainers: Set<String> = ["layers", "layer", "h", "blk", "blocks", "block", "decoder_layers"]

  /// The block index following a container segment such as `layers` or `blk`.
  static func layer(_ name: String) -> Int? {
    layer(name.utf8.span)
  }

  static func layer(_ bytes: Span<UInt8>) -> Int? { layerSegment(bytes)?.value }

  /// Which run of digits in the name (0 for the first) is its layer number; -1 for none.
  static func layerRun(_ bytes: Span<UInt8>) -> Int {
    guard let start = layerSegment(bytes)?.start else { return -1 }
    var runs = 0
    var inDigits = false
    for k in 0..<start {
      let digit = bytes[k] &- UInt8(ascii: "0") < 10
      if digit && !inDigits { runs += 1 }
      inDigits = digit
    }
    return runs
  }

  /// The first all-digit segment (at most nine digits) after a container segment: where it
  /// starts and its value.
  private static func layerSegment(_ bytes: Span<UInt8>) -> (start: Int, value: Int)? {
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
        if digits { return (start, value) }
      }
      previous = start..<end
      start = end + 1
    }
    return nil
  }

  /// Whether `bytes[range]` is one of `layerContainers`, compared without building a String.
  private static func isContainer(_ bytes: Span<UInt8>, _ range: Range<Int>) -> Bool {
    guard !range.isEmpty, range.count <= 14 else { return false }
    let segment = bytes.extracting(range)
    return layerContainerBytes.contains { word in
      guard word.count == segment.count else { return false }
      for k in word.indices {
        let byte = segment[k]
        if word[k] != (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte) { return false }
      }
      return true
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
    // MLX stacks a layer's routed experts in one SwitchGLU, `mlp.switch_mlp.{gate,up,down}_proj`.
    if segments.contains("experts") || segments.contains("switch_mlp") || segments.contains(where: { $0.hasSuffix("_exps") }) {
      return .experts
    }
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

/// Component, role and layer position by name template. The template (the name lower-cased,
/// every run of digits as one 0xFF byte, which valid UTF-8 never holds: `blk.\u{FF}.attn_q.weight`)
/// is written into one reusable buffer and then hashed, while the values of the digit
/// runs are kept; entries are compared a word at a time. Nothing is allocated per tensor.
struct TemplateTable: Sendable {
  struct Entry: Sendable {
    var component: Component
    var role: Role
    /// Which digit run of the name is the layer number, -1 for none, -2 to read it the slow way.
    var layerRun: Int
  }

  private var scratch: [UInt8] = []
  private var count = 0
  private var hash: UInt64 = 0
  /// The values of the first eight digit runs of a name (-1 for a run of more than nine digits),
  /// held inline: no array is touched per tensor.
  struct DigitRuns {
    private var values: InlineArray<8, Int> = .init(repeating: 0)
    private(set) var count = 0
    static let capacity = 8

    mutating func append(_ value: Int) {
      if count < DigitRuns.capacity {
        values[count] = value
      }
      count += 1
    }

    /// Run k's value, nil when it is not held (or does not exist).
    subscript(k: Int) -> Int? {
      guard k >= 0, k < min(count, DigitRuns.capacity) else { return nil }
      return values[k]
    }
  }
  /// Template k is `keyBytes[keyEnds[k - 1]..<keyEnds[k]]`: one flat buffer, no array per key.
  private var keyBytes: [UInt8] = []
  private var keyEnds: [Int] = []
  private var values: [Entry] = []
  /// Open addressing: index + 1 into `values`, 0 for empty; a power-of-two size kept under half full.
  private var slots = [Int32](repeating: 0, count: 64)

  static let digitRun: UInt8 = 0xFF

  /// Writes the template of `name` into `scratch`, for `lookup` and `insert`; returns the values
  /// of its digit runs. Eight bytes at a time while they hold no digit (most of a name), then
  /// hashed in one pass over the template.
  mutating func build(_ name: Span<UInt8>) -> DigitRuns {
    if scratch.count < name.count + 8 { scratch = [UInt8](repeating: 0, count: name.count * 2 + 8) }
    var runValues = DigitRuns()
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var n = 0
    do {
      var out = scratch.mutableSpan
      var k = 0
      var run = 0
      var digits = 0
      while k < name.count {
        if k <= name.count &- 8 {
          // Hot (every byte of every name): 0 <= k <= count - 8 by the condition above.
          let word = unsafe name.word(uncheckedAt: k)
          if word & highs == 0 {
            // ASCII only, so adding up to 0x50 cannot carry into the next byte: a byte's high
            // bit says whether it reached the bound. The bytes before the first digit are
            // lower-cased and stored at once (`scratch` has 8 bytes to spare past the name).
            let digitBits = (word &+ ones &* 0x50) & ~(word &+ ones &* 0x46) & highs
            let upper = (word &+ ones &* 0x3F) & ~(word &+ ones &* 0x25) & highs
            out.storeWord(word | (upper >> 2), at: n)
            let take = digitBits == 0 ? 8 : digitBits.trailingZeroBitCount >> 3
            if take > 0 {
              if digits > 0 {
                runValues.append(run)
                digits = 0
              }
              n += take
              k += take
              continue
            }
          }
        }
        var b = name[k]
        k += 1
        let digit = b &- UInt8(ascii: "0")
        if digit < 10 {
          if digits > 0 {
            digits += 1
            run = digits > 9 ? -1 : run * 10 + Int(digit)
            continue
          }
          digits = 1
          run = Int(digit)
          b = TemplateTable.digitRun
        } else {
          if digits > 0 {
            runValues.append(run)
            digits = 0
          }
          if b &- UInt8(ascii: "A") < 26 { b += 32 }
        }
        out[n] = b
        n += 1
      }
      if digits > 0 { runValues.append(run) }
    }
    count = n
    hash = hashBytes(scratch.span.extracting(0..<n))
    return runValues
  }

  private func keyRange(_ k: Int) -> Range<Int> { (k == 0 ? 0 : keyEnds[k - 1])..<keyEnds[k] }

  private func find() -> (slot: Int, entry: Int?) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let entry = Int(slots[slot]) - 1
      let key = keyRange(entry)
      if key.count == count {
        // An empty name has an empty template, and empty buffers have no base address.
        if count == 0 { return (slot, entry) }
        if keyBytes.span.extracting(key).bytesEqual(scratch.span.extracting(0..<count)) { return (slot, entry) }
      }
      slot = (slot + 1) & mask
    }
    return (slot, nil)
  }

  /// The entry of the template last built.
  func lookup() -> Entry? {
    find().entry.map { values[$0] }
  }

  /// Adds `value` for the template last built.
  mutating func insert(_ value: Entry) {
    if (values.count + 1) * 2 > slots.count {
      // Rehash into twice the slots.
      slots = [Int32](repeating: 0, count: slots.count * 2)
      let mask = slots.count - 1
      for k in values.indices {
        let key = keyRange(k)
        var slot = Int(truncatingIfNeeded: hashBytes(keyBytes.span.extracting(key))) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
      }
    }
    let (slot, entry) = find()
    guard entry == nil else { return }
    slots[slot] = Int32(values.count + 1)
    keyBytes.append(contentsOf: scratch[0..<count])
    keyEnds.append(keyBytes.count)
    values.append(value)
  }
}
