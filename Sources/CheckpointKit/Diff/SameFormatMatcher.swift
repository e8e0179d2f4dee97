/// Tensors of two checkpoints in one format, matched by name. This is the diff's hot path on
/// big headers (20,387 tensors each): a requantized or re-saved file lists its tensors in the
/// same order, so names are first compared position by position, as bytes; only the names that
/// do not line up go through a hash table. Identical pairs are counted from the records and
/// become `Side`s (two allocations each) only when the caller lists them.
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
    }
    for k in ta.indices {
      let j = partner[k]
      guard j >= 0 else {
        result.onlyInA.append(Differ.side(ta[k]))
        continue
      }
      let x = ta[k], y = tb[j]
      var changes: [String] = []
      if x.shape != y.shape { changes.append("shape") }
      if x.dtype != y.dtype { changes.append("dtype") }
      if x.bytes != y.bytes { changes.append("bytes") }
      if changes.isEmpty {
        result.identicalCount += 1
        if listIdentical { result.identicalTensors.append(Differ.side(x)) }
      } else {
        result.changed.append(CheckpointDiff.Changed(a: Differ.side(x), b: Differ.side(y), changes: changes))
      }
    }
    for j in tb.indices where !matchedB[j] { result.onlyInB.append(Differ.side(tb[j])) }
  }
}
