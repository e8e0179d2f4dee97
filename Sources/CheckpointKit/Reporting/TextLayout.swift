/// Fitting text into columns: words wrapped with a hanging indent, names shortened in the
/// middle, values cut at the end. Widths are counted in Characters, ANSI colour codes excluded.
public enum TextLayout {
  /// Display columns of `text`: its Characters, without ANSI escape sequences.
  public static func width(_ text: some StringProtocol) -> Int {
    let utf8 = text.utf8
    if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x80 }) { return utf8.count }
    var count = 0
    var inEscape = false
    for ch in text {
      if inEscape {
        if let ascii = ch.asciiValue, ascii >= 0x40 && ascii <= 0x7E && ch != "[" { inEscape = false }
        continue
      }
      if ch == "\u{1B}" {
        inEscape = true
        continue
      }
      count += 1
    }
    return count
  }

  /// `text` in lines of at most `width` columns, broken at spaces: the first line starts at
  /// column 0 of the given width, later ones are meant to follow `hanging` spaces, so they get
  /// `width - hanging` columns (the spaces are not added here). A word longer than a line is
  /// broken where the line ends.
  public static func wrap(_ text: String, width: Int, hanging: Int = 0) -> [String] {
    let first = max(width, 1)
    let rest = max(width - hanging, 1)
    var lines: [String] = []
    var line = ""
    var lineWidth = 0
    var limit = first
    func flush() {
      lines.append(line)
      line = ""
      lineWidth = 0
      limit = rest
    }
    for word in words(text) {
      var word = word
      var w = TextLayout.width(word)
      if lineWidth > 0 && lineWidth + 1 + w > limit { flush() }
      // A word wider than a whole line is cut into line-long pieces.
      while w > limit {
        if lineWidth > 0 { flush() }
        let piece = prefix(word, columns: limit)
        line = String(piece)
        word = word[piece.endIndex...]
        w = TextLayout.width(word)
        flush()
      }
      guard !word.isEmpty else { continue }
      if lineWidth > 0 {
        line += " "
        lineWidth += 1
      }
      line += word
      lineWidth += w
    }
    if lineWidth > 0 || lines.isEmpty { lines.append(line) }
    return lines
  }

  /// The words of `text` (runs between spaces), found over its bytes with a plain loop: splitting
  /// Characters costs a grapheme break per character, and the generic `split` instantiates its
  /// metadata at run time (~200K instructions at the first call, in every process).
  static func words(_ text: String) -> [Substring] {
    var words: [Substring] = []
    let utf8 = text.utf8
    var start: String.Index?
    var i = utf8.startIndex
    while i != utf8.endIndex {
      if utf8[i] == UInt8(ascii: " ") {
        if let s = start { words.append(text[s..<i]) }
        start = nil
      } else if start == nil {
        start = i
      }
      i = utf8.index(after: i)
    }
    if let s = start { words.append(text[s...]) }
    return words
  }

  /// Whether every line of `text` fits in `width` columns, decided over the bytes (a line of no
  /// more bytes than columns fits; only longer ones are measured in columns).
  static func longestLine(_ text: String, fitting width: Int) -> Bool {
    let utf8 = text.utf8
    var lineStart = utf8.startIndex
    var count = 0
    var i = utf8.startIndex
    while true {
      let atEnd = i == utf8.endIndex
      if atEnd || utf8[i] == UInt8(ascii: "\n") {
        if count > width && TextLayout.width(text[lineStart..<i]) > width { return false }
        if atEnd { return true }
        i = utf8.index(after: i)
        lineStart = i
        count = 0
        continue
      }
      count += 1
      i = utf8.index(after: i)
    }
  }

  /// The longest prefix of `text` of at most `columns` display columns (escape codes kept whole).
  static func prefix(_ text: Substring, columns: Int) -> Substring {
    var count = 0
    var inEscape = false
    var end = text.startIndex
    for index in text.indices {
      let ch = text[index]
      if inEscape {
        if let ascii = ch.asciiValue, ascii >= 0x40 && ascii <= 0x7E && ch != "[" { inEscape = false }
      } else if ch == "\u{1B}" {
        inEscape = true
      } else {
        if count == columns { break }
        count += 1
      }
      end = text.index(after: index)
    }
    return text[..<end]
  }

  /// `name` in at most `width` columns, its middle replaced by `…` when it must be:
  /// `model.lan…0.self_attn.q_proj.weight`. What is kept are whole dot-separated segments from
  /// the end (the layer and the tensor: what tells rows apart) and the first segment when it is
  /// short (`model.`, `blk.`); characters left over go to the start, so that
  /// `model.vision_tower.…` and `model.language_model.…` still differ (or, when only a generic
  /// last segment such as `weight` fits whole, to the end).
  public static func shortenMiddle(_ name: String, to width: Int) -> String {
    // Tensor names are ASCII: their bytes are their characters (Characters cost a grapheme
    // break each, and a 20,000-row listing shortens every name).
    if name.utf8.allSatisfy({ $0 < 0x80 }) {
      guard let short = shortenMiddle(Array(name.utf8), to: width, ellipsis: Array("…".utf8), dot: UInt8(ascii: ".")) else { return name }
      return String(decoding: short, as: UTF8.self)
    }
    return shortenMiddle(Array(name), to: width, ellipsis: ["…"], dot: ".").map { String($0) } ?? name
  }

  /// The shortening, over bytes or Characters; nil when `chars` fits. The ellipsis counts as
  /// one column whatever its length in elements.
  static func shortenMiddle<C: Equatable>(_ chars: [C], to width: Int, ellipsis: [C], dot: C) -> [C]? {
    guard chars.count > width else { return nil }
    guard width >= 2 else { return Array(chars.prefix(width)) }
    let keep = width - 1
    var head = 0
    if let first = chars.firstIndex(of: dot), first + 1 <= keep / 4 { head = first + 1 }
    // The tail starts after a dot, as far left as the budget allows.
    var tailStart = chars.count
    var k = chars.count - 1
    while k > head {
      if chars[k - 1] == dot {
        if chars.count - k + head > keep { break }
        tailStart = k
      }
      k -= 1
    }
    if tailStart == chars.count {
      // Not even the last segment fits: cut inside it, a third kept from the start.
      let front = keep / 3
      return Array(chars[..<front]) + ellipsis + Array(chars[(chars.count - (keep - front))...])
    }
    let spare = keep - head - (chars.count - tailStart)
    if spare >= 2 {
      // A tail of one generic segment (`weight`) gets the spare characters itself:
      // `model.…ention_layernorm.weight` says more than `model.language_model.layers.…weight`.
      if !chars[tailStart...].contains(dot) { tailStart -= spare } else { head += spare }
    }
    return Array(chars[..<head]) + ellipsis + Array(chars[tailStart...])
  }

  /// `text` in at most `width` columns, cut at the end with `…` when it must be.
  public static func cutEnd(_ text: String, to width: Int) -> String {
    guard TextLayout.width(text) > width, width >= 1 else { return text }
    return String(prefix(Substring(text), columns: width - 1)) + "…"
  }

  /// Every line of `text` in at most `width` columns. A line that is too long is broken at
  /// spaces; its continuation lines start under its value column when it has one (the first
  /// text after a run of two spaces, as in `  head         tied to …`), under itself when it
  /// continues such a column, else two spaces deeper than the line. A paragraph already
  /// wrapped that way (a line, then lines two spaces deeper) is joined and wrapped again when
  /// one of its lines is too long, so it does not come out ragged. A line of a single word (a
  /// long path) is left as it is. What the reports lay out themselves already fits: this is
  /// for what does not (the memory table, lines naming a long path) so that nothing wraps
  /// mid-word.
  public static func fit(_ text: String, width: Int) -> String {
    // The common case, every line fits, is decided over the bytes: splitting a report into
    // Characters cost more than the rest of the summary (~0.6M instructions on SmolLM2's).
    if longestLine(text, fitting: width) { return text }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    var lastColumn: Int?
    var k = 0
    while k < lines.count {
      let line = lines[k]
      let indent = line.prefix { $0 == " " }.count
      let column = valueColumn(line, indent: indent)
      // The paragraph this line starts: lines two deeper, without a column of their own.
      var end = k + 1
      if column == nil {
        while end < lines.count, lines[end].prefix(while: { $0 == " " }).count == indent + 2,
          valueColumn(lines[end], indent: indent + 2) == nil
        {
          end += 1
        }
      }
      let paragraph = lines[k..<end]
      defer { k = end }
      if let column { lastColumn = column }
      // A line of one word (a path) is left whole: broken, it could not be copied.
      guard paragraph.contains(where: { TextLayout.width($0) > width }),
        paragraph.count > 1 || line.dropFirst(indent).contains(" ")
      else {
        out += paragraph.map(String.init)
        continue
      }
      let joined = paragraph.map { $0.drop { $0 == " " } }.joined(separator: " ")
      let pad = String(repeating: " ", count: indent)
      if let c = column, c <= width / 2 {
        // A line with a column is a paragraph of its own.
        let wrapped = wrap(String(line.dropFirst(c)), width: width - c)
        out.append(String(line.prefix(c)) + wrapped[0])
        out += wrapped.dropFirst().map { String(repeating: " ", count: c) + $0 }
      } else {
        // Under the column it continues, else two deeper.
        let hanging = column == nil && indent == lastColumn ? 0 : min(2, max(width / 2 - indent, 0))
        let wrapped = wrap(joined, width: width - indent, hanging: hanging)
        out.append(pad + wrapped[0])
        out += wrapped.dropFirst().map { pad + String(repeating: " ", count: hanging) + $0 }
      }
    }
    return out.joined(separator: "\n")
  }

  /// The column of a line's value: the first character after two or more spaces past the
  /// indent, or nil.
  static func valueColumn(_ line: Substring, indent: Int) -> Int? {
    var spaces = 0
    var position = indent
    for ch in line.dropFirst(indent) {
      if ch == " " {
        spaces += 1
      } else {
        if spaces >= 2 { return position }
        spaces = 0
      }
      position += 1
    }
    return nil
  }
}
