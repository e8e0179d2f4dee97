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
    var widths = [Int](repeating: 0, count: alignments.count)
    for row in rows {
      for (k, cell) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], cell.count) }
    }
    var lines: [String] = []
    for row in rows {
      var line = String(repeating: " ", count: indent)
      for (k, cell) in row.enumerated() where k < widths.count {
        let fill = String(repeating: " ", count: widths[k] - cell.count)
        let last = k == row.count - 1
        switch alignments[k] {
        case .left: line += cell + (last ? "" : fill)
        case .right: line += fill + cell
        }
        if !last { line += String(repeating: " ", count: gap) }
      }
      while line.hasSuffix(" ") { line.removeLast() }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
