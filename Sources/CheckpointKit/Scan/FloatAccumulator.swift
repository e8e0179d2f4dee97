/// Statistics of Float and Double values, a batch at a time (see `ValueStats` for the precision).
enum FloatAccumulator {
  /// Values per batch: small enough to stay in the L1 cache between the two passes.
  static let batch = 4096

  static func add(_ values: Span<Float>, to stats: inout ValueStats) {
    var start = 0
    while start < values.count {
      let end = min(start + batch, values.count)
      addBatch(values.extracting(start..<end), to: &stats)
      start = end
    }
  }

  /// One batch: a first pass for sum, extremes and zeros, with a NaN/Inf detector (x - x is 0
  /// for every finite x and NaN otherwise) so the common all-finite batch takes no branch per
  /// value; a second pass for squared deviations about the batch's mean.
  private static func addBatch(_ values: Span<Float>, to stats: inout ValueStats) {
    let n = values.count
    var sum0 = 0.0, sum1 = 0.0, abs0 = 0.0, abs1 = 0.0
    var low: Float = .infinity, high: Float = -.infinity
    var poison: Float = 0
    var zeros = 0
    var i = 0
    while i + 2 <= n {
      let a = values[i], b = values[i + 1]
      sum0 += Double(a)
      sum1 += Double(b)
      abs0 += Double(a.magnitude)
      abs1 += Double(b.magnitude)
      low = min(low, min(a, b))
      high = max(high, max(a, b))
      poison += (a - a) + (b - b)
      zeros &+= (a == 0 ? 1 : 0) &+ (b == 0 ? 1 : 0)
      i += 2
    }
    if i < n {
      let a = values[i]
      sum0 += Double(a)
      abs0 += Double(a.magnitude)
      low = min(low, a)
      high = max(high, a)
      poison += a - a
      zeros &+= a == 0 ? 1 : 0
    }
    if !poison.isFinite || poison != 0 {
      addWithSpecials(values, to: &stats)
      return
    }
    let mean = (sum0 + sum1) / Double(n)
    var m2a = 0.0, m2b = 0.0
    i = 0
    while i + 2 <= n {
      let da = Double(values[i]) - mean, db = Double(values[i + 1]) - mean
      m2a += da * da
      m2b += db * db
      i += 2
    }
    if i < n {
      let d = Double(values[i]) - mean
      m2a += d * d
    }
    stats.zeros += UInt64(zeros)
    stats.absoluteSum += abs0 + abs1
    stats.addBatch(count: UInt64(n), mean: mean, m2: m2a + m2b, min: Double(low), max: Double(high))
  }

  /// The rare batch holding NaN or an infinity: finite values are gathered and summed apart.
  private static func addWithSpecials(_ values: Span<Float>, to stats: inout ValueStats) {
    var finite = ValuesOfBatch()
    for i in values.indices {
      let x = values[i]
      if x.isFinite { finite.add(Double(x)) } else { stats.addNonFinite(Double(x)) }
    }
    finite.flush(into: &stats)
  }

  static func add(_ values: Span<Double>, to stats: inout ValueStats) {
    var batch = ValuesOfBatch()
    for i in values.indices {
      let x = values[i]
      if x.isFinite { batch.add(x) } else { stats.addNonFinite(x) }
    }
    batch.flush(into: &stats)
  }
}

/// Finite values gathered one at a time (the slow paths): sums kept per batch and flushed into
/// the statistics with Welford's update per value, which needs no second pass.
struct ValuesOfBatch {
  private var count: UInt64 = 0
  private var mean = 0.0
  private var m2 = 0.0
  private var absoluteSum = 0.0
  private var zeros: UInt64 = 0
  private var low = Double.infinity
  private var high = -Double.infinity

  mutating func add(_ x: Double) {
    count += 1
    let delta = x - mean
    mean += delta / Double(count)
    m2 += delta * (x - mean)
    absoluteSum += x.magnitude
    if x == 0 { zeros += 1 }
    low = Swift.min(low, x)
    high = Swift.max(high, x)
  }

  func flush(into stats: inout ValueStats) {
    stats.zeros += zeros
    stats.absoluteSum += absoluteSum
    stats.addBatch(count: count, mean: mean, m2: m2, min: low, max: high)
  }
}
