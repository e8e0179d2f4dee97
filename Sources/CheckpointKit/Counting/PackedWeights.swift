/// Finds quantized tensors that pack several weights into each stored element, and sets their
/// logical parameter count:
/// - GPTQ/AWQ `*.qweight` I32: 32 / bits weights per element, bits from the zero points' or the
///   scales' shapes (or `quantization_config.bits`), 4 when nothing says;
/// - compressed-tensors `*.weight_packed` I32: 32 / `num_bits` (default 4);
/// - bitsandbytes 4-bit: a U8 `*.weight` beside `*.weight.absmax` or `*.weight.quant_map`: 2 per byte;
/// - MXFP4 `*_blocks` U8 beside `*_scales`: 2 per byte.
/// int8 `*.qweight` (I8) holds one weight per element and is left as it is.
public enum PackedWeights {
  /// Applies the rules to every parameter tensor; `bits` is the bit width a config declares.
  public static func apply(to catalog: inout Catalog, configBits: Int? = nil) {
    var byName: [String: Int] = [:]
    for (k, t) in catalog.tensors.enumerated() where t.name.endsWith("qzeros") || t.name.endsWith("scales")
      || t.name.endsWith(".absmax") || t.name.endsWith(".quant_map") || t.name.endsWith("_scales")
      || t.name.endsWith(".weight_scale")
    {
      byName[String(t.name)] = k
    }
    guard !byName.isEmpty || catalog.tensors.contains(where: { $0.name.endsWith(".qweight") || $0.name.endsWith(".weight_packed") })
    else { return }
    for k in catalog.tensors.indices where catalog.tensors[k].role == .parameter {
      let t = catalog.tensors[k]
      if let factor = factor(of: t, siblings: byName, tensors: catalog.tensors, configBits: configBits), factor > 1 {
        catalog.tensors[k].parameters = t.elements.multipliedReportingOverflow(by: factor).overflow ? t.elements : t.elements * factor
      }
    }
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
