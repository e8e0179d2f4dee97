/// Aligned columns for terminal output. Numbers are right-aligned, text left-aligned; the last
/// column is never padded, so lines carry no trailing spaces. With a `maxWidth`, columns that
/// may give way (`Fit`) are narrowed until the table fits: their cells wrap onto more lines, or
/// lose their middle or their end. A table that fits is laid out as if there were no limit.
struct TextTable {
  enum Alignment { case left, right }

  /// What a column may give up when the table is wider than `maxWidth`.
  enum Fit: Equatable {
    /// Never narrower than its widest cell.
    case keep
    /// Cells wrap at spaces onto more lines, continuation lines `hanging` spaces in; never
    /// narrower than `min` or than its longest word.
    case wrap(min: Int, hanging: Int = 0)
    /// Cells lose their middle (`model.layers.…q_proj.weight`), down to `min` columns.
    case shorten(min: Int)
    /// Cells lose their end (`["<unk>", "<s>", …`), down to `min` columns.
    case cut(min: Int)
  }

  var alignments: [Alignment]
  var fits: [Fit]
  var rows: [[String]] = []
  /// Colours of single cells, by row and column; used only when `style.color` is on.
  var paints: [Int: [Int: Paint]] = [:]
  /// Spaces between columns.
  var gap = 2
  /// Spaces before every line.
  var indent = 0
  /// Columns the table should fit, or nil for no limit.
  var maxWidth: Int?
  /// The columns that give way, in the order they do (default: left to right).
  var order: [Int]?
  /// The first row is a header: a table that cannot fit even with its columns narrowed
  /// becomes one block per row, its first cell on a line, the others as `header value`
  /// under it, wrapped.
  var stacks = false
  var style = TextStyle.plain

  init(_ alignments: [Alignment], fits: [Fit]? = nil) {
    self.alignments = alignments
    self.fits = fits ?? alignments.map { _ in .keep }
  }

  mutating func add(_ row: [String], paint: [Int: Paint] = [:]) {
    if !paint.isEmpty { paints[rows.count] = paint }
    rows.append(row)
  }

  func render() -> String {
    // Each cell's display width once: its Character count, which for ASCII (nearly every cell)
    // is its byte count, without grapheme breaking. A 20,000-row tensor listing spent most of
    // its time counting and concatenating Strings; lines are assembled as bytes.
    let cellWidths = rows.map { $0.map(TextTable.width) }
    var widths = [Int](repeating: 0, count: alignments.count)
    for row in cellWidths {
      for (k, width) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], width) }
    }
    let natural = widths
    var table = self
    if let maxWidth {
      // Columns give way first; if that is not enough, the gaps close to one space; if even
      // that is not enough, rows become blocks.
      if !narrow(&widths, to: maxWidth) {
        table.gap = 1
        widths = natural
        if !table.narrow(&widths, to: maxWidth) && stacks && rows.count > 1 { return renderStacked(maxWidth) }
      }
    }
    if widths == natural && table.gap == gap && (paints.isEmpty || !style.color) { return renderFlat(widths, cellWidths) }
    return table.renderFitted(widths, cellWidths)
  }

  /// Narrows the columns that may give way, in `order`, until the table fits `limit`
  /// columns or none can give more; says whether it fits.
  func narrow(_ widths: inout [Int], to limit: Int) -> Bool {
    let total = indent + widths.reduce(0, +) + gap * max(widths.count - 1, 0)
    var excess = total - limit
    guard excess > 0 else { return true }
    for k in order ?? Array(widths.indices) where excess > 0 && k < widths.count {
      let floor: Int
      switch fits[k] {
      case .keep: continue
      case .wrap(let minimum, let hanging):
        // No word is broken: the longest word (or continuation line's) sets the floor.
        let longest = rows.lazy.filter { k < $0.count }
          .flatMap { $0[k].split(separator: " ").enumerated().map { TextTable.width($0.element) + ($0.offset > 0 ? hanging : 0) } }
          .max() ?? 0
        floor = max(minimum, longest)
      case .shorten(let minimum), .cut(let minimum):
        floor = minimum
      }
      let give = min(excess, max(widths[k] - floor, 0))
      widths[k] -= give
      excess -= give
    }
    return excess <= 0
  }

  /// Every cell on one line, no cell changed: the common case, in bytes.
  func renderFlat(_ widths: [Int], _ cellWidths: [[Int]]) -> String {
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

  /// Cells fitted to narrowed columns (wrapped onto more lines, shortened or cut) and coloured,
  /// assembled as bytes like `renderFlat`: a 20,000-row listing whose names are shortened
  /// takes this path.
  func renderFitted(_ widths: [Int], _ cellWidths: [[Int]]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * (widths.reduce(indent, +) + gap * widths.count + 1))
    func spaces(_ n: Int) {
      if n > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }
    var cells: [[String]] = []
    for (r, row) in rows.enumerated() {
      // Each cell as the lines it takes in its column.
      cells.removeAll(keepingCapacity: true)
      for (k, cell) in row.enumerated() where k < widths.count {
        let w = widths[k]
        guard cellWidths[r][k] > w else {
          cells.append([cell])
          continue
        }
        switch fits[k] {
        case .keep: cells.append([cell])
        case .wrap(_, let hanging):
          let wrapped = TextLayout.wrap(cell, width: w, hanging: hanging)
          cells.append([wrapped[0]] + wrapped.dropFirst().map { String(repeating: " ", count: hanging) + $0 })
        case .shorten: cells.append([TextLayout.shortenMiddle(cell, to: w)])
        case .cut: cells.append([TextLayout.cutEnd(cell, to: w)])
        }
      }
      let height = cells.lazy.map(\.count).max() ?? 1
      for i in 0..<height {
        if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
        let lineStart = out.count
        spaces(indent)
        for (k, cellLines) in cells.enumerated() {
          let text = i < cellLines.count ? cellLines[i] : ""
          let fill = max(widths[k] - TextTable.width(text), 0)
          let last = k == cells.count - 1
          if alignments[k] == .right { spaces(fill) }
          if style.color, let paint = paints[r]?[k], !text.isEmpty {
            out.append(contentsOf: style.paint(text, paint).utf8)
          } else {
            out.append(contentsOf: text.utf8)
          }
          if alignments[k] == .left && !last { spaces(fill) }
          if !last { spaces(gap) }
        }
        while out.count > lineStart && out.last == UInt8(ascii: " ") { out.removeLast() }
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// One block per row under the header: the first cell, then `header value; header value`
  /// wrapped two spaces deeper.
  func renderStacked(_ limit: Int) -> String {
    let header = rows[0]
    var lines: [String] = []
    let pad = String(repeating: " ", count: indent)
    for (r, row) in rows.enumerated().dropFirst() {
      guard let first = row.first else { continue }
      lines += TextLayout.wrap(first, width: limit - indent, hanging: 2).enumerated().map {
        pad + ($0.offset > 0 ? "  " : "") + style.paint($0.element, $0.offset == 0 ? paints[r]?[0] : nil)
      }
      let fields = row.indices.dropFirst().filter { !row[$0].isEmpty }.map { k in
        (k < header.count && !header[k].isEmpty ? header[k] + " " : "") + row[k]
      }
      guard !fields.isEmpty else { continue }
      var body = TextLayout.wrap(fields.joined(separator: "; "), width: limit - indent - 2, hanging: 2)
      // Colour the cells that have one, where they ended up.
      if style.color, let painted = paints[r] {
        for (k, paint) in painted where k > 0 && k < row.count {
          for i in body.indices {
            if let range = body[i].firstRange(of: row[k]) {
              body[i].replaceSubrange(range, with: style.paint(row[k], paint))
              break
            }
          }
        }
      }
      lines += body.enumerated().map { pad + "  " + ($0.offset > 0 ? "  " : "") + $0.element }
    }
    return lines.joined(separator: "\n")
  }

  static func width(_ cell: String) -> Int {
    cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : TextLayout.width(cell)
  }

  static func width(_ cell: Substring) -> Int {
    cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : TextLayout.width(cell)
  }
}
