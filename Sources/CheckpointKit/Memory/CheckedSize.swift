/// Sizes in the memory estimate are exact or nil: nil means the arithmetic passed 2^64 - 1 bytes.
/// The catalog's sums saturate at UInt64.max (see Saturating) so that nothing traps; here that
/// value becomes nil at once, and stays nil through every sum, product and share derived from it,
/// so the report can only say "overflow" (null in JSON), never print 2^64 - 1 or a fraction of it.
extension Optional where Wrapped == UInt64 {
  /// A saturated count or size from the catalog: UInt64.max is what an overflow left behind.
  static func exact(_ saturated: UInt64) -> UInt64? {
    saturated == .max ? nil : saturated
  }

  func plus(_ other: UInt64?) -> UInt64? {
    guard let a = self, let b = other else { return nil }
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow || sum == .max ? nil : sum
  }

  func times(_ other: UInt64?) -> UInt64? {
    guard let a = self, let b = other else { return nil }
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow || product == .max ? nil : product
  }

  /// `self x numerator / denominator`, for shares such as 34/32 bytes per element.
  func scaled(_ numerator: UInt64, _ denominator: UInt64) -> UInt64? {
    times(numerator).map { $0 / Swift.max(denominator, 1) }
  }
}
