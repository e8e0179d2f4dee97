/// What the values of a tensor (or of a piece of one) look like: counts of the special values
/// and moments of the finite ones.
///
/// Precision: values are summed in Float64 a batch at a time (4,096 values, or one histogram),
/// each batch's squared deviations taken about a shift near its mean (the running mean; the
/// histogram's exact mean), and batches combined with Chan, Golub and LeVeque's pairwise update.
/// The result does not lose precision with the number of values the way one running sum of
/// squares does.
public struct ValueStats: Equatable, Sendable {
  public var nan: UInt64 = 0
  public var positiveInfinity: UInt64 = 0
  public var negativeInfinity: UInt64 = 0
  /// +0 and -0.
  public var zeros: UInt64 = 0
  /// Finite values, zeros included.
  public var finite: UInt64 = 0
  public private(set) var minimum: Double = .infinity
  public private(set) var maximum: Double = -.infinity
  private var runningMean: Double = 0
  /// Sum of squared deviations from the mean.
  private var m2: Double = 0
  /// Sum of |x| over the finite values.
  var absoluteSum: Double = 0

  public init() {}

  public var count: UInt64 { finite + nan + positiveInfinity + negativeInfinity }
  public var min: Double? { finite == 0 ? nil : minimum }
  public var max: Double? { finite == 0 ? nil : maximum }
  public var mean: Double? { finite == 0 ? nil : runningMean }
  /// Population standard deviation (numpy's default, ddof 0).
  public var standardDeviation: Double? { finite == 0 ? nil : (m2 / Double(finite)).squareRoot() }
  public var absoluteMaximum: Double? { finite == 0 ? nil : Swift.max(abs(minimum), abs(maximum)) }
  /// Mean of |x| over the finite values: the scale of a tensor's weights.
  public var meanAbsolute: Double? { finite == 0 ? nil : absoluteSum / Double(finite) }
  /// Every value the same finite number (an all-zero tensor included).
  public var isConstant: Bool { finite > 0 && finite == count && minimum == maximum }
  public var isAllZero: Bool { count > 0 && zeros == count }

  /// Adds a batch of finite values summarised by their count, mean and squared deviations.
  mutating func addBatch(count n: UInt64, mean: Double, m2 batchM2: Double, min low: Double, max high: Double) {
    guard n > 0 else { return }
    let total = finite + n
    let delta = mean - runningMean
    runningMean += delta * Double(n) / Double(total)
    m2 += batchM2 + delta * delta * Double(finite) * Double(n) / Double(total)
    finite = total
    minimum = Swift.min(minimum, low)
    maximum = Swift.max(maximum, high)
  }

  /// Combines the statistics of another part of the same tensor.
  public mutating func merge(_ other: ValueStats) {
    nan += other.nan
    positiveInfinity += other.positiveInfinity
    negativeInfinity += other.negativeInfinity
    zeros += other.zeros
    absoluteSum += other.absoluteSum
    addBatch(count: other.finite, mean: other.runningMean, m2: other.m2, min: other.minimum, max: other.maximum)
  }

  /// Counts one value that is not finite.
  mutating func addNonFinite(_ value: Double) {
    if value.isNaN { nan += 1 } else if value > 0 { positiveInfinity += 1 } else { negativeInfinity += 1 }
  }
}
