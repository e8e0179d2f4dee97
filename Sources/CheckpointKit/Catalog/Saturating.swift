/// Arithmetic that stops at UInt64.max instead of trapping. Counts and sizes derived from a
/// file's numbers (tensor shapes, hyperparameters) are summed and multiplied in many places; a
/// crafted file can make any of those overflow, and a report that says 18446744073709551615 is
/// better than a crash. Real checkpoints never come near it.
extension UInt64 {
  @inline(__always)
  func plus(_ other: UInt64) -> UInt64 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? .max : sum
  }

  @inline(__always)
  func times(_ other: UInt64) -> UInt64 {
    let (product, overflow) = multipliedReportingOverflow(by: other)
    return overflow ? .max : product
  }

  /// A non-negative Int as UInt64 (negatives, which no count should be, become 0).
  init(count: Int) {
    self = count < 0 ? 0 : UInt64(count)
  }
}
