/// Finds quantized tensors that pack several weights into each stored element, and sets their
/// logical parameter count:
/// - GPTQ/AWQ `*.qweight` I32: 32 / bits weights per element, bits from the zero points' or the
///   scales' shapes (or `quantization_config.bits`), 4 when nothing says;
/// - compressed-tensors `*.weight_packed` I32: 32 / `num_bits` (default 4);
/// - bitsandbytes 4-bit: a U8 `*.weight` beside `*.weight.absmax` or `*.weight.quant_map`: 2 per byte;
/// - MXFP4 `*_blocks` U8 beside `*_scales`: 2 per byte;
/// - MLX (mlx-lm): a U32 `X.weight` [..., in x bits / 32] beside `X.scales` and `X.biases`
///   [..., in / group_size], bits and group size from config.json's `quantization` block (per
///   module where mlx-lm recorded one); `X.biases` is then quantization bookkeeping, like the
///   scales. Only the `mxfp4`/`nvfp4`/`mxfp8` modes, which the config must name, go without biases.
/// int8 `*.qweight` (I8) holds one weight per element and is left as it is.
public enum PackedWeights {
  /// Whether the catalog holds packed tensors whose layout a config.json declares, so the loader
  /// knows to read one (only then: most checkpoints need none).
  public static func readsConfig(_ catalog: Catalog) -> Bool {
    let tensors = catalog.tensors
    return tensors.indices.contains {
      tensors[$0].name.endsWith(".qweight") || tensors[$0].name.endsWith(".weight_packed") || tensors[$0].name.endsWith(".scales")
    }
  }

  /// Applies the rules to every parameter tensor, with what `config` (config.json) declares.
  public static func apply(to catalog: inout Catalog, config: ConfigFile? = nil) {
    var byName: [String: Int] = [:]
    for (k, t) in catalog.tensors.enumerated() where t.name.endsWith("qzeros") || t.name.endsWith("scales")
      || t.name.endsWith(".absmax") || t.name.endsWith(".quant_map") || t.name.endsWith("_scales")
      || t.name.endsWith(".weight_scale") || t.name.endsWith(".biases")
    {
      byName[String(t.name)] = k
    }
    guard !byName.isEmpty || catalog.tensors.contains(where: { $0.name.endsWith(".qweight") || $0.name.endsWith(".weight_packed") })
    else { return }
    let declared = Declared(config: config)
    for k in catalog.tensors.indices where catalog.tensors[k].role == .parameter {
      let t = catalog.tensors[k]
      if t.dtype == "U32" && t.name.endsWith(".weight"), let mlx = mlx(t, siblings: byName, tensors: catalog.tensors, declared.mlx) {
        // The biases are bookkeeping even where the bit width cannot be told (then the weight
        // keeps its stored count: too low, never a guess).
        if let parameters = mlx.parameters { catalog.tensors[k].parameters = parameters }
        if let biases = mlx.biases { catalog.tensors[biases].role = .quantAux }
      } else if let factor = factor(of: t, siblings: byName, tensors: catalog.tensors, configBits: declared.bits), factor > 1 {
        catalog.tensors[k].parameters = t.elements.multipliedReportingOverflow(by: factor).overflow ? t.elements : t.elements * factor
      }
    }
  }

  /// What a config.json says about packed weights.
  struct Declared {
    /// GPTQ `quantization_config.bits`, compressed-tensors `num_bits`.
    var bits: Int?
    var mlx: MLXQuantization?

    init(config: ConfigFile?) {
      bits = config?.integer("quantization_config.bits", "quantization_config.config_groups.group_0.weights.num_bits")
      mlx = config.flatMap(MLXQuantization.init(config:))
    }
  }

  /// mlx-lm's `quantization` block: `{"group_size": 64, "bits": 4}` (and `"mode"` since MLX
  /// 0.29), plus an entry per module path for mixed-precision quants
  /// (`"model.layers.0.mlp.down_proj": {"group_size": 64, "bits": 6}`).
  public struct MLXQuantization: Equatable, Sendable {
    public struct Scheme: Equatable, Sendable {
      public var bits: Int
      public var groupSize: Int
      /// `affine` (scales and biases), or `mxfp4`, `nvfp4`, `mxfp8` (scales only).
      public var mode: String
    }

    public var global: Scheme
    /// By module path (a weight's name without `.weight`).
    public var modules: [String: Scheme]

    /// MLX's defaults by mode (mlx.nn.quantize): affine 4 bits in groups of 64.
    static func defaults(_ mode: String) -> Scheme {
      switch mode {
      case "mxfp4": return Scheme(bits: 4, groupSize: 32, mode: mode)
      case "nvfp4": return Scheme(bits: 4, groupSize: 16, mode: mode)
      case "mxfp8": return Scheme(bits: 8, groupSize: 32, mode: mode)
      default: return Scheme(bits: 4, groupSize: 64, mode: mode)
      }
    }

    /// nil when the config has no mlx-lm block (a Hugging Face `quantization_config` names its
    /// `quant_method`; mlx-lm's copy of its block there does not).
    public init?(config: ConfigFile) {
      var block: [(String, JSONValue)]?
      for key in ["quantization", "quantization_config"] {
        if case .object(let members)? = config.value(key), !members.contains(where: { $0.0 == "quant_method" }),
          members.contains(where: { $0.0 == "bits" || $0.0 == "group_size" || $0.0 == "mode" })
        {
          block = members
          break
        }
      }
      guard let block else { return nil }
      func scheme(_ members: [(String, JSONValue)], base: Scheme?) -> Scheme? {
        func int(_ key: String) -> Int? {
          switch members.first(where: { $0.0 == key })?.1 {
          case .unsigned(let v)?: return Int(exactly: v)
          case .signed(let v)?: return Int(exactly: v)
          default: return nil
          }
        }
        var mode = base?.mode ?? "affine"
        if case .string(let m)? = members.first(where: { $0.0 == "mode" })?.1 { mode = m }
        let fallback = base.map { $0.mode == mode ? $0 : Self.defaults(mode) } ?? Self.defaults(mode)
        let s = Scheme(bits: int("bits") ?? fallback.bits, groupSize: int("group_size") ?? fallback.groupSize, mode: mode)
        return s.bits > 0 && s.bits <= 32 && s.groupSize > 0 ? s : nil
      }
      guard let global = scheme(block, base: nil) else { return nil }
      self.global = global
      modules = [:]
      for (key, value) in block {
        if case .object(let members) = value, let s = scheme(members, base: global) { modules[key] = s }
      }
    }

    init(global: Scheme, modules: [String: Scheme] = [:]) {
      self.global = global
      self.modules = modules
    }
  }

  /// For a U32 `X.weight` that is MLX-quantized: the weights it holds (nil when its bit width
  /// cannot be told) and its `X.biases` record. It is one only beside `X.scales` of the same
  /// leading shape and (in affine mode, the only one without a config saying otherwise) `X.biases`
  /// shaped like the scales, so a lone U32 tensor or some model's `.biases` parameter is never
  /// taken for one.
  static func mlx(
    _ t: TensorRecord, siblings: [String: Int], tensors: [TensorRecord], _ declared: MLXQuantization?
  ) -> (parameters: UInt64?, biases: Int?)? {
    let stem = String(t.name.dropLast(".weight".count))
    guard let scalesIndex = siblings[stem + ".scales"] else { return nil }
    let scales = tensors[scalesIndex]
    let scheme = declared.map { $0.modules[stem] ?? $0.global } ?? MLXQuantization.defaults("affine")
    let biasesIndex = siblings[stem + ".biases"]
    if let b = biasesIndex {
      guard tensors[b].shape == scales.shape else { return nil }
    } else if scheme.mode == "affine" {
      return nil
    }
    guard let packed = t.shape.last, let groups = scales.shape.last, packed > 0, groups > 0, t.shape.count == scales.shape.count,
      t.shape.dropLast().elementsEqual(scales.shape.dropLast())
    else { return nil }
    let words = packed.times(32)
    let bits = UInt64(count: scheme.bits), groupSize = UInt64(count: scheme.groupSize)
    // The input width from the declared bits must fill the declared groups exactly. Where it does
    // not (a module whose own scheme the config does not record), the groups give the width if
    // that makes a bit width MLX has. Without a config only MLX's defaults are taken: 4 bits in
    // groups of 64 and 8 bits in groups of 128 pack alike, and nothing else tells them apart.
    var width: UInt64?
    if words % bits == 0, words / bits == groups.times(groupSize) {
      width = words / bits
    } else if declared != nil {
      let w = groups.times(groupSize)
      if w > 0, words % w == 0, [2, 3, 4, 5, 6, 8].contains(words / w) { width = w }
    }
    return (width.map { (t.elements / packed).times($0) }, biasesIndex)
  }

  static func factor(of t: TensorRecord, siblings: [String: Int], tensors: [TensorRecord], configBits: Int?) -> UInt64? {
    func sibling(_ name: String) -> TensorRecord? { siblings[name].map { tensors[$0] } }
    if t.name.endsWith(".qweight") && (t.dtype == "I32" || t.dtype == "U32") {
      let stem = String(t.name.dropLast(".qweight".count))
      let qweightCols = t.shape.last ?? 0
      var bits = configBits
      if bits == nil, let zeros = sibling(stem + ".qzeros"), let scales = sibling(stem + ".scales"),
        let zc = zeros.shape.last, let sc = scales.shape.last, sc > 0
      {
        // qzeros pack the zero points of `scales`' columns: bits = 32 x qzeros cols / scales cols.
        let b = 32 * zc / sc
        if b > 0 && b <= 32 && (32 * zc) % sc == 0 { bits = Int(b) }
      }
      if bits == nil, let scales = sibling(stem + ".scales"), let sc = scales.shape.last, qweightCols > 0, sc > qweightCols {
        // AWQ packs along the output columns: scales have the unpacked width.
        bits = Int(32 * qweightCols / sc)
      }
      let b = bits ?? 4
      return b > 0 && 32 % b == 0 ? UInt64(32 / b) : nil
    }
    if t.name.endsWith(".weight_packed") && (t.dtype == "I32" || t.dtype == "U32") {
      let b = configBits ?? 4
      return b > 0 && 32 % b == 0 ? UInt64(32 / b) : nil
    }
    if t.dtype == "U8" && t.name.endsWith(".weight") && (siblings[t.name + ".absmax"] != nil || siblings[t.name + ".quant_map"] != nil) {
      return 2
    }
    if t.dtype == "U8" && t.name.endsWith("_blocks") && siblings[String(t.name.dropLast("_blocks".count)) + "_scales"] != nil {
      return 2
    }
    return nil
  }
}
