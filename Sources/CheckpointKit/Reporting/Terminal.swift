/// How a text report is laid out for where it goes: the columns it must fit and whether it may
/// colour what needs attention.
public struct TextStyle: Equatable, Sendable {
  /// Columns every line must fit.
  public var width: Int
  /// ANSI colour for findings, UNEXPLAINED results, invalid inputs.
  public var color: Bool

  public init(width: Int = 80, color: Bool = false) {
    self.width = max(width, Terminal.minimumWidth)
    self.color = color
  }

  /// 80 columns, no colour: what a pipe gets.
  public static let plain = TextStyle()

  /// `text` in `paint` when colour is on.
  public func paint(_ text: String, _ paint: Paint?) -> String {
    guard color, let paint, !text.isEmpty else { return text }
    return paint.code + text + Paint.reset
  }
}

/// The few ANSI colours the reports use.
public enum Paint: Sendable {
  /// Errors, findings, UNEXPLAINED, invalid.
  case error
  /// Warnings.
  case warning

  var code: String {
    switch self {
    case .error: "\u{1B}[1;31m"
    case .warning: "\u{1B}[33m"
    }
  }

  static let reset = "\u{1B}[0m"
}

/// The terminal a stream goes to: its width and whether it takes colour.
public enum Terminal {
  /// `--color`: `auto` colours a terminal unless `NO_COLOR` is set or `TERM` is `dumb`.
  public enum ColorMode: String, CaseIterable, Sendable {
    case auto, always, never
  }

  /// Narrower than this, no table can keep its columns; layouts are made for this width and
  /// the lines are as short as they can be.
  public static let minimumWidth = 40

  /// Columns of the terminal `fd` writes to: `COLUMNS` when it holds a positive number (the
  /// user's override, as environ(7) describes it), else the terminal's own width
  /// (TIOCGWINSZ), else 80 (a pipe or a file).
  public static func width(of fd: Int32 = 1) -> Int {
    if let text = environment("COLUMNS"), let columns = Int(text), columns > 0 { return columns }
    return Environment.terminalColumns(of: fd) ?? 80
  }

  /// Whether output to `fd` gets colour under `mode`. `always` wins over `NO_COLOR`: the flag
  /// is the more specific request (no-color.org lets explicit options override it).
  public static func usesColor(_ mode: ColorMode, fd: Int32) -> Bool {
    switch mode {
    case .always: return true
    case .never: return false
    case .auto:
      if let value = environment("NO_COLOR"), !value.isEmpty { return false }
      if environment("TERM") == "dumb" { return false }
      return Environment.isTerminal(fd)
    }
  }

  /// The style of standard output under `mode`.
  public static func style(_ mode: ColorMode) -> TextStyle {
    TextStyle(width: width(of: 1), color: usesColor(mode, fd: 1))
  }

  static func environment(_ name: String) -> String? {
    Environment.get(name)
  }

  /// Makes `width(of:)` answer `columns` from now on, for this process and the ones it starts
  /// (it sets `COLUMNS`).
  public static func setWidth(_ columns: Int) {
    Environment.set("COLUMNS", String(columns))
  }
}
