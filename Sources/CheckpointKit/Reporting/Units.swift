/// Human-readable numbers without Foundation: `134.5M`, `8.03B`, `96.6 MB`, `134,515,008`.
/// Sizes use SI units (1 MB = 10^6 bytes), the same base as parameter counts; memory estimates
/// use binary units (`binary`: 1 GiB = 2^30 bytes). Every integer of four digits or more that
/// is written out whole is grouped in thousands, wherever it appears.
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

  /// Bytes as a size (`96.6 MB`), or with `exact` as a whole number (`96,576,768`).
  public static func bytes(_ value: UInt64, exact: Bool) -> String {
    exact ? grouped(value) : bytes(value)
  }

  /// Binary sizes: `256 B`, `114.4 KiB`, `12.5 MiB` below 100 MiB, then `0.18 GiB`, `28.1 GiB`,
  /// and from 1024 GiB up `1.02 TiB` (a 70B model's full fine-tuning is 1.03 TiB, not
  /// `1051.2 GiB`).
  public static func binary(_ value: UInt64) -> String {
    if value < 1024 { return "\(value) B" }
    if value < 1 << 20 { return fixed(Double(value) / 1024, 1) + " KiB" }
    let gib = Double(value) / Double(1 << 30)
    if gib < 0.1 { return fixed(Double(value) / Double(1 << 20), 1) + " MiB" }
    var v = gib
    var unit = "GiB"
    // 1023.95 GiB would print as 1024.0 GiB: from there it is 1.00 TiB.
    for next in ["TiB", "PiB", "EiB"] where v >= 1023.95 {
      v /= 1024
      unit = next
    }
    return fixed(v, v < 10 ? 2 : 1) + " " + unit
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
