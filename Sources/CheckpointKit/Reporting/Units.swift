/// Human-readable numbers without Foundation: `134.5M`, `8.03B`, `96.6 MB`, `134,515,008`.
/// Sizes use SI units (1 MB = 10^6 bytes), the same base as parameter counts.
public enum Units {
  /// `134,515,008`.
  public static func grouped(_ value: UInt64) -> String {
    let digits = String(value)
    var out = ""
    for (k, ch) in digits.enumerated() {
      if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return out
  }

  /// Parameter counts: `8.03B`, `134.5M`, `85.0K`, `512`.
  public static func count(_ value: UInt64) -> String {
    let v = Double(value)
    if value >= 1_000_000_000_000 { return fixed(v / 1e12, 2) + "T" }
    if value >= 1_000_000_000 { return fixed(v / 1e9, 2) + "B" }
    if value >= 1_000_000 { return fixed(v / 1e6, 1) + "M" }
    if value >= 1_000 { return fixed(v / 1e3, 1) + "K" }
    return String(value)
  }

  /// Byte sizes with three significant digits: `1.79 MB`, `96.6 MB`, `141 GB`.
  public static func bytes(_ value: UInt64) -> String {
    if value < 1000 { return "\(value) B" }
    let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
    var v = Double(value) / 1000
    var unit = 0
    while v >= 999.5 && unit < units.count - 1 {
      v /= 1000
      unit += 1
    }
    let decimals = v < 9.995 ? 2 : (v < 99.95 ? 1 : 0)
    return fixed(v, decimals) + " " + units[unit]
  }

  /// A percentage of `part` in `whole` with one decimal: `21.0%`.
  public static func percent(_ part: UInt64, of whole: UInt64) -> String {
    whole == 0 ? "-" : fixed(Double(part) * 100 / Double(whole), 1) + "%"
  }

  /// `x` rounded to `decimals` places, written without exponent.
  public static func fixed(_ x: Double, _ decimals: Int) -> String {
    guard x.isFinite else { return String(x) }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = x < 0
    let scaled = (abs(x) * scale).rounded()
    guard scaled < 9e18 else { return String(x) }
    let n = UInt64(scaled)
    let s = UInt64(scale)
    var text = String(n / s)
    if decimals > 0 {
      let fraction = String(n % s)
      text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return (negative && n > 0 ? "-" : "") + text
  }
}
