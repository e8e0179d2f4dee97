/// Compares two catalogs. Same format: tensors matched by name. Hugging Face safetensors vs
/// GGUF: the Hugging Face names are mapped to GGUF names first (`GGUFNameMap`), per-expert
/// tensors are gathered into the stacked tensor GGUF stores, and the converter's conventions are
/// accounted for, each said once in `conventions`: a tied head written out or left out, buffers
/// dropped (`rotary_emb.inv_freq`, `position_ids`, GPT-2's masks), BERT's heads dropped, a vision
/// tower left for the mmproj file (`LeftOut`), GPT-2's Conv1D weights transposed, Gemma's norms
/// stored +1. Fused and split tensors (`attn_qkv` vs `attn_q/k/v`) are compared as groups
/// (`FusedGroups`), across formats and between two GGUFs. Against llama.cpp's mmproj file the
/// Hugging Face side's vision tower and projector are mapped instead (`GGUFNameMap.visionTarget`)
/// and its text model is one convention: it is in the text GGUF; the tower's hyperparameters
/// (`clip.vision.*`) are compared with the config's `vision_config`.
public enum Differ {
  /// `listIdentical`: also keep the unchanged tensors (for `--all`); they are counted either way.
  public static func diff(
    _ a: Catalog, _ b: Catalog, configA: ConfigFile? = nil, configB: ConfigFile? = nil, listIdentical: Bool = true
  ) -> CheckpointDiff {
    let ggufA = isGGUF(a), ggufB = isGGUF(b)
    var result = CheckpointDiff(pathA: a.path, pathB: b.path, crossFormat: ggufA != ggufB)
    result.parametersA = a.tensors.indices.reduce(0) { $0.plus(a.tensors[$1].learned) }
    result.parametersB = b.tensors.indices.reduce(0) { $0.plus(b.tensors[$1].learned) }
    // One format: names are matched as they are. Across formats the entries below are mapped first.
    if !result.crossFormat { SameFormatMatcher.match(a, b, listIdentical: listIdentical, into: &result) }

    var unmapped: [CheckpointDiff.Side] = []
    var conventions: [String] = []
    var explained: Int64 = 0
    // An mmproj file holds the other side's vision tower and projector, not its text model.
    let mmproj = result.crossFormat && isMmproj(ggufA ? a : b)
    // Tensors the converter leaves out count against the side that holds them: B - A falls by
    // A's, rises by B's.
    func keyed(_ catalog: Catalog, mapFromHF: Bool, sign: Int64) -> [(String, CheckpointDiff.Side)] {
      guard mapFromHF else { return catalog.tensors.map { (String($0.name), side($0)) } }
      let gemma = catalog.tensors.contains { $0.name.hasByteSuffix("pre_feedforward_layernorm.weight") }
      var out: [(String, CheckpointDiff.Side)] = []
      // Experts of one stacked tensor, in order of first appearance.
      var stacks: [String: [(Int, CheckpointDiff.Side)]] = [:]
      var order: [String] = []
      var left = LeftOut()
      var transposed = 0
      var placed = Set<String>()
      for t in catalog.tensors {
        let mapped = mmproj ? GGUFNameMap.visionTarget(t.name) : GGUFNameMap.target(t.name, gemmaPostNorms: gemma)
        guard let target = mapped else {
          if let why = mmproj ? GGUFNameMap.droppedFromMmproj(t.name) : GGUFNameMap.dropped(t.name) {
            left.add(why, t)
            // A buffer holds no parameters (`learned`): only the heads, towers and text model left out count.
            explained += sign * Int64(clamping: t.learned)
          } else {
            unmapped.append(side(t))
          }
          continue
        }
        // Two names for one GGUF tensor would both match it: the second cannot be placed.
        if target.expert == nil && !placed.insert(target.name).inserted {
          unmapped.append(side(t))
          continue
        }
        var s = side(t)
        if target.transposed && s.shape.count == 2 {
          s.shape.reverse()
          transposed += 1
        }
        if let expert = target.expert {
          if stacks[target.name] == nil { order.append(target.name) }
          stacks[target.name, default: []].append((expert, s))
        } else {
          out.append((target.name, s))
        }
      }
      conventions += left.notes(catalog.path)
      if transposed > 0 {
        conventions.append(
          "\(transposed) GPT-2 Conv1D weight(s) in \(catalog.path) are stored [in, out]; the converter transposes them, so they are compared as [out, in]")
      }
      for name in order {
        guard let experts = stacks[name]?.sorted(by: { $0.0 < $1.0 }) else { continue }
        out.append((name, stacked(experts)))
      }
      return out
    }
    var entriesA = result.crossFormat ? keyed(a, mapFromHF: !ggufA, sign: -1) : []
    var entriesB = result.crossFormat ? keyed(b, mapFromHF: !ggufB, sign: 1) : []
    // Two GGUFs were matched by name above; what one holds fused (attn_qkv) and the other split
    // (attn_q, attn_k, attn_v) is left over there, and goes through the group matching here.
    if !result.crossFormat && ggufA && ggufB && (!result.onlyInA.isEmpty || !result.onlyInB.isEmpty) {
      entriesA = result.onlyInA.map { ($0.name, $0) }
      entriesB = result.onlyInB.map { ($0.name, $0) }
      result.onlyInA = []
      result.onlyInB = []
    }
    // Both sides now carry GGUF names: a tensor fused on one side (attn_qkv) and split on the
    // other (attn_q, attn_k, attn_v) is compared as one group.
    if result.crossFormat || (ggufA && ggufB) {
      conventions += FusedGroups.fuse(&entriesA, against: entriesB, path: a.path, other: b.path, made: &result.fusedGroups)
      conventions += FusedGroups.fuse(&entriesB, against: entriesA, path: b.path, other: a.path, made: &result.fusedGroups)
    }
    var indexB: [String: Int] = [:]
    for (k, (name, _)) in entriesB.enumerated() { indexB[name] = k }
    var matchedB = Set<Int>()
    var onlyA: [(String, CheckpointDiff.Side)] = []
    for (key, sa) in entriesA {
      guard let k = indexB[key] else {
        onlyA.append((key, sa))
        continue
      }
      matchedB.insert(k)
      let sb = entriesB[k].1
      var changes: [String] = []
      if sa.shape != sb.shape { changes.append("shape") }
      if sa.dtype != sb.dtype { changes.append("dtype") }
      if sa.bytes != sb.bytes { changes.append("bytes") }
      if changes.isEmpty {
        result.identicalCount += 1
        if listIdentical { result.identicalTensors.append(sa) }
      } else {
        result.changed.append(CheckpointDiff.Changed(a: sa, b: sb, changes: changes))
      }
    }
    var onlyB = entriesB.enumerated().filter { !matchedB.contains($0.offset) }.map { $0.element }

    // A head tied in one file (no output tensor: the embedding serves) and written out in the
    // other. Across formats that is the converter's choice; within one format it is a change
    // of the model, reported like any other tensor.
    if result.crossFormat {
      let head = "output.weight", embedding = "token_embd.weight"
      func tie(
        _ only: inout [(String, CheckpointDiff.Side)], _ other: [(String, CheckpointDiff.Side)], _ stored: String, _ tied: String,
        config: ConfigFile?, sign: Int64
      ) {
        guard let k = only.firstIndex(where: { $0.0 == head }), other.contains(where: { $0.0 == embedding && $0.1.shape == only[k].1.shape }) else { return }
        explained += sign * Int64(clamping: only[k].1.parameters)
        var note = "head: \(only[k].1.name) stored in \(stored), tied to the embedding in \(tied) (no output tensor)"
        // An untied model converted without its head runs with the embedding as the head: right
        // only if the two matrices are equal, which headers cannot tell. Said, not failed.
        if config?.bool("tie_word_embeddings") == false {
          note += "; config.json says tie_word_embeddings: false, so this is right only if \(only[k].1.name) equals the embedding"
        }
        conventions.append(note)
        only.remove(at: k)
      }
      tie(&onlyA, entriesB, a.path, b.path, config: configA, sign: -1)
      tie(&onlyB, entriesA, b.path, a.path, config: configB, sign: 1)
      // RoPE tables the converter computes from the config: only in the GGUF, by design.
      func generated(_ only: inout [(String, CheckpointDiff.Side)], _ path: String, sign: Int64) {
        let made = only.filter { GGUFNameMap.generatedByConverter.contains($0.0) }
        guard !made.isEmpty else { return }
        for (_, s) in made { explained += sign * Int64(clamping: s.parameters) }
        conventions.append(
          "\(made.map(\.0).joined(separator: ", ")) in \(path): computed by the converter from config.json's RoPE scaling, not copied from a checkpoint tensor")
        only.removeAll { GGUFNameMap.generatedByConverter.contains($0.0) }
      }
      if ggufA { generated(&onlyA, a.path, sign: -1) } else { generated(&onlyB, b.path, sign: 1) }
    }
    if result.crossFormat, let note = gemmaNormNote(ggufA ? a : b) {
      conventions.append(note)
    }
    if mmproj, let note = softEmbeddingNormNote(ggufA ? a : b) {
      conventions.append(note)
    }
    result.onlyInA += onlyA.map { $0.1 }
    result.onlyInB += onlyB.map { $0.1 }
    result.unmapped += unmapped
    result.conventions += conventions
    result.explainedDifference += explained

    if !result.crossFormat { result.metadataChanged = metadataChanges(a.metadata, b.metadata) }
    // The audit's fields are the text model's; an mmproj file states the tower's (clip.vision.*),
    // compared with the config's vision_config.
    let fields: (Hyperparameters, Hyperparameters)?
    if mmproj {
      let tower = Hyperparameters.vision(gguf: ggufA ? a : b)
      fields = (ggufA ? configB : configA).map { Hyperparameters.vision(config: $0) }.map { ggufA ? (tower, $0) : ($0, tower) }
    } else if let ha = hyperparameters(a, ggufA, configA), let hb = hyperparameters(b, ggufB, configB) {
      fields = (ha, hb)
    } else {
      fields = nil
    }
    if let (ha, hb) = fields {
      result.hyperparametersChanged = Hyperparameters.changes(ha, hb).map { .init(field: $0.field, a: $0.a, b: $0.b) }
    }

    DiffTotals.add(a, b, to: &result)
    // Against an mmproj file the layer rows are the text model's, absent from that file by design
    // (said once in the conventions), as the tower's blocks are left out of the rows against the
    // text GGUF: a table of every layer "differing" would say nothing more.
    if mmproj { result.byLayer = [] }
    return result
  }

  static func isGGUF(_ c: Catalog) -> Bool { c.format == .gguf || c.format == .splitGGUF }

  /// Gemma's RMSNorm scales by 1 + w, and its converter stores w + 1 so llama.cpp can scale by
  /// the weight alone: every `*norm.weight` has the same shape on both sides and values that
  /// differ by design. Headers cannot see values, so this is said once, not checked.
  /// The norms are counted in the GGUF (identical tensors are only listed with `--all`).
  static func gemmaNormNote(_ gguf: Catalog) -> String? {
    guard let arch = gguf.architecture, ["gemma", "gemma2", "gemma3"].contains(arch) else { return nil }
    let norms = gguf.tensors.indices.filter { gguf.tensors[$0].name.hasByteSuffix("norm.weight") }.count
    guard norms > 0 else { return nil }
    return "Gemma: \(norms) norm weight(s) are stored +1 by the converter (Gemma's RMSNorm scales by 1 + w); same shapes, values differ by design (headers cannot see values)"
  }

  /// llama.cpp's mmproj file (`convert_hf_to_gguf.py --mmproj`): `general.type` mmproj, or, in
  /// files written before that key, the `clip` architecture.
  static func isMmproj(_ gguf: Catalog) -> Bool {
    gguf.metadata["general.type"]?.string == "mmproj" || gguf.architecture == "clip"
  }

  /// Gemma 3's projector norm is a Gemma RMSNorm (1 + w) like the text model's, and the converter
  /// stores it +1 the same way (the tower's own SigLIP norms are plain LayerNorms, copied).
  static func softEmbeddingNormNote(_ gguf: Catalog) -> String? {
    let name = "mm.soft_emb_norm.weight"
    guard gguf.tensors.contains(where: { $0.name == name }) else { return nil }
    return "Gemma 3: \(name) is stored +1 by the converter (Gemma's RMSNorm scales by 1 + w); same shape, values differ by design (headers cannot see values)"
  }

  static func side(_ t: TensorRecord) -> CheckpointDiff.Side {
    CheckpointDiff.Side(
      name: String(t.name), dtype: t.dtype, shape: Array(t.shape), parameters: t.learned, bytes: t.bytes,
      component: t.component, layer: t.layer)
  }

  /// One stacked tensor from its experts: experts x the per-expert shape when every expert has
  /// the same shape and the indices run 0..<n (else the shape says so: the first expert's with
  /// a leading 0, which no GGUF tensor has).
  static func stacked(_ experts: [(Int, CheckpointDiff.Side)]) -> CheckpointDiff.Side {
    var first = experts[0].1
    let uniform = experts.allSatisfy { $0.1.shape == first.shape }
    let dense = experts.enumerated().allSatisfy { $0.offset == $0.element.0 }
    let dtypes = Set(experts.map { $0.1.dtype })
    first.name = first.name.replacingFirst("experts.\(experts[0].0).", with: "experts.*.")
    first.shape = [uniform && dense ? UInt64(experts.count) : 0] + first.shape
    first.dtype = dtypes.count == 1 ? first.dtype : "mixed"
    first.parameters = experts.reduce(0) { $0.plus($1.1.parameters) }
    first.bytes = experts.allSatisfy { $0.1.bytes != nil } ? experts.reduce(0) { $0.plus($1.1.bytes ?? 0) } : nil
    return first
  }

  static func hyperparameters(_ c: Catalog, _ gguf: Bool, _ config: ConfigFile?) -> Hyperparameters? {
    if gguf { return Hyperparameters.from(gguf: c) }
    return config.map(Hyperparameters.from(config:))
  }

  /// Keys added, removed or changed, in A's order then B's new keys. `split.*` keys say how a
  /// GGUF is cut into files, not what the model is: a split file diffs equal to the whole one.
  static func metadataChanges(_ allA: [MetadataEntry], _ allB: [MetadataEntry]) -> [CheckpointDiff.MetadataChange] {
    let a = allA.filter { !$0.key.hasPrefix("split.") }, b = allB.filter { !$0.key.hasPrefix("split.") }
    var bValues: [String: String] = [:]
    for e in b { bValues[e.key] = summary(e.value) }
    var seen = Set<String>()
    var out: [CheckpointDiff.MetadataChange] = []
    for e in a {
      seen.insert(e.key)
      let x = summary(e.value), y = bValues[e.key]
      if x != y { out.append(.init(key: e.key, a: x, b: y)) }
    }
    for e in b where !seen.contains(e.key) { out.append(.init(key: e.key, a: nil, b: summary(e.value))) }
    return out
  }

  /// A value on one line: scalars as `type value`, arrays as element type, length and a hash of
  /// the items held (a tokenizer's 150,000 tokens are never printed).
  public static func summary(_ value: MetadataValue) -> String {
    switch value {
    case .string(let s): return "string " + s
    case .unsigned(let v, let t): return "\(t) \(v)"
    case .signed(let v, let t): return "\(t) \(v)"
    case .float(let v, let t): return "\(t) \(v)"
    case .bool(let v): return "bool \(v)"
    case .array(let array):
      // A GGUF array read with `hashArrays` carries a fingerprint of all its bytes: no need to
      // have built its 128,000 tokens. Otherwise the items held are hashed.
      if let digest = array.digest {
        let hex = String(digest, radix: 16)
        return "[\(array.elementType) x \(array.count)] hash:\(String(repeating: "0", count: 16 - hex.count) + hex)"
      }
      var hash = ContentFingerprint()
      hash.add(array)
      return "[\(array.elementType) x \(array.count)] fnv1a64:\(hash.hex)\(array.isComplete ? "" : " (first \(array.items.count) items)")"
    }
  }
}

/// FNV-1a 64 over a metadata array's items: enough to tell two arrays apart in a report, not a
/// cryptographic digest.
struct ContentFingerprint {
  var state: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func add(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      state ^= UInt64(byte)
      state = state &* 0x0000_0100_0000_01b3
    }
  }

  mutating func add(_ array: MetadataArray) {
    add(array.elementType.utf8)
    for item in array.items {
      switch item {
      case .array(let inner): add(inner)
      default: add(Differ.summary(item).utf8)
      }
      add([0])
    }
  }

  var hex: String {
    let digits = String(state, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}

extension String {
  /// The first occurrence of `target` replaced (names are short: a plain scan will do).
  func replacingFirst(_ target: String, with replacement: String) -> String {
    let chars = Array(self), t = Array(target)
    guard !t.isEmpty, chars.count >= t.count else { return self }
    for start in 0...(chars.count - t.count) where Array(chars[start..<start + t.count]) == t {
      return String(chars[..<start]) + replacement + String(chars[(start + t.count)...])
    }
    return self
  }
}

extension TensorRecord {
  /// The parameters this tensor holds as the summary counts them: none for a buffer (position
  /// ids, a causal mask, rotary frequencies) or quantization bookkeeping (scales, zero points).
  var learned: UInt64 { role == .parameter ? parameters : 0 }
}
