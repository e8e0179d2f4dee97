/// The base model as adapter mode sees it: modules (a tensor name minus its last component)
/// and the shapes of their tensors, in PyTorch order whatever the format. A GGUF base is keyed
/// by its own names; an adapter written with Hugging Face module names is placed on it through
/// `GGUFNameMap`, and an adapter written with GGUF names (llama.cpp's LoRA files) on a Hugging
/// Face base the same way, so either pairing answers the same question.
struct AdapterBase {
  /// Where an adapter's module landed: the base module's name and its tensors.
  struct Module {
    var name: String
    var tensors: [String: [UInt64]]
  }

  let catalog: Catalog
  let isGGUF: Bool
  private var modules: [String: [String: [UInt64]]] = [:]
  /// Every dotted tail of a module name -> the modules ending so, to find `h.0.attn.c_attn` when
  /// the base says `transformer.h.0.attn.c_attn` (or the reverse, by dropping the adapter's head).
  private var bySuffix: [String: [String]] = [:]
  /// A Hugging Face base's modules under their GGUF names, for an adapter in GGUF names.
  private var ggufAliases: [String: String] = [:]

  init(_ catalog: Catalog) {
    self.catalog = catalog
    isGGUF = catalog.format == .gguf || catalog.format == .splitGGUF
    for t in catalog.tensors {
      guard let dot = t.name.lastIndex(of: ".") else { continue }
      let module = String(t.name[..<dot])
      modules[module, default: [:]][String(t.name[t.name.index(after: dot)...])] = Array(t.shape)
      if !isGGUF, let target = GGUFNameMap.target(t.name), target.expert == nil, let end = target.name.lastIndex(of: ".") {
        ggufAliases[String(target.name[..<end])] = module
      }
    }
    for name in modules.keys {
      let parts = name.split(separator: ".")
      for k in 1..<max(parts.count, 1) { bySuffix[parts[k...].joined(separator: "."), default: []].append(name) }
    }
  }

  /// The base module an adapter module names. `ggufNames`: the adapter names modules as GGUF
  /// does (`blk.0.attn_q`).
  func locate(_ module: String, ggufNames: Bool) -> Module? {
    if ggufNames {
      if isGGUF { return modules[module].map { Module(name: module, tensors: $0) } }
      return ggufAliases[module].flatMap { name in modules[name].map { Module(name: name, tensors: $0) } }
    }
    if isGGUF { return onGGUF(module) }
    guard let name = bySuffixLookup(module) else { return nil }
    return modules[name].map { Module(name: name, tensors: $0) }
  }

  /// A Hugging Face module on a GGUF base: its weight's GGUF name, dropping leading components
  /// the name tables do not know (PEFT's wrappers, a task model's prefix). One expert of a
  /// stacked `ffn_*_exps` tensor is that tensor's slice: experts x out x in loses its first dim.
  private func onGGUF(_ module: String) -> Module? {
    var parts = module.split(separator: ".")
    while parts.count >= 2 {
      if let target = GGUFNameMap.target(parts.joined(separator: ".") + ".weight"), let end = target.name.lastIndex(of: ".") {
        let name = String(target.name[..<end])
        guard var tensors = modules[name] else { return nil }
        if let expert = target.expert {
          for (param, shape) in tensors {
            guard shape.count >= 2, UInt64(expert) < shape[0] else { return nil }
            tensors[param] = Array(shape.dropFirst())
          }
        }
        return Module(name: name, tensors: tensors)
      }
      parts.removeFirst()
    }
    return nil
  }

  private func bySuffixLookup(_ module: String) -> String? {
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

  /// The width of the token embedding (hidden size): what a prompt-tuning vector must have.
  var hiddenSize: UInt64? {
    let names = ["token_embd.weight", "embed_tokens.weight", "word_embeddings.weight", "wte.weight"]
    let named = catalog.tensors.first { t in t.shape.count == 2 && names.contains { t.name.hasSuffix($0) } }
    let t = named ?? catalog.tensors.first { $0.component == .embedding && $0.shape.count == 2 }
    return t.map { $0.shape[1] }
  }

  /// How many transformer blocks the base has: one past the highest layer index.
  var layerCount: Int? {
    catalog.tensors.compactMap(\.layer).max().map { $0 + 1 }
  }

  /// Layer 0's key projection out-features: the key/value width a prefix must match (smaller
  /// than the hidden size under grouped-query attention).
  var keyWidth: UInt64? {
    let suffixes = ["k_proj.weight", "attn_k.weight", "attention.self.key.weight", "self_attention.key.weight"]
    let t = catalog.tensors.first { t in t.layer == 0 && t.shape.count == 2 && suffixes.contains { t.name.hasSuffix($0) } }
    return t.map { $0.shape[0] }
  }
}
