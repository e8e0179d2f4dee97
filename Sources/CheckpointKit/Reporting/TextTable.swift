/// Aligned columns for terminal output. Numbers are right-aligned, text left-aligned; the last
/// column is never padded, so lines carry no trailing spaces.
struct TextTable {
  enum Alignment { case left, right }

  var alignments: [Alignment]
  var rows: [[String]] = []
  /// Spaces between columns.
  var gap = 2
  /// Spaces before every line.
  var indent = 0

  init(_ alignments: [Alignment]) {
    self.alignments = alignments
  }

  mutating func add(_ row: [String]) {
    rows.append(row)
  }

  func render() -> String {
    // Each cell's display width once: its Character count, which for ASCII (nearly every cell)
    // is its byte count, without grapheme breaking. A 20,000-row tensor listing spent most of
    // its time counting and concatenating Strings; lines are now assembled as bytes.
    let cellWidths = rows.map { $0.map(TextTable.width) }
    var widths = [Int](repeating: 0, count: alignments.count)
    for row in cellWidths {
      for (k, width) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], width) }
    }
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * (widths.reduce(indent, +) + gap * widths.count + 1))
    func spaces(_ n: Int) {
      if n > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }
    for (r, row) in rows.enumerated() {
      if r > 0 { out.append(UInt8(ascii: "\n")) }
      let lineStart = out.count
      spaces(indent)
      for (k, cell) in row.enumerated() where k < widths.count {
        let fill = widths[k] - cellWidths[r][k]
        let last = k == row.count - 1
        switch alignments[k] {
        case .left:
          out.append(contentsOf: cell.utf8)
          if !last { spaces(fill) }
        case .right:
          spaces(fill)
          out.append(contentsOf: cell.utf8)
        }
        if !last { spaces(gap) }
      }
      while out.count > lineStart && out.last == UInt8(ascii: " ") { out.removeLast() }
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func width(_ cell: String) -> Int {
    cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count
  }
}
