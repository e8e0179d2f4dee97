/// Statistics of Float and Double values, a batch at a time (see `ValueStats` for the precision).
/// This is the inner loop of every type but the 8- and 16-bit ones: each value costs a few
/// Float64 operations, and nothing else.
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

  /// One batch in one pass: sums of x - k and (x - k)^2 about a shift k (the running mean, or
  /// the batch's first value), so the squared deviations need no second pass and lose no digits
  /// while k is near the mean. Four independent chains per sum keep the adds from waiting on each
  /// other; the common all-finite batch takes no branch per value (see the check after the loop).
  private static func addBatch(_ values: Span<Float>, to stats: inout ValueStats) {
    let n = values.count
    guard n > 0 else { return }
    let first = Double(values[0])
    let k = stats.finite > 0 && (stats.mean ?? 0).isFinite ? stats.mean! : (first.isFinite ? first : 0)
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var q0 = 0.0, q1 = 0.0, q2 = 0.0, q3 = 0.0
    var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    var low0: Float = .infinity, high0: Float = -.infinity
    var low1: Float = .infinity, high1: Float = -.infinity
    var zeros = 0
    var i = 0
    while i + 4 <= n {
      let x0 = values[i], x1 = values[i + 1], x2 = values[i + 2], x3 = values[i + 3]
      let d0 = Double(x0) - k, d1 = Double(x1) - k, d2 = Double(x2) - k, d3 = Double(x3) - k
      s0 += d0
      s1 += d1
      s2 += d2
      s3 += d3
      q0 += d0 * d0
      q1 += d1 * d1
      q2 += d2 * d2
      q3 += d3 * d3
      a0 += Double(x0.magnitude)
      a1 += Double(x1.magnitude)
      a2 += Double(x2.magnitude)
      a3 += Double(x3.magnitude)
      // Ternaries, not min/max: these compile to single minss/maxss instructions (NaN is
      // caught by the detector, so their NaN behaviour does not matter).
      low0 = x0 < low0 ? x0 : low0
      low1 = x1 < low1 ? x1 : low1
      low0 = x2 < low0 ? x2 : low0
      low1 = x3 < low1 ? x3 : low1
      high0 = x0 > high0 ? x0 : high0
      high1 = x1 > high1 ? x1 : high1
      high0 = x2 > high0 ? x2 : high0
      high1 = x3 > high1 ? x3 : high1
      zeros &+= (x0 == 0 ? 1 : 0) &+ (x1 == 0 ? 1 : 0) &+ (x2 == 0 ? 1 : 0) &+ (x3 == 0 ? 1 : 0)
      i += 4
    }
    while i < n {
      let x = values[i]
      let d = Double(x) - k
      s0 += d
      q0 += d * d
      a0 += Double(x.magnitude)
      low0 = x < low0 ? x : low0
      high0 = x > high0 ? x : high0
      zeros &+= x == 0 ? 1 : 0
      i += 1
    }
    let s = (s0 + s1) + (s2 + s3)
    let q = (q0 + q1) + (q2 + q3)
    // A NaN or an infinity makes the Float64 sums NaN or infinite (finite Float values cannot
    // overflow them): then, and only then, the batch is looked at value by value.
    if !s.isFinite || !q.isFinite {
      addWithSpecials(values, to: &stats)
      return
    }
    let count = Double(n)
    stats.zeros += UInt64(zeros)
    stats.absoluteSum += (a0 + a1) + (a2 + a3)
    stats.addBatch(
      count: UInt64(n), mean: k + s / count, m2: Swift.max(0, q - s * s / count), min: Double(Swift.min(low0, low1)),
      max: Double(Swift.max(high0, high1)))
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
