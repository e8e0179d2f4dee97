/// One status line on standard error, rewritten in place (callers show it on a terminal only).
enum Progress {
  static func show(_ line: String) {
    StandardError.write("\r\u{1B}[K" + line)
  }

  static func clear() {
    StandardError.write("\r\u{1B}[K")
  }
}
