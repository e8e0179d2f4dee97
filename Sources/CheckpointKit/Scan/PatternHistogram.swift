/// Statistics of an 8- or 16-bit element type by counting bit patterns: one increment per
/// element, exact whatever the order, and the moments computed from at most 65,536 distinct
/// values with two passes (sum, then squared deviations about the mean).
struct PatternHistogram {
  private var counts: [UInt32]

  init(patterns: Int) { counts = [UInt32](repeating: 0, count: patterns) }

  /// Counts 16-bit patterns. A piece holds at most 2^31 elements, so counts cannot overflow.
  mutating func count(_ values: Span<UInt16>) {
    var tally = counts.mutableSpan
    // Two interleaved runs of increments, so equal neighbours (runs of zeros) do not wait on each
    // other's store.
    var i = 0
    let n = values.count
    while i + 2 <= n {
      tally[Int(values[i])] &+= 1
      tally[Int(values[i + 1])] &+= 1
      i += 2
    }
    if i < n { tally[Int(values[i])] &+= 1 }
  }

  mutating func count(_ values: Span<UInt8>) {
    var tally = counts.mutableSpan
    for i in values.indices { tally[Int(values[i])] &+= 1 }
  }

  /// Adds the counted values to `stats` (each pattern counted `weight` times per occurrence:
  /// F4 packs two values per byte and is counted through a table of pairs by the caller) and
  /// clears the counts for the next piece.
  mutating func flush(through table: [Double], into stats: inout ValueStats) {
    var finite: UInt64 = 0
    var sum = 0.0, absoluteSum = 0.0
    var low = Double.infinity, high = -Double.infinity
    var zeros: UInt64 = 0
    for p in counts.indices where counts[p] != 0 {
      let c = UInt64(counts[p])
      let v = table[p]
      if v.isFinite {
        finite += c
        sum += Double(c) * v
        absoluteSum += Double(c) * v.magnitude
        low = min(low, v)
        high = max(high, v)
        if v == 0 { zeros += c }
      } else if v.isNaN {
        stats.nan += c
      } else if v > 0 {
        stats.positiveInfinity += c
      } else {
        stats.negativeInfinity += c
      }
    }
    if finite > 0 {
      let mean = sum / Double(finite)
      var m2 = 0.0
      for p in counts.indices where counts[p] != 0 {
        let v = table[p]
        if v.isFinite { m2 += Double(counts[p]) * (v - mean) * (v - mean) }
      }
      stats.zeros += zeros
      stats.absoluteSum += absoluteSum
      stats.addBatch(count: finite, mean: mean, m2: m2, min: low, max: high)
    }
    var tally = counts.mutableSpan
    for p in tally.indices { tally[p] = 0 }
  }
}
