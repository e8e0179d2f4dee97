/// A parameter count as people write it in names: `7B`, `135M`, `1.5B`, `8x7B`, `A3B` (active).
public struct SizeLabel: Equatable, Sendable {
  public enum Kind: String, Sendable {
    /// The whole model: `7B`.
    case total
    /// Parameters used per token of a MoE: the `A3B` of `30B-A3B`.
    case active
    /// Experts x size: `8x7B` (a headline, not a count: the experts share attention and embeddings).
    case experts
  }

  public var text: String
  public var value: UInt64
  public var kind: Kind
  /// For `8x7B`: 8.
  public var expertCount: Int?
  /// Half the unit of the label's last digit: `7B` stands for 6.5B-7.5B, `1.5B` for 1.45B-1.55B.
  public var rounding: UInt64

  /// Every size label in `text` (a file name, `general.size_label`, `general.name`).
  /// Quantization names (`Q4_K_M`, `IQ2_XS`), versions (`v0.1`) and bit widths (`4bit`) are not
  /// labels: a label is digits (maybe with a decimal part) then K, M, B or T, standing alone
  /// between separators, optionally preceded by `A` (active) or `Nx` (experts).
  /// `allowThousands`: accept `K` labels. Off for names, where `8k` and `128k` are context lengths.
  public static func find(in text: String, allowThousands: Bool = false) -> [SizeLabel] {
    let chars = Array(text)
    var labels: [SizeLabel] = []
    var i = 0
    while i < chars.count {
      // A label starts after a separator (or at the start).
      guard i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == ".") else {
        i += 1
        continue
      }
      var k = i
      var kind = Kind.total
      var experts: Int?
      if chars[k] == "A" || chars[k] == "a", k + 1 < chars.count, chars[k + 1].isASCIIDigit {
        kind = .active
        k += 1
      }
      // Optional `Nx` prefix.
      var digits = ""
      while k < chars.count && chars[k].isASCIIDigit { digits.append(chars[k]); k += 1 }
      if kind == .total, !digits.isEmpty, k < chars.count, chars[k] == "x" || chars[k] == "X", k + 1 < chars.count, chars[k + 1].isASCIIDigit {
        experts = Int(digits)
        kind = .experts
        digits = ""
        k += 1
        while k < chars.count && chars[k].isASCIIDigit { digits.append(chars[k]); k += 1 }
      }
      var fraction = ""
      if !digits.isEmpty, k + 1 < chars.count, chars[k] == ".", chars[k + 1].isASCIIDigit {
        k += 1
        while k < chars.count && chars[k].isASCIIDigit { fraction.append(chars[k]); k += 1 }
      }
      let unit: UInt64?
      switch k < chars.count ? chars[k] : " " {
      case "K", "k": unit = allowThousands ? 1_000 : nil
      case "M", "m": unit = 1_000_000
      case "B", "b": unit = 1_000_000_000
      case "T", "t": unit = 1_000_000_000_000
      default: unit = nil
      }
      let end = k + 1
      let standsAlone = end >= chars.count || !(chars[end].isLetter || chars[end].isNumber)
      // An `Nx` label needs 1 to 9999 experts (`0x7B` is not a model, and divides by zero later).
      let expertsOK = kind != .experts || (experts.map { $0 >= 1 && $0 <= 9999 } ?? false)
      if let unit, !digits.isEmpty, standsAlone, digits.count <= 4, fraction.count <= 3, expertsOK,
        let whole = UInt64(digits)
      {
        var scale: UInt64 = 1
        for _ in 0..<fraction.count { scale *= 10 }
        let part = UInt64(fraction) ?? 0
        let value = whole * unit + part * (unit / scale)
        // `0B` or `A0T` claims nothing.
        guard value > 0 else {
          i = end
          continue
        }
        labels.append(
          SizeLabel(
            text: String(chars[i..<end]), value: kind == .experts ? value.times(UInt64(count: experts ?? 1)) : value, kind: kind,
            expertCount: experts, rounding: unit / scale / 2))
        i = end
        continue
      }
      i += 1
    }
    return labels
  }
}
