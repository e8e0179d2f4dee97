/// Tensors of two checkpoints in one format, matched by name. This is the diff's hot path on
/// big headers (20,387 tensors each): a requantized or re-saved file lists its tensors in the
/// same order, so names are first compared position by position, as bytes; only the names that
/// do not line up go through a hash table. Identical pairs are counted from the records and
/// become `Side`s (two allocations each) only when the caller lists them.
///
/// A quantized copy renames its weights (GPTQ/AWQ `q_proj.qweight`, compressed-tensors
/// `weight_packed`, MXFP4 `*_blocks`, fracast's `weight.qweight`) and adds bookkeeping beside them
/// (scales, zero points, group indices): a weight and its quantized form are paired, and the
/// bookkeeping is kept apart from the tensors a model gained or lost.
enum SameFormatMatcher {
  static func match(_ a: Catalog, _ b: Catalog, listIdentical: Bool, into result: inout CheckpointDiff) {
    let ta = a.tensors, tb = b.tensors
    // B's index for each of A's tensors, -1 for none.
    var partner = [Int](repeating: -1, count: ta.count)
    var matchedB = [Bool](repeating: false, count: tb.count)
    var misaligned = 0
    for k in ta.indices {
      if k < tb.count && ta[k].name.utf8.span.bytesEqual(tb[k].name.utf8.span) {
        partner[k] = k
        matchedB[k] = true
      } else {
        misaligned += 1
      }
    }
    if misaligned > 0 {
      var byName = StringTable<Int>(capacity: tb.count - (ta.count - misaligned))
      for j in tb.indices where !matchedB[j] { byName.insert(String(tb[j].name), j) }
      for k in ta.indices where partner[k] < 0 {
        if let j = byName[String(ta[k].name)] {
          partner[k] = j
          matchedB[j] = true
        }
      }
      pairQuantizedForms(ta, tb, &partner, &matchedB)
    }
    for k in ta.indices {
      let j = partner[k]
      guard j >= 0 else {
        if ta[k].role == .quantAux {
          result.bookkeepingOnlyInA.append(Differ.side(ta[k]))
        } else {
          result.onlyInA.append(Differ.side(ta[k]))
        }
        continue
      }
      let x = ta[k], y = tb[j]
      var changes: [String] = []
      if x.shape != y.shape {
        // Packed storage (8 int4 per I32, MLX's U32 rows) changes the stored shape, not the
        // weights: the same count of parameters unpacked is a change of packing.
        let packed = x.elements != x.parameters || y.elements != y.parameters
        changes.append(packed && x.parameters == y.parameters ? "packing" : "shape")
      }
      if x.dtype != y.dtype { changes.append("dtype") }
      if x.bytes != y.bytes { changes.append("bytes") }
      if changes.isEmpty {
        result.identicalCount += 1
        if listIdentical { result.identicalTensors.append(Differ.side(x)) }
      } else {
        result.changed.append(CheckpointDiff.Changed(a: Differ.side(x), b: Differ.side(y), changes: changes))
      }
    }
    for j in tb.indices where !matchedB[j] {
      if tb[j].role == .quantAux {
        result.bookkeepingOnlyInB.append(Differ.side(tb[j]))
      } else {
        result.onlyInB.append(Differ.side(tb[j]))
      }
    }
  }

  /// The names a quantized weight may have had before quantizing (none for a name of no
  /// quantized form): `l.qweight` was `l.weight` (GPTQ, AWQ); `l.weight.qweight` and
  /// `l.dw_weight.qweight` (fracast) were their names without `.qweight`.
  static func unquantizedNames(_ name: Substring) -> [String] {
    if name.endsWith(".qweight") {
      let stem = String(name.dropLast(".qweight".count))
      return [stem, stem + ".weight"]
    }
    if name.endsWith(".weight_packed") { return [String(name.dropLast("_packed".count))] }
    if name.endsWith("_blocks") { return [String(name.dropLast("_blocks".count))] }
    return []
  }

  /// Pairs the weights still unmatched with their quantized forms on the other side, either
  /// way round (quantized, or dequantized).
  static func pairQuantizedForms(_ ta: [TensorRecord], _ tb: [TensorRecord], _ partner: inout [Int], _ matchedB: inout [Bool]) {
    var plainB = StringTable<Int>(), quantizedB = StringTable<Int>()
    for j in tb.indices where !matchedB[j] {
      let plain = unquantizedNames(tb[j].name)
      if plain.isEmpty { plainB.insert(String(tb[j].name), j) }
      for name in plain { quantizedB.insert(name, j) }
    }
    for k in ta.indices where partner[k] < 0 {
      let j = unquantizedNames(ta[k].name).lazy.compactMap { plainB[$0] }.first ?? quantizedB[String(ta[k].name)]
      if let j, !matchedB[j] {
        partner[k] = j
        matchedB[j] = true
      }
    }
  }
}
