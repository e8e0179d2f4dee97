/// A shell-style pattern for tensor names: `*` matches any run of characters (dots included),
/// `?` one character; everything else matches itself. `blk.0.*` selects block 0 of a GGUF.
/// A pattern without `*` or `?` matches anywhere in the name (`token_embd` finds
/// `token_embd.weight`), as a user typing a bare word expects.
public struct NamePattern: Sendable {
  let pattern: [Character]

  public init(_ pattern: String) {
    let wildcard = pattern.contains("*") || pattern.contains("?")
    self.pattern = wildcard ? Array(pattern) : Array("*" + pattern + "*")
  }

  public func matches(_ name: some StringProtocol) -> Bool {
    let text = Array(name)
    // Iterative matcher with one backtrack point: linear in practice, never exponential.
    var p = 0, t = 0
    var star = -1, resume = 0
    while t < text.count {
      if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
        p += 1
        t += 1
      } else if p < pattern.count && pattern[p] == "*" {
        star = p
        resume = t
        p += 1
      } else if star >= 0 {
        p = star + 1
        resume += 1
        t = resume
      } else {
        return false
      }
    }
    while p < pattern.count && pattern[p] == "*" { p += 1 }
    return p == pattern.count
  }
}

/// Orders for the tensor listing.
public enum TensorOrder: String, CaseIterable, Sendable {
  /// As stored: by file, then by offset.
  case file
  case name
  /// Largest first.
  case bytes
  /// Most elements first.
  case elements
  case dtype
  case component

  public func sorted(_ tensors: [TensorRecord]) -> [TensorRecord] {
    // Sorting enumerated pairs keeps ties in file order, so output is stable.
    let indexed = Array(tensors.enumerated())
    func by<K: Comparable>(_ key: (TensorRecord) -> K) -> [TensorRecord] {
      indexed.sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
    }
    switch self {
    case .file: return tensors
    case .name: return by(\.name)
    case .bytes: return indexed.sorted { ($0.element.bytes ?? 0, $1.offset) > ($1.element.bytes ?? 0, $0.offset) }.map(\.element)
    case .elements: return indexed.sorted { ($0.element.elements, $1.offset) > ($1.element.elements, $0.offset) }.map(\.element)
    case .dtype: return by(\.dtype)
    case .component: return by(\.component)
    }
  }
}
